package ingest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"shuyu/internal/app/apptest"
	"shuyu/internal/ingest"
	"shuyu/internal/store"
	"shuyu/internal/web"
)

// TestPullAPI configures, lists, runs and removes a source over HTTP; no
// answer carries the DSN's password.
func TestPullAPI(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, store.SQLite)
	table := sourceTable(t, ingest.Postgres)
	entry := newEntry(t, env, "pulled_api")
	srv := httptest.NewServer(web.New(web.Deps{Identity: env.App.Identity, Ledger: env.App.Ledger, Calendar: env.App.Calendar,
		Catalog: env.App.Catalog, Ingest: pulls(t, env, &bytes.Buffer{}), Log: slog.New(slog.DiscardHandler)}))
	defer srv.Close()
	token := env.Login(t, "provider-hrss")
	base := srv.URL + "/api/v1/datasets/" + entry.Name + "/sources"
	call := func(method, url string, body, out any) int {
		t.Helper()
		var r io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			r = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, url, r)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if strings.Contains(string(raw), "s3cret") {
			t.Errorf("%s %s answered the password: %s", method, url, raw)
		}
		if out != nil {
			json.Unmarshal(raw, out)
		}
		return resp.StatusCode
	}
	var src ingest.Source
	in := map[string]any{"driver": "postgres", "dsn": pgSource, "table": table, "columns": map[string]string{"name": "full_name"}, "interval": "6h"}
	if status := call("POST", base, in, &src); status != http.StatusCreated || src.ID == "" || src.Interval != "6h0m0s" {
		t.Fatalf("create: %d %+v", status, src)
	}
	var bad apiError
	in["columns"] = nil
	if status := call("POST", base, in, &bad); status != http.StatusBadRequest || len(bad.Error.Details.Problems) != 1 {
		t.Errorf("a table that does not fit: %d %+v", status, bad)
	}
	var res ingest.Result
	if status := call("POST", base+"/"+src.ID+"/pull", nil, &res); status != http.StatusCreated || res.Version.Rows != 2 || res.Version.SourceFormat != "postgres" {
		t.Errorf("pull now: %d %+v", status, res)
	}
	var list web.List[ingest.Source]
	if status := call("GET", base, nil, &list); status != http.StatusOK || len(list.Items) != 1 || list.Items[0].LastVersionID != res.Version.ID {
		t.Errorf("list: %d %+v", status, list)
	}
	if status := call("DELETE", base+"/"+src.ID, nil, nil); status != http.StatusOK {
		t.Errorf("delete: %d", status)
	}
	if status := call("POST", base+"/"+src.ID+"/pull", nil, nil); status != http.StatusNotFound {
		t.Errorf("pull from a deleted source: %d", status)
	}
}
