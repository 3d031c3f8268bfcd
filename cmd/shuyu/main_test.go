package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"shuyu/internal/app"
	"shuyu/internal/demo"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

const demoPassword = "Cli-Test-Passw0rd"

// run executes the CLI in this process, as a user would from the shell.
func run(t testing.TB, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := rootCommand()
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(io.Discard)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestHelpOnEveryCommand(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"serve"}, {"demo"}, {"migrate"}, {"ledger"}, {"ledger", "verify"}, {"ledger", "prune"},
		{"user"}, {"user", "add"}, {"user", "list"}, {"user", "passwd"}, {"user", "set"}, {"org"}, {"org", "add"}, {"org", "list"},
		{"org", "add-jurisdiction"}, {"ingest"}, {"version"}} {
		out, err := run(t, append(args, "--help")...)
		if err != nil || !strings.Contains(out, "Usage:") {
			t.Errorf("shuyu %v --help: %v\n%s", args, err, out)
		}
	}
}

// TestLedgerVerifyCatchesEdits seeds the demo through the CLI, verifies the
// ledger, edits one entry directly in the database, and expects verify to
// fail with exit status 2 naming that index: on SQLite, and on PostgreSQL.
func TestLedgerVerifyCatchesEdits(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := []string{"--data", dir, "--log-level", "error"}
			if d == store.Postgres {
				args = append(args, "--db", storetest.DSN(t, d))
			}
			if _, err := run(t, append(args, "demo", "--seed-only", "--password", demoPassword)...); err != nil {
				t.Fatal(err)
			}
			out, err := run(t, append(args, "ledger", "verify")...)
			if err != nil || !strings.Contains(out, "ledger verify: OK") {
				t.Fatalf("verify of a fresh demo: %v\n%s", err, out)
			}
			// A checkpoint saved now, as an auditor would, is a witness later.
			witness := filepath.Join(dir, "checkpoint.json")
			saveCheckpoint(t, args, witness)
			out, err = run(t, append(args, "ledger", "verify", "--witness", witness)...)
			if err != nil || !strings.Contains(out, "1 witnesses matched") {
				t.Fatalf("verify with a witness: %v\n%s", err, out)
			}
			dsn := filepath.Join(dir, "shuyu.db")
			if d == store.Postgres {
				dsn = args[len(args)-1]
			}
			db, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.InTx(context.Background(), func(tx *store.Tx) error {
				_, err := tx.Exec(context.Background(), `UPDATE ledger_entries SET actor_name = 'someone else' WHERE idx = 17`)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			out, err = run(t, append(args, "ledger", "verify")...)
			if err != exitError(2) || !strings.Contains(out, "index 17") {
				t.Fatalf("verify after an edit: %v\n%s", err, out)
			}
		})
	}
}

