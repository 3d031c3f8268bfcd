package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"shuyu/internal/errs"
)

// Result is a kept result of a review query: its handle, until a reviewer
// releases it (release is the grant's later work; it hashes what leaves
// with the same SHA-256).
type Result struct {
	QueryID string `json:"query_id"`
	Rows    int    `json:"rows"`
	// SHA256 is the hash of the stored file, what a release records.
	SHA256 string `json:"sha256"`
	// Path is where the result is kept inside the domain; never shown.
	Path string `json:"-"`
}

// ResultsDir is where an organization's results are kept: its workspace
// in the domain, whose deletion on exit removes them with it.
func ResultsDir(domainDir, org string) string {
	return filepath.Join(domainDir, "workspaces", org, "results")
}

// StoreResult writes a result into the organization's results area of the
// domain (0600, written to a temporary name then renamed) and returns its
// handle with the SHA-256 of the stored bytes.
func StoreResult(domainDir, org, queryID string, columns []string, rows [][]any) (Result, error) {
	if !orgID.MatchString(org) || !segment.MatchString(queryID) {
		return Result{}, errs.E(errs.Invalid, "organization and query IDs must be letters, digits or '-'")
	}
	dir := ResultsDir(domainDir, org)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Result{}, fmt.Errorf("sandbox: results: %w", err)
	}
	b, err := json.Marshal(struct {
		QueryID string   `json:"query_id"`
		Columns []string `json:"columns"`
		Rows    [][]any  `json:"rows"`
	}{queryID, columns, rows})
	if err != nil {
		return Result{}, fmt.Errorf("sandbox: results: %w", err)
	}
	path := filepath.Join(dir, queryID+".json")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return Result{}, fmt.Errorf("sandbox: results: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return Result{}, fmt.Errorf("sandbox: results: %w", err)
	}
	h := sha256.Sum256(b)
	return Result{QueryID: queryID, Rows: len(rows), SHA256: hex.EncodeToString(h[:]), Path: path}, nil
}

// plain turns an engine value into a JSON value: dates as YYYY-MM-DD,
// times in RFC 3339, decimals and huge integers as numbers when exact
// enough, else strings.
func plain(v any) any {
	switch v := v.(type) {
	case time.Time:
		if v.Hour() == 0 && v.Minute() == 0 && v.Second() == 0 && v.Nanosecond() == 0 {
			return v.Format(time.DateOnly)
		}
		return v.UTC().Format(time.RFC3339Nano)
	case duckdb.Decimal:
		return json.Number(v.String())
	case *big.Int:
		if v.IsInt64() {
			return v.Int64()
		}
		return v.String()
	case []byte:
		return hex.EncodeToString(v)
	case duckdb.Interval:
		return fmt.Sprintf("%d months %d days %d µs", v.Months, v.Days, v.Micros)
	case duckdb.UUID, []any, map[string]any, duckdb.Map:
		return fmt.Sprint(v)
	}
	return v
}
