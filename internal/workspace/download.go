package workspace

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// The formats a released result downloads in.
const (
	CSV  = "csv"
	XLSX = "xlsx"
)

// kept is a result as the sandbox keeps it in the domain.
type kept struct {
	Columns []string `json:"columns"`
	Rows    [][]any  `json:"rows"`
}

// read reads the kept result of query queryID of operator org and checks
// it is the one whose hash was recorded.
func (s *Service) read(org, queryID, sum string) (kept, error) {
	raw, err := os.ReadFile(s.resultPath(org, queryID))
	if errors.Is(err, fs.ErrNotExist) {
		return kept{}, errs.E(errs.NotFound, "the result of query %s is no longer kept in the domain: the operator's workspace was deleted when its agreement ended", queryID)
	}
	if err != nil {
		return kept{}, fmt.Errorf("workspace: the kept result of query %s: %w", queryID, err)
	}
	if h := sha256.Sum256(raw); hex.EncodeToString(h[:]) != sum {
		return kept{}, fmt.Errorf("workspace: the kept result of query %s does not match its recorded SHA-256", queryID)
	}
	var k kept
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&k); err != nil {
		return kept{}, fmt.Errorf("workspace: the kept result of query %s: %w", queryID, err)
	}
	return k, nil
}

// resultPath is where the sandbox keeps the result of query queryID of
// operator org.
func (s *Service) resultPath(org, queryID string) string {
	return filepath.Join(sandbox.ResultsDir(s.domainDir, org), queryID+".json")
}

// renderCSV writes a result as UTF-8 CSV with a byte-order mark (which
// spreadsheet programs need to read Chinese): deterministic, so that the
// hash recorded at release is the hash of every download.
func renderCSV(k kept) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	rec := make([]string, len(k.Columns))
	for i, c := range k.Columns {
		rec[i] = defuse(c)
	}
	w.Write(rec)
	for _, r := range k.Rows {
		rec := make([]string, len(r))
		for i, v := range r {
			switch v := v.(type) {
			case nil:
			case string:
				rec[i] = defuse(v)
			default: // a json.Number or a bool: never a formula
				rec[i] = fmt.Sprint(v)
			}
		}
		w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}

// defuse prefixes with ' a text a spreadsheet would run as a formula (one
// beginning with =, +, -, @, tab or CR), as OWASP advises against CSV
// injection: an analyst's column alias or a value of the data must not run
// on the operator's machine. Numbers are not text here: -3 stays a number.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func renderXLSX(k kept) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	rows := append([][]any{make([]any, len(k.Columns))}, k.Rows...)
	for i, c := range k.Columns {
		rows[0][i] = c
	}
	for i, r := range rows {
		for j, v := range r {
			if n, ok := v.(json.Number); ok {
				if x, err := n.Float64(); err == nil {
					v = x
				}
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellValue("Sheet1", cell, v); err != nil {
				return nil, err
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (s *Service) csvHash(org, queryID, sum string) (string, error) {
	k, err := s.read(org, queryID, sum)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(renderCSV(k))
	return hex.EncodeToString(h[:]), nil
}

// File is a downloaded result.
type File struct {
	Name   string
	Type   string
	Bytes  []byte
	SHA256 string
}

// Download returns the released result of release id as CSV or XLSX, and
// records in the ledger who took it and the SHA-256 of what left. Nothing
// unreleased downloads, for anyone.
func (s *Service) Download(ctx context.Context, p access.Principal, id, format string) (File, error) {
	r, err := getRelease(ctx, s.db, id, "")
	if err != nil {
		return File{}, err
	}
	res, err := s.resource(ctx, r)
	if err != nil {
		return File{}, err
	}
	if err := access.Check(p, access.ReleaseDownload, res); err != nil {
		return File{}, err
	}
	if r.State != Released {
		return File{}, errs.E(errs.Forbidden, "release %s is %s: only a released result leaves the domain", r.ID, r.State)
	}
	k, err := s.read(r.OperatorID, r.QueryID, r.ResultSHA256)
	if err != nil {
		return File{}, err
	}
	f := File{Name: "result-" + r.QueryID + "." + format}
	switch format {
	case CSV:
		f.Type, f.Bytes = "text/csv; charset=utf-8", renderCSV(k)
	case XLSX:
		f.Type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		if f.Bytes, err = renderXLSX(k); err != nil {
			return File{}, err
		}
	default:
		return File{}, errs.E(errs.Invalid, "format: want csv or xlsx, not %q", format)
	}
	h := sha256.Sum256(f.Bytes)
	f.SHA256 = hex.EncodeToString(h[:])
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: "release.download", ObjectType: "release", ObjectID: r.ID,
			Detail: map[string]any{"query_id": r.QueryID, "format": format, "sha256": f.SHA256, "bytes": len(f.Bytes)}})
	})
	return f, err
}
