package web_test

import (
	"strings"
	"testing"

	"shuyu/internal/app/apptest"
)

// TestConsolePageAccess opens pages as users who may and may not see them:
// the policy in package access decides, the console only asks it.
func TestConsolePageAccess(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		org := env.Demo.Orgs
		analyst := userID(t, env, "analyst")
		cases := []struct {
			user, path string
			status     int
			want       []string
		}{
			{"provider-hrss", "/console/orgs/" + org["hrss"], 200, []string{"潍坊市人力资源和社会保障局", "provider-hrss"}},
			{"provider-hrss", "/console/orgs/" + org["amr"], 403, []string{"无权访问"}},
			{"provider-hrss", "/console/orgs/" + org["bureau"], 403, nil},
			{"provider-hrss", "/console/orgs/no-such-org", 404, []string{"未找到"}},
			{"provider-hrss", "/console/api-keys", 403, nil},
			{"provider-hrss", "/console/orgs/new", 403, nil},
			{"kuiwen", "/console/orgs/" + org["appunit"], 200, []string{"潍坊智信科技有限公司"}},
			{"kuiwen", "/console/orgs/" + org["bureau"], 403, nil},
			{"kuiwen", "/console/users/" + analyst, 403, nil},
			{"bureau", "/console/users/" + analyst, 200, []string{"刘洋（数据分析师）", "2026-03-02"}},
			{"bureau", "/console/orgs/" + org["operator"], 200, []string{"analyst2", "岗前安全培训日期"}},
			{"analyst", "/console/users/" + analyst, 200, []string{"刘洋（数据分析师）"}},
			{"analyst2", "/console/users/" + analyst, 403, nil},
			{"analyst", "/console/ledger", 403, nil},
			{"analyst", "/console/orgs/" + org["operator"], 200, []string{"潍坊数智运营有限公司"}},
			{"regulator", "/console/orgs/new", 403, nil},
			{"regulator", "/console/ledger", 200, []string{"当前检查点"}},
			{"regulator", "/console/orgs/" + org["operator"], 200, nil},
			{"appunit", "/console/api-keys", 200, []string{"创建密钥"}},
			{"admin", "/console/api-keys?org=" + org["appunit"], 200, []string{"潍坊智信科技有限公司"}},
			{"admin", "/console/users/no-such-user", 404, nil},
			{"admin", "/console/no-such-page", 404, []string{"您访问的页面不存在"}},
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
		// Parts of a page follow the policy too: the provider sees its own
		// organization but no edit form (an officer's or admin's job), yet
		// may add users as its organization's administrator.
		a := clients["provider-hrss"].get("/console/orgs/" + org["hrss"])
		if strings.Contains(a.body, `data-test="org-edit"`) || !strings.Contains(a.body, `data-test="user-add"`) {
			t.Errorf("provider's own organization page: edit form %v, add user %v", strings.Contains(a.body, `data-test="org-edit"`), strings.Contains(a.body, `data-test="user-add"`))
		}
		a = clients["regulator"].get("/console/orgs/" + org["operator"])
		if strings.Contains(a.body, `data-test="org-edit"`) || strings.Contains(a.body, `data-test="user-add"`) || strings.Contains(a.body, `data-test="user-table"`) {
			t.Error("the regulator, read-only, is offered to edit or sees users")
		}
		a = clients["analyst"].get("/console/users/" + analyst)
		if strings.Contains(a.body, `data-test="user-edit"`) || strings.Contains(a.body, `data-test="user-reset"`) {
			t.Error("a member is offered to edit their own roles or reset passwords")
		}
	})
}
