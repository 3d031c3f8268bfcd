package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"shuyu/internal/app"
	"shuyu/internal/demo"
	"shuyu/internal/domain"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// demoFile writes the demo's social_insurance at scale as CSV.
func demoFile(t testing.TB, scale float64) string {
	t.Helper()
	for _, d := range demo.Datasets(scale) {
		if d.Name == "social_insurance" {
			path := filepath.Join(t.TempDir(), "social_insurance.csv")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			w := bufio.NewWriterSize(f, 1<<20)
			if err := d.WriteCSV(w); err != nil {
				t.Fatal(err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			f.Close()
			return path
		}
	}
	t.Fatal("no social_insurance in the demo")
	return ""
}

// versions opens the platform the way the next start would (which clears
// leftovers) and returns social_insurance's versions, newest first, and
// what is left in the domain beyond them.
func versions(t *testing.T, args []string) ([]domain.Version, []string) {
	t.Helper()
	cfg := app.Config{Log: slog.New(slog.DiscardHandler)}
	for i := 0; i+1 < len(args); i++ {
		switch args[i] {
		case "--data":
			cfg.DataDir = args[i+1]
		case "--db":
			cfg.DB = args[i+1]
		}
	}
	ctx := context.Background()
	a, err := app.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	e, err := a.Ingest.Entry(ctx, app.Admin(), "social_insurance")
	if err != nil {
		t.Fatal(err)
	}
	vs, err := a.Domain.Versions(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	left, err := a.Domain.Leftovers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return vs, left
}

// seeded returns the global flags of a fresh demo platform on dialect.
func seeded(t testing.TB, d store.Dialect) []string {
	t.Helper()
	args := []string{"--data", t.TempDir(), "--log-level", "error"}
	if d == store.Postgres {
		args = append(args, "--db", storetest.DSN(t, d))
	}
	if out, err := run(t, append(args, "demo", "--seed-only", "--rows-scale", "0.01", "--password", demoPassword)...); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	return args
}

func TestIngestCommand(t *testing.T) {
	t.Parallel()
	args := seeded(t, store.SQLite)
	src := demoFile(t, 0.02)
	cli := func(more ...string) (string, error) { return run(t, append(clone(args), more...)...) }
	out, err := cli("ingest", "--dataset", "social_insurance", src)
	if err != nil || !strings.Contains(out, "stored version 2 of social_insurance") || !strings.Contains(out, "4,000 rows") {
		t.Fatalf("ingest as the administrator: %v\n%s", err, out)
	}
	if out, err = cli("ingest", "--dataset", "social_insurance", "--as", "provider-hrss", "--max-upload", "10MiB", src); err != nil || !strings.Contains(out, "stored version 3") {
		t.Errorf("ingest as the commissioner: %v\n%s", err, out)
	}
	for _, bad := range [][]string{
		{"--as", "provider-amr", src},   // another provider's entry
		{"--as", "nobody", src},         // no such user
		{"--max-upload", "1KiB", src},   // too large
		{"--encoding", "latin1", src},   // unknown encoding
		{"--format", "parquet", src},    // not what it says
		{"--engine-memory", "1MB", src}, // too little for the engine
		{filepath.Join(t.TempDir(), "missing.csv")},
	} {
		if out, err := cli(append([]string{"ingest", "--dataset", "social_insurance"}, bad...)...); err == nil {
			t.Errorf("ingest %v succeeded: %s", bad, out)
		}
	}
	if vs, left := versions(t, args); len(vs) != 3 || len(left) > 0 {
		t.Errorf("%d versions, left %v; want 3 and nothing", len(vs), left)
	}
}

func clone(s []string) []string { return append([]string(nil), s...) }

// TestKilledIngest runs shuyu ingest as a real process and kills it with
// SIGKILL while it copies the file into the domain, and again while the
// engine writes Parquet: each time the current version stays, no version
// is recorded, the next start leaves nothing behind, and the ledger
// verifies.
func TestKilledIngest(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	src := demoFile(t, 1) // 200,000 rows, 17 MB
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			args := seeded(t, d)
			before, _ := versions(t, args)
			tmp := filepath.Join(args[1], "domain", "tmp")
			for _, stage := range []struct {
				name  string
				whole bool   // send the whole file, or part of it and wait
				glob  string // the file in tmp/ whose appearance is the moment to kill
				size  int64
			}{
				{"while copying", false, "upload-*", 4 << 20},
				{"while writing Parquet", true, "*.parquet", 0},
			} {
				cmd := exec.Command(bin, append(clone(args), "ingest", "--dataset", "social_insurance", "-")...)
				stdin, err := cmd.StdinPipe()
				if err != nil {
					t.Fatal(err)
				}
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				go feed(src, stdin, stage.whole)
				if !appears(tmp, stage.glob, stage.size, 60*time.Second) {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatalf("%s: no %s in the domain's tmp/ in time; stderr:\n%s", stage.name, stage.glob, stderr.String())
				}
				cmd.Process.Signal(syscall.SIGKILL)
				err = cmd.Wait()
				if status, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || status.Signal() != syscall.SIGKILL {
					t.Fatalf("%s: the ingest ended by itself before the kill: %v\n%s", stage.name, err, stderr.String())
				}
				stdin.Close()
				if entries, _ := os.ReadDir(tmp); len(entries) == 0 {
					t.Errorf("%s: the killed ingest left nothing in tmp/; was it killed mid-way?", stage.name)
				}
				after, left := versions(t, args)
				if len(after) != len(before) || after[0].ID != before[0].ID {
					t.Errorf("%s: versions went from %d (current %s) to %d (current %s)", stage.name, len(before), before[0].ID, len(after), after[0].ID)
				}
				if len(left) > 0 {
					t.Errorf("%s: after the next start the domain still holds %v", stage.name, left)
				}
				if out, err := run(t, append(clone(args), "ledger", "verify")...); err != nil || !strings.Contains(out, "ledger verify: OK") {
					t.Errorf("%s: ledger verify: %v\n%s", stage.name, err, out)
				}
			}
		})
	}
}

// feed sends the file to the ingest's standard input: all of it, or its
// first 8 MiB, then holds the pipe open.
func feed(path string, w io.WriteCloser, whole bool) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	if !whole {
		io.CopyN(w, f, 8<<20)
		return
	}
	io.Copy(w, f)
	w.Close()
}

// appears waits for a file matching glob in dir, of at least size bytes.
func appears(dir, glob string, size int64, timeout time.Duration) bool {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		matches, _ := filepath.Glob(filepath.Join(dir, glob))
		for _, m := range matches {
			if st, err := os.Stat(m); err == nil && st.Size() >= size {
				return true
			}
		}
	}
	return false
}
