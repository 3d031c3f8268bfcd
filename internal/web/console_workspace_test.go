package web_test

import (
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"shuyu/internal/app/apptest"
	"shuyu/internal/sandbox"
)

// anyIDNumber matches a resident ID number, masked or not.
var anyIDNumber = regexp.MustCompile(`\b[0-9]{6}(?:[0-9]{8}|\*{8})[0-9]{3}[0-9X]\b`)

var releaseRow = regexp.MustCompile(`data-release="([^"]+)"`)

// TestWorkspacePages runs the workspace through the console: the schema,
// an answered and a refused query, the Art. 30 gate shown, enforced and in
// the history, the
// dp budget going down, and a review result requested, released by the
// unit's reviewer and downloaded; the wrong roles are refused.
func TestWorkspacePages(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		g := demoGrants(t, env)
		aggregate, dp, review := g[sandbox.Aggregate], g[sandbox.DP], g[sandbox.Review]
		analyst := consoleLogin(t, env, "analyst")
		wantPage(t, "the grants", analyst.get("/console/grants"), http.StatusOK, `data-grant="`+aggregate+`"`, `data-grant="`+dp+`"`, "ε 3.00 / 3.00")

		ws := "/console/grants/" + aggregate
		wantPage(t, "the aggregate workspace", analyst.get(ws), http.StatusOK, `data-column="social_insurance.id_number"`, "隐私单位",
			`data-test="grant-k">10<`, `data-test="query-form"`, "data-submit-key>")
		run := func(b *consoleClient, grant, sql string) consoleAnswer {
			t.Helper()
			return b.submit("/console/grants/"+grant, "/console/grants/"+grant+"/query", url.Values{"sql": {sql}})
		}
		a := run(analyst, aggregate, "SELECT district, COUNT(DISTINCT id_number) AS people FROM social_insurance GROUP BY district")
		wantPage(t, "a grouped count", a, http.StatusOK, `data-test="result"`, "<th scope=\"col\">people</th>", `data-test="suppressed">`, `data-status="answered"`)
		a = run(analyst, aggregate, "SELECT id_number, district FROM social_insurance")
		if a.status/100 != 4 || !strings.Contains(a.body, `data-test="error"`) || !strings.Contains(a.body, "SELECT id_number, district") {
			t.Errorf("selecting id_number: %d\n%.3000s", a.status, a.body)
		}
		if m := anyIDNumber.FindString(a.body); m != "" {
			t.Errorf("the refusal page shows the ID number %s", m)
		}

		// Art. 30: analyst2 has no records; the page says so and the server refuses.
		analyst2 := consoleLogin(t, env, "analyst2")
		wantPage(t, "analyst2's workspace", analyst2.get(ws), http.StatusOK, `data-test="art30-block"`, "岗前安全培训记录", "保密协议", "data-submit-key disabled")
		wantPage(t, "analyst2 runs anyway", run(analyst2, aggregate, "SELECT COUNT(*) AS n FROM social_insurance"), http.StatusForbidden, "Art. 30")
		wantPage(t, "the refusal at the gate in the history", analyst.get(ws), http.StatusOK, `data-test="broke">art30<`, "analyst2")
		analyst2.get("/lang?to=en&back=/")
		wantPage(t, "analyst2 in English", analyst2.get(ws), http.StatusOK, "You may not run queries in the sandbox yet", "the confidentiality agreement")

		// Wrong roles.
		hrss := consoleLogin(t, env, "provider-hrss")
		wantPage(t, "a provider runs a query", hrss.post(ws+"/query", url.Values{"csrf": {hrss.token("/console/demands")}, "sql": {"SELECT 1"}}), http.StatusForbidden)
		wantPage(t, "an application unit lists grants", consoleLogin(t, env, "appunit").get("/console/grants"), http.StatusForbidden)
		wantPage(t, "an analyst opens the reviewers' queue", analyst.get("/console/releases"), http.StatusForbidden)

		// The dp budget goes down by the query's cost.
		a = run(analyst, dp, "SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district")
		spent, left := regexp.MustCompile(`data-test="eps-spent">([0-9.]+)<`).FindStringSubmatch(a.body), regexp.MustCompile(`data-test="eps-left">([0-9.]+)<`).FindStringSubmatch(a.body)
		if spent == nil || left == nil || spent[1] == "0.00" || !sameEpsilon(3, spent[1], left[1]) {
			t.Errorf("after a dp query: spent %v, left %v of 3\n%.3000s", spent, left, a.body)
		}

		// A review result waits for the reviewer.
		a = run(analyst, review, "SELECT district, gender, COUNT(*) AS n FROM social_insurance GROUP BY district, gender")
		wantPage(t, "a review query", a, http.StatusOK, `data-test="kept"`, `data-test="release-form"`)
		q := regexp.MustCompile(`action="/console/queries/([^/]+)/release"`).FindStringSubmatch(a.body)
		if q == nil {
			t.Fatal("no release form")
		}
		rs := "/console/grants/" + review
		wantPage(t, "a request without a reason", analyst.submit(rs, "/console/queries/"+q[1]+"/release", url.Values{"grant": {review}}), http.StatusBadRequest, "reason:")
		a = analyst.submit(rs, "/console/queries/"+q[1]+"/release", url.Values{"grant": {review}, "reason": {"用于就业形势研判报告"}})
		if a.status != http.StatusSeeOther || a.location() != rs {
			t.Fatalf("request: %d to %s\n%.2000s", a.status, a.location(), a.body)
		}
		wantPage(t, "requested", analyst.get(rs), http.StatusOK, `data-release-state="pending"`)

		bureau := consoleLogin(t, env, "bureau")
		queue := bureau.get("/console/releases")
		wantPage(t, "the reviewers' queue", queue, http.StatusOK, "SELECT district, gender, COUNT(*)", "用于就业形势研判报告", "analyst")
		m := releaseRow.FindStringSubmatch(queue.body)
		if m == nil {
			t.Fatal("the queue lists no release")
		}
		rel := "/console/releases/" + m[1]
		wantPage(t, "the release with its rows", bureau.get(rel), http.StatusOK, `data-test="release-rows"`, "<th scope=\"col\">n</th>", `data-step="release"`)
		wantPage(t, "download before release", analyst.get(rel+"/result.csv"), http.StatusForbidden)
		wantPage(t, "release without a comment", bureau.submit(rel, rel+"/release", nil), http.StatusBadRequest, "comment:")
		if a = bureau.submit(rel, rel+"/release", url.Values{"comment": {"汇总结果，可以出域"}}); a.status != http.StatusSeeOther {
			t.Fatalf("release: %d\n%.2000s", a.status, a.body)
		}
		wantPage(t, "released", analyst.get(rs), http.StatusOK, `data-release-state="released"`, `data-test="download-csv"`, "汇总结果，可以出域")
		csv := analyst.get(rel + "/result.csv")
		if csv.status != http.StatusOK || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") || !strings.Contains(csv.body, "district,gender,n") ||
			len(csv.header.Get("X-Content-SHA256")) != 64 {
			t.Errorf("the CSV: %d %v\n%.500s", csv.status, csv.header, csv.body)
		}
		if x := analyst.get(rel + "/result.xlsx"); x.status != http.StatusOK || !strings.HasPrefix(x.body, "PK") {
			t.Errorf("the XLSX: %d", x.status)
		}
	})
}

