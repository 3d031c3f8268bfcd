package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/app/apptest"
)

// upload posts a multipart form as a browser sends the upload page: the
// CSRF token first (unless csrf is ""), then fields, then the file.
func (b *consoleClient) upload(path, csrf string, fields [][2]string, filename string, data []byte) consoleAnswer {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csrf != "" {
		mw.WriteField("csrf", csrf)
	}
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	if filename != "" {
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write(data)
	}
	mw.Close()
	req, err := http.NewRequest("POST", b.base+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range b.header {
		req.Header[k] = v
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return consoleAnswer{status: resp.StatusCode, body: string(raw), header: resp.Header}
}

// idNumber makes a resident ID number with a valid GB 11643 check digit.
func idNumber(i int) string {
	base := fmt.Sprintf("370705199%d%02d%02d%03d", i%10, 1+i%12, 1+i%28, i%1000)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for k, c := range base {
		sum += int(c-'0') * weights[k]
	}
	return base + string("10X98765432"[sum%11])
}

// peopleForm is the create form of a test entry: a person_id column the
// commissioner calls "other", which the detector should catch.
func peopleForm(name string) url.Values {
	return url.Values{"name": {name}, "title": {"测试人员名单"}, "description": {"测试用。"}, "frequency": {"monthly"}, "rows": {"4"},
		"privacy_unit": {"-1"}, "op": {"save"},
		"f0.name": {"person_id"}, "f0.type": {"text"}, "f0.title": {"人员编号"}, "f0.class": {"other"}, "f0.grade": {"general-1"},
		"f1.name": {"amount"}, "f1.type": {"integer"}, "f1.title": {"金额"}, "f1.class": {"other"}, "f1.grade": {""},
		"f2.name": {"dropped"}, "f2.type": {"text"}, "f2.class": {"other"}, "f2.remove": {"1"},
		"f3.name": {""}, "f3.type": {"text"}}
}

func peopleCSV(rows int, bad string) []byte {
	var b strings.Builder
	b.WriteString("person_id,amount\n")
	for i := range rows {
		amount := fmt.Sprint(100 + i)
		if i == 1 && bad != "" {
			amount = bad
		}
		fmt.Fprintf(&b, "%s,%s\n", idNumber(i), amount)
	}
	return []byte(b.String())
}

// TestSupplyEntryFlow: a commissioner creates an entry through the form,
// uploads a small CSV (streamed), sees the detector's suggestion and applies
// it deliberately; a bad CSV is refused with its problems and leaves the
// current version. The history names who did what.
func TestSupplyEntryFlow(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		hrss := consoleLogin(t, env, "provider-hrss")

		// "More rows" saves nothing: it drops the ticked row and adds three.
		form := peopleForm("test_people")
		form.Set("op", "more")
		a := hrss.submit("/console/catalog/new", "/console/catalog/new", form)
		wantPage(t, "more rows", a, 200, `name="rows" value="6"`, `value="person_id"`, `value="测试人员名单"`)
		if strings.Contains(a.body, `value="dropped"`) {
			t.Error("a row ticked for removal is still in the form")
		}

		a = hrss.submit("/console/catalog/new", "/console/catalog/new", peopleForm("test_people"))
		if a.status != http.StatusSeeOther || a.location() != "/console/catalog/test_people" {
			t.Fatalf("create: %d to %q\n%.2000s", a.status, a.location(), a.body)
		}
		page := hrss.get("/console/catalog/test_people")
		wantPage(t, "new entry", page, 200, "已创建目录项 test_people", "人员编号", "一般数据（2级·低敏感）", "尚无版本")
		if strings.Contains(page.body, "dropped") {
			t.Error("the removed row was saved")
		}

		// A good CSV, streamed: the entry shows the version, and the
		// detector's suggestion waits for the commissioner.
		token := hrss.token("/console/catalog/test_people/upload")
		a = hrss.upload("/console/catalog/test_people/upload", token, [][2]string{{"format", "csv"}, {"encoding", ""}}, "people.csv", peopleCSV(20, ""))
		if a.status != http.StatusSeeOther || !strings.HasPrefix(a.location(), "/console/catalog/test_people") {
			t.Fatalf("upload: %d to %q\n%.3000s", a.status, a.location(), a.body)
		}
		page = hrss.get("/console/catalog/test_people")
		wantPage(t, "entry after upload", page, 200, "第 1 版已入库：20 行", `data-test="suggestions"`, "居民身份证号", "1 项待处理",
			`<td data-label="行数" class="num" data-col="rows">20</td>`, "utf-8", `data-test="quality-score"`)
		if !strings.Contains(page.body, `data-test="apply"`) {
			t.Fatal("no apply button for the suggestion")
		}
		d, err := env.App.Catalog.Get(context.Background(), access.System("test"), "test_people")
		if err != nil || d.Fields[0].Classification != "other" || d.Revision != 1 {
			t.Fatalf("the suggestion was applied by itself: %+v %v", d.Fields[0], err)
		}

		// Others may not apply it; a stale form is refused.
		apply := url.Values{"field": {"person_id"}, "classification": {"personal.identity"}, "grade": {"general-4"}, "revision": {"1"}}
		if a := consoleLogin(t, env, "analyst").submit("/console/catalog", "/console/catalog/test_people/suggestions/apply", apply); a.status != http.StatusForbidden {
			t.Errorf("an analyst applied a suggestion: %d", a.status)
		}
		stale := url.Values{"field": {"person_id"}, "classification": {"personal.identity"}, "grade": {"general-4"}, "revision": {"0"}}
		wantPage(t, "stale apply", hrss.submit("/console/catalog/test_people", "/console/catalog/test_people/suggestions/apply", stale), 409, "已被他人修改")
		forged := url.Values{"field": {"person_id"}, "classification": {"public.statistics"}, "grade": {"general-1"}, "revision": {"1"}}
		wantPage(t, "forged apply", hrss.submit("/console/catalog/test_people", "/console/catalog/test_people/suggestions/apply", forged), 409, "该建议已不在检测结果中")

		a = hrss.submit("/console/catalog/test_people", "/console/catalog/test_people/suggestions/apply", apply)
		if a.status != http.StatusSeeOther {
			t.Fatalf("apply: %d\n%.2000s", a.status, a.body)
		}
		page = hrss.get("/console/catalog/test_people")
		wantPage(t, "after apply", page, 200, "已按建议更新字段 person_id", `data-test="followed"`, "字段 person_id 的分类：其他 → 个人信息 / 身份标识",
			"一般数据（4级·敏感）")
		if strings.Contains(page.body, `data-test="apply"`) {
			t.Error("the applied suggestion is still offered")
		}
		if d, _ = env.App.Catalog.Get(context.Background(), access.System("test"), "test_people"); d.Fields[0].Grade != "general-4" || d.Revision != 2 {
			t.Errorf("after apply the field is %+v (revision %d)", d.Fields[0], d.Revision)
		}
		revBy := regexp.MustCompile(`<td data-label="操作人">provider-hrss</td>`)
		if n := len(revBy.FindAllString(page.body, -1)); n < 3 { // two revisions and the version
			t.Errorf("the history names provider-hrss %d times, want each revision and the version", n)
		}

		// A bad CSV: refused with line, column, value and reason; version 1 stays.
		a = hrss.upload("/console/catalog/test_people/upload", token, nil, "bad.csv", peopleCSV(5, "abc"))
		wantPage(t, "bad CSV", a, 400, `data-test="problems"`, `<td data-label="行" class="num" data-col="line">3</td>`,
			`<code>amount</code>`, `<code class="value">abc</code>`, "当前版本保持不变")
		wantPage(t, "entry after refusal", hrss.get("/console/catalog/test_people"), 200, "第 1 版 · 20 行")
		wantPage(t, "no file", hrss.upload("/console/catalog/test_people/upload", token, [][2]string{{"format", ""}}, "", nil), 400, "请选择要上传的文件")
		wantPage(t, "GBK declared for an XLSX", hrss.upload("/console/catalog/test_people/upload", token, [][2]string{{"format", "xlsx"}}, "x.csv", peopleCSV(2, "")),
			400, "format:")

		// The edit form saves a new revision; the history says what changed.
		edit := peopleForm("")
		edit.Del("name")
		edit.Set("revision", "2")
		edit.Set("title", "测试人员名单（改）")
		edit.Set("f0.class", "personal.identity")
		edit.Set("f0.grade", "general-4")
		edit.Set("privacy_unit", "0")
		a = hrss.submit("/console/catalog/test_people/edit", "/console/catalog/test_people/edit", edit)
		if a.status != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%.2000s", a.status, a.body)
		}
		wantPage(t, "after edit", hrss.get("/console/catalog/test_people"), 200, "已保存目录项 test_people", "名称：测试人员名单 → 测试人员名单（改）",
			"隐私单元：— → person_id")

		// Quality rules: set in rows, shown with their results, then back to the defaults.
		rules := hrss.get("/console/catalog/test_people/rules")
		rev := regexp.MustCompile(`name="revision" value="(\d+)"`).FindStringSubmatch(rules.body)
		if rev == nil {
			t.Fatal("no revision on the rules form")
		}
		a = hrss.submit("/console/catalog/test_people/rules", "/console/catalog/test_people/rules", url.Values{"rows": {"3"}, "revision": {rev[1]},
			"r0.field": {"amount"}, "r0.kind": {"range"}, "r0.min": {"100"}, "r0.max": {"110"},
			"r1.field": {"person_id"}, "r1.kind": {"enum"}, "r1.values": {idNumber(0) + "\r\n" + idNumber(1) + "\n"},
			"r2.field": {""}, "r2.kind": {""}})
		if a.status != http.StatusSeeOther {
			t.Fatalf("set rules: %d\n%.2000s", a.status, a.body)
		}
		wantPage(t, "rules saved", hrss.get("/console/catalog/test_people/rules"), 200, "已保存 test_people 的质量规则", "专门规则", "[100, 110]", "取值范围")
		entry := hrss.get("/console/catalog/test_people")
		// 20 rows: amounts 100…119 (9 out of range), IDs: 2 of 20 allowed.
		wantPage(t, "results under the new rules", entry, 200, "取值范围", "55.0%", "10.0%", "12, 13, 14, 15, 16 …", `<td data-label="不合格" class="num">9</td>`, `<td data-label="不合格" class="num">18</td>`)
		if strings.Contains(entry.body, idNumber(5)) {
			t.Error("the quality report shows a value")
		}
		a = hrss.submit("/console/catalog/test_people/rules", "/console/catalog/test_people/rules/defaults", nil)
		if a.status != http.StatusSeeOther {
			t.Fatalf("restore defaults: %d", a.status)
		}
		wantPage(t, "defaults restored", hrss.get("/console/catalog/test_people/rules"), 200, "已恢复为按目录生成的默认规则", "尚未设置本目录项专门的规则")
	})
}

