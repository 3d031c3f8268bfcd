package billing_test

import (
	"context"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/billing"
	"shuyu/internal/calendar"
	"shuyu/internal/domain"
	"shuyu/internal/plan"
	"shuyu/internal/store"
	"shuyu/internal/tender"
	"shuyu/internal/tender/tendertest"
)

// env is the billing service over tendertest's city, with a real agreement
// service and one agreement of the demo operator with the city's bureau,
// active from 2026-03-02 to 2028-03-01, whose finance opinion concurs.
type env struct {
	*tendertest.Env
	ag      *agreement.Service
	billing *billing.Service
	// agreement is the active agreement's ID; providers its providers'
	// organization IDs (people, firms, credit).
	agreement string
	providers []string
}

func migrations() []store.Migrations {
	return append(tendertest.Migrations(), domain.Migrations, agreement.Migrations, billing.Migrations)
}

func newEnv(t testing.TB, db *store.DB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{Env: tendertest.New(t, db)}
	dom, err := domain.Open(ctx, t.TempDir(), db, e.Ledger, domain.Limits{Memory: "256MB", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dom.Close() })
	e.ag = agreement.New(db, e.Ledger, e.IDs, e.Plans, e.Tender, dom, agreement.Options{})
	e.billing = billing.New(db, e.Ledger, e.IDs, e.ag)
	sel := e.AnnouncementIn(t, tender.Concluded)
	today := calendar.DateOf(e.Clock())
	from, to := today.String(), today.AddDays(730).String()
	tm := agreement.Terms{
		Products: []agreement.Product{{Name: "企业纳税信用核验", Kind: "api", ComplianceReview: "上线前经实施单位合规审核"}},
		Platform: "市公共数据资源授权运营平台", AssetOwnership: "数据资源持有权归提供单位", Security: "原始数据不出域",
		RiskMonitoring: "实时监测调用", EvaluationCriteria: "年度评估", Confidentiality: "签订保密协议", Disclosure: "按年披露",
		Accounting: "单独核算", RevenueSharing: "政府 30%，运营单位 50%，数据提供单位 20% 按调用量分配", Liability: "违约须整改",
		Renewal: "期满前三个月申请续约", Exit: "退出时删除数据",
	}
	bureau := e.As(t, "bureau")
	a, err := e.ag.Create(ctx, bureau, agreement.Input{AnnouncementID: &sel.Announcement.ID, StartsOn: &from, EndsOn: &to, Terms: &tm})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = e.ag.GiveOpinion(ctx, e.As(t, "finance"), a.ID, agreement.OpinionInput{Concurs: true, Text: "同意"}); err != nil {
		t.Fatal(err)
	}
	decision := agreement.SignInput{Decision: &plan.Decision{Meeting: "市大数据局党组会议", Number: "2026年第5次", Date: from}}
	if a, err = e.ag.Sign(ctx, bureau, a.ID, decision); err != nil {
		t.Fatal(err)
	}
	if a.State != agreement.Active {
		t.Fatalf("agreement is %s; want active", a.State)
	}
	e.agreement = a.ID
	for _, d := range a.Datasets {
		e.providers = append(e.providers, d.ProviderID)
	}
	return e
}

// maximum approves a maximum of approvedYuan: 80% cost, 15% profit, 5% tax.
func (e *env) maximum(t testing.TB, year int, approvedYuan int64) billing.Maximum {
	t.Helper()
	m, err := e.billing.SetMaximum(context.Background(), e.As(t, "bureau"), e.agreement, year, billing.MaximumInput{
		CostFen: approvedYuan * 80, ProfitFen: approvedYuan * 15, TaxFen: approvedYuan * 5, Basis: "成本监审报告 潍发改价格〔2026〕3号"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (e *env) capOf(t testing.TB, product string, year int, method billing.Method, capFen, volume int64) billing.Cap {
	t.Helper()
	c, err := e.billing.SetCap(context.Background(), e.As(t, "bureau"), product, year, billing.CapInput{ProductName: "产品" + product,
		AgreementID: e.agreement, Method: method, CapFen: capFen, ExpectedVolume: volume, Basis: "单位成本加合理利润"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) price(t testing.TB, product string, year int, fen int64, trial bool) billing.Cap {
	t.Helper()
	c, err := e.billing.SetPrice(context.Background(), e.As(t, "operator"), product, year, billing.PriceInput{PriceFen: fen, Trial: trial, Basis: "按成本定价"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sys() access.Principal { return access.System("test") }
