package access

import (
	"testing"

	"shuyu/internal/errs"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	city := Principal{UserID: "u1", OrgID: "bureau", OrgKind: KindImplementingUnit, JurisdictionID: "city", JurisdictionLevel: LevelCity, Roles: []Role{RoleOfficer}}
	county := Principal{UserID: "u2", OrgID: "kuiwen", OrgKind: KindImplementingUnit, JurisdictionID: "kuiwen", JurisdictionLevel: LevelCounty, Roles: []Role{RoleOfficer}}
	provider := Principal{UserID: "u3", OrgID: "hrss", OrgKind: KindProvider, JurisdictionID: "city", JurisdictionLevel: LevelCity, Roles: []Role{RoleCommissioner, RoleOrgAdmin}}
	key := Principal{APIKeyID: "k1", OrgID: "app", OrgKind: KindAppUnit, JurisdictionID: "kuiwen", JurisdictionLevel: LevelCounty}

	hrss := Resource{OrgID: "hrss", OrgKind: KindProvider, JurisdictionID: "city"}
	inCounty := Resource{OrgID: "app", OrgKind: KindAppUnit, JurisdictionID: "kuiwen", ParentJurisdictionID: "city"}
	otherCounty := Resource{OrgID: "x", OrgKind: KindOperator, JurisdictionID: "weicheng", ParentJurisdictionID: "city"}
	newIU := Resource{OrgKind: KindImplementingUnit, JurisdictionID: "city"}

	for _, tc := range []struct {
		name string
		p    Principal
		a    Action
		r    Resource
		want errs.Code
	}{
		{"anonymous", Principal{}, OrgRead, hrss, errs.Unauthenticated},
		{"city reaches the city", city, OrgRead, hrss, ""},
		{"city reaches its counties", city, OrgRead, inCounty, ""},
		{"county reaches itself", county, OrgRead, inCounty, ""},
		{"county does not reach the city", county, OrgRead, hrss, errs.Forbidden},
		{"county does not reach another county", county, OrgRead, otherCounty, errs.Forbidden},
		{"member reads own organization", provider, OrgRead, hrss, ""},
		{"member does not read another", provider, OrgRead, inCounty, errs.Forbidden},
		{"officer creates an operator", city, OrgCreate, Resource{OrgKind: KindOperator, JurisdictionID: "city"}, ""},
		{"officer cannot create an implementing unit", city, OrgCreate, newIU, errs.Forbidden},
		{"empty resource matches no scoped rule", city, OrgRead, Resource{}, errs.Forbidden},
		{"org admin manages own users", provider, UserCreate, hrss, ""},
		{"org admin not another's", provider, UserCreate, inCounty, errs.Forbidden},
		{"API key reads itself", key, SelfRead, Resource{OrgID: "app"}, ""},
		{"API key cannot list organizations", key, OrgRead, inCounty, errs.Forbidden},
		{"API key cannot sign out", key, SessionEnd, Resource{}, errs.Forbidden},
		{"unknown action", city, Action("nope.nothing"), hrss, errs.Forbidden},
		{"provider org admin holds no API keys", provider, APIKeyCreate, hrss, errs.Forbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := errs.CodeOf(Check(tc.p, tc.a, tc.r)); got != tc.want {
				t.Errorf("Check = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPolicyIsWellFormed(t *testing.T) {
	t.Parallel()
	for a, rules := range policy {
		if len(rules) == 0 {
			t.Errorf("%s has no rules", a)
		}
		for _, r := range rules {
			if r.Scope < Any || r.Scope > Self {
				t.Errorf("%s: rule for %s has no scope", a, r.Role)
			}
			if r.Role != RoleMember && r.Role != RoleAPIKey && roleKinds[r.Role] == nil {
				t.Errorf("%s: unknown role %s", a, r.Role)
			}
		}
	}
	for _, r := range Roles {
		if len(roleKinds[r]) == 0 {
			t.Errorf("role %s fits no organization kind", r)
		}
	}
}

func TestName(t *testing.T) {
	for _, c := range []struct {
		p    Principal
		want string
	}{
		{Principal{Username: "kuiwen", DisplayName: "张奎文"}, "张奎文"},
		{Principal{Username: "kuiwen"}, "kuiwen"},
		{System("tick"), "tick"},
	} {
		if got := c.p.Name(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.p, got, c.want)
		}
	}
}
