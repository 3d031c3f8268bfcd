package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/app/apptest"
	"shuyu/internal/quality"
	"shuyu/internal/store"
)

// demoTicket returns the ID of the demo ticket on an entry.
func demoTicket(t *testing.T, env *apptest.Env, dataset string) string {
	t.Helper()
	ts, _, err := env.App.Quality.Tickets(context.Background(), access.System("test"), quality.TicketFilter{Dataset: dataset}, store.NewPage(1, ""))
	if err != nil || len(ts) != 1 {
		t.Fatalf("demo ticket on %s: %v (%d)", dataset, err, len(ts))
	}
	return ts[0].ID
}

// TestSupplyPageAccess opens the data-supply pages as users who may and may
// not see them. The policy decides; the pages ask it.
func TestSupplyPageAccess(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		si, tax := demoTicket(t, env, "social_insurance"), demoTicket(t, env, "tax_credit")
		cases := []struct {
			user, path string
			status     int
			want       []string
		}{
			// The catalog: commissioners their own and those in scope, the
			// city bureau and regulators all, operators those in scope.
			{"provider-hrss", "/console/catalog", 200, []string{"社会保险参保信息", "企业登记信息", "纳税信用等级", "新建目录项", "一般数据（4级·敏感）"}},
			{"bureau", "/console/catalog", 200, []string{"社会保险参保信息", "潍坊市人力资源和社会保障局"}},
			{"analyst", "/console/catalog", 200, []string{"社会保险参保信息"}},
			{"regulator", "/console/catalog", 200, []string{"纳税信用等级"}},
			{"appunit", "/console/catalog", 403, []string{"无权访问"}},
			{"finance", "/console/catalog", 200, nil},
			{"provider-hrss", "/console/catalog/social_insurance", 200, []string{"id_number", "公民身份号码", "数据质量", "第 1 版", "provider-hrss",
				"创建目录项", "上传新版本", "修改目录项", `data-test="ticket-form"`, "部分参保单位信用代码在企业登记中查不到"}},
			{"provider-hrss", "/console/catalog/enterprise_registry", 200, []string{"企业登记信息", `data-test="ticket-form"`}},
			{"analyst", "/console/catalog/social_insurance", 200, []string{"公民身份号码", `data-test="ticket-form"`}},
			{"appunit", "/console/catalog/social_insurance", 403, nil},
			{"provider-hrss", "/console/catalog/no_such_entry", 404, []string{"未找到"}},
			{"provider-hrss", "/console/catalog/new", 200, []string{`data-test="entry-form"`, "核心数据"}},
			{"bureau", "/console/catalog/new", 403, nil},
			{"analyst", "/console/catalog/new", 403, nil},
			{"provider-hrss", "/console/catalog/social_insurance/edit", 200, []string{`value="公民身份号码"`}},
			{"provider-amr", "/console/catalog/social_insurance/edit", 403, nil},
			{"bureau", "/console/catalog/social_insurance/edit", 403, nil},
			{"provider-hrss", "/console/catalog/social_insurance/upload", 200, []string{`enctype="multipart/form-data"`}},
			{"admin", "/console/catalog/social_insurance/upload", 200, nil},
			{"provider-tax", "/console/catalog/social_insurance/upload", 403, nil},
			{"analyst", "/console/catalog/social_insurance/upload", 403, nil},
			{"provider-hrss", "/console/catalog/social_insurance/rules", 200, []string{"专门规则", `data-test="rules-form"`, "身份证号校验"}},
			{"analyst", "/console/catalog/social_insurance/rules", 200, []string{"身份证号校验"}},
			{"appunit", "/console/catalog/social_insurance/rules", 403, nil},
			{"provider-hrss", "/console/catalog/social_insurance/sources", 200, []string{"还没有配置数据源", `data-test="source-form"`}},
			{"admin", "/console/catalog/social_insurance/sources", 200, nil},
			{"provider-tax", "/console/catalog/social_insurance/sources", 403, nil},
			{"analyst", "/console/catalog/social_insurance/sources", 403, nil},
			// Tickets: the filer, the provider and the overseers.
			{"provider-hrss", "/console/tickets", 200, []string{"部分参保单位信用代码在企业登记中查不到"}},
			{"provider-hrss", "/console/tickets/" + si, 200, []string{"已与市市场监管局核对", "处理记录"}},
			{"provider-hrss", "/console/tickets/" + tax, 403, nil},
			{"bureau", "/console/tickets/" + tax, 200, []string{"纳税信用等级与公示结果不一致", `data-step="close"`}},
			{"analyst", "/console/tickets/" + si, 200, []string{"已接受", `data-step="close"`}},
			{"analyst2", "/console/tickets/" + si, 403, nil},
			{"admin", "/console/tickets/no-such-ticket", 404, nil},
			// The supply evaluation: not for operators.
			{"bureau", "/console/supply", 200, []string{"潍坊市人力资源和社会保障局", "国家税务总局潍坊市税务局", "下载 XLSX"}},
			{"provider-hrss", "/console/supply", 200, []string{"潍坊市人力资源和社会保障局"}},
			{"regulator", "/console/supply", 200, nil},
			{"operator", "/console/supply", 403, nil},
			{"analyst", "/console/supply.xlsx", 403, nil},
			{"bureau", "/console/supply?from=2026-13-01", 400, []string{"from:"}},
		}
		clients := map[string]*consoleClient{}
		for _, c := range cases {
			b := clients[c.user]
			if b == nil {
				b = consoleLogin(t, env, c.user)
				clients[c.user] = b
			}
			wantPage(t, c.user+" GET "+c.path, b.get(c.path), c.status, c.want...)
		}
		// What a page offers follows the policy too.
		for _, c := range []struct {
			user, path string
			offered    map[string]bool
		}{
			{"provider-hrss", "/console/catalog/social_insurance", map[string]bool{"entry-edit": true, "entry-upload": true, "ticket-form": true}},
			{"bureau", "/console/catalog/social_insurance", map[string]bool{"entry-edit": false, "entry-upload": false, "ticket-form": true}},
			{"analyst", "/console/catalog/social_insurance", map[string]bool{"entry-edit": false, "entry-upload": false, "apply": false}},
			{"admin", "/console/catalog/social_insurance", map[string]bool{"entry-edit": false, "entry-upload": true}},
			{"provider-hrss", "/console/catalog/enterprise_registry", map[string]bool{"entry-edit": false, "entry-upload": false}},
			{"analyst", "/console/catalog/social_insurance/rules", map[string]bool{"rules-form": false}},
			{"analyst", "/console/catalog", map[string]bool{"entry-create": false}},
			{"provider-hrss", "/console/catalog", map[string]bool{"entry-create": true}},
			{"provider-hrss", "/console/tickets/" + si, map[string]bool{"ticket-steps": false}},
		} {
			body := clients[c.user].get(c.path).body
			for part, want := range c.offered {
				if got := strings.Contains(body, `data-test="`+part+`"`); got != want {
					t.Errorf("%s on %s: %s offered %v, want %v", c.user, c.path, part, got, want)
				}
			}
		}
		// The bureau oversees the tax ticket: it may close it, not answer it.
		steps := regexp.MustCompile(`step-form" data-step="([a-z]+)"`).FindAllStringSubmatch(clients["bureau"].get("/console/tickets/"+tax).body, -1)
		if len(steps) != 1 || steps[0][1] != "close" {
			t.Errorf("the bureau is offered the steps %v on the rejected tax ticket, want close only", steps)
		}
		// Supply evaluation: a provider sees its own line only.
		if n := strings.Count(clients["provider-hrss"].get("/console/supply").body, "data-provider="); n != 1 {
			t.Errorf("provider-hrss sees %d lines of the supply evaluation, want its own", n)
		}
		x := clients["bureau"].get("/console/supply.xlsx?from=2026-01-01&to=2026-12-31")
		if x.status != http.StatusOK || x.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
			!strings.HasPrefix(x.body, "PK") || !strings.Contains(x.header.Get("Content-Disposition"), "supply-evaluation-2026-01-01-2026-12-31.xlsx") {
			t.Errorf("XLSX download: %d %s %q", x.status, x.header.Get("Content-Type"), x.header.Get("Content-Disposition"))
		}
	})
}
