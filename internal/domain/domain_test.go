package domain

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"shuyu/internal/catalog"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// fixture is a domain over a database holding one dataset row, enough for
// versions to refer to.
func fixture(t *testing.T, db *store.DB) *Domain {
	return fixtureWith(t, db, Limits{Memory: "256MB", Threads: 1})
}

func fixtureWith(t *testing.T, db *store.DB, limits Limits) *Domain {
	t.Helper()
	ctx := context.Background()
	key, _, err := ledger.LoadOrCreateKey(filepath.Join(t.TempDir(), "k.pem"), ledger.SuiteEd25519)
	if err != nil {
		t.Fatal(err)
	}
	led, err := ledger.New(db, key, "test", ledger.MinRetention)
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for _, q := range []string{
			`INSERT INTO jurisdictions (id, code, name, name_en, level, created_at) VALUES ('j', '370700', '潍坊市', 'Weifang', 'city', $1)`,
			`INSERT INTO organizations (id, name, name_en, kind, sector, jurisdiction_id, disabled, created_at, updated_at) VALUES ('o', '人社局', '', 'provider', '', 'j', false, $1, $1)`,
			`INSERT INTO datasets (id, name, title, description, provider_id, frequency, privacy_unit, in_scope, grade, fields, revision, created_at, updated_at)
				VALUES ('ds', 'people', '人员', '', 'o', 'daily', 'id', true, 'general-2', '[]', 1, $1, $1)`,
		} {
			if _, err := tx.Exec(ctx, q, db.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := Open(ctx, t.TempDir(), db, led, limits)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

var columns = []Column{{"id", "text"}, {"n", "integer"}, {"amount", "decimal"}, {"day", "date"}, {"ok", "boolean"}}

func writeFile(t *testing.T, d *Domain, content string) string {
	t.Helper()
	f, err := d.TempFile("src-*.csv")
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(content)
	f.Close()
	return f.Name()
}

func TestStoreCSV(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := fixture(t, db)
		src := writeFile(t, d, "n,id,amount,day,ok\n1,a,12.5,2026-01-02,true\n2,\"b,c\",,2026-02-03,false\n")
		v, err := d.Store(ctx, ledger.System, Input{DatasetID: "ds", Columns: columns, Path: src, Source: Source{Format: "csv", Encoding: "utf-8"}})
		if err != nil {
			t.Fatal(err)
		}
		if v.Rows != 2 || v.Seq != 1 || len(v.SHA256) != 64 || v.Bytes == 0 {
			t.Errorf("version %+v", v)
		}
		cur, err := d.Current(ctx, "ds")
		if err != nil || cur.ID != v.ID {
			t.Fatalf("current %+v %v", cur, err)
		}
		if _, err := os.Stat(d.path("ds", v.ID)); err != nil {
			t.Errorf("the version's file: %v", err)
		}

		bad := writeFile(t, d, "id,n,amount,day,ok\nx,1,1,2026-01-01,true\ny,zwei,1,2026-02-30,maybe\nz,3,1,2026-01-01,true,extra\n")
		_, err = d.Store(ctx, ledger.System, Input{DatasetID: "ds", Columns: columns, Path: bad, Source: Source{Format: "csv"}})
		e, ok := err.(*errs.Error)
		if !ok || e.Code != errs.Invalid {
			t.Fatalf("bad file: %v, want invalid", err)
		}
		problems := e.Details.(map[string]any)["problems"].([]Problem)
		want := []Problem{
			{Line: 3, Column: "n", Value: "zwei", Reason: "not a valid integer (a whole number)"},
			{Line: 3, Column: "day", Value: "2026-02-30", Reason: "not a valid date (YYYY-MM-DD)"},
			{Line: 3, Column: "ok", Value: "maybe", Reason: "not a valid boolean (true or false)"},
		}
		for i, w := range want {
			if i >= len(problems) || problems[i] != w {
				t.Errorf("problem %d = %+v, want %+v", i, problems, w)
			}
		}
		if len(problems) != 4 || !strings.Contains(problems[3].Reason, "more values") || problems[3].Line != 4 {
			t.Errorf("problems %+v", problems)
		}
		if cur, _ := d.Current(ctx, "ds"); cur.ID != v.ID {
			t.Errorf("a refused file changed the current version")
		}
		if files, _ := os.ReadDir(filepath.Dir(d.path("ds", v.ID))); len(files) != 1 {
			t.Errorf("%d files kept, want only the first version's", len(files))
		}

		header := writeFile(t, d, "id,n,amount,dayy\n")
		_, err = d.Store(ctx, ledger.System, Input{DatasetID: "ds", Columns: columns, Path: header})
		if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "dayy") {
			t.Errorf("wrong header: %v", err)
		}
	}, append(migrations(), Migrations)...)
}

func migrations() []store.Migrations {
	return []store.Migrations{ledger.Migrations, identity.Migrations, catalog.Migrations}
}

// TestWholeNumbers: the engine would round 3.5 or 1e3 into an integer
// column; they are refused, with the other problems of the file.
func TestWholeNumbers(t *testing.T) {
	t.Parallel()
	db := storetest.New(t, store.SQLite, append(migrations(), Migrations)...)
	d := fixture(t, db)
	cols := []Column{{"id", "text"}, {"n", "integer"}, {"day", "date"}}
	for _, c := range []struct {
		content string
		want    []Problem
	}{
		{"id,n,day\na,3.5,2026-01-02\nb, 12 ,2026-01-02\nc,1e3,2026-01-02\n", []Problem{
			{Line: 2, Column: "n", Value: "3.5", Reason: invalid("integer")}, {Line: 4, Column: "n", Value: "1e3", Reason: invalid("integer")}}},
		{"id,n,day\na,3.5,2026-13-01\nb,7,2026-02-30\n", []Problem{{Line: 2, Column: "n", Value: "3.5", Reason: invalid("integer")},
			{Line: 2, Column: "day", Value: "2026-13-01", Reason: invalid("date")}, {Line: 3, Column: "day", Value: "2026-02-30", Reason: invalid("date")}}},
		{"id,day\na,2026-13-01\n", nil}, // no integer column: the header is wrong first
	} {
		_, err := d.Store(context.Background(), ledger.System, Input{DatasetID: "ds", Columns: cols, Path: writeFile(t, d, c.content)})
		e, ok := err.(*errs.Error)
		if !ok || e.Code != errs.Invalid {
			t.Fatalf("%q: %v, want invalid", c.content, err)
		}
		if c.want == nil {
			continue
		}
		got := e.Details.(map[string]any)["problems"].([]Problem)
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: problems %+v, want %+v", c.content, got, c.want)
		}
	}
}
