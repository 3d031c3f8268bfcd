package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// demoProduct is the product `shuyu demo` publishes for the demo
// application unit (app.DemoProduct).
const demoProduct = "企业纳税信用等级核验"

// driven is what the clients call: the product's call URL, one API key per
// client, the product's example request and the gateway's answer to it.
type driven struct {
	product, url string
	keys         []string
	body, answer []byte
}

// prepare signs in as the demo application unit, finds the demo product
// and its example, creates one API key per client and checks that a call
// answers.
func prepare(ctx context.Context, base, password string, clients int) (driven, error) {
	var d driven
	var login struct{ Token string }
	if err := api(ctx, "POST", base+"/api/v1/auth/login", "", map[string]string{"username": "appunit", "password": password}, &login); err != nil {
		return d, fmt.Errorf("sign in as appunit: %w", err)
	}
	var list struct{ Items []struct{ ID, Name string } }
	if err := api(ctx, "GET", base+"/api/v1/products", login.Token, nil, &list); err != nil {
		return d, err
	}
	for _, p := range list.Items {
		if p.Name == demoProduct {
			d.product = p.ID
		}
	}
	if d.product == "" {
		return d, fmt.Errorf("no product %s at %s: is it a shuyu demo?", demoProduct, base)
	}
	var detail struct{ Example map[string]any }
	if err := api(ctx, "GET", base+"/api/v1/products/"+d.product, login.Token, nil, &detail); err != nil {
		return d, err
	}
	d.url = base + "/api/v1/products/" + d.product + "/call"
	d.body, _ = json.Marshal(detail.Example)
	for i := range clients {
		var k struct{ Key string }
		if err := api(ctx, "POST", base+"/api/v1/api-keys", login.Token, map[string]string{"name": fmt.Sprintf("load %d", i+1)}, &k); err != nil {
			return d, fmt.Errorf("create API key %d: %w", i+1, err)
		}
		d.keys = append(d.keys, k.Key)
	}
	var answer json.RawMessage
	if err := api(ctx, "POST", d.url, d.keys[0], detail.Example, &answer); err != nil {
		return d, fmt.Errorf("call %s: %w", demoProduct, err)
	}
	d.answer = answer
	return d, nil
}

// api sends a JSON request and decodes a 2xx answer into out.
func api(ctx context.Context, method, url, token string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s %s", method, url, resp.Status, bytes.TrimSpace(raw))
	}
	return json.Unmarshal(raw, out)
}

// figures are one run's: its measured length, every measured call's
// latency, the answers other than 200 and failed requests, and the first
// of these.
type figures struct {
	// cpu is the server's CPU time in the measured window; 0 when unknown.
	cpu      time.Duration
	elapsed  time.Duration
	lat      []time.Duration
	statuses map[int]int
	failed   int
	firstErr string
}

func (f figures) rate() float64 { return float64(len(f.lat)) / f.elapsed.Seconds() }

func (f figures) cpuPerCall() float64 { return float64(f.cpu.Microseconds()) / float64(len(f.lat)) }

func (f figures) line(name string) string {
	slices.Sort(f.lat)
	q := func(p float64) float64 {
		if len(f.lat) == 0 {
			return 0
		}
		return float64(f.lat[min(len(f.lat)-1, int(p*float64(len(f.lat))))].Microseconds()) / 1000
	}
	var errs []string
	for st, n := range f.statuses {
		if st != http.StatusOK {
			errs = append(errs, fmt.Sprintf("%d×%d", n, st))
		}
	}
	if f.failed > 0 {
		errs = append(errs, fmt.Sprintf("%d failed", f.failed))
	}
	slices.Sort(errs)
	e := "0 errors"
	if len(errs) > 0 {
		e = "errors: " + strings.Join(errs, ", ") + "; the first: " + f.firstErr
	}
	cpu := ""
	if f.cpu > 0 {
		cpu = fmt.Sprintf("  server CPU %5.0f µs/call", f.cpuPerCall())
	}
	return fmt.Sprintf("%-8s %8.0f calls/s  p50 %6.2f ms  p99 %6.2f ms%s  %d calls, %s", name+":", f.rate(), q(0.50), q(0.99), cpu, len(f.lat), e)
}

// load runs one client per key, each on its own keep-alive connection
// calling url with body as fast as the answers come, for warmup and then
// duration, and returns the figures of the calls that began in duration,
// with the CPU time server process pid used meanwhile (pid 0: unknown).
func load(ctx context.Context, url string, keys []string, body []byte, warmup, duration time.Duration, pid int) figures {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: len(keys), DisableCompression: true}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	begin := time.Now().Add(warmup)
	end := begin.Add(duration)
	var (
		mu  sync.Mutex
		all = figures{elapsed: duration, statuses: map[int]int{}}
		wg  sync.WaitGroup
	)
	for _, key := range keys {
		wg.Go(func() {
			mine := figures{statuses: map[int]int{}}
			for ctx.Err() == nil {
				start := time.Now()
				if !start.Before(end) {
					break
				}
				st, answer, err := call(ctx, client, url, key, body)
				if start.Before(begin) {
					continue
				}
				if err == nil {
					mine.statuses[st]++
				} else {
					mine.failed++
				}
				if err == nil && st == http.StatusOK {
					mine.lat = append(mine.lat, time.Since(start))
				} else if mine.firstErr == "" {
					mine.firstErr = fmt.Sprint(err)
					if err == nil {
						mine.firstErr = fmt.Sprintf("%d %s", st, answer)
					}
				}
			}
			mu.Lock()
			all.lat = append(all.lat, mine.lat...)
			for st, n := range mine.statuses {
				all.statuses[st] += n
			}
			all.failed += mine.failed
			if all.firstErr == "" {
				all.firstErr = mine.firstErr
			}
			mu.Unlock()
		})
	}
	if pid != 0 {
		time.Sleep(time.Until(begin))
		before, ok1 := cpuTime(pid)
		time.Sleep(time.Until(end))
		after, ok2 := cpuTime(pid)
		if ok1 && ok2 {
			all.cpu = after - before
		}
	}
	wg.Wait()
	return all
}

// call makes one call and reads its answer to the end, so that the
// connection is reused; it returns the answer when it is not a 200.
func call(ctx context.Context, client *http.Client, url, key string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		raw, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return resp.StatusCode, bytes.TrimSpace(raw), err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil, err
}
