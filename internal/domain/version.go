package domain

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// Column is a declared column of a dataset: a name and one of the catalog's
// field types (text, integer, decimal, date, timestamp, boolean).
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// engineType is the DuckDB type that stores a field type.
var engineType = map[string]string{
	"text":      "VARCHAR",
	"integer":   "BIGINT",
	"decimal":   "DECIMAL(18,4)",
	"date":      "DATE",
	"timestamp": "TIMESTAMP",
	"boolean":   "BOOLEAN",
}

// Version is one immutable version of a dataset in the domain.
type Version struct {
	ID             string    `json:"id"`
	DatasetID      string    `json:"dataset_id"`
	Seq            int       `json:"seq"`
	Rows           int64     `json:"rows"`
	Bytes          int64     `json:"bytes"`
	SHA256         string    `json:"sha256"`
	SourceBytes    int64     `json:"source_bytes"`
	SourceSHA256   string    `json:"source_sha256"`
	SourceFormat   string    `json:"source_format"`
	SourceEncoding string    `json:"source_encoding"`
	Columns        []Column  `json:"columns"`
	CreatedBy      string    `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
}

const versionColumns = `id, dataset_id, seq, rows, bytes, sha256, source_bytes, source_sha256, source_format, source_encoding, columns, created_by, created_at`

func scanVersion(row interface{ Scan(...any) error }) (Version, error) {
	var (
		v       Version
		columns string
	)
	err := row.Scan(&v.ID, &v.DatasetID, &v.Seq, &v.Rows, &v.Bytes, &v.SHA256, &v.SourceBytes, &v.SourceSHA256,
		&v.SourceFormat, &v.SourceEncoding, &columns, &v.CreatedBy, &v.CreatedAt)
	if err != nil {
		return v, err
	}
	v.CreatedAt = v.CreatedAt.UTC()
	return v, json.Unmarshal([]byte(columns), &v.Columns)
}

// path is where a version's Parquet file lives.
func (d *Domain) path(datasetID, versionID string) string {
	return filepath.Join(d.datasetsDir(), datasetID, versionID+".parquet")
}

// Current returns the current (latest) version of a dataset; not found when
// nothing was stored yet.
func (d *Domain) Current(ctx context.Context, datasetID string) (Version, error) {
	v, err := scanVersion(d.db.QueryRow(ctx, `SELECT `+versionColumns+` FROM dataset_versions WHERE dataset_id = $1 ORDER BY seq DESC LIMIT 1`, datasetID))
	if store.IsNoRows(err) {
		return v, errs.E(errs.NotFound, "dataset %s has no version yet", datasetID)
	}
	return v, err
}

// Versions lists a dataset's versions, newest first.
func (d *Domain) Versions(ctx context.Context, datasetID string) ([]Version, error) {
	rows, err := d.db.Query(ctx, `SELECT `+versionColumns+` FROM dataset_versions WHERE dataset_id = $1 ORDER BY seq DESC`, datasetID)
	if err != nil {
		return nil, fmt.Errorf("domain: versions: %w", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// CurrentOf returns the current version of each dataset that has one.
func (d *Domain) CurrentOf(ctx context.Context, datasetIDs []string) (map[string]Version, error) {
	out := map[string]Version{}
	if len(datasetIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(datasetIDs))
	for i, id := range datasetIDs {
		args[i] = id
	}
	rows, err := d.db.Query(ctx, `SELECT `+prefixed("v.", versionColumns)+` FROM dataset_versions v
		JOIN (SELECT dataset_id, MAX(seq) AS seq FROM dataset_versions WHERE dataset_id IN (`+store.Placeholders(1, len(args))+`) GROUP BY dataset_id) m
		ON m.dataset_id = v.dataset_id AND m.seq = v.seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("domain: current versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out[v.DatasetID] = v
	}
	return out, rows.Err()
}

// prefixed qualifies each column of a list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ", ")
	for i, p := range parts {
		parts[i] = alias + p
	}
	return strings.Join(parts, ", ")
}
