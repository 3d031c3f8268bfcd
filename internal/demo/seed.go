package demo

import (
	"context"
	"fmt"

	"shuyu/internal/access"
	"shuyu/internal/cnid"
	"shuyu/internal/identity"
)

// City is the demo city; Counties its county-level divisions (GB/T 2260 codes).
var (
	City     = place{"370700", "潍坊市", "Weifang"}
	Counties = []place{
		{"370702", "潍城区", "Weicheng"}, {"370703", "寒亭区", "Hanting"}, {"370704", "坊子区", "Fangzi"},
		{"370705", "奎文区", "Kuiwen"}, {"370724", "临朐县", "Linqu"}, {"370725", "昌乐县", "Changle"},
		{"370781", "青州市", "Qingzhou"}, {"370782", "诸城市", "Zhucheng"}, {"370783", "寿光市", "Shouguang"},
		{"370784", "安丘市", "Anqiu"}, {"370785", "高密市", "Gaomi"}, {"370786", "昌邑市", "Changyi"},
	}
)

type place struct{ Code, Name, NameEN string }

// org is a demo organization; county is empty for city-level ones.
type org struct {
	key, name, nameEN string
	kind              access.Kind
	sector, county    string
	usccBase          string // first 17 characters; the check character is computed
}

var orgs = []org{
	{key: "platform", name: "潍坊市公共数据资源授权运营平台", nameEN: "Weifang Public Data Authorized Operation Platform", kind: access.KindPlatform},
	{key: "bureau", name: "潍坊市大数据局", nameEN: "Weifang Big Data Bureau", kind: access.KindImplementingUnit},
	{key: "kuiwen", name: "奎文区大数据局", nameEN: "Kuiwen District Big Data Bureau", kind: access.KindImplementingUnit, county: "370705"},
	{key: "hrss", name: "潍坊市人力资源和社会保障局", nameEN: "Weifang Human Resources and Social Security Bureau", kind: access.KindProvider, sector: "human_resources"},
	{key: "amr", name: "潍坊市市场监督管理局", nameEN: "Weifang Administration for Market Regulation", kind: access.KindProvider, sector: "market_regulation"},
	{key: "tax", name: "国家税务总局潍坊市税务局", nameEN: "Weifang Tax Service, STA", kind: access.KindProvider, sector: "taxation"},
	{key: "operator", name: "潍坊数智运营有限公司", nameEN: "Weifang Shuzhi Data Operation Co., Ltd. (fictional)", kind: access.KindOperator, usccBase: "91370700MA3C5R8Q0"},
	{key: "appunit", name: "潍坊智信科技有限公司", nameEN: "Weifang Zhixin Technology Co., Ltd. (fictional)", kind: access.KindAppUnit, county: "370705", usccBase: "91370705MA3D2K7L1"},
	{key: "cac", name: "中共潍坊市委网络安全和信息化委员会办公室", nameEN: "Weifang Cyberspace Affairs Office", kind: access.KindRegulator, sector: "cyberspace"},
	{key: "finance", name: "潍坊市财政局", nameEN: "Weifang Finance Bureau", kind: access.KindRegulator, sector: "finance"},
}

// Account is a demo login.
type Account struct {
	Username    string
	DisplayName string
	Org         string
	Roles       []access.Role
	// Sandbox says whether the Art. 30 training and confidentiality records are present.
	Sandbox bool
	org     string // key into orgs
}

