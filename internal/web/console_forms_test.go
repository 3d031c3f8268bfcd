package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"shuyu/internal/app/apptest"
	"shuyu/internal/demo"
)

// TestConsoleFormsShowErrors submits every form with mistakes: each comes
// back with the status the error maps to, the message, and what was typed
// (passwords excepted).
func TestConsoleFormsShowErrors(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		ctx := context.Background()
		city, err := env.App.Identity.JurisdictionByCode(ctx, demo.City.Code)
		if err != nil {
			t.Fatal(err)
		}
		kuiwenID := demo.Counties[3]
		if kuiwenID.Name != "奎文区" {
			t.Fatalf("demo county 3 is %s", kuiwenID.Name)
		}
		operator, appunit := env.Demo.Orgs["operator"], env.Demo.Orgs["appunit"]
		analyst, admin := userID(t, env, "analyst"), userID(t, env, "admin")
		orgForm := func(name, uscc string) url.Values {
			return url.Values{"name": {name}, "name_en": {"Kept English Name"}, "kind": {"operator"}, "jurisdiction_id": {city.ID},
				"sector": {"kept-sector"}, "uscc": {uscc}}
		}
		userForm := func(username, pw, pw2 string, roles ...string) url.Values {
			return url.Values{"username": {username}, "display_name": {"保留的显示名"}, "password": {pw}, "password2": {pw2},
				"roles": roles, "training_date": {"2026-01-05"}}
		}
		const strong = "Fresh-Passw0rd-42"
		cases := []struct {
			name, user, page, path string
			form                   url.Values
			status                 int
			want                   []string
		}{
			{"org without a name", "admin", "/console/orgs/new", "/console/orgs/new", orgForm("", ""), 400,
				[]string{"name: required", "Kept English Name", "kept-sector", `value="operator" selected`, `aria-invalid="true"`}},
			{"org with a bad credit code", "admin", "/console/orgs/new", "/console/orgs/new", orgForm("新单位", "123"), 400,
				[]string{"uscc:", `value="新单位"`, `id="f-uscc-err"`}},
			{"org named like another", "admin", "/console/orgs/new", "/console/orgs/new", orgForm("潍坊数智运营有限公司", ""), 409,
				[]string{"与现有状态冲突", `value="潍坊数智运营有限公司"`}},
			{"org outside the officer's county", "kuiwen", "/console/orgs/new", "/console/orgs/new", orgForm("越界单位", ""), 403,
				[]string{"无权访问", `value="越界单位"`}},
			{"org edit with a bad credit code", "admin", "/console/orgs/" + operator, "/console/orgs/" + operator,
				url.Values{"name": {"新名字"}, "uscc": {"XYZ"}}, 400, []string{"uscc:", `value="新名字"`, `value="XYZ"`}},
			{"user with a bad username", "operator", "/console/orgs/" + operator + "/users/new", "/console/orgs/" + operator + "/users/new",
				userForm("X", strong, strong, "analyst"), 400, []string{"username:", `value="X"`, "保留的显示名", `value="analyst" checked`, `value="2026-01-05"`}},
			{"user with passwords that differ", "operator", "/console/orgs/" + operator + "/users/new", "/console/orgs/" + operator + "/users/new",
				userForm("newbie", strong, strong+"x"), 400, []string{"两次输入的新密码不一致", `value="newbie"`}},
			{"user with a weak password", "operator", "/console/orgs/" + operator + "/users/new", "/console/orgs/" + operator + "/users/new",
				userForm("newbie", "short", "short"), 400, []string{"password: too short", `value="newbie"`}},
			{"user with a taken name", "operator", "/console/orgs/" + operator + "/users/new", "/console/orgs/" + operator + "/users/new",
				userForm("analyst", strong, strong), 409, []string{"username:", `value="analyst"`}},
			{"user with a role the kind cannot hold", "admin", "/console/orgs/" + operator + "/users/new", "/console/orgs/" + operator + "/users/new",
				userForm("newbie", strong, strong, "officer"), 400, []string{"roles:", `value="newbie"`}},
			{"user edit with a bad date", "operator", "/console/users/" + analyst, "/console/users/" + analyst,
				url.Values{"display_name": {"改过的名字"}, "roles": {"analyst"}, "training_date": {"2026-13-01"}}, 400,
				[]string{"training_date:", `value="改过的名字"`, `value="2026-13-01"`}},
			{"admin disabling themself", "admin", "/console/users/" + admin, "/console/users/" + admin,
				url.Values{"display_name": {"平台管理员"}, "roles": {"admin", "org_admin"}, "disabled": {"1"}}, 409, []string{"you cannot disable yourself"}},
			{"password reset too weak", "operator", "/console/users/" + analyst, "/console/users/" + analyst + "/password",
				url.Values{"password": {"weak"}, "password2": {"weak"}}, 400, []string{"password: too short"}},
			{"password reset that differs", "operator", "/console/users/" + analyst, "/console/users/" + analyst + "/password",
				url.Values{"password": {strong}, "password2": {"other"}}, 400, []string{"两次输入的新密码不一致"}},
			{"own password with a wrong current one", "analyst", "/console/account", "/console/account",
				url.Values{"current_password": {"Wrong-Current-1"}, "password": {strong}, "password2": {strong}}, 400, []string{"current_password: wrong password", `id="f-current_password-err"`}},
			{"own password that differs", "analyst", "/console/account", "/console/account",
				url.Values{"current_password": {apptest.Password}, "password": {strong}, "password2": {"x"}}, 400, []string{"两次输入的新密码不一致"}},
			{"API key without a name", "appunit", "/console/api-keys", "/console/api-keys", url.Values{"name": {"  "}}, 400, []string{"name: required"}},
			{"revoking an unknown key", "appunit", "/console/api-keys", "/console/api-keys/no-such-key/revoke", url.Values{}, 404, []string{"未找到"}},
			{"revoking another unit's key", "admin", "/console", "/console/api-keys/no-such-key/revoke", url.Values{"org": {appunit}}, 404, nil},
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
			if pw := c.form.Get("password"); pw != "" && strings.Contains(a.body, `value="`+pw+`"`) {
				t.Errorf("%s: a password is sent back", c.name)
			}
		}
		wantPage(t, "ledger with a bad cursor", clients["admin"].get("/console/ledger?before=abc"), 400, "before")
	})
}

