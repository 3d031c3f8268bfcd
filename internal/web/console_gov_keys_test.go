package web

import (
	"testing"

	"shuyu/internal/agreement"
	"shuyu/internal/evaluation"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
	"shuyu/internal/tender"
)

// TestGovernanceKeys checks the keys the governance pages build from codes:
// every state, method, mode, step (with its hint and flash message),
// Art. 27 reason, product kind, clause and inbox kind.
func TestGovernanceKeys(t *testing.T) {
	var want []string
	add := func(prefix string, codes ...any) {
		for _, c := range codes {
			want = append(want, prefix+"."+toString(c))
		}
	}
	for _, s := range plan.States {
		add("plan.state", s)
	}
	for _, m := range plan.Modes {
		add("plan.mode", m)
	}
	for _, s := range plan.Steps {
		add("plan.step", s)
		add("plan.step_hint", s)
		want = append(want, "flash.plan_"+string(s))
	}
	for _, s := range tender.States {
		add("announcement.state", s)
	}
	for _, m := range tender.Methods {
		add("announcement.method", m)
	}
	for _, s := range tender.Steps {
		add("announcement.step", s)
		add("announcement.step_hint", s)
		want = append(want, "flash.announcement_"+string(s))
	}
	for _, s := range tender.ApplicationStates {
		add("application.state", s)
	}
	for _, s := range tender.ObjectionStates {
		add("objection.state", s)
	}
	for _, s := range []fsm.Action{tender.Uphold, tender.Dismiss} {
		add("objection.step", s)
		add("objection.step_hint", s)
		want = append(want, "flash.objection_"+string(s))
	}
	for _, s := range agreement.States {
		add("agreement.state", s)
	}
	for _, t := range agreement.Machine.Transitions() {
		add("agreement.step", t.Action)
	}
	for _, codes := range agreement.Reasons {
		for _, c := range codes {
			add("agreement.reason", c)
		}
	}
	for _, k := range agreement.ProductKinds {
		add("agreement.kind", k)
	}
	for _, n := range clauseNames {
		add("agreement.clause", n)
	}
	for _, s := range evaluation.Steps {
		add("evaluation.step", s)
		add("evaluation.step_hint", s)
		want = append(want, "flash.evaluation_"+string(s))
	}
	for _, s := range evaluation.RectificationSteps {
		add("evaluation.step", s)
		add("evaluation.step_hint", s)
		want = append(want, "flash.rectification_"+string(s))
	}
	for _, t := range evaluation.EvaluationTransitions() {
		add("evaluation.state", t.To)
		add("evaluation.step", t.Action)
	}
	for _, t := range evaluation.RectificationTransitions() {
		add("rectification.state", t.To)
		add("evaluation.step", t.Action)
	}
	// The kinds the inbox sources of plan, tender, agreement, evaluation,
	// quality and demand give their items.
	add("inbox.kind", "plan.filing", "plan.decision", "announcement.selection", "application.check", "application.score",
		"objection.resolve", "agreement.finance_opinion", "agreement.sign", "evaluation.answer", "evaluation.score",
		"evaluation.finalise", "rectification.submit", "rectification.review", "rectification.failed", "ticket.answer", "ticket.decide",
		"demand.review", "demand.resubmit")
	for _, k := range want {
		if !hasKey(k) {
			t.Errorf("key %q is used but not in the catalogs", k)
		}
	}
}

func toString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case fsm.State:
		return string(v)
	case fsm.Action:
		return string(v)
	case plan.Mode:
		return string(v)
	case tender.Method:
		return string(v)
	case agreement.ReasonCode:
		return string(v)
	}
	panic("toString: unexpected type")
}
