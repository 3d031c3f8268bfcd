package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"shuyu/internal/app/apptest"
	"shuyu/internal/evaluation"
	"shuyu/internal/inbox"
	"shuyu/internal/store/storetest"
)

// postForm sends a multipart form with a bearer token: text fields, then
// files (name → content).
func postForm(t *testing.T, env *apptest.Env, path, token string, fields [][2]string, files [][2]string) (int, []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	for _, f := range files {
		fw, _ := mw.CreateFormFile("file", f[0])
		fw.Write([]byte(f[1]))
	}
	mw.Close()
	req, err := http.NewRequest("POST", env.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

// TestOversightAPI walks an evaluation and a rectification task over HTTP:
// the template, an answer with evidence files sent as a form, the download
// of a file with its digest, refusals that say what is wrong, reports on a
// task and their rejection, each side's inbox, and the termination of the
// agreement once its rectification has failed.
func TestOversightAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := apptest.New(t, d)
			ids := fixtures(t, env)
			operator, bureau, regulator := env.Login(t, "operator"), env.Login(t, "bureau"), env.Login(t, "regulator")

			var tpl evaluation.Template
			if status := env.Call(t, "GET", "/api/v1/evaluation-templates/current", operator, nil, &tpl); status != http.StatusOK || len(tpl.Sections) != 6 || len(tpl.Bands) != 4 {
				t.Errorf("the template in force: %d, %d sections", status, len(tpl.Sections))
			}

			pdf := "%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
			path := "/api/v1/operator-evaluations/" + ids["evaluation"] + "/items/no_raw_export/answer"
			status, raw := postForm(t, env, path, operator, [][2]string{{"answer", "未导出原始数据"}}, [][2]string{{"出域审核记录.pdf", pdf}, {"说明.txt", "全年出域 12 次，均经审核"}})
			var ev evaluation.Evaluation
			if status != http.StatusOK || json.Unmarshal(raw, &ev) != nil {
				t.Fatalf("answer with files: %d %s", status, raw)
			}
			i := slices.IndexFunc(ev.Items, func(it evaluation.ItemResult) bool { return it.Key == "no_raw_export" })
			if i < 0 || len(ev.Items[i].Files) != 2 || ev.Items[i].Answer != "未导出原始数据" {
				t.Fatalf("the answered item: %+v", ev.Items)
			}
			file := ev.Items[i].Files[0]
			for _, tc := range []struct {
				name   string
				fields [][2]string
				files  [][2]string
				want   string
			}{
				{"a program", [][2]string{{"answer", "x"}}, [][2]string{{"run.exe", "MZ"}}, "not accepted as evidence"},
				{"a stray field", [][2]string{{"answer", "x"}, {"note", "y"}}, nil, "send only answer and file"},
				{"no answer", nil, [][2]string{{"a.txt", "x"}}, "answer: required"},
			} {
				status, raw := postForm(t, env, path, operator, tc.fields, tc.files)
				if status != http.StatusBadRequest || !strings.Contains(string(raw), tc.want) {
					t.Errorf("%s: %d %s; want 400 saying %q", tc.name, status, raw, tc.want)
				}
			}

			req, _ := http.NewRequest("GET", env.URL+"/api/v1/operator-evaluations/"+ids["evaluation"]+"/files/"+file.ID, nil)
			req.Header.Set("Authorization", "Bearer "+regulator)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			sum := sha256.Sum256([]byte(pdf))
			_, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
			if resp.StatusCode != http.StatusOK || string(got) != pdf || resp.Header.Get("Content-Type") != "application/pdf" ||
				resp.Header.Get("Repr-Digest") != "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":" || params["filename"] != "出域审核记录.pdf" {
				t.Errorf("download: %d %q, headers %v", resp.StatusCode, got, resp.Header)
			}

			var e apiError
			if status := env.Call(t, "POST", "/api/v1/operator-evaluations/"+ids["evaluation"]+"/submit", operator, nil, &e); status != http.StatusConflict || !strings.Contains(e.Error.Message, "unanswered") {
				t.Errorf("submitting half the answers: %d %+v", status, e)
			}
			var r evaluation.Rectification
			status, raw = postForm(t, env, "/api/v1/rectifications/"+ids["rectification"]+"/submit", operator, [][2]string{{"report", "已补报"}}, [][2]string{{"台账.txt", "报送台账"}})
			if status != http.StatusOK || json.Unmarshal(raw, &r) != nil || r.State != evaluation.Submitted || len(r.Files) != 1 {
				t.Fatalf("report: %d %s", status, raw)
			}
			if status := env.Call(t, "POST", "/api/v1/rectifications/"+r.ID+"/reject", bureau, map[string]any{"comment": "未附报送记录", "days": 5}, &r); status != http.StatusOK ||
				r.State != evaluation.Open || r.Rejections != 1 || r.Days != 5 {
				t.Errorf("reject: %d %+v", status, r)
			}

			if _, err := env.App.Inbox.Gather(context.Background(), "test"); err != nil {
				t.Fatal(err)
			}
			kinds := func(token string) []string {
				t.Helper()
				var page apiList[inbox.Item]
				if status := env.Call(t, "GET", "/api/v1/inbox?limit=500", token, nil, &page); status != http.StatusOK {
					t.Fatalf("inbox: %d", status)
				}
				var out []string
				for _, it := range page.Items {
					if it.ObjectType == "evaluation" || it.ObjectType == "rectification" {
						out = append(out, it.Kind+" "+it.ObjectID)
					}
				}
				slices.Sort(out)
				return out
			}
			want := []string{"evaluation.answer " + ids["evaluation"], "rectification.review " + ids["reported"],
				"rectification.submit " + r.ID}
			got2 := append(kinds(operator), kinds(bureau)...)
			slices.Sort(got2)
			if !slices.Equal(got2, want) {
				t.Errorf("the operator's and the bureau's inboxes: %v, want %v", got2, want)
			}
			if k := kinds(regulator); len(k) != 0 {
				t.Errorf("the regulator's inbox: %v, want nothing to do", k)
			}
			// The agreement package asks RectificationFailed before a
			// termination for failed rectification (Art. 24, 27(2)): refused
			// after one rejection, founded after the second.
			terminate := map[string]string{"code": "breach_unrectified", "reason": "整改不到位"}
			if status := env.Call(t, "POST", "/api/v1/agreements/"+ids["agreement"]+"/terminate", bureau, terminate, &e); status != http.StatusConflict ||
				!strings.Contains(e.Error.Message, "no failed or overdue rectification") {
				t.Errorf("terminating with one rejection: %d %+v; want a conflict", status, e)
			}
			status, raw = postForm(t, env, "/api/v1/rectifications/"+r.ID+"/submit", operator, [][2]string{{"report", "已补报，附报送记录"}}, nil)
			if status != http.StatusOK {
				t.Fatalf("second report: %d %s", status, raw)
			}
			if status := env.Call(t, "POST", "/api/v1/rectifications/"+r.ID+"/reject", bureau, map[string]any{"comment": "仍未附报送记录"}, &r); status != http.StatusOK || !r.Failed {
				t.Errorf("second rejection: %d, failed %v", status, r.Failed)
			}
			if status, raw := env.Do(t, "POST", "/api/v1/agreements/"+ids["agreement"]+"/terminate", bureau, terminate); status != http.StatusOK {
				t.Errorf("terminating after two rejections: %d %s", status, raw)
			}

			var c inbox.Counts
			if status := env.Call(t, "GET", "/api/v1/inbox/counts", operator, nil, &c); status != http.StatusOK || c.ByKind["evaluation.answer"] != 1 ||
				c.ByKind["rectification.submit"] != 1 || c.Overdue != 0 || c.GatheredAt == nil {
				t.Errorf("the operator's counts: %d %+v", status, c)
			}
		})
	}
}

// apiList is the shape of API lists.
type apiList[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next"`
}
