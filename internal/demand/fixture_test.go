package demand_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/calendar"
	"shuyu/internal/catalog"
	"shuyu/internal/demand"
	"shuyu/internal/domain"
	"shuyu/internal/fsm"
	"shuyu/internal/ledger"
	"shuyu/internal/plan"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
	"shuyu/internal/tender"
	"shuyu/internal/tender/tendertest"
)

// env is the demand service over tendertest's city: the three entries in
// scope given real fields and a stored version each, and the demo
// operator's agreement over them, in force for a year, with the exit hooks
// app registers.
type env struct {
	*tendertest.Env
	dom *domain.Domain
	ag  *agreement.Service
	svc *demand.Service
	// agreement is the operator's agreement in force.
	agreement agreement.Agreement
}

func migrations() []store.Migrations {
	return append(tendertest.Migrations(), domain.Migrations, agreement.Migrations, demand.Migrations)
}

// The test entries: people (市人社局, by ID number), firms (市市场监管局) and
// credit (市税务局), by credit code; credit has an important field.
var entries = []struct {
	commissioner, name, unit string
	fields                   []catalog.Field
	rows                     []string
}{
	{"provider-hrss", "people", "id_number", []catalog.Field{
		{Name: "id_number", Type: catalog.Text, Title: "身份证号", Classification: "personal.identity", Grade: "general-4"},
		{Name: "name", Type: catalog.Text, Title: "姓名", Classification: "personal.name", Grade: "general-3"},
		{Name: "gender", Type: catalog.Text, Title: "性别", Classification: "personal.basic", Grade: "general-2"},
		{Name: "district", Type: catalog.Text, Title: "区县", Classification: "geographic.division", Grade: "general-1"},
		{Name: "employer", Type: catalog.Text, Title: "参保单位", Classification: "enterprise.identity", Grade: "general-1"},
		{Name: "salary", Type: catalog.Integer, Title: "缴费基数", Classification: "personal.social", Grade: "general-3"},
	}, []string{"370702199001011234,张三,男,奎文区,91370700MA3C5R8Q0X,5000", "370702199202021235,李四,女,潍城区,91370700MA3C5R8Q0X,6000"}},
	{"provider-amr", "firms", "uscc", []catalog.Field{
		{Name: "uscc", Type: catalog.Text, Title: "统一社会信用代码", Classification: "enterprise.identity", Grade: "general-1"},
		{Name: "name", Type: catalog.Text, Title: "企业名称", Classification: "enterprise.registration", Grade: "general-1"},
		{Name: "legal_rep", Type: catalog.Text, Title: "法定代表人", Classification: "personal.name", Grade: "general-3"},
		{Name: "capital", Type: catalog.Decimal, Title: "注册资本", Classification: "enterprise.registration", Grade: "general-1"},
	}, []string{"91370700MA3C5R8Q0X,潍坊鸢都商贸有限公司,王五,100.5"}},
	{"provider-tax", "credit", "uscc", []catalog.Field{
		{Name: "uscc", Type: catalog.Text, Title: "统一社会信用代码", Classification: "enterprise.identity", Grade: "general-1"},
		{Name: "grade", Type: catalog.Text, Title: "纳税信用等级", Classification: "enterprise.credit", Grade: "general-2"},
		{Name: "tax_paid", Type: catalog.Decimal, Title: "纳税额", Classification: "enterprise.operation", Grade: "important"},
	}, []string{"91370700MA3C5R8Q0X,A,1000.25"}},
}

func newEnv(t testing.TB, db *store.DB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{Env: tendertest.New(t, db)}
	var err error
	if e.dom, err = domain.Open(ctx, t.TempDir(), db, e.Ledger, domain.Limits{Memory: "256MB", Threads: 1}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.dom.Close() })
	for i, d := range entries {
		fields, unit := d.fields, d.unit
		if _, err := e.Catalog.Update(ctx, e.As(t, d.commissioner), e.Datasets[i], catalog.Input{Fields: &fields, PrivacyUnit: &unit}); err != nil {
			t.Fatal(err)
		}
		e.store(t, e.Datasets[i], d.fields, d.rows)
	}
	e.ag = agreement.New(db, e.Ledger, e.IDs, e.Plans, e.Tender, e.dom, agreement.Options{})
	e.svc = demand.New(db, e.Ledger, e.IDs, e.Catalog, e.ag, e.dom, e.Cal, demand.Options{})
	e.ag.OnExit(agreement.RevokeKeys(e.IDs))
	e.ag.OnExit(e.svc.Exit())
	e.agreement = e.activeAgreement(t)
	return e
}

