// Package apptest runs a whole shuyu for tests: a fresh database on the
// chosen engine, the demo seeded with a known password, and the HTTP server
// on a loopback port.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"shuyu/internal/app"
	"shuyu/internal/demo"
	"shuyu/internal/identity"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// Password is every demo account's password in tests.
const Password = "Test-Demo-Passw0rd"

// RowsScale keeps the demo datasets small in tests: 2,000 insured people.
const RowsScale = 0.01

// Env is a running shuyu with the demo seeded.
type Env struct {
	App  *app.App
	URL  string
	Demo demo.Result
}

// New starts shuyu on dialect for the duration of tb.
func New(tb testing.TB, dialect store.Dialect) *Env {
	tb.Helper()
	return NewWithClock(tb, dialect, nil)
}

// Clock is a clock a test moves on: the real time plus what Advance added.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now is the clock's time, UTC and truncated to microseconds as the
// database's own clock is.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset).UTC().Truncate(time.Microsecond)
}

// Advance moves the clock on by d. Sessions expire by this clock too: sign
// in again after moving it on by more than their lifetime.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// NewWithClock is New with the services following clock (nil: the real
// time), so that a test can let deadlines and publicity periods pass.
func NewWithClock(tb testing.TB, dialect store.Dialect, clock *Clock) *Env {
	tb.Helper()
	return NewTuned(tb, dialect, func(cfg *app.Config) {
		if clock != nil {
			cfg.Now = clock.Now
		}
	})
}

// NewTuned is New with the configuration changed by tune first (a
// benchmark lifts the gateway's rate limit this way).
func NewTuned(tb testing.TB, dialect store.Dialect, tune func(*app.Config)) *Env {
	tb.Helper()
	ctx := context.Background()
	cfg := app.Config{
		DataDir: tb.TempDir(),
		Argon2:  identity.Argon2{MemoryKiB: 1024, Time: 1, Threads: 1},
		Log:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		Version: "test",
	}
	tune(&cfg)
	if dialect == store.Postgres {
		cfg.DB = storetest.DSN(tb, store.Postgres)
	}
	a, err := app.Open(ctx, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.Close() })
	res, err := a.SeedDemo(ctx, Password, RowsScale)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(a.Web)
	tb.Cleanup(srv.Close)
	return &Env{App: a, URL: srv.URL, Demo: res}
}

// Login signs a demo user in over the API and returns the bearer token.
func (e *Env) Login(tb testing.TB, username string) string {
	tb.Helper()
	var out struct{ Token string }
	if status := e.Call(tb, "POST", "/api/v1/auth/login", "", map[string]string{"username": username, "password": Password}, &out); status != http.StatusOK {
		tb.Fatalf("login %s: status %d", username, status)
	}
	return out.Token
}

// Call sends a JSON request with an optional bearer token and decodes the
// answer into out (when not nil). It returns the status.
func (e *Env) Call(tb testing.TB, method, path, token string, body, out any) int {
	tb.Helper()
	status, raw := e.Do(tb, method, path, token, body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			tb.Fatalf("%s %s: decode %q: %v", method, path, raw, err)
		}
	}
	return status
}

// Do sends a JSON request and returns the status and the raw answer.
func (e *Env) Do(tb testing.TB, method, path, token string, body any) (int, []byte) {
	tb.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			tb.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.URL+path, r)
	if err != nil {
		tb.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, raw
}