var locationID = regexp.MustCompile(`/console/(?:orgs|users)/([0-9a-f-]{36})$`)

// TestConsoleFlows walks the happy paths: each POST answers 303 to the
// page it changed, which shows a flash message once.
func TestConsoleFlows(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		ctx := context.Background()
		city, _ := env.App.Identity.JurisdictionByCode(ctx, demo.City.Code)
		admin := consoleLogin(t, env, "admin")

		a := admin.submit("/console/orgs/new", "/console/orgs/new", url.Values{"name": {"潍坊星河数据有限公司"}, "kind": {"operator"},
			"jurisdiction_id": {city.ID}, "name_en": {"Xinghe Data (fictional)"}})
		m := locationID.FindStringSubmatch(a.location())
		if a.status != http.StatusSeeOther || m == nil {
			t.Fatalf("create organization: %d to %q\n%.1000s", a.status, a.location(), a.body)
		}
		orgPath := a.location()
		wantPage(t, "the new organization", admin.get(orgPath), 200, "已创建组织“潍坊星河数据有限公司”", "Xinghe Data (fictional)", "该组织还没有用户")
		if strings.Contains(admin.get(orgPath).body, "已创建组织") {
			t.Error("the flash message shows twice")
		}

		a = admin.submit(orgPath, orgPath, url.Values{"name": {"潍坊星河数据有限公司"}, "name_en": {"Xinghe Data Co."}, "sector": {"data"}})
		if a.status != http.StatusSeeOther || a.location() != orgPath {
			t.Fatalf("edit organization: %d to %q", a.status, a.location())
		}
		wantPage(t, "the edited organization", admin.get(orgPath), 200, "已保存组织", "Xinghe Data Co.")

		const pw = "Galaxy-Passw0rd-1"
		a = admin.submit(orgPath+"/users/new", orgPath+"/users/new", url.Values{"username": {"xinghe"}, "password": {pw}, "password2": {pw},
			"roles": {"org_admin", "analyst"}, "training_date": {"2026-02-03"}, "nda_date": {""}})
		m = locationID.FindStringSubmatch(a.location())
		if a.status != http.StatusSeeOther || m == nil {
			t.Fatalf("create user: %d to %q\n%.2000s", a.status, a.location(), a.body)
		}
		userPath := a.location()
		wantPage(t, "the new user", admin.get(userPath), 200, "已添加用户 xinghe", "数据分析师、本单位管理员", "2026-02-03")

		a = admin.submit(userPath, userPath, url.Values{"display_name": {"星河管理员"}, "roles": {"org_admin"}, "training_date": {"2026-02-03"}, "nda_date": {"2026-02-04"}})
		if a.status != http.StatusSeeOther {
			t.Fatalf("edit user: %d\n%.1000s", a.status, a.body)
		}
		wantPage(t, "the edited user", admin.get(userPath), 200, "已保存用户 xinghe", "星河管理员", "2026-02-04")

		// The new user signs in, changes their password and signs in with it.
		xinghe := newConsoleClient(t, env)
		if a := xinghe.post("/login", url.Values{"username": {"xinghe"}, "password": {pw}}); a.status != http.StatusSeeOther {
			t.Fatalf("new user login: %d", a.status)
		}
		wantPage(t, "the new user's dashboard", xinghe.get("/console"), 200, "潍坊星河数据有限公司", "可进入沙箱", "badge-ok")
		const pw2 = "Galaxy-Changed-22"
		a = xinghe.submit("/console/account", "/console/account", url.Values{"current_password": {pw}, "password": {pw2}, "password2": {pw2}})
		if a.status != http.StatusSeeOther {
			t.Fatalf("change password: %d\n%.1000s", a.status, a.body)
		}
		wantPage(t, "password changed", xinghe.get("/console/account"), 200, "密码已修改")
		if a := newConsoleClient(t, env).post("/login", url.Values{"username": {"xinghe"}, "password": {pw2}}); a.status != http.StatusSeeOther {
			t.Errorf("login with the new password: %d", a.status)
		}

		// The administrator resets it; the old one stops working.
		const pw3 = "Galaxy-Reset-333"
		a = admin.submit(userPath, userPath+"/password", url.Values{"password": {pw3}, "password2": {pw3}})
		if a.status != http.StatusSeeOther || a.location() != userPath {
			t.Fatalf("reset password: %d to %q", a.status, a.location())
		}
		wantPage(t, "password reset", admin.get(userPath), 200, "密码已重置")
		if a := newConsoleClient(t, env).post("/login", url.Values{"username": {"xinghe"}, "password": {pw2}}); a.status != http.StatusUnauthorized {
			t.Errorf("login with the replaced password: %d", a.status)
		}
	})
}

