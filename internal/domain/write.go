package domain

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// Source describes a version's origin as the provider sent it.
type Source struct {
	Format   string // csv, xlsx, parquet, postgres, mysql
	Encoding string // of a CSV source: utf-8, gb18030
	Bytes    int64
	SHA256   string
}

// Input is a source ready for the engine: a UTF-8 CSV file with a header
// row (any column order), or a Parquet file, inside the domain.
type Input struct {
	DatasetID string
	Columns   []Column
	Path      string
	Parquet   bool
	Source    Source
	// Record, when set, runs inside the transaction that records the
	// version, so that what the caller keeps about it (a scheduled pull's
	// state) commits or fails with the version; an error refuses the version.
	Record func(ctx context.Context, tx *store.Tx, v Version) error
}

// Problem is one value that does not fit its declared column.
type Problem struct {
	Line   int64  `json:"line"` // 1 is the header; for Parquet, the row number
	Column string `json:"column,omitempty"`
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`
}

// MaxProblems is how many problems a refusal lists.
const MaxProblems = 100

// Store checks every value of in against the declared columns and stores it
// as the dataset's next version. Nothing is kept unless everything fits: a
// refusal lists the first problems, and the previous version stays current.
// The version becomes visible, with its ledger entry, in one transaction,
// after its file is complete on disk.
func (d *Domain) Store(ctx context.Context, by ledger.Actor, in Input) (Version, error) {
	v := Version{ID: store.NewID(), DatasetID: in.DatasetID, SourceBytes: in.Source.Bytes, SourceSHA256: in.Source.SHA256,
		SourceFormat: in.Source.Format, SourceEncoding: in.Source.Encoding, Columns: in.Columns, CreatedBy: by.UserID}
	tmp := filepath.Join(d.tmpDir(), v.ID+".parquet")
	defer os.Remove(tmp)
	rows, err := d.convert(ctx, in, tmp)
	if err != nil {
		return v, err
	}
	v.Rows = rows
	if err := os.Chmod(tmp, 0o600); err != nil { // raw data: for this process only
		return v, fmt.Errorf("domain: %w", err)
	}
	if v.Bytes, v.SHA256, err = hashFile(tmp); err != nil {
		return v, err
	}
	final := d.path(in.DatasetID, v.ID)
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return v, fmt.Errorf("domain: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return v, fmt.Errorf("domain: keep version: %w", err)
	}
	syncDir(filepath.Dir(final))
	if d.tables != nil {
		if err := d.tables.Load(ctx, d.duck, v.ID, final, v.Columns); err != nil {
			os.Remove(final)
			return v, fmt.Errorf("domain: load version into PostgreSQL: %w", err)
		}
	}
	columns, _ := json.Marshal(v.Columns)
	err = d.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM dataset_versions WHERE dataset_id = $1`, v.DatasetID).Scan(&v.Seq); err != nil {
			return err
		}
		v.CreatedAt = d.db.Now()
		if _, err := tx.Exec(ctx, `INSERT INTO dataset_versions (`+versionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			v.ID, v.DatasetID, v.Seq, v.Rows, v.Bytes, v.SHA256, v.SourceBytes, v.SourceSHA256, v.SourceFormat, v.SourceEncoding,
			string(columns), v.CreatedBy, v.CreatedAt); err != nil {
			return err
		}
		if err := d.ledger.Append(ctx, tx, ledger.Record{Actor: by, Action: "dataset.version", ObjectType: "dataset", ObjectID: v.DatasetID,
			Detail: map[string]any{"version_id": v.ID, "seq": v.Seq, "rows": v.Rows, "sha256": v.SHA256, "source_sha256": v.SourceSHA256,
				"source_format": v.SourceFormat, "source_bytes": v.SourceBytes}}); err != nil {
			return err
		}
		if in.Record != nil {
			return in.Record(ctx, tx, v)
		}
		return nil
	})
	if err != nil {
		os.Remove(final)
		if d.tables != nil {
			d.tables.drop(context.Background(), v.ID)
		}
		if errs.CodeOf(err) != errs.Internal {
			return v, err
		}
		return v, fmt.Errorf("domain: record version: %w", err)
	}
	return v, nil
}

