package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/calendar"
	"shuyu/internal/identity"
	"shuyu/internal/plan"
	"shuyu/internal/store"
	"shuyu/internal/tender"
)

// Governance is what the demo's authorization procedure needs.
type Governance struct {
	IDs        *identity.Service
	Plans      *plan.Service
	Tender     *tender.Service
	Agreements *agreement.Service
}

// The demo's plans: one approved and filed, under which the operator was
// selected; one still in draft.
const (
	filedPlan = "潍坊市公共数据资源授权运营实施方案"
	draftPlan = "潍坊市医疗健康领域公共数据资源授权运营实施方案（征求意见稿）"
)

// demoDatasets are the three demo entries every demo plan and agreement covers.
var demoDatasets = []string{"enterprise_registry", "social_insurance", "tax_credit"}

// SeedGovernance records the authorization procedure of the demo city as if
// it had run over the last two months: the implementation plan approved by
// the government and filed with the province, an announcement, the demo
// operator's application, its eligibility check and scores, the award
// under publicity that ended without objection, and the agreement signed
// today for three years from the first day of last month, in force; and a
// second plan still in draft. The business dates lie in the past while the
// ledger records, truthfully, that the demo wrote them now. Run again, it finds what it made and completes
// what is missing.
func SeedGovernance(ctx context.Context, g Governance) error {
	d := &seeder{Governance: g, today: time.Now().UTC().Truncate(time.Microsecond), principals: map[string]access.Principal{}}
	pl, err := d.plan(ctx, filedPlan, plan.Whole, slices.Clone(demoDatasets), true)
	if err != nil {
		return fmt.Errorf("demo plan: %w", err)
	}
	if _, err := d.plan(ctx, draftPlan, plan.ByDomain, slices.Clone(demoDatasets[1:2]), false); err != nil {
		return fmt.Errorf("demo draft plan: %w", err)
	}
	a, err := d.selection(ctx, pl)
	if err != nil {
		return fmt.Errorf("demo selection: %w", err)
	}
	if err := d.agreement(ctx, a); err != nil {
		return fmt.Errorf("demo agreement: %w", err)
	}
	return nil
}

// seeder walks the procedure, each step dated days before today.
type seeder struct {
	Governance
	today      time.Time
	principals map[string]access.Principal
}

// ago is the instant days before now.
func (d *seeder) ago(days int) time.Time { return d.today.AddDate(0, 0, -days) }

// date is the Shanghai date days before today.
func (d *seeder) date(days int) string { return calendar.DateOf(d.ago(days)).String() }

// at returns a clock stopped at instant t, for services recording the past.
func at(t time.Time) func() time.Time { return func() time.Time { return t } }

func (d *seeder) as(ctx context.Context, username string) (access.Principal, error) {
	if p, ok := d.principals[username]; ok {
		return p, nil
	}
	p, err := d.IDs.PrincipalOf(ctx, username)
	d.principals[username] = p
	return p, err
}

// plan finds the bureau's plan titled title, or drafts it; a plan to be in
// force is then approved (sixty days ago) and filed (fifty days ago).
func (d *seeder) plan(ctx context.Context, title string, mode plan.Mode, datasets []string, inForce bool) (plan.Plan, error) {
	bureau, err := d.as(ctx, "bureau")
	if err != nil {
		return plan.Plan{}, err
	}
	list, _, err := d.Plans.List(ctx, bureau, plan.Filter{}, store.NewPage(store.MaxPageSize, ""))
	if err != nil {
		return plan.Plan{}, err
	}
	var pl plan.Plan
	for _, p := range list {
		if p.Title == title && p.State != plan.Withdrawn && p.State != plan.Superseded {
			pl = p
		}
	}
	if pl.ID == "" {
		if pl, err = d.Plans.WithClock(at(d.ago(75))).Create(ctx, bureau, d.planInput(ctx, title, mode, datasets)); err != nil {
			return pl, err
		}
	}
	if !inForce {
		return pl, nil
	}
	if pl.State == plan.Draft {
		if pl, err = d.Plans.WithClock(at(d.ago(70))).Act(ctx, bureau, pl.ID, plan.Submit, plan.StepInput{}); err != nil {
			return pl, err
		}
	}
	if pl.State == plan.Submitted {
		decision := &plan.Decision{Meeting: "潍坊市人民政府第38次常务会议", Number: "潍政常纪〔" + d.date(60)[:4] + "〕38号", Date: d.date(60)}
		if pl, err = d.Plans.WithClock(at(d.ago(60))).Act(ctx, bureau, pl.ID, plan.Approve, plan.StepInput{Decision: decision}); err != nil {
			return pl, err
		}
	}
	if pl.State == plan.Approved {
		filing := &plan.Filing{Reference: "鲁数据备〔" + d.date(50)[:4] + "〕17号", Date: d.date(50)}
		if pl, err = d.Plans.WithClock(at(d.ago(50))).Act(ctx, bureau, pl.ID, plan.File, plan.StepInput{Filing: filing}); err != nil {
			return pl, err
		}
	}
	return pl, nil
}

// planInput is the content of a demo plan.
func (d *seeder) planInput(ctx context.Context, title string, mode plan.Mode, datasets []string) plan.Input {
	var consulted []plan.ConsultationInput
	for _, username := range []string{"regulator", "finance"} {
		if p, err := d.as(ctx, username); err == nil {
			consulted = append(consulted, plan.ConsultationInput{OrgID: p.OrgID, Opinion: "原则同意，建议强化数据安全和收益分配测算。"})
		}
	}
	reason := ""
	if mode != plan.Whole {
		reason = "医疗健康数据敏感程度高，先在该领域试点，成熟后并入整体授权。"
	}
	sharing := "坚持“谁投入、谁贡献、谁受益”：运营收入扣除成本后，按政府40%、运营单位45%、数据提供单位15%分配，提供单位间按数据调用量分摊。"
	security := "原始数据不出域、数据可用不可见；安全开发环境内分析，结果经审核出域；全程留痕，日志保存不少于六个月；从业人员岗前培训并签订保密协议。"
	return plan.Input{Title: &title, Mode: &mode, ModeReason: &reason, Datasets: &datasets, Consulted: &consulted,
		RevenueSharing: &sharing, Security: &security,
		Benefits: &plan.Benefits{Economic: "培育数据要素市场，带动普惠金融、人力资源等数据产品，预计年服务企业2万家次。",
			Social: "提升政务服务和基层治理精准度，便利企业融资和群众就业。"}}
}
