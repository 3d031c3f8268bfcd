package product_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"shuyu/internal/app"
	"shuyu/internal/app/apptest"
	"shuyu/internal/store"
)

// BenchmarkProductCall calls the demo product through the whole gateway
// over loopback HTTP (key authentication, subscription and product state,
// the agreement's check, rate limit, quota, index, meter with its batched
// ledger entries; the facts the checks read kept between commits as in
// production) from parallel clients, and reports calls/s and ratio-vs-bare:
// its rate divided by that of a bare net/http handler answering the same
// JSON, measured in the same run with the same clients.
func BenchmarkProductCall(b *testing.B) {
	env := apptest.NewTuned(b, store.SQLite, func(c *app.Config) { c.CallsPerSecond = 1e9 })
	ctx := context.Background()
	unit := env.Login(b, "appunit")
	var key struct{ Key string }
	if st := env.Call(b, "POST", "/api/v1/api-keys", unit, map[string]any{"name": "bench"}, &key); st != http.StatusCreated {
		b.Fatalf("key: %d", st)
	}
	var prs struct{ Items []struct{ ID, Name string } }
	env.Call(b, "GET", "/api/v1/products", unit, nil, &prs)
	var id string
	for _, p := range prs.Items {
		if p.Name == app.DemoProduct {
			id = p.ID
		}
	}
	var detail struct{ Example map[string]any }
	env.Call(b, "GET", "/api/v1/products/"+id, unit, nil, &detail)
	body, _ := json.Marshal(detail.Example)
	var answer []byte
	if st, raw := env.Do(b, "POST", "/api/v1/products/"+id+"/call", key.Key, detail.Example); st != http.StatusOK {
		b.Fatalf("call: %d %s", st, raw)
	} else {
		answer = raw
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(answer)
	}))
	defer bare.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	run := func(url string, n int) float64 {
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+key.Key)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
			}
		})
		return float64(n) / time.Since(start).Seconds()
	}
	b.ResetTimer()
	gateway := run(env.URL+"/api/v1/products/"+id+"/call", b.N)
	b.StopTimer()
	baseline := run(bare.URL, b.N)
	if err := env.App.Products.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(gateway, "calls/s")
	b.ReportMetric(gateway/baseline, "ratio-vs-bare")
}