// TestSupplyFormErrors submits the data-supply forms with mistakes: each
// comes back with the error's status and message, and what was typed.
func TestSupplyFormErrors(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		badName := peopleForm("test_bad")
		badName.Set("f1.name", "Bad Name")
		noTitle := peopleForm("test_untitled")
		noTitle.Set("title", "")
		core := peopleForm("test_core")
		core.Set("f1.grade", "core")
		core.Set("in_scope", "1")
		stale := url.Values{"revision": {"0"}, "title": {"改过的标题"}, "frequency": {"monthly"}, "rows": {"1"}, "privacy_unit": {"0"},
			"f0.name": {"id_number"}, "f0.type": {"text"}, "f0.class": {"personal.identity"}, "f0.grade": {"general-4"}}
		rule := func(field, kind, k, v string) url.Values {
			return url.Values{"rows": {"1"}, "revision": {"1"}, "r0.field": {field}, "r0.kind": {kind}, "r0." + k: {v}}
		}
		cases := []struct {
			name, user, page, path string
			form                   url.Values
			status                 int
			want                   []string
		}{
			{"entry without a title", "provider-hrss", "/console/catalog/new", "/console/catalog/new", noTitle, 400,
				[]string{"title: required", `value="test_untitled"`, `value="person_id"`}},
			{"entry with a bad field name", "provider-hrss", "/console/catalog/new", "/console/catalog/new", badName, 400,
				[]string{`id="f1-err"`, "Bad Name", `value="测试人员名单"`, `aria-invalid="true" aria-describedby="f1-err"`}},
			{"entry named like another", "provider-hrss", "/console/catalog/new", "/console/catalog/new", peopleForm("social_insurance"), 409,
				[]string{"name:", `value="social_insurance"`}},
			{"core data in scope", "provider-hrss", "/console/catalog/new", "/console/catalog/new", core, 400,
				[]string{"in_scope: core data", `id="f-in_scope-err"`, `name="in_scope" type="checkbox" value="1" checked`}},
			{"edit from a stale revision", "provider-hrss", "/console/catalog/social_insurance/edit", "/console/catalog/social_insurance/edit", stale, 409,
				[]string{"已被他人修改", `value="改过的标题"`, `name="revision" value="1"`}},
			{"rule with a bad pattern", "provider-hrss", "/console/catalog/social_insurance/rules", "/console/catalog/social_insurance/rules",
				rule("name", "regex", "pattern", "(unclosed"), 400, []string{"pattern: not a valid RE2 expression", `value="(unclosed"`, `id="r0-err"`}},
			{"range on a text field", "provider-hrss", "/console/catalog/social_insurance/rules", "/console/catalog/social_insurance/rules",
				rule("name", "range", "min", "1"), 400, []string{"a range rule applies to", `value="1"`}},
			{"rules from a stale page", "provider-hrss", "/console/catalog/social_insurance/rules", "/console/catalog/social_insurance/rules",
				url.Values{"rows": {"1"}, "revision": {"0"}, "r0.field": {"name"}, "r0.kind": {"unique"}}, 409, []string{"已被他人修改", `value="unique" selected`}},
			{"ticket without a title", "bureau", "/console/catalog/social_insurance", "/console/catalog/social_insurance/tickets",
				url.Values{"kind": {"objection"}, "field": {"gender"}, "description": {"保留的描述"}}, 400,
				[]string{"title: required", "保留的描述", `value="objection" checked`, `value="gender" selected`}},
			{"ticket of no kind", "bureau", "/console/catalog/social_insurance", "/console/catalog/social_insurance/tickets",
				url.Values{"kind": {"complaint"}, "title": {"保留的标题"}, "description": {"描述"}}, 400, []string{"kind:", `value="保留的标题"`}},
			{"a source on this machine", "provider-hrss", "/console/catalog/social_insurance/sources", "/console/catalog/social_insurance/sources",
				url.Values{"driver": {"postgres"}, "dsn": {"postgres://reader:s3cret-pw@127.0.0.1:5432/hr?sslmode=disable"}, "table": {"insured"},
					"interval": {"24h"}, "columns": {"name = full_name"}}, 400, []string{`value="insured"`, "name = full_name", `value="24h"`}},
			{"a source with a bad column line", "provider-hrss", "/console/catalog/social_insurance/sources", "/console/catalog/social_insurance/sources",
				url.Values{"driver": {"postgres"}, "dsn": {"postgres://reader:s3cret-pw@db.example.gov.cn/hr"}, "table": {"insured"}, "interval": {"24h"},
					"columns": {"name full_name"}}, 400, []string{"不是“字段名 = 列名”的形式"}},
			{"ticket on an unknown field", "bureau", "/console/catalog/social_insurance", "/console/catalog/social_insurance/tickets",
				url.Values{"kind": {"correction"}, "field": {"nope"}, "title": {"t"}, "description": {"d"}}, 400, []string{"field:"}},
		}
		clients := map[string]*consoleClient{}
		for _, c := range cases {
			b := clients[c.user]
			if b == nil {
				b = consoleLogin(t, env, c.user)
				clients[c.user] = b
			}
			a := b.submit(c.page, c.path, c.form)
			wantPage(t, c.name, a, c.status, append(c.want, `data-test="error"`)...)
			if strings.Contains(a.body, "s3cret-pw") {
				t.Errorf("%s: the page shows the source's password", c.name)
			}
		}
		// Nothing above changed the demo entry or its rules.
		d, _ := env.App.Catalog.Get(context.Background(), access.System("test"), "social_insurance")
		if d.Revision != 1 || d.Title != "社会保险参保信息" {
			t.Errorf("a refused form changed the entry: revision %d, %q", d.Revision, d.Title)
		}
	})
}