// store writes rows as the entry's next version.
func (e *env) store(t testing.TB, datasetID string, fields []catalog.Field, rows []string) {
	t.Helper()
	f, err := e.dom.TempFile("test-*.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	var names []string
	var cols []domain.Column
	for _, fl := range fields {
		names = append(names, fl.Name)
		cols = append(cols, domain.Column{Name: fl.Name, Type: string(fl.Type)})
	}
	fmt.Fprintln(f, strings.Join(names, ","))
	for _, r := range rows {
		fmt.Fprintln(f, r)
	}
	f.Close()
	if _, err := e.dom.Store(context.Background(), ledger.Actor{Name: "test"}, domain.Input{DatasetID: datasetID, Columns: cols, Path: f.Name(),
		Source: domain.Source{Format: "csv", Encoding: "utf-8"}}); err != nil {
		t.Fatal(err)
	}
}

// day is the Shanghai date d days from the clock.
func (e *env) day(d int) string { return calendar.DateOf(e.Clock()).AddDays(d).String() }

// activeAgreement signs an agreement of the demo operator over the three
// entries, in force from today for a year.
func (e *env) activeAgreement(t testing.TB) agreement.Agreement {
	t.Helper()
	ctx := context.Background()
	sel := e.AnnouncementIn(t, tender.Concluded)
	start, end := e.day(0), e.day(364)
	tm := agreement.Terms{
		Products: []agreement.Product{{Name: "企业纳税信用核验", Kind: "api", ComplianceReview: "上线前经实施单位合规审核"}},
		Platform: "市公共数据资源授权运营平台", AssetOwnership: "数据资源持有权归提供单位", Security: "原始数据不出域",
		RiskMonitoring: "实时监测调用", EvaluationCriteria: "年度评估", Confidentiality: "签订保密协议", Disclosure: "按年披露",
		Accounting: "单独核算", RevenueSharing: "按投入与贡献分配", Liability: "违约须整改", Renewal: "期满前三个月申请续约", Exit: "退出时删除数据",
	}
	bureau := e.As(t, "bureau")
	a, err := e.ag.Create(ctx, bureau, agreement.Input{AnnouncementID: &sel.Announcement.ID, StartsOn: &start, EndsOn: &end, Terms: &tm})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = e.ag.GiveOpinion(ctx, e.As(t, "finance"), a.ID, agreement.OpinionInput{Concurs: true, Text: "同意"}); err != nil {
		t.Fatal(err)
	}
	if a, err = e.ag.Sign(ctx, bureau, a.ID, agreement.SignInput{Decision: &plan.Decision{Meeting: "市大数据局党组会议", Number: "2026年第5次", Date: start}}); err != nil {
		t.Fatal(err)
	}
	if a.State != agreement.Active {
		t.Fatalf("agreement %s, want active", a.State)
	}
	return a
}

// people is a demand for an aggregate over people: the unit and 市人社局 review it.
func (e *env) people() demand.Input {
	return demand.Input{Title: "就业结构分析", Scenario: "为人社部门提供分区县、分性别的就业结构统计", Purpose: "就业形势研判",
		EndsOn: e.day(90), Rule: sandbox.Aggregate, Datasets: []demand.DatasetInput{{Dataset: "people", Fields: []demand.FieldInput{
			{Name: "district", Role: sandbox.Dimension, Justification: "按区县分组"},
			{Name: "gender", Role: sandbox.Dimension, Justification: "按性别分组"},
			{Name: "salary", Role: sandbox.Measure, Justification: "计算平均缴费基数"},
			{Name: "employer", Role: sandbox.Join, Justification: "关联企业登记"},
		}}}}
}

// joined is people joined to firms: the unit, 市人社局 and 市市场监管局 review it.
func (e *env) joined() demand.Input {
	in := e.people()
	in.Title = "企业用工规模分析"
	in.Datasets = append(in.Datasets, demand.DatasetInput{Dataset: "firms", Fields: []demand.FieldInput{
		{Name: "uscc", Role: sandbox.Join, Justification: "与参保单位关联"},
		{Name: "capital", Role: sandbox.Measure, Justification: "注册资本分档"},
	}})
	return in
}

func (e *env) file(t testing.TB, in demand.Input) demand.Application {
	t.Helper()
	a, err := e.svc.File(context.Background(), e.As(t, "operator"), in)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (e *env) decide(t testing.TB, who, id string, action fsm.Action) demand.Application {
	t.Helper()
	a, err := e.svc.Decide(context.Background(), e.As(t, who), id, action, "审核意见")
	if err != nil {
		t.Fatalf("%s %s: %v", who, action, err)
	}
	return a
}

// approved files in and has every party approve it.
func (e *env) approved(t testing.TB, in demand.Input) demand.Application {
	t.Helper()
	a := e.file(t, in)
	for _, p := range a.Parties {
		a = e.decide(t, reviewerOf(t, e, p.OrgID), a.ID, demand.Approve)
	}
	if a.State != demand.Approved || a.GrantID == "" {
		t.Fatalf("demand %s with grant %q, want approved with a grant", a.State, a.GrantID)
	}
	return a
}

// reviewerOf names the demo account that reviews for organization org.
func reviewerOf(t testing.TB, e *env, org string) string {
	for key, user := range map[string]string{"bureau": "bureau", "hrss": "provider-hrss", "amr": "provider-amr", "tax": "provider-tax"} {
		if e.Orgs[key] == org {
			return user
		}
	}
	t.Fatalf("no reviewer for %s", org)
	return ""
}

// admin is the platform's principal.
var admin = access.System("test")

// shanghaiMidnight is the start of a Shanghai date.
func shanghaiMidnight(day string) time.Time {
	d, _ := calendar.ParseDate(day)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, calendar.Shanghai()).UTC()
}