// sameEpsilon says whether left is total less spent, as the page writes them.
func sameEpsilon(total float64, spent, left string) bool {
	s, err1 := strconv.ParseFloat(spent, 64)
	l, err2 := strconv.ParseFloat(left, 64)
	return err1 == nil && err2 == nil && math.Abs(total-s-l) < 0.011
}

// TestSandboxCSRF posts to every state-changing page of demands, the
// workspace and releases without a token, with a wrong one, with another
// session's, and cross-site with a good one: each is refused and the
// ledger, which records every query and decision, does not grow.
func TestSandboxCSRF(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		analyst, bureau, hrss := consoleLogin(t, env, "analyst"), consoleLogin(t, env, "bureau"), consoleLogin(t, env, "provider-hrss")
		foreign := hrss.token("/console")
		g := demoGrants(t, env)
		posts := []forgedPost{
			{analyst, "/console/demands/new", demandForm("any", "不该出现的申请")},
			{analyst, "/console/demands/any/resubmit", demandForm("any", "不该出现的申请")},
			{analyst, "/console/demands/any/withdraw", nil},
			{bureau, "/console/demands/any/approve", url.Values{"comment": {"同意"}}},
			{bureau, "/console/demands/any/reject", url.Values{"comment": {"不同意"}}},
			{bureau, "/console/demands/any/return", url.Values{"comment": {"退回"}}},
			{analyst, "/console/grants/" + g[sandbox.Aggregate] + "/query", url.Values{"sql": {"SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district"}}},
			{analyst, "/console/queries/any/release", url.Values{"reason": {"用途"}}},
			{bureau, "/console/releases/any/release", url.Values{"comment": {"同意"}}},
			{bureau, "/console/releases/any/refuse", url.Values{"comment": {"不同意"}}},
		}
		refuseForged(t, env, foreign, posts)
	})
}
