package ingest_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/app/apptest"
	"shuyu/internal/catalog"
	"shuyu/internal/demo"
	"shuyu/internal/domain"
	"shuyu/internal/ingest"
)

// demoCSV writes a demo dataset at scale into a temporary file and returns
// its path and row count.
func demoCSV(tb testing.TB, name string, scale float64) (string, int64) {
	tb.Helper()
	for _, d := range demo.Datasets(scale) {
		if d.Name != name {
			continue
		}
		path := filepath.Join(tb.TempDir(), name+".csv")
		f, err := os.Create(path)
		if err != nil {
			tb.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		if err := d.WriteCSV(w); err != nil {
			tb.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			tb.Fatal(err)
		}
		f.Close()
		return path, int64(d.Rows)
	}
	tb.Fatalf("no demo dataset %s", name)
	return "", 0
}

// principal is a demo user as if signed in.
func principal(tb testing.TB, env *apptest.Env, username string) access.Principal {
	tb.Helper()
	p, err := env.App.Identity.PrincipalOf(context.Background(), username)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func itoa(n int) string { return strconv.Itoa(n) }

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// fields are the columns of the entries the tests create.
var fields = []catalog.Field{
	{Name: "name", Type: catalog.Text, Classification: "personal.name", Grade: "general-3"},
	{Name: "day", Type: catalog.Date, Classification: "other", Grade: "general-1"},
	{Name: "n", Type: catalog.Integer, Classification: "other", Grade: "general-1"},
	{Name: "amount", Type: catalog.Decimal, Classification: "other", Grade: "general-1"},
}

// newEntry creates a catalog entry of 市人社局 with fields, as its commissioner.
func newEntry(tb testing.TB, env *apptest.Env, name string) catalog.Dataset {
	tb.Helper()
	title, freq, fs := "测试 "+name, catalog.Monthly, slices.Clone(fields)
	d, err := env.App.Catalog.Create(context.Background(), principal(tb, env, "provider-hrss"),
		catalog.Input{Name: &name, Title: &title, Frequency: &freq, Fields: &fs})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// upload sends content as a version of entry, as its commissioner.
func upload(tb testing.TB, env *apptest.Env, entry string, content []byte, filename, format, encoding string) (ingest.Result, error) {
	tb.Helper()
	return env.App.Ingest.Upload(context.Background(), principal(tb, env, "provider-hrss"), ingest.Upload{Dataset: entry,
		Body: bytes.NewReader(content), Filename: filename, Format: format, Encoding: encoding})
}

// assertKept checks that want is still the entry's current version, that it
// has n versions, and that the domain holds no file beyond the recorded
// versions.
func assertKept(tb testing.TB, env *apptest.Env, entryID string, want domain.Version, n int) {
	tb.Helper()
	ctx := context.Background()
	cur, err := env.App.Domain.Current(ctx, entryID)
	if err != nil || cur.ID != want.ID {
		tb.Errorf("current version %s (%v), want %s still", cur.ID, err, want.ID)
	}
	if vs, err := env.App.Domain.Versions(ctx, entryID); err != nil || len(vs) != n {
		tb.Errorf("%d versions (%v), want %d", len(vs), err, n)
	}
	if left, err := env.App.Domain.Leftovers(ctx); err != nil || len(left) > 0 {
		tb.Errorf("left in the domain: %v (%v)", left, err)
	}
}
