package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"shuyu/internal/app/apptest"
)

// demandForm is a filled demand form: an aggregate demand on
// social_insurance by district and gender, counted by person.
func demandForm(agreementID, title string) url.Values {
	f := url.Values{"agreement_id": {agreementID}, "title": {title}, "scenario": {"分区县的参保结构统计"}, "purpose": {"就业形势研判"},
		"ends_on": {"2026-12-20"}, "rule": {"aggregate"}, "k": {"10"}}
	for name, role := range map[string]string{"id_number": "privacy_unit", "district": "dimension", "gender": "dimension"} {
		key := "social_insurance." + name
		f.Set("use."+key, "1")
		f.Set("role."+key, role)
		f.Set("why."+key, "按区县、性别统计参保人数")
	}
	return f
}

var hiddenAgreement = regexp.MustCompile(`name="agreement_id" value="([^"]+)"`)
var demandLink = regexp.MustCompile(`^/console/demands/([^/]+)$`)
var grantLink = regexp.MustCompile(`href="(/console/grants/[^"]+)" data-test="demand-grant"`)

// TestDemandPages files a demand through the console, sends it back,
// resubmits it and has every party approve it; the wrong roles are
// refused, and the form keeps what was typed when the service refuses it.
func TestDemandPages(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		analyst := consoleLogin(t, env, "analyst")
		form := analyst.get("/console/demands/new")
		wantPage(t, "the demand form", form, http.StatusOK, "提交数据需求申请", `name="use.social_insurance.district"`, `name="why.enterprise_registry.industry"`)
		m := hiddenAgreement.FindStringSubmatch(form.body)
		if m == nil {
			t.Fatal("the form names no agreement")
		}
		agreementID := m[1]

		// A field without a justification: refused on its row, all kept.
		bad := demandForm(agreementID, "参保结构（浏览器外）")
		bad.Set("why.social_insurance.gender", "")
		a := analyst.submit("/console/demands/new", "/console/demands/new", bad)
		wantPage(t, "a field without justification", a, http.StatusBadRequest, `data-test="field-error"`, "参保结构（浏览器外）", "分区县的参保结构统计")
		if !regexp.MustCompile(`data-field="social_insurance.gender" class="row-bad"`).MatchString(a.body) {
			t.Errorf("the error is not on the gender row:\n%.3000s", a.body)
		}

		a = analyst.submit("/console/demands/new", "/console/demands/new", demandForm(agreementID, "参保结构"))
		m = demandLink.FindStringSubmatch(a.location())
		if a.status != http.StatusSeeOther || m == nil {
			t.Fatalf("filing: %d to %q\n%.2000s", a.status, a.location(), a.body)
		}
		page := "/console/demands/" + m[1]
		wantPage(t, "the filed demand", analyst.get(page), http.StatusOK, `data-state="reviewing"`, "已提交数据需求申请“参保结构”", "待审核")

		// Wrong roles.
		wantPage(t, "an application unit lists demands", consoleLogin(t, env, "appunit").get("/console/demands"), http.StatusForbidden)
		wantPage(t, "an analyst approves", analyst.submit(page, page+"/approve", url.Values{"comment": {"自己批"}}), http.StatusForbidden)
		hrss := consoleLogin(t, env, "provider-hrss")
		wantPage(t, "a provider opens the filing form", hrss.get("/console/demands/new"), http.StatusForbidden)

		// The provider finds it in its queue and sends it back; without a comment first.
		wantPage(t, "the provider's queue", hrss.get("/console/demands?mine=1"), http.StatusOK, `data-demand="`+m[1]+`"`)
		wantPage(t, "return without comment", hrss.submit(page, page+"/return", nil), http.StatusBadRequest, `data-test="demand-review"`)
		a = hrss.submit(page, page+"/return", url.Values{"comment": {"请补充性别字段的必要性"}})
		if a.status != http.StatusSeeOther {
			t.Fatalf("return: %d\n%.2000s", a.status, a.body)
		}
		wantPage(t, "the returned demand", analyst.get(page), http.StatusOK, `data-state="returned"`, "请补充性别字段的必要性", `data-test="demand-resubmit"`)
		wantPage(t, "the resubmission form", analyst.get(page+"/resubmit"), http.StatusOK, `value="参保结构"`, "按区县、性别统计参保人数")
		// Resubmitted with a row filter: a wrong value is refused naming it,
		// kept in the form; the right one is shown to the reviewers.
		again := demandForm(agreementID, "参保结构（修改）")
		again.Set("rf.social_insurance.0.column", "district")
		again.Set("rf.social_insurance.0.op", "in")
		again.Set("rf.social_insurance.0.values", "奎文区，潍城区")
		again.Set("rf.social_insurance.1.column", "birth_date")
		again.Set("rf.social_insurance.1.op", "between")
		again.Set("rf.social_insurance.1.values", "1970-01-01, 1989-13-31")
		a = analyst.submit(page+"/resubmit", page+"/resubmit", again)
		wantPage(t, "a row filter with a wrong date", a, http.StatusBadRequest, `row_filter[1].values[1]: &#34;1989-13-31&#34; is not a date`,
			`value="1970-01-01, 1989-13-31"`, `<option value="district" selected>`)
		again.Set("rf.social_insurance.1.values", "1970-01-01, 1989-12-31")
		if a = analyst.submit(page+"/resubmit", page+"/resubmit", again); a.status != http.StatusSeeOther {
			t.Fatalf("resubmit: %d\n%.2000s", a.status, a.body)
		}
		wantPage(t, "round 2", analyst.get(page), http.StatusOK, `data-state="reviewing"`, "第 2 轮")
		wantPage(t, "the row filter before a reviewer", hrss.get(page), http.StatusOK, `data-test="demand-row-filter"`,
			"district ∈ {奎文区, 潍城区}", "1970-01-01 ≤ birth_date ≤ 1989-12-31")

		// Every party approves; the last approval creates the grant.
		for _, who := range []string{"provider-hrss", "bureau"} {
			b := consoleLogin(t, env, who)
			if a = b.submit(page, page+"/approve", url.Values{"comment": {"同意"}}); a.status != http.StatusSeeOther {
				t.Fatalf("%s approves: %d\n%.3000s", who, a.status, a.body)
			}
		}
		approved := analyst.get(page)
		wantPage(t, "the approved demand", approved, http.StatusOK, `data-state="approved"`, `data-test="demand-grant"`)
		g := grantLink.FindStringSubmatch(approved.body)
		if g == nil {
			t.Fatalf("no link to the grant:\n%.3000s", approved.body)
		}
		wantPage(t, "the grant's schema with its row filter", analyst.get(g[1]), http.StatusOK, `data-test="row-filters"`,
			`<li data-dataset="social_insurance"><code>social_insurance</code>: <code>district ∈ {奎文区, 潍城区}</code> ∧ <code>1970-01-01 ≤ birth_date ≤ 1989-12-31</code>`)

		analyst.get("/lang?to=en&back=/")
		en := analyst.get(page)
		wantPage(t, "in English", en, http.StatusOK, "Approved", "Reviews", "Open the workspace")
		if strings.Contains(en.body, "审核记录") {
			t.Error("the English page shows Chinese labels")
		}
	})
}
