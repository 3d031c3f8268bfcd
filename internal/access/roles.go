package access

import "slices"

// Kind is the kind of an organization (SPEC §1).
type Kind string

const (
	KindPlatform         Kind = "platform"
	KindImplementingUnit Kind = "implementing_unit" // 实施单位
	KindProvider         Kind = "provider"          // 数据提供单位
	KindOperator         Kind = "operator"          // 运营单位
	KindAppUnit          Kind = "app_unit"          // 应用单位
	KindRegulator        Kind = "regulator"         // 监管部门 / 行业主管部门
)

// Kinds lists every organization kind in the order people meet them.
var Kinds = []Kind{KindPlatform, KindImplementingUnit, KindProvider, KindOperator, KindAppUnit, KindRegulator}

// Role is what a user may do inside their organization.
type Role string

const (
	RoleAdmin           Role = "admin"            // platform administrator
	RoleOrgAdmin        Role = "org_admin"        // manages the users of their own organization
	RoleOfficer         Role = "officer"          // implementing unit: runs plans, announcements, agreements
	RoleReviewer        Role = "reviewer"         // implementing unit: reviews demands, releases, products
	RoleCommissioner    Role = "commissioner"     // provider: data commissioner (数据专员)
	RoleOperatorManager Role = "operator_manager" // operator: applications, agreements, products
	RoleAnalyst         Role = "analyst"          // operator: works in the sandbox
	RoleAppDeveloper    Role = "app_developer"    // application unit: subscriptions and API keys
	RoleRegulator       Role = "regulator"        // read-only oversight
	RoleFinance         Role = "finance"          // finance department: opinions on revenue sharing (Art. 15)
)

// roleKinds states which organization kinds may hold each role.
var roleKinds = map[Role][]Kind{
	RoleAdmin:           {KindPlatform},
	RoleOrgAdmin:        Kinds,
	RoleOfficer:         {KindImplementingUnit},
	RoleReviewer:        {KindImplementingUnit},
	RoleCommissioner:    {KindProvider},
	RoleOperatorManager: {KindOperator},
	RoleAnalyst:         {KindOperator},
	RoleAppDeveloper:    {KindAppUnit},
	RoleRegulator:       {KindRegulator},
	RoleFinance:         {KindRegulator},
}

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleOrgAdmin, RoleOfficer, RoleReviewer, RoleCommissioner,
	RoleOperatorManager, RoleAnalyst, RoleAppDeveloper, RoleRegulator, RoleFinance}

// ValidKind reports whether k is a known organization kind.
func ValidKind(k Kind) bool { return slices.Contains(Kinds, k) }

// RoleFits reports whether a member of an organization of kind k may hold r.
func RoleFits(r Role, k Kind) bool { return slices.Contains(roleKinds[r], k) }

// RolesFor lists the roles a member of an organization of kind k may hold.
func RolesFor(k Kind) []Role {
	var out []Role
	for _, r := range Roles {
		if RoleFits(r, k) {
			out = append(out, r)
		}
	}
	return out
}