// TestSupplyTicketFlow walks a ticket through the console: the bureau files
// a correction, the provider answers (a missing comment is refused), the
// bureau accepts and closes. Each reader is offered exactly the steps the
// transition table gives them.
func TestSupplyTicketFlow(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		bureau, hrss, analyst := consoleLogin(t, env, "bureau"), consoleLogin(t, env, "provider-hrss"), consoleLogin(t, env, "analyst")
		a := bureau.submit("/console/catalog/social_insurance", "/console/catalog/social_insurance/tickets", url.Values{"kind": {"correction"},
			"field": {"employer_uscc"}, "title": {"参保单位代码有误"}, "description": {"第 12 行的参保单位代码与登记不符。"}})
		m := regexp.MustCompile(`^/console/tickets/([0-9a-f-]{36})$`).FindStringSubmatch(a.location())
		if a.status != http.StatusSeeOther || m == nil {
			t.Fatalf("file: %d to %q\n%.2000s", a.status, a.location(), a.body)
		}
		path := a.location()
		steps := func(c *consoleClient) []string {
			var out []string
			for _, s := range regexp.MustCompile(`step-form" data-step="([a-z]+)"`).FindAllStringSubmatch(c.get(path).body, -1) {
				out = append(out, s[1])
			}
			return out
		}
		wantPage(t, "filed", bureau.get(path), 200, "工单已提交，数据提供单位须在", `data-state="open"`, "参保单位代码有误", "employer_uscc")
		if got := fmt.Sprint(steps(bureau), steps(hrss)); got != "[close] [answer]" {
			t.Errorf("open ticket: bureau and provider are offered %s, want [close] [answer]", got)
		}
		if a := analyst.get(path); a.status != http.StatusForbidden {
			t.Errorf("another operator's analyst reads the ticket: %d", a.status)
		}
		wantPage(t, "the provider's list", hrss.get("/console/tickets?state=open"), 200, "参保单位代码有误", `data-state="open"`)
		wantPage(t, "a bad filter", hrss.get("/console/tickets?state=lost"), 400, "state:")

		wantPage(t, "answer without a comment", hrss.submit(path, path+"/answer", url.Values{"comment": {" "}}), 400, "comment: required", `data-test="step-answer"`)
		if a := bureau.submit(path, path+"/answer", url.Values{"comment": {"我来答复"}}); a.status != http.StatusForbidden {
			t.Errorf("the filer answered its own ticket: %d", a.status)
		}
		if a := hrss.submit(path, path+"/answer", url.Values{"comment": {"已核实并更正，将在下一版本体现。"}}); a.status != http.StatusSeeOther || a.location() != path {
			t.Fatalf("answer: %d to %q", a.status, a.location())
		}
		wantPage(t, "answered", bureau.get(path), 200, `data-state="answered"`, "已核实并更正")
		if got := fmt.Sprint(steps(bureau), steps(hrss)); got != "[accept reject close] []" {
			t.Errorf("answered ticket: bureau and provider are offered %s", got)
		}
		if a := analyst.submit("/console/tickets", path+"/accept", nil); a.status != http.StatusForbidden {
			t.Errorf("a stranger accepted the answer: %d", a.status)
		}
		if a := bureau.submit(path, path+"/accept", url.Values{"comment": {"谢谢。"}}); a.status != http.StatusSeeOther {
			t.Fatalf("accept: %d\n%.1000s", a.status, a.body)
		}
		wantPage(t, "accepted", bureau.get(path), 200, "已接受答复", `data-state="accepted"`)
		wantPage(t, "accepted twice", bureau.submit(path, path+"/accept", nil), 409, "accepted")
		if a := bureau.submit(path, path+"/close", nil); a.status != http.StatusSeeOther {
			t.Fatalf("close: %d", a.status)
		}
		closed := bureau.get(path)
		wantPage(t, "closed", closed, 200, "工单已关闭", `data-state="closed"`)
		if n := strings.Count(closed.body, "<li data-step="); n != 4 {
			t.Errorf("the history has %d steps, want file, answer, accept, close", n)
		}
		wantPage(t, "mine", bureau.get("/console/tickets?mine=1&state=closed"), 200, "参保单位代码有误")
		if strings.Contains(bureau.get("/console/tickets?mine=1&state=open").body, "参保单位代码有误") {
			t.Error("the state filter lets a closed ticket through")
		}
	})
}

