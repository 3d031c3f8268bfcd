package demo

import (
	"context"
	"fmt"

	"shuyu/internal/access"
	"shuyu/internal/identity"
	"shuyu/internal/quality"
	"shuyu/internal/store"
)

// demoRules are the rules the demo commissioners set beyond the defaults.
// tax_credit needs its own: it has a row per enterprise and year, so its
// privacy unit is unique only together with the year.
var demoRules = map[string][]quality.Rule{
	"social_insurance": {
		{Field: "id_number", Kind: quality.NotNull}, {Field: "id_number", Kind: quality.Unique}, {Field: "id_number", Kind: quality.IDNumber},
		{Field: "name", Kind: quality.NotNull}, {Field: "gender", Kind: quality.Enum, Values: []string{"男", "女"}},
		{Field: "employer_uscc", Kind: quality.USCC}, {Field: "monthly_base_yuan", Kind: quality.Range, Min: "1000", Max: "50000"},
	},
	"enterprise_registry": {
		{Field: "uscc", Kind: quality.NotNull}, {Field: "uscc", Kind: quality.Unique}, {Field: "uscc", Kind: quality.USCC},
		{Field: "legal_rep_id_number", Kind: quality.IDNumber}, {Field: "industry", Kind: quality.Regex, Pattern: "[A-T]"},
		{Field: "status", Kind: quality.Enum, Values: []string{"存续", "在业", "注销", "吊销", "迁出"}},
		{Field: "registered_capital_wan", Kind: quality.Range, Min: "0"},
	},
	"tax_credit": {
		{Field: "uscc", Kind: quality.NotNull}, {Field: "uscc", Kind: quality.USCC}, {Field: "uscc", Kind: quality.Unique, With: []string{"year"}},
		{Field: "year", Kind: quality.Range, Min: "2000", Max: "2100"}, {Field: "grade", Kind: quality.Enum, Values: []string{"A", "B", "M", "C", "D"}},
	},
}

// demoTicket is a ticket of the demo and the steps taken on it so far.
type demoTicket struct {
	dataset, filer string
	in             quality.TicketInput
	steps          []demoStep
}

type demoStep struct {
	who     string
	step    quality.Step
	comment string
}

var demoTickets = []demoTicket{
	{dataset: "social_insurance", filer: "analyst", in: quality.TicketInput{Kind: quality.Correction, Field: "employer_uscc",
		Title: "部分参保单位信用代码在企业登记中查不到", Description: "关联企业登记信息时，少量参保单位的统一社会信用代码没有对应的登记记录，请核实是否录入有误。"},
		steps: []demoStep{
			{"provider-hrss", quality.Answer, "已与市市场监管局核对：差异来自迁出企业，登记信息以迁入地为准，下一版本补充迁出标记。"},
			{"analyst", quality.Accept, "收到，谢谢。"},
		}},
	{dataset: "tax_credit", filer: "bureau", in: quality.TicketInput{Kind: quality.Objection, Field: "grade",
		Title: "纳税信用等级与公示结果不一致", Description: "抽查发现个别企业的纳税信用等级与税务机关公示的年度评价结果不一致，请核实。"},
		steps: []demoStep{
			{"provider-tax", quality.Answer, "经核实，数据为评价结果公示前的版本。"},
			{"bureau", quality.Reject, "未说明将于何时更新为公示后的结果，请补充。"},
		}},
	{dataset: "enterprise_registry", filer: "operator", in: quality.TicketInput{Kind: quality.Correction, Field: "status",
		Title: "注销企业仍显示存续", Description: "部分已公告注销的企业在登记信息中仍为“存续”状态，请核实并更正。"}},
}

// SeedQuality sets the demo entries' rules as their commissioners would,
// files the demo tickets and takes their steps, then assesses every current
// version so that the demo shows scores at once. What exists already (rules
// set, a ticket on the same entry) is left alone, so a second run adds nothing.
func SeedQuality(ctx context.Context, ids *identity.Service, q *quality.Service) error {
	as := func(username string) (access.Principal, error) { return ids.PrincipalOf(ctx, username) }
	for _, d := range Datasets(1) {
		p, err := as(commissioners[d.Provider])
		if err != nil {
			return err
		}
		rs, err := q.Rules(ctx, p, d.Name)
		if err != nil {
			return fmt.Errorf("demo rules of %s: %w", d.Name, err)
		}
		if rs.Revision == 0 {
			if _, err := q.SetRules(ctx, p, d.Name, quality.RulesInput{Rules: demoRules[d.Name]}); err != nil {
				return fmt.Errorf("demo rules of %s: %w", d.Name, err)
			}
		}
	}
	admin := access.System("demo")
	for _, dt := range demoTickets {
		if found, _, err := q.Tickets(ctx, admin, quality.TicketFilter{Dataset: dt.dataset}, store.NewPage(1, "")); err != nil || len(found) > 0 {
			if err != nil {
				return err
			}
			continue
		}
		p, err := as(dt.filer)
		if err != nil {
			return err
		}
		t, err := q.File(ctx, p, dt.dataset, dt.in)
		if err != nil {
			return fmt.Errorf("demo ticket on %s: %w", dt.dataset, err)
		}
		for _, s := range dt.steps {
			if p, err = as(s.who); err != nil {
				return err
			}
			if _, err := q.Act(ctx, p, t.ID, s.step, quality.StepInput{Comment: s.comment}); err != nil {
				return fmt.Errorf("demo ticket on %s: %s: %w", dt.dataset, s.step, err)
			}
		}
	}
	_, err := q.Sweep(ctx, "demo")
	return err
}
