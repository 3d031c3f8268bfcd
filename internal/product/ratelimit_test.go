package product_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"shuyu/internal/app"
	"shuyu/internal/app/apptest"
	"shuyu/internal/store/storetest"
)

// TestRateLimitRetryAfter: a key over its rate is refused with 429 and a
// Retry-After header saying how many seconds to wait: at 150 calls a second
// (the demo's 240 calls need a burst of 300), a key that used its burst
// waits a fraction of a second, rounded up to 1.
func TestRateLimitRetryAfter(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			env := apptest.NewTuned(t, d, func(c *app.Config) { c.CallsPerSecond = 150 })
			unit := env.Login(t, "appunit")
			var key struct{ Key string }
			if st := env.Call(t, "POST", "/api/v1/api-keys", unit, map[string]any{"name": "rate"}, &key); st != http.StatusCreated {
				t.Fatalf("key: %d", st)
			}
			var prs struct{ Items []struct{ ID, Name string } }
			env.Call(t, "GET", "/api/v1/products", unit, nil, &prs)
			var id string
			for _, p := range prs.Items {
				if p.Name == app.DemoProduct {
					id = p.ID
				}
			}
			var detail struct{ Example map[string]any }
			env.Call(t, "GET", "/api/v1/products/"+id, unit, nil, &detail)
			body, _ := json.Marshal(detail.Example)
			call := func() (*http.Response, []byte) {
				req, _ := http.NewRequest("POST", env.URL+"/api/v1/products/"+id+"/call", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+key.Key)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				raw, _ := io.ReadAll(resp.Body)
				return resp, raw
			}
			// Calls over loopback outrun the refill; the bound only stops a
			// machine so slow that they do not.
			for range 5000 {
				resp, raw := call()
				if resp.StatusCode == http.StatusOK {
					continue
				}
				n, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
				if resp.StatusCode != http.StatusTooManyRequests || n != 1 || !strings.Contains(string(raw), "rate_limited") {
					t.Fatalf("over the rate: %d, Retry-After %q: %s; want 429 and 1 second", resp.StatusCode, resp.Header.Get("Retry-After"), raw)
				}
				return
			}
			t.Fatal("5,000 calls were never refused for the rate")
		})
	}
}