// TestSupplyCSRF posts to every new state-changing page without a token,
// with a wrong one and cross-site: each is refused and the ledger, which
// records every change, does not grow.
func TestSupplyCSRF(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		hrss, bureau := consoleLogin(t, env, "provider-hrss"), consoleLogin(t, env, "bureau")
		good := hrss.token("/console")
		ticket := demoTicket(t, env, "enterprise_registry")
		posts := []forgedPost{
			{hrss, "/console/catalog/new", peopleForm("test_csrf")},
			{hrss, "/console/catalog/social_insurance/edit", url.Values{"title": {"改名"}}},
			{hrss, "/console/catalog/social_insurance/suggestions/apply", url.Values{"field": {"name"}}},
			{hrss, "/console/catalog/social_insurance/tickets", url.Values{"kind": {"correction"}, "title": {"t"}, "description": {"d"}}},
			{hrss, "/console/catalog/social_insurance/rules", url.Values{"rows": {"0"}}},
			{hrss, "/console/catalog/social_insurance/rules/defaults", nil},
			{hrss, "/console/catalog/social_insurance/sources", url.Values{"driver": {"postgres"}, "dsn": {"postgres://u:p@db.example.gov.cn/x"}, "table": {"t"}, "interval": {"1h"}}},
			{hrss, "/console/catalog/social_insurance/sources/any/delete", nil},
			{hrss, "/console/catalog/social_insurance/sources/any/pull", nil},
			{consoleLogin(t, env, "provider-amr"), "/console/tickets/" + ticket + "/answer", url.Values{"comment": {"答复"}}},
			{bureau, "/console/tickets/" + ticket + "/close", nil},
			{bureau, "/console/tickets/" + ticket + "/accept", nil},
			{bureau, "/console/tickets/" + ticket + "/reject", url.Values{"comment": {"不接受"}}},
		}
		before := ledgerSize(t, env)
		refuseForged(t, env, good, posts)
		// The upload form: the token must come first, and be right.
		csv := peopleCSV(3, "")
		up := "/console/catalog/social_insurance/upload"
		wantPage(t, "upload without a token", hrss.upload(up, "", nil, "x.csv", csv), 403, "表单已过期")
		wantPage(t, "upload with a wrong token", hrss.upload(up, "AAAA"+good[4:], nil, "x.csv", csv), 403, "表单已过期")
		wantPage(t, "upload with the token last", hrss.upload(up, "", [][2]string{{"format", "csv"}, {"csrf", good}}, "x.csv", csv), 403)
		hrss.header.Set("Sec-Fetch-Site", "cross-site")
		wantPage(t, "cross-site upload", hrss.upload(up, good, nil, "x.csv", csv), 403, "请求来自其他网站")
		hrss.header.Del("Sec-Fetch-Site")
		if after := ledgerSize(t, env); after != before {
			t.Errorf("refused posts changed something: the ledger grew from %d to %d entries", before, after)
		}
	})
}

