package ingest_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"shuyu/internal/app/apptest"
	"shuyu/internal/domain"
	"shuyu/internal/errs"
	"shuyu/internal/store/storetest"
)

// ingestCase is one file sent as a new version of a fresh entry that
// already has a version: either it becomes the current version with the
// names it holds, or it is refused with code, a message containing message,
// and the problem (when set) among the details, and the entry is as before.
type ingestCase struct {
	name                       string
	file                       func(t *testing.T) []byte
	filename, format, encoding string
	// on success
	names          []string
	sourceFormat   string
	sourceEncoding string
	// on refusal
	code     errs.Code
	message  string
	problem  *domain.Problem
	problems int // how many problems are listed, when set
}

const header = "name,day,n,amount\n"

// plain is text every encoding holds; rare adds characters beyond GBK: 𠀀
// (U+20000, CJK Extension B) and 䶮 (U+4DAE, in Extension A).
var (
	plain = header + "张三,2026-01-02,1,12.5\n欧阳娜娜,2026-02-03,2,\n"
	rare  = header + "李𠀀,2026-01-02,1,12.5\n刘䶮,2026-02-03,2,0.25\n"
)

func text(s string) func(*testing.T) []byte { return func(*testing.T) []byte { return []byte(s) } }

func gbk(s string) func(*testing.T) []byte {
	return func(t *testing.T) []byte {
		out, err := simplifiedchinese.GBK.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return []byte(out)
	}
}

func gb18030(s string) func(*testing.T) []byte {
	return func(t *testing.T) []byte {
		if _, err := simplifiedchinese.GBK.NewEncoder().String(s); err == nil {
			t.Fatal("the GB18030 sample must hold characters GBK lacks")
		}
		out, err := simplifiedchinese.GB18030.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return []byte(out)
	}
}

