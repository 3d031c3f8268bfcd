package agreement_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"shuyu/internal/agreement"
	"shuyu/internal/calendar"
	"shuyu/internal/domain"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
	"shuyu/internal/store"
	"shuyu/internal/tender"
	"shuyu/internal/tender/tendertest"
)

// env is the agreement service over tendertest's city, with a real domain
// and the exit hooks app registers.
type env struct {
	*tendertest.Env
	dom *domain.Domain
	ag  *agreement.Service
	// rectFailed is what the evaluation answers about rectification.
	rectFailed atomic.Bool
}

func migrations() []store.Migrations {
	return append(tendertest.Migrations(), domain.Migrations, agreement.Migrations)
}

func newEnv(t testing.TB, db *store.DB) *env {
	t.Helper()
	e := &env{Env: tendertest.New(t, db)}
	var err error
	if e.dom, err = domain.Open(context.Background(), t.TempDir(), db, e.Ledger, domain.Limits{Memory: "256MB", Threads: 1}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.dom.Close() })
	e.ag = agreement.New(db, e.Ledger, e.IDs, e.Plans, e.Tender, e.dom, agreement.Options{
		RectificationFailed: func(context.Context, string) (bool, error) { return e.rectFailed.Load(), nil },
	})
	e.ag.OnExit(agreement.RevokeKeys(e.IDs))
	e.ag.OnExit(agreement.SandboxAccess(e.IDs))
	return e
}

// day is the Shanghai date d days from the clock.
func (e *env) day(d int) string { return calendar.DateOf(e.Clock()).AddDays(d).String() }

// terms are complete Art. 14 clauses.
func terms() agreement.Terms {
	return agreement.Terms{
		Products: []agreement.Product{{Name: "企业纳税信用核验", Kind: "api", ComplianceReview: "上线前经实施单位合规审核"}},
		Platform: "市公共数据资源授权运营平台", AssetOwnership: "数据资源持有权归提供单位", Security: "原始数据不出域",
		RiskMonitoring: "实时监测调用", EvaluationCriteria: "年度评估", Confidentiality: "签订保密协议", Disclosure: "按年披露",
		Accounting: "单独核算", RevenueSharing: "按投入与贡献分配", Liability: "违约须整改", Renewal: "期满前三个月申请续约", Exit: "退出时删除数据",
	}
}

// input is an agreement on selection a for the term given in days from today.
func (e *env) input(a string, from, to int) agreement.Input {
	s, end, tm := e.day(from), e.day(to), terms()
	return agreement.Input{AnnouncementID: &a, StartsOn: &s, EndsOn: &end, Terms: &tm}
}

func decision(day string) agreement.SignInput {
	return agreement.SignInput{Decision: &plan.Decision{Meeting: "市大数据局党组会议", Number: "2026年第5次", Date: day}}
}

// drafted drafts an agreement on a concluded selection, starting in from
// days for to-from days, with the finance department's opinion.
func (e *env) drafted(t testing.TB, from, to int) agreement.Agreement {
	t.Helper()
	ctx := context.Background()
	sel := e.AnnouncementIn(t, tender.Concluded)
	a, err := e.ag.Create(ctx, e.As(t, "bureau"), e.input(sel.Announcement.ID, from, to))
	if err != nil {
		t.Fatal(err)
	}
	if a, err = e.ag.GiveOpinion(ctx, e.As(t, "finance"), a.ID, agreement.OpinionInput{Concurs: true, Text: "同意"}); err != nil {
		t.Fatal(err)
	}
	return a
}

// in brings an agreement to state by legal steps: drafts and signed ones
// start in a month, active ones today; the clock moves past the end to
// expire.
func (e *env) in(t testing.TB, state fsm.State) agreement.Agreement {
	t.Helper()
	ctx := context.Background()
	bureau := e.As(t, "bureau")
	from := 0
	if state == agreement.Draft || state == agreement.Signed {
		from = 30
	}
	a := e.drafted(t, from, from+365)
	var err error
	switch state {
	case agreement.Draft:
		return a
	case agreement.Withdrawn:
		a, err = e.ag.Withdraw(ctx, bureau, a.ID)
		return must(t, a, err)
	}
	if a, err = e.ag.Sign(ctx, bureau, a.ID, decision(e.day(0))); err != nil {
		t.Fatal(err)
	}
	switch state {
	case agreement.Expired:
		e.Advance(a.EndsAt.Sub(e.Clock()) + time.Second)
		_, err = e.ag.Expire(ctx, e.As(t, "admin"), a.ID)
	case agreement.Terminated:
		_, err = e.ag.Terminate(ctx, bureau, a.ID, agreement.EndInput{Reason: "双方协商一致提前终止"})
	case agreement.Revoked:
		_, err = e.ag.Revoke(ctx, bureau, a.ID, agreement.EndInput{Code: agreement.PenaltyOrRisk, Reason: "被责令停业"})
	}
	if err != nil {
		t.Fatal(err)
	}
	a, err = e.ag.Get(ctx, bureau, a.ID)
	return must(t, a, err)
}

func must(t testing.TB, a agreement.Agreement, err error) agreement.Agreement {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return a
}