// TestVerifyEditedSQLiteFile edits the SQLite file with a separate
// connection, the way someone with the file would.
func TestVerifyEditedSQLiteFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := run(t, "--data", dir, "--log-level", "error", "demo", "--seed-only", "--password", demoPassword); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", filepath.Join(dir, "shuyu.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DELETE FROM ledger_entries WHERE idx = 3`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	out, err := run(t, "--data", dir, "ledger", "verify")
	if err != exitError(2) || !strings.Contains(out, "index 3") {
		t.Fatalf("verify after a deletion: %v\n%s", err, out)
	}
}

func TestAdministration(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := []string{"--data", dir, "--log-level", "error"}
	cli := func(args ...string) string {
		t.Helper()
		out, err := run(t, append(base, args...)...)
		if err != nil {
			t.Fatalf("shuyu %v: %v\n%s", args, err, out)
		}
		return out
	}
	cli("org", "add-jurisdiction", "--code", "370700", "--name", "潍坊市", "--name-en", "Weifang")
	cli("org", "add-jurisdiction", "--code", "370705", "--name", "奎文区", "--name-en", "Kuiwen", "--parent", "370700")
	cli("org", "add", "--name", "潍坊市大数据局", "--kind", "implementing_unit", "--jurisdiction", "370700")
	out := cli("user", "add", "--org", "潍坊市大数据局", "--username", "zhang", "--name", "张三", "--roles", "officer,reviewer")
	if !regexp.MustCompile(`password: \S{20}`).MatchString(out) {
		t.Errorf("no generated password printed: %s", out)
	}
	out = cli("user", "set", "zhang", "--roles", "officer", "--disable")
	if !strings.Contains(out, "[officer]") || !strings.Contains(out, "disabled true") {
		t.Errorf("user set: %s", out)
	}
	cli("user", "passwd", "zhang", "--password", "New-Passw0rd-77")
	if out := cli("user", "list", "--org", "潍坊市大数据局"); !strings.Contains(out, "zhang") {
		t.Errorf("user list: %s", out)
	}
	if out := cli("org", "list"); !strings.Contains(out, "潍坊市大数据局") {
		t.Errorf("org list: %s", out)
	}
	for _, bad := range [][]string{
		{"org", "add", "--name", "x", "--kind", "bank", "--jurisdiction", "370700"},
		{"user", "add", "--org", "潍坊市大数据局", "--username", "li", "--roles", "analyst", "--password", "Good-Passw0rd-1"},
		{"user", "add", "--org", "潍坊市大数据局", "--username", "li", "--password", "weak"},
		{"user", "set", "nobody", "--disable"},
		{"ledger", "prune", "--before", time.Now().Format(time.DateOnly)},
		{"serve", "--retention", "24h"},
	} {
		if out, err := run(t, append(base, bad...)...); err == nil {
			t.Errorf("shuyu %v succeeded: %s", bad, out)
		}
	}
}

// TestDemoServesAndStops runs the README's demo command as a real process:
// it must answer /healthz within 60 seconds, accept every demo login, and
// exit cleanly on SIGTERM. It also checks that serve refuses a public
// address while demo passwords are in use.
func TestDemoServesAndStops(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "demo", "--data", dir, "--addr", "127.0.0.1:0", "--password", demoPassword)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	url := waitForURL(t, stdout)
	if resp, err := http.Get(url + "healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v", err)
	}
	if elapsed := time.Since(start); elapsed > 60*time.Second {
		t.Errorf("healthz answered after %s, want under 60 s", elapsed)
	}
	for _, a := range demo.Accounts {
		body := fmt.Sprintf(`{"username":%q,"password":%q}`, a.Username, demoPassword)
		resp, err := http.Post(url+"api/v1/auth/login", "application/json", strings.NewReader(body))
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("login %s: %v %v", a.Username, err, resp.Status)
			continue
		}
		var s struct{ Token string }
		json.NewDecoder(resp.Body).Decode(&s)
		resp.Body.Close()
		if s.Token == "" {
			t.Errorf("login %s: no token", a.Username)
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("demo after SIGTERM: %v, want a clean exit", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("demo did not stop within 20 s of SIGTERM")
	}

	// The same data, served to the network, is refused while demo passwords remain.
	out, err := exec.Command(bin, "serve", "--data", dir, "--addr", "0.0.0.0:0").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "demo password") {
		t.Errorf("serve on 0.0.0.0 with demo passwords: %v\n%s", err, out)
	}
}

func waitForURL(t *testing.T, r io.Reader) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		re := regexp.MustCompile(`running at (http://\S+/)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case url := <-found:
		return url
	case <-time.After(60 * time.Second):
		t.Fatal("the demo printed no URL within 60 s")
	}
	return ""
}

// built is the shuyu binary the process tests share, built once.
var built struct {
	once sync.Once
	path string
	err  error
}

// binary builds shuyu once for the tests that run it as a real process.
func binary(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "shuyu-test-")
		if err != nil {
			built.err = err
			return
		}
		built.path = filepath.Join(dir, "shuyu")
		if out, err := exec.Command("go", "build", "-o", built.path, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

func TestMain(m *testing.M) {
	// The CLI reads SHUYU_* variables; keep the developer's own out of the tests.
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "SHUYU_") && k != storetest.EnvPostgres {
			os.Unsetenv(k)
		}
	}
	code := m.Run()
	if built.path != "" {
		os.RemoveAll(filepath.Dir(built.path))
	}
	os.Exit(code)
}

// saveCheckpoint writes the current checkpoint as the API serves it.
func saveCheckpoint(t *testing.T, args []string, path string) {
	t.Helper()
	cfg, err := (&options{dataDir: args[1], db: dbArg(args), logLevel: "error", logFormat: "text"}).config()
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	cp, err := a.Ledger.Checkpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(cp)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func dbArg(args []string) string {
	for i, a := range args {
		if a == "--db" && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}