var secretPattern = regexp.MustCompile(`sy_k_[A-Za-z0-9_-]{20,}`)

func TestConsoleAPIKeys(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		app := consoleLogin(t, env, "appunit")
		a := app.submit("/console/api-keys", "/console/api-keys", url.Values{"name": {"生产环境"}})
		wantPage(t, "key created", a, http.StatusCreated, "密钥只显示这一次", "已创建密钥“生产环境”")
		secret := secretPattern.FindString(a.body)
		if secret == "" || a.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("no secret on the result page, or it may be cached (%q)", a.header.Get("Cache-Control"))
		}
		if status, _ := env.Do(t, "GET", "/api/v1/me", secret, nil); status != http.StatusOK {
			t.Fatalf("the new key does not work: %d", status)
		}
		list := app.get("/console/api-keys")
		wantPage(t, "key list", list, 200, "生产环境", secret[:11])
		if strings.Contains(list.body, secret) {
			t.Fatal("the list shows the secret again")
		}
		id := regexp.MustCompile(`/console/api-keys/([0-9a-f-]{36})/revoke`).FindStringSubmatch(list.body)
		if id == nil {
			t.Fatal("no revoke button")
		}
		a = app.submit("/console/api-keys", "/console/api-keys/"+id[1]+"/revoke", url.Values{})
		if a.status != http.StatusSeeOther || a.location() != "/console/api-keys" {
			t.Fatalf("revoke: %d to %q", a.status, a.location())
		}
		wantPage(t, "revoked", app.get("/console/api-keys"), 200, "已吊销密钥“生产环境”", "已于")
		if status, _ := env.Do(t, "GET", "/api/v1/me", secret, nil); status != http.StatusUnauthorized {
			t.Errorf("the revoked key still works: %d", status)
		}
		wantPage(t, "revoked twice", app.submit("/console/api-keys", "/console/api-keys/"+id[1]+"/revoke", url.Values{}), http.StatusConflict, "revoked already")
	})
}

