package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// TestLoad: the clients call with their own keys; a 200's latency is
// measured, any other answer counted as an error by its status with the
// first one's body; the server's CPU time is read from /proc.
func TestLoad(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer good" {
			http.Error(w, `{"error":"rate"}`, http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(`{"grade":"A"}`))
	}))
	defer srv.Close()
	f := load(context.Background(), srv.URL, []string{"good", "limited"}, []byte(`{}`), 50*time.Millisecond, 300*time.Millisecond, os.Getpid())
	if len(f.lat) == 0 || f.statuses[http.StatusOK] != len(f.lat) || f.statuses[http.StatusTooManyRequests] == 0 || f.failed != 0 {
		t.Fatalf("figures: %d latencies, %v, %d failed", len(f.lat), f.statuses, f.failed)
	}
	line := f.line("test")
	if !strings.Contains(line, "×429; the first: 429 {\"error\":\"rate\"}") || !strings.Contains(line, "calls/s") {
		t.Errorf("line: %s", line)
	}
	if _, ok := cpuTime(os.Getpid()); !ok {
		t.Error("no CPU time for this process in /proc")
	}
}

// TestValidate: the flags are checked before anything starts.
func TestValidate(t *testing.T) {
	ok := config{clients: 16, duration: 5 * time.Second, warmup: time.Second, rate: 2000}
	if err := ok.validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		edit func(*config)
		want string
	}{
		{func(c *config) { c.clients = 0 }, "--clients"},
		{func(c *config) { c.duration = time.Millisecond }, "--duration"},
		{func(c *config) { c.warmup = -time.Second }, "--warmup"},
		{func(c *config) { c.target = "http://127.0.0.1:8080" }, "--password"},
		{func(c *config) { c.rate = 0 }, "--calls-per-second"},
	} {
		bad := ok
		c.edit(&bad)
		if err := bad.validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error naming %s", bad, err, c.want)
		}
	}
}