// convert writes in to dst as Parquet with the declared types, or returns
// an invalid error listing the problems.
func (d *Domain) convert(ctx context.Context, in Input, dst string) (int64, error) {
	conn, err := d.duck.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("domain: engine: %w", err)
	}
	defer conn.Close()
	var query string
	var problems []Problem
	if in.Parquet {
		query, problems, err = parquetQuery(ctx, conn, in)
	} else if err = dropRejects(ctx, conn); err == nil {
		query, problems, err = csvQuery(in, true)
	}
	if err != nil || len(problems) > 0 {
		return 0, refuse(problems, err)
	}
	res, err := conn.ExecContext(ctx, `COPY (`+query+`) TO `+quote(dst)+` (FORMAT parquet, COMPRESSION zstd)`)
	if err != nil && !in.Parquet && strings.Contains(err.Error(), notWhole) {
		return 0, refuse(csvProblems(ctx, conn, in, true))
	}
	if err != nil {
		return 0, errs.E(errs.Invalid, "the file cannot be read: %s", engineMessage(err))
	}
	if !in.Parquet {
		if problems, err = csvRejects(ctx, conn, in.Columns); err != nil || len(problems) > 0 {
			return 0, refuse(csvProblems(ctx, conn, in, false))
		}
	}
	rows, err := res.RowsAffected()
	if err == nil && rows == 0 {
		// An export that went wrong upstream must not replace the data.
		return 0, errs.E(errs.Invalid, "the file has no rows after its header; a version holds at least one row")
	}
	return rows, err
}

func refuse(problems []Problem, err error) error {
	if err != nil {
		return err
	}
	e := errs.E(errs.Invalid, "the file does not fit the declared fields: %d problem(s)%s; first: line %d, %s", len(problems),
		map[bool]string{true: " or more", false: ""}[len(problems) >= MaxProblems], problems[0].Line, describe(problems[0]))
	e.Details = map[string]any{"problems": problems}
	return e
}

func describe(p Problem) string {
	if p.Column == "" {
		return p.Reason
	}
	return fmt.Sprintf("column %s, value %q: %s", p.Column, p.Value, p.Reason)
}

// engineMessage keeps the first line of an engine error for the provider;
// it is about their own file.
func engineMessage(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}

func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	if err := f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// syncDir makes a rename durable; it is best effort where directories
// cannot be synced.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

// readHeader returns the first record of a CSV file.
func readHeader(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if bom, _ := br.Peek(3); string(bom) == "\ufeff" {
		br.Discard(3) // before the CSV reader, which would take a quote after it for a bare one
	}
	r := csv.NewReader(br)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, errs.E(errs.Invalid, "the file is empty; the first line must name the columns")
	}
	if err != nil {
		return nil, errs.E(errs.Invalid, "line 1: the header cannot be read: %v", err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	return header, nil
}

// matchHeader checks a header against the declared columns, in any order.
func matchHeader(header []string, columns []Column) []Problem {
	declared := map[string]bool{}
	for _, c := range columns {
		declared[c.Name] = true
	}
	var problems []Problem
	seen := map[string]bool{}
	for _, h := range header {
		switch {
		case seen[h]:
			problems = append(problems, Problem{Line: 1, Column: h, Reason: "column named twice in the header"})
		case !declared[h]:
			problems = append(problems, Problem{Line: 1, Column: h, Reason: "not a field of the catalog entry; declare it in the catalog or remove it"})
		}
		seen[h] = true
	}
	for _, c := range columns {
		if !seen[c.Name] {
			problems = append(problems, Problem{Line: 1, Column: c.Name, Reason: "declared field missing from the header"})
		}
	}
	return problems
}