func TestConsoleLedgerPage(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		admin := consoleLogin(t, env, "admin")
		actions := regexp.MustCompile(`<td data-col="action"><code>([^<]+)</code>`)
		a := admin.get("/console/ledger?action=auth.")
		wantPage(t, "filtered", a, 200, `value="auth."`)
		got := actions.FindAllStringSubmatch(a.body, -1)
		if len(got) == 0 {
			t.Fatal("no auth entries")
		}
		for _, m := range got {
			if !strings.HasPrefix(m[1], "auth.") {
				t.Errorf("filter auth. shows %s", m[1])
			}
		}
		// The demo wrote more than a page; the next page starts below the cursor.
		a = admin.get("/console/ledger?limit=10")
		next := regexp.MustCompile(`href="/console/ledger\?action=&amp;before=(\d+)&amp;limit=10"`).FindStringSubmatch(a.body)
		if next == nil {
			t.Fatalf("no link to older entries\n%.3000s", a.body)
		}
		older := admin.get("/console/ledger?limit=10&before=" + next[1])
		wantPage(t, "older entries", older, 200, "« 第一页")
		if strings.Contains(older.body, `<td class="num">`+next[1]+`</td>`) {
			t.Error("the older page repeats the cursor entry")
		}
		// An organization's administrator reads only its own organization's entries.
		hrss := consoleLogin(t, env, "provider-hrss")
		for _, m := range regexp.MustCompile(`<td data-col="actor">([^<]*)</td>`).FindAllStringSubmatch(hrss.get("/console/ledger").body, -1) {
			if m[1] != "provider-hrss" {
				t.Errorf("provider-hrss reads an entry of %q", m[1])
			}
		}
	})
}

func TestPortalHome(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		b := newConsoleClient(t, env)
		a := b.get("/")
		wantPage(t, "portal", a, 200, "公共数据资源授权运营平台", "潍坊市", "奎文区", "寿光市", `href="/api/v1/openapi.json"`, `href="/login"`, `data-test="cp-size"`)
		if n := strings.Count(a.body, `data-test="county"`); n != len(demo.Counties) {
			t.Errorf("the portal lists %d counties, want %d", n, len(demo.Counties))
		}
		if strings.Contains(a.body, `name="csrf"`) || strings.Contains(a.body, "data-nav") {
			t.Error("the anonymous portal shows console parts")
		}
		cp, _ := env.App.Ledger.Checkpoint(context.Background())
		if !strings.Contains(a.body, `<dd data-test="cp-size">`) || cp.Size == 0 {
			t.Error("no checkpoint on the portal")
		}
		// Signed in, the portal offers the console and the sign-out button, and is not cached.
		s := consoleLogin(t, env, "kuiwen")
		a = s.get("/")
		wantPage(t, "portal signed in", a, 200, "进入工作台", `data-test="logout"`, "李敏（奎文区大数据局）")
		if a.header.Get("Cache-Control") != "no-store" {
			t.Errorf("a personalised portal page may be cached: %q", a.header.Get("Cache-Control"))
		}

		css := b.get("/static/console.css")
		if css.status != 200 || !strings.HasPrefix(css.header.Get("Content-Type"), "text/css") {
			t.Errorf("stylesheet: %d %s", css.status, css.header.Get("Content-Type"))
		}
		if js := b.get("/static/console.js"); js.status != 200 || !strings.Contains(js.header.Get("Content-Type"), "javascript") {
			t.Errorf("script: %d %s", js.status, js.header.Get("Content-Type"))
		}
		if a := b.get("/static/"); a.status != 404 {
			t.Errorf("the static directory is listed: %d", a.status)
		}
		wantPage(t, "unknown page", b.get("/no/such/page"), 404, "您访问的页面不存在")
		if a := b.get("/api/v1/no-such-route"); !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
			t.Error("unknown API routes must still answer JSON")
		}
	})
}
