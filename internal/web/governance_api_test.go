package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shuyu/internal/app/apptest"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/plan"
	"shuyu/internal/sandbox"
	"shuyu/internal/store/storetest"
	"shuyu/internal/tender"
	"shuyu/internal/tender/tendertest"
)

// TestGovernanceAPI walks the procedure over HTTP on the demo: a plan from
// draft to filing, an announcement published and on the portal, an
// application with evidence uploaded as multipart (and refused when the
// evidence is wrong), the agreements list other issues rely on, and the
// exit: terminating the demo agreement returns the deletion record, stops
// the operator's authorization and its analyst's grant at once, asking again
// returns the same record, and the ledger still verifies.
func TestGovernanceAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := apptest.New(t, d)
			ctx := context.Background()
			bureau, operator, anonymous := env.Login(t, "bureau"), env.Login(t, "operator"), ""
			call := func(method, path, token string, body, out any, want int) {
				t.Helper()
				status, raw := env.Do(t, method, path, token, body)
				if status != want {
					t.Fatalf("%s %s: %d %s; want %d", method, path, status, raw, want)
				}
				if out != nil {
					if err := json.Unmarshal(raw, out); err != nil {
						t.Fatal(err)
					}
				}
			}

			// A plan from draft to filing.
			var pl plan.Plan
			call("POST", "/api/v1/plans", bureau, map[string]any{"title": "API 测试方案", "mode": "whole",
				"datasets": []string{"social_insurance"}, "consulted": []map[string]string{{"org_id": env.Demo.Orgs["cac"]}},
				"revenue_sharing": "按贡献分配", "security": "不出域", "benefits": map[string]string{"economic": "增收", "social": "便民"}}, &pl, http.StatusCreated)
			call("POST", "/api/v1/plans/"+pl.ID+"/submit", bureau, nil, &pl, http.StatusOK)
			today := calendar.DateOf(time.Now()).String()
			call("POST", "/api/v1/plans/"+pl.ID+"/approve", bureau, map[string]any{"decision": map[string]string{
				"meeting": "市政府常务会议", "number": "纪要1号", "date": today}}, &pl, http.StatusOK)
			if pl.State != plan.Approved || pl.FilingDueDay == "" || pl.Overdue {
				t.Fatalf("approved plan %+v", pl)
			}
			call("PATCH", "/api/v1/plans/"+pl.ID, bureau, map[string]any{"security": "改"}, nil, http.StatusConflict)

			// An announcement under it, published, on the portal.
			var a tender.Announcement
			call("POST", "/api/v1/announcements", bureau, map[string]any{"plan_id": pl.ID, "title": "API 测试公告", "conditions": "第十三条",
				"criteria": []map[string]any{{"name": "方案", "weight": 100}}, "deadline": time.Now().Add(time.Hour).Format(time.RFC3339)}, &a, http.StatusCreated)
			call("GET", "/api/v1/public/announcements/"+a.ID, anonymous, nil, nil, http.StatusNotFound)
			call("POST", "/api/v1/announcements/"+a.ID+"/publish", bureau, nil, &a, http.StatusOK)
			var portal struct{ Items []tender.Announcement }
			call("GET", "/api/v1/public/announcements", anonymous, nil, &portal, http.StatusOK)
			if len(portal.Items) != 2 || portal.Items[0].ID != a.ID || portal.Items[0].CreatedBy != "" {
				t.Errorf("the portal lists %+v", portal.Items)
			}

			// The operator applies with evidence; a Word file is refused.
			apply := func(extra ...[3]string) (int, []byte) {
				var body bytes.Buffer
				mw := multipart.NewWriter(&body)
				decls, _ := json.Marshal(tendertest.Declarations())
				mw.WriteField("declarations", string(decls))
				for item := 1; item <= 6; item++ {
					fw, _ := mw.CreateFormFile(fmt.Sprintf("item%d", item), "证明.pdf")
					fw.Write(tendertest.PDF)
				}
				for _, f := range extra {
					fw, _ := mw.CreateFormFile(f[0], f[1])
					fw.Write([]byte(f[2]))
				}
				mw.Close()
				req, _ := http.NewRequest("POST", env.URL+"/api/v1/announcements/"+a.ID+"/applications", &body)
				req.Header.Set("Content-Type", mw.FormDataContentType())
				req.Header.Set("Authorization", "Bearer "+operator)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				raw, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, raw
			}
			if status, raw := apply([3]string{"item7", "说明.docx", "PK\x03\x04"}); status != http.StatusBadRequest || !strings.Contains(string(raw), "not accepted") {
				t.Errorf("a Word file: %d %s", status, raw)
			}
			status, raw := apply([3]string{"item7", "附表.xlsx", "PK\x03\x04xlsx"})
			var ap tender.Application
			if status != http.StatusCreated || json.Unmarshal(raw, &ap) != nil || len(ap.Files) != 7 {
				t.Fatalf("applying: %d %s", status, raw)
			}
			for _, f := range ap.Files[:1] {
				req, _ := http.NewRequest("GET", env.URL+"/api/v1/applications/"+ap.ID+"/files/"+f.ID, nil)
				req.Header.Set("Authorization", "Bearer "+bureau)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				content, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				sum := sha256.Sum256(content)
				if resp.StatusCode != http.StatusOK || hex.EncodeToString(sum[:]) != f.SHA256 || resp.Header.Get("Content-Type") != "application/pdf" ||
					resp.Header.Get("Repr-Digest") != "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":" {
					t.Errorf("download: %d %s, hash %x, want %s", resp.StatusCode, resp.Header.Get("Content-Type"), sum, f.SHA256)
				}
			}

			// The agreements list, as the sandbox and the portal read it.
			var ags struct {
				Items []struct {
					ID, Operator, State string
					StartsAt            time.Time `json:"starts_at"`
					EndsAt              time.Time `json:"ends_at"`
					Datasets            []struct{ ID, Name string }
				}
			}
			call("GET", "/api/v1/agreements", operator, nil, &ags, http.StatusOK)
			if len(ags.Items) != 1 || ags.Items[0].Operator != "潍坊数智运营有限公司" || ags.Items[0].State != "active" ||
				len(ags.Items[0].Datasets) != 3 || !ags.Items[0].EndsAt.After(ags.Items[0].StartsAt) {
				t.Fatalf("agreements %+v", ags)
			}
			ag := ags.Items[0]
			ids := []string{ag.Datasets[0].ID, ag.Datasets[1].ID, ag.Datasets[2].ID}

			// The exit. Before it, the demo analyst's aggregate grant answers.
			analyst, grant := env.Login(t, "analyst"), demoGrants(t, env)[sandbox.Aggregate]
			query := map[string]string{"sql": "SELECT district, count(DISTINCT id_number) AS n FROM social_insurance GROUP BY district"}
			call("POST", "/api/v1/grants/"+grant+"/queries", analyst, query, nil, http.StatusOK)
			ws, err := env.App.Domain.Workspace(env.Demo.Orgs["operator"])
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(ws, "result.csv"), []byte("district,n\n潍城区,12\n"), 0o600)
			call("POST", "/api/v1/agreements/"+ag.ID+"/terminate", operator, map[string]string{"reason": "x"}, nil, http.StatusForbidden)
			var rec struct {
				ID    string
				State string
				Files []struct{ Ref, SHA256 string }
			}
			call("POST", "/api/v1/agreements/"+ag.ID+"/terminate", bureau, map[string]string{"reason": "运营单位申请提前终止"}, &rec, http.StatusOK)
			if _, err := env.App.Agreements.ActiveUntil(ctx, env.Demo.Orgs["operator"], ids); !errs.Is(err, errs.Forbidden) {
				t.Errorf("the operator's authorization right after the exit: %v", err)
			}
			call("POST", "/api/v1/grants/"+grant+"/queries", analyst, query, nil, http.StatusForbidden)
			sum := sha256.Sum256([]byte("district,n\n潍城区,12\n"))
			// The record lists the file written here and the analyst's answer
			// kept in the workspace, each with its hash.
			if rec.State != "complete" || len(rec.Files) != 2 || rec.Files[0].SHA256 != hex.EncodeToString(sum[:]) ||
				!strings.HasSuffix(rec.Files[0].Ref, "/result.csv") || !strings.Contains(rec.Files[1].Ref, "/results/") ||
				len(rec.Files[1].SHA256) != 64 {
				t.Errorf("deletion record %+v", rec)
			}
			var again struct{ ID string }
			call("POST", "/api/v1/agreements/"+ag.ID+"/terminate", bureau, map[string]string{"reason": "再次"}, &again, http.StatusOK)
			if again.ID != rec.ID {
				t.Errorf("terminating again gave record %s, want %s", again.ID, rec.ID)
			}
			call("GET", "/api/v1/agreements/"+ag.ID+"/exit", operator, nil, &again, http.StatusOK)
			var public struct {
				Items []struct{ State, Operator string }
			}
			call("GET", "/api/v1/public/agreements", anonymous, nil, &public, http.StatusOK)
			if len(public.Items) != 1 || public.Items[0].State != "terminated" {
				t.Errorf("the portal's agreements %+v", public.Items)
			}
			if _, err := ledger.Verify(ctx, env.App.DB, env.App.Ledger.Key(), nil); err != nil {
				t.Errorf("ledger verify: %v", err)
			}
		})
	}
}