// workbook is an XLSX file whose first row names the columns; dates come as
// Excel serial numbers (a time.Time cell) and as text.
func workbook(t *testing.T) []byte {
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range [][]any{
		{"name", "day", "n", "amount"},
		{"张三", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), 1, 12.5},
		{"欧阳娜娜", "2026-02-03", 2},
	} {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// parquet writes what query selects as a Parquet file with DuckDB.
func parquet(query string) func(*testing.T) []byte {
	return func(t *testing.T) []byte {
		db, err := sql.Open("duckdb", "")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		path := filepath.Join(t.TempDir(), "x.parquet")
		if _, err := db.Exec(`COPY (` + query + `) TO '` + path + `' (FORMAT parquet)`); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
}

// badRows is a file with a wrong integer on each of n lines.
func badRows(n int) string {
	var b strings.Builder
	b.WriteString(header)
	for i := range n {
		fmt.Fprintf(&b, "某%d,2026-01-02,x%d,1\n", i, i)
	}
	return b.String()
}

var ingestCases = []ingestCase{
	{name: "csv utf-8", file: text(plain), filename: "a.csv", names: []string{"张三", "欧阳娜娜"}, sourceFormat: "csv", sourceEncoding: "utf-8"},
	{name: "csv utf-8 with a BOM and a quoted header", file: text("\ufeff\"name\",day,n,amount\n张三,2026-01-02,1,12.5\n"),
		filename: "a.csv", names: []string{"张三"}, sourceFormat: "csv", sourceEncoding: "utf-8"},
	{name: "csv utf-8 beyond GBK", file: text(rare), names: []string{"李𠀀", "刘䶮"}, sourceFormat: "csv", sourceEncoding: "utf-8"},
	{name: "csv gbk detected", file: gbk(plain), filename: "a.csv", names: []string{"张三", "欧阳娜娜"}, sourceFormat: "csv", sourceEncoding: "gb18030"},
	{name: "csv gbk declared", file: gbk(plain), encoding: "GBK", names: []string{"张三", "欧阳娜娜"}, sourceFormat: "csv", sourceEncoding: "gb18030"},
	{name: "csv gb18030 beyond GBK detected", file: gb18030(rare), names: []string{"李𠀀", "刘䶮"}, sourceFormat: "csv", sourceEncoding: "gb18030"},
	{name: "csv gb18030 declared", file: gb18030(rare), encoding: "gb18030", names: []string{"李𠀀", "刘䶮"}, sourceFormat: "csv", sourceEncoding: "gb18030"},
	{name: "csv gbk declared utf-8", file: gbk(plain), encoding: "utf-8", code: errs.Invalid, message: "does not fit",
		problem: &domain.Problem{Line: 2, Column: "name", Reason: "the text is not valid UTF-8 (declare the encoding, e.g. gb18030)"}},
	{name: "csv in no encoding", file: text("name,day,n,amount\n\x89PNG\xff\xfe,2026-01-02,1,1\n"), code: errs.Invalid, message: "the text is neither UTF-8 (line 2 is not) nor GB18030 or GBK (line 2 is not)"},
	{name: "utf-8 declared gb18030", file: text(plain), encoding: "gb18030", code: errs.Invalid, message: "line 3: the text is not GB18030"},
	{name: "csv with an unknown encoding declared", file: text(plain), encoding: "big5", code: errs.Invalid, message: `encoding: "big5"`},
	{name: "xlsx with serial and text dates", file: workbook, filename: "a.xlsx", names: []string{"张三", "欧阳娜娜"}, sourceFormat: "xlsx"},
	{name: "xlsx declared", file: workbook, format: "xlsx", names: []string{"张三", "欧阳娜娜"}, sourceFormat: "xlsx"},
	{name: "parquet", file: parquet(`SELECT * FROM (VALUES ('张三', DATE '2026-01-02', 1, 12.5), ('欧阳娜娜', NULL, 2, NULL)) t(name, day, n, amount)`),
		names: []string{"张三", "欧阳娜娜"}, sourceFormat: "parquet"},
	{name: "parquet with text that casts", file: parquet(`SELECT '张三' AS name, '2026-01-02' AS day, '7' AS n, '1.5' AS amount`),
		names: []string{"张三"}, sourceFormat: "parquet"},
	{name: "parquet with a type that does not cast", file: parquet(`SELECT '张三' AS name, DATE '2026-01-02' AS day, [1, 2] AS n, 1.5 AS amount`),
		code: errs.Invalid, problem: &domain.Problem{Line: 1, Column: "n", Reason: "the column is of type INTEGER[], which cannot hold integer values"}},
	{name: "parquet with a column of bytes", file: parquet(`SELECT '张三' AS name, '\x00'::BLOB AS day, 1 AS n, 1.5 AS amount`),
		code: errs.Invalid, problem: &domain.Problem{Line: 1, Column: "day", Reason: "the column is of type BLOB, which cannot hold date values"}},
	{name: "parquet with values that do not cast", file: parquet(`SELECT * FROM (VALUES ('a', 'x', 1.0, 1), ('b', '2026-01-02', 2.5, 2)) t(name, day, n, amount)`),
		code: errs.Invalid, problems: 2, problem: &domain.Problem{Line: 2, Column: "n", Value: "2.5", Reason: "not a valid integer (a whole number)"}},
	{name: "header missing a field", file: text("name,day,n\n张三,2026-01-02,1\n"), code: errs.Invalid,
		problem: &domain.Problem{Line: 1, Column: "amount", Reason: "declared field missing from the header"}},
	{name: "header with an unknown column", file: text("name,day,n,amount,extra\n张三,2026-01-02,1,1,x\n"), code: errs.Invalid,
		problem: &domain.Problem{Line: 1, Column: "extra", Reason: "not a field of the catalog entry; declare it in the catalog or remove it"}},
	{name: "header naming a column twice", file: text("name,day,n,amount,n\n张三,2026-01-02,1,1,1\n"), code: errs.Invalid,
		problem: &domain.Problem{Line: 1, Column: "n", Reason: "column named twice in the header"}},
	{name: "type errors", file: text(header + "张三,2026-02-30,1,abc\n李四,2026-01-02,3.5,1\n"), code: errs.Invalid, problems: 3,
		problem: &domain.Problem{Line: 2, Column: "day", Value: "2026-02-30", Reason: "not a valid date (YYYY-MM-DD)"}},
	{name: "more than 100 type errors", file: text(badRows(150)), code: errs.Invalid, message: "100 problem(s) or more", problems: 100,
		problem: &domain.Problem{Line: 2, Column: "n", Value: "x0", Reason: "not a valid integer (a whole number)"}},
	{name: "empty file", file: text(""), code: errs.Invalid, message: "the file is empty"},
	{name: "header only", file: text(header), code: errs.Invalid, message: "no rows after its header"},
	{name: "csv declared xlsx", file: text(plain), format: "xlsx", code: errs.Invalid, message: "declared xlsx, but the file is neither"},
	{name: "csv declared parquet", file: text(plain), format: "parquet", code: errs.Invalid, message: "declared parquet, but the file is neither"},
	{name: "csv named .xlsx", file: text(plain), filename: "report.xlsx", code: errs.Invalid, message: "named report.xlsx"},
	{name: "parquet declared csv", file: parquet(`SELECT 1 AS n`), format: "csv", code: errs.Invalid, message: "declared csv, but the file is Parquet"},
	{name: "zip that is no workbook", file: text("PK\x03\x04 not really a zip"), code: errs.Invalid, message: "not a readable XLSX workbook"},
	{name: "truncated parquet", file: func(t *testing.T) []byte { return parquet(`SELECT 1 AS n`)(t)[:20] }, code: errs.Invalid,
		problem: &domain.Problem{Line: 1}},
}

// TestIngestFormats sends every case to a fresh entry with a version, on
// each store engine, through ingest.Service as the API and the command
// line do.
func TestIngestFormats(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := apptest.New(t, d)
			ctx := context.Background()
			for i, c := range ingestCases {
				t.Run(c.name, func(t *testing.T) {
					entry := newEntry(t, env, fmt.Sprintf("case_%d", i))
					first, err := upload(t, env, entry.Name, []byte(plain), "first.csv", "", "")
					if err != nil {
						t.Fatal(err)
					}
					res, err := upload(t, env, entry.Name, c.file(t), c.filename, c.format, c.encoding)
					if c.code != "" {
						checkRefusal(t, c, err)
						assertKept(t, env, entry.ID, first.Version, 1)
						return
					}
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					v := res.Version
					if v.SourceFormat != c.sourceFormat || v.SourceEncoding != c.sourceEncoding || v.Rows != int64(len(c.names)) {
						t.Errorf("version from %s %q with %d rows, want %s %q with %d", v.SourceFormat, v.SourceEncoding, v.Rows,
							c.sourceFormat, c.sourceEncoding, len(c.names))
					}
					sample, err := env.App.Domain.Sample(ctx, v, []string{"name"}, 100)
					got := sample["name"]
					slices.Sort(got)
					want := slices.Sorted(slices.Values(c.names))
					if err != nil || !slices.Equal(got, want) {
						t.Errorf("names stored %q (%v), want %q", got, err, want)
					}
					assertKept(t, env, entry.ID, v, 2)
				})
			}
		})
	}
}

func checkRefusal(t *testing.T, c ingestCase, err error) {
	t.Helper()
	code, msg, details := errs.Public(err)
	if code != c.code || !strings.Contains(msg, c.message) {
		t.Fatalf("refusal %s %q, want %s containing %q", code, msg, c.code, c.message)
	}
	if c.problem == nil && c.problems == 0 {
		return
	}
	m, _ := details.(map[string]any)
	problems, _ := m["problems"].([]domain.Problem)
	if c.problems != 0 && len(problems) != c.problems {
		t.Errorf("%d problems listed, want %d: %+v", len(problems), c.problems, problems)
	}
	if c.problem == nil {
		return
	}
	for _, p := range problems {
		if p == *c.problem || (c.problem.Reason == "" && p.Line == c.problem.Line) {
			return
		}
	}
	t.Errorf("problems %+v lack %+v", problems, *c.problem)
}