// Accounts are the demo users, one per role the demo shows.
var Accounts = []Account{
	{Username: "admin", DisplayName: "平台管理员", org: "platform", Roles: []access.Role{access.RoleAdmin, access.RoleOrgAdmin}},
	{Username: "bureau", DisplayName: "王建华（市大数据局）", org: "bureau", Roles: []access.Role{access.RoleOrgAdmin, access.RoleOfficer, access.RoleReviewer}},
	{Username: "kuiwen", DisplayName: "李敏（奎文区大数据局）", org: "kuiwen", Roles: []access.Role{access.RoleOrgAdmin, access.RoleOfficer, access.RoleReviewer}},
	{Username: "provider-hrss", DisplayName: "赵磊（市人社局数据专员）", org: "hrss", Roles: []access.Role{access.RoleOrgAdmin, access.RoleCommissioner}},
	{Username: "provider-amr", DisplayName: "孙丽（市市场监管局数据专员）", org: "amr", Roles: []access.Role{access.RoleOrgAdmin, access.RoleCommissioner}},
	{Username: "provider-tax", DisplayName: "周强（市税务局数据专员）", org: "tax", Roles: []access.Role{access.RoleOrgAdmin, access.RoleCommissioner}},
	{Username: "operator", DisplayName: "陈刚（运营单位负责人）", org: "operator", Roles: []access.Role{access.RoleOrgAdmin, access.RoleOperatorManager}},
	{Username: "analyst", DisplayName: "刘洋（数据分析师）", org: "operator", Roles: []access.Role{access.RoleAnalyst}, Sandbox: true},
	{Username: "analyst2", DisplayName: "杨帆（新入职分析师）", org: "operator", Roles: []access.Role{access.RoleAnalyst}},
	{Username: "appunit", DisplayName: "吴婷（应用单位开发者）", org: "appunit", Roles: []access.Role{access.RoleOrgAdmin, access.RoleAppDeveloper}},
	{Username: "regulator", DisplayName: "郑涛（市委网信办）", org: "cac", Roles: []access.Role{access.RoleRegulator}},
	{Username: "finance", DisplayName: "冯静（市财政局）", org: "finance", Roles: []access.Role{access.RoleRegulator, access.RoleFinance}},
}

// trainingDate and ndaDate are the Art. 30 records of sandbox-ready accounts.
const (
	trainingDate = "2026-03-02"
	ndaDate      = "2026-03-02"
)

// Result says what Seed did.
type Result struct {
	Accounts []Account
	// Kept lists accounts whose owners changed the password; they keep it.
	Kept []string
	// Orgs maps each demo organization's key to its ID.
	Orgs map[string]string
}

// Seed creates or finds the demo jurisdiction, organizations and accounts,
// giving every account that still has a demo password the given one.
func Seed(ctx context.Context, ids *identity.Service, password string) (Result, error) {
	if err := identity.CheckPasswordStrength("", password); err != nil {
		return Result{}, fmt.Errorf("demo password: %w", err)
	}
	p := access.System("demo")
	city, err := ids.EnsureJurisdiction(ctx, p, identity.Jurisdiction{Code: City.Code, Name: City.Name, NameEN: City.NameEN})
	if err != nil {
		return Result{}, err
	}
	jurisdictions := map[string]string{"": city.ID}
	for _, c := range Counties {
		j, err := ids.EnsureJurisdiction(ctx, p, identity.Jurisdiction{Code: c.Code, Name: c.Name, NameEN: c.NameEN, ParentID: city.ID})
		if err != nil {
			return Result{}, err
		}
		jurisdictions[c.Code] = j.ID
	}
	res := Result{Orgs: map[string]string{}}
	names := map[string]string{}
	for _, o := range orgs {
		in := identity.OrgInput{Name: ptr(o.name), NameEN: ptr(o.nameEN), Kind: ptr(o.kind), Sector: ptr(o.sector),
			JurisdictionID: ptr(jurisdictions[o.county])}
		if o.usccBase != "" {
			check, _ := cnid.USCCCheckChar(o.usccBase)
			in.USCC = ptr(o.usccBase + string(check))
		}
		created, err := ids.EnsureOrg(ctx, p, in)
		if err != nil {
			return Result{}, fmt.Errorf("demo organization %s: %w", o.name, err)
		}
		res.Orgs[o.key], names[o.key] = created.ID, o.name
	}
	for _, a := range Accounts {
		in := identity.UserInput{OrgID: ptr(res.Orgs[a.org]), Username: ptr(a.Username), DisplayName: ptr(a.DisplayName), Roles: ptr(a.Roles)}
		if a.Sandbox {
			in.TrainingDate, in.NDADate = ptr(trainingDate), ptr(ndaDate)
		}
		outcome, err := ids.EnsureDemoUser(ctx, p, in, password)
		if err != nil {
			return Result{}, fmt.Errorf("demo account %s: %w", a.Username, err)
		}
		if outcome == identity.DemoKept {
			res.Kept = append(res.Kept, a.Username)
		}
		a.Org = names[a.org]
		res.Accounts = append(res.Accounts, a)
	}
	return res, nil
}

func ptr[T any](v T) *T { return &v }
