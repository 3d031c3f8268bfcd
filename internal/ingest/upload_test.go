package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"shuyu/internal/app/apptest"
	"shuyu/internal/domain"
	"shuyu/internal/errs"
	"shuyu/internal/ingest"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
	"shuyu/internal/web"
)

// post uploads body as the multipart field file, after the given fields,
// streamed through a pipe, and decodes the answer into out.
func post(t *testing.T, url, token string, fields map[string]string, body io.Reader, out any) int {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		part, err := mw.CreateFormFile("file", "upload.csv")
		if err == nil {
			_, err = io.Copy(part, body)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest("POST", url, pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("answer %d %q: %v", resp.StatusCode, raw, err)
	}
	return resp.StatusCode
}

type apiError struct {
	Error struct {
		Code    errs.Code `json:"code"`
		Message string    `json:"message"`
		Details struct {
			Problems []domain.Problem `json:"problems"`
		} `json:"details"`
	} `json:"error"`
}

// TestUploadAPI sends versions through POST /api/v1/datasets/{id}/versions:
// format and encoding as fields before the file and as query parameters,
// and a bad file, whose problems come back in the error's details.
func TestUploadAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := apptest.New(t, d)
			entry := newEntry(t, env, "api_upload")
			token := env.Login(t, "provider-hrss")
			url := env.URL + "/api/v1/datasets/" + entry.Name + "/versions"
			gbkFile, _ := simplifiedchinese.GBK.NewEncoder().String(plain)
			for _, c := range []struct {
				name   string
				query  string
				fields map[string]string
			}{
				{"fields", "", map[string]string{"format": "csv", "encoding": "gbk"}},
				{"query", "?format=csv&encoding=gbk", nil},
			} {
				var res ingest.Result
				if status := post(t, url+c.query, token, c.fields, strings.NewReader(gbkFile), &res); status != http.StatusCreated {
					t.Fatalf("%s: status %d", c.name, status)
				}
				if v := res.Version; v.Rows != 2 || v.SourceEncoding != "gb18030" || v.SourceFormat != "csv" || len(v.SHA256) != 64 {
					t.Errorf("%s: version %+v", c.name, v)
				}
				if res.Suggestions == nil {
					t.Errorf("%s: no suggestions list in %+v", c.name, res)
				}
			}
			before, _ := env.App.Domain.Current(context.Background(), entry.ID)
			var bad apiError
			status := post(t, url, token, nil, strings.NewReader(header+"张三,2026-02-30,1,1\n"), &bad)
			if status != http.StatusBadRequest || bad.Error.Code != errs.Invalid || len(bad.Error.Details.Problems) != 1 ||
				bad.Error.Details.Problems[0] != (domain.Problem{Line: 2, Column: "day", Value: "2026-02-30", Reason: "not a valid date (YYYY-MM-DD)"}) {
				t.Errorf("bad file: %d %+v", status, bad)
			}
			assertKept(t, env, entry.ID, before, 2)
		})
	}
}

// TestUploadTooLarge: a file over the limit is refused with 413 through the
// API and too_large through the service, and nothing of it is kept.
func TestUploadTooLarge(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, store.SQLite)
	ctx := context.Background()
	entry := newEntry(t, env, "too_large")
	first, err := upload(t, env, entry.Name, []byte(plain), "a.csv", "", "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	small, err := domain.Open(ctx, dir, env.App.DB, env.App.Ledger, domain.Limits{MaxSourceBytes: 4 << 10, Memory: "256MB", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	limited := ingest.New(env.App.Catalog, small, env.App.Identity, ingest.Options{})
	big := []byte(header + strings.Repeat("张三,2026-01-02,1,12.5\n", 1000))
	_, err = limited.Upload(ctx, principal(t, env, "provider-hrss"), ingest.Upload{Dataset: entry.Name, Body: bytes.NewReader(big)})
	if !errs.Is(err, errs.TooLarge) {
		t.Errorf("service: %v, want too_large", err)
	}
	srv := httptest.NewServer(web.New(web.Deps{Identity: env.App.Identity, Ledger: env.App.Ledger, Calendar: env.App.Calendar,
		Catalog: env.App.Catalog, Ingest: limited, Log: slog.New(slog.DiscardHandler)}))
	defer srv.Close()
	token := env.Login(t, "provider-hrss")
	for _, size := range []int{len(big), 3 << 20} { // under and over the server's cap on the body
		var e apiError
		body := io.LimitReader(strings.NewReader(strings.Repeat(string(big), 1+size/len(big))), int64(size))
		if status := post(t, srv.URL+"/api/v1/datasets/"+entry.Name+"/versions", token, nil, body, &e); status != http.StatusRequestEntityTooLarge || e.Error.Code != errs.TooLarge {
			t.Errorf("%d bytes over the API: %d %+v", size, status, e)
		}
	}
	if left, err := small.Leftovers(ctx); err != nil || len(left) > 0 {
		t.Errorf("left in the limited domain: %v %v", left, err)
	}
	assertKept(t, env, entry.ID, first.Version, 1)
}

// TestUploadStreams sends 200 MB through the API and checks that the Go
// heap grows by far less than that: the upload is copied to disk in 1 MiB pieces,
// never held. (The engine's own memory is outside the Go heap and bounded by
// its memory limit; BenchmarkIngestPeakRSS measures the whole process.) It
// does not run in parallel: the heap is the whole test process's.
func TestUploadStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 200 MB")
	}
	env := apptest.New(t, store.SQLite)
	entry := newEntry(t, env, "streamed")
	const size = 200 << 20
	// The heap the test app already holds (demo city, services, engines)
	// is the baseline; what the upload adds is measured above it, with the
	// collector kept close behind so that garbage awaiting collection is not
	// counted as held.
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	var res ingest.Result
	status := post(t, env.URL+"/api/v1/datasets/"+entry.Name+"/versions", env.Login(t, "provider-hrss"), map[string]string{"format": "csv"},
		&rows{size: size}, &res)
	close(stop)
	<-sampled
	if status != http.StatusCreated || res.Version.SourceBytes < size {
		t.Fatalf("status %d, version %+v", status, res.Version)
	}
	grew := peak.Load() - min(peak.Load(), base.HeapInuse)
	if grew > 64<<20 {
		t.Errorf("the Go heap grew by %d MiB (from %d MiB) while 200 MiB streamed through; want under 64 MiB", grew>>20, base.HeapInuse>>20)
	}
	t.Logf("Go heap grew by %d MiB over %d MiB for a %d MiB upload of %d rows", grew>>20, base.HeapInuse>>20, size>>20, res.Version.Rows)
}

// rows is a CSV of the test entry of at least size bytes, made as it is
// read.
type rows struct {
	size, made int
	n          int
	buf        []byte
}

func (r *rows) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		if r.made >= r.size {
			return 0, io.EOF
		}
		if r.n == 0 {
			r.buf = append(r.buf, header...)
		}
		for range 1000 {
			r.n++
			r.buf = fmt.Appendf(r.buf, "某人%d,2026-01-02,%d,%d.5\n", r.n, r.n, r.n%1000)
		}
		r.made += len(r.buf)
	}
	k := copy(p, r.buf)
	r.buf = r.buf[k:]
	return k, nil
}