// TestPortalCatalog: the public catalog needs no login and lists the
// entries in the operation scope only, with their descriptions and field
// titles, never data and never grades.
func TestPortalCatalog(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		hrss := consoleLogin(t, env, "provider-hrss")
		if a := hrss.submit("/console/catalog/new", "/console/catalog/new", peopleForm("test_hidden")); a.status != http.StatusSeeOther {
			t.Fatalf("create an entry out of scope: %d\n%.1000s", a.status, a.body)
		}
		token := hrss.token("/console/catalog/social_insurance/upload")
		if a := hrss.upload("/console/catalog/test_hidden/upload", token, nil, "p.csv", peopleCSV(5, "")); a.status != http.StatusSeeOther {
			t.Fatalf("upload: %d", a.status)
		}
		b := newConsoleClient(t, env)
		home := b.get("/")
		wantPage(t, "portal home links the catalog", home, 200, `href="/catalog"`)
		a := b.get("/catalog")
		wantPage(t, "public catalog", a, 200, "社会保险参保信息", "企业登记信息", "纳税信用等级", "潍坊市人力资源和社会保障局", "每月",
			"公民身份号码", "个人信息", "不显示任何数据")
		if n := strings.Count(a.body, `data-test="portal-entry"`); n != 3 {
			t.Errorf("the portal lists %d entries, want the 3 in scope", n)
		}
		for _, never := range []string{"test_hidden", "测试人员名单", "一般数据", "核心数据", "重要数据", "general-", idNumber(0), "id_number", `name="csrf"`} {
			if strings.Contains(a.body, never) {
				t.Errorf("the public catalog shows %q", never)
			}
		}
		wantPage(t, "public catalog in English", func() consoleAnswer {
			b.get("/lang?to=en&back=/catalog")
			return b.get("/catalog")
		}(), 200, "Public data catalog", "Weifang Human Resources and Social Security Bureau", "Personal information")
	})
}
