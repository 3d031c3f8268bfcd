package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shuyu/internal/app/apptest"
)

func TestConsoleLanguage(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		b := consoleLogin(t, env, "bureau")
		wantPage(t, "Chinese by default", b.get("/console/orgs"), http.StatusOK, `<html lang="zh-CN">`, ">组织机构<", ">English<")

		a := b.get("/lang?to=en&back=" + url.QueryEscape("/console/orgs?after="))
		if a.status != http.StatusSeeOther || a.location() != "/console/orgs?after=" {
			t.Fatalf("switch: %d to %q", a.status, a.location())
		}
		if c := a.header.Get("Set-Cookie"); !strings.HasPrefix(c, "lang=en;") || !strings.Contains(c, "Path=/") || !strings.Contains(c, "SameSite=Lax") {
			t.Errorf("lang cookie %q", c)
		}
		wantPage(t, "English after the switch", b.get("/console/orgs"), http.StatusOK, `<html lang="en">`, ">Organizations<", ">Create organization<", "Implementing unit")
		wantPage(t, "English portal", b.get("/"), http.StatusOK, "Every act is recorded", "Kuiwen", "Weifang")

		b.get("/lang?to=zh&back=/")
		wantPage(t, "back to Chinese", b.get("/"), http.StatusOK, `<html lang="zh-CN">`, "每一次操作都有记录", "奎文区")

		// An unknown language falls back to Chinese, from the switch and from a planted cookie.
		b.get("/lang?to=fr&back=/")
		wantPage(t, "unknown language", b.get("/"), http.StatusOK, `<html lang="zh-CN">`)
		u, _ := url.Parse(env.URL)
		b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: "<script>", Path: "/"}})
		wantPage(t, "planted language cookie", b.get("/"), http.StatusOK, `<html lang="zh-CN">`)
	})
}
