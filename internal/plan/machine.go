package plan

import (
	"context"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
)

// States of a plan version.
const (
	Draft      fsm.State = "draft"
	Submitted  fsm.State = "submitted"  // awaiting the government's collective decision
	Approved   fsm.State = "approved"   // in force; to be filed with the province
	Filed      fsm.State = "filed"      // in force and filed
	Superseded fsm.State = "superseded" // a later version was approved
	Withdrawn  fsm.State = "withdrawn"  // a draft given up
)

// States lists the states in their usual order.
var States = []fsm.State{Draft, Submitted, Approved, Filed, Superseded, Withdrawn}

// Actions on a plan version.
const (
	Submit    fsm.Action = "submit"
	Return    fsm.Action = "return" // back to draft, with the reason (not approved as it stands)
	Approve   fsm.Action = "approve"
	File      fsm.Action = "file"
	Withdraw  fsm.Action = "withdraw"
	Supersede fsm.Action = "supersede" // taken when the next version is approved, never on its own
)

// Steps are the actions people take, each an API route
// POST /api/v1/plans/{id}/{step}.
var Steps = []fsm.Action{Submit, Return, Approve, File, Withdraw}

// StepInput is what a step carries: the reason of a return, the decision
// record of an approval, the filing record of a filing.
type StepInput struct {
	Reason   string    `json:"reason,omitempty"`
	Decision *Decision `json:"decision,omitempty"`
	Filing   *Filing   `json:"filing,omitempty"`
}

// subject is what the machine's guards look at.
type subject struct {
	plan Plan
	in   *StepInput
	now  time.Time
}

// Machine is the lifecycle of a plan version. The implementing unit's
// officers draft, submit and file; they also record the government's
// decision (approve or return), which the government takes outside the
// platform.
var Machine = fsm.New("plan",
	fsm.Transition[subject]{From: []fsm.State{Draft}, Action: Submit, To: Submitted, Who: access.PlanWrite, Guard: complete},
	fsm.Transition[subject]{From: []fsm.State{Submitted}, Action: Return, To: Draft, Who: access.PlanDecide, Guard: reasoned},
	fsm.Transition[subject]{From: []fsm.State{Submitted}, Action: Approve, To: Approved, Who: access.PlanDecide, Guard: decided},
	fsm.Transition[subject]{From: []fsm.State{Approved}, Action: File, To: Filed, Who: access.PlanWrite, Guard: filed},
	fsm.Transition[subject]{From: []fsm.State{Draft}, Action: Withdraw, To: Withdrawn, Who: access.PlanWrite},
	fsm.Transition[subject]{From: []fsm.State{Approved, Filed}, Action: Supersede, To: Superseded, Who: access.PlanDecide},
)

// complete refuses to submit a plan that lacks what Art. 9–10 ask of it.
func complete(_ context.Context, s subject) error {
	p := s.plan
	var missing []string
	for field, empty := range map[string]bool{
		"title": p.Title == "", "datasets": len(p.Datasets) == 0, "consulted": len(p.Consulted) == 0,
		"revenue_sharing": p.RevenueSharing == "", "security": p.Security == "",
		"benefits.economic": p.Benefits.Economic == "", "benefits.social": p.Benefits.Social == "",
		"mode_reason": p.Mode != Whole && p.ModeReason == "",
	} {
		if empty {
			missing = append(missing, field)
		}
	}
	if len(missing) > 0 {
		return errs.E(errs.Invalid, "plan %s cannot be submitted yet: %s missing (a plan names its data scope, the industry authorities consulted, revenue sharing, security measures, economic and social benefits, and why it is not a whole authorization when it is not)",
			p.ID, sortedList(missing))
	}
	return nil
}

func reasoned(_ context.Context, s subject) error {
	return Text("reason", &s.in.Reason, 2000, "why the plan goes back to draft")
}

func decided(_ context.Context, s subject) error {
	_, err := s.in.Decision.Check("government's collective decision approving the plan", s.now)
	return err
}

func filed(_ context.Context, s subject) error {
	f := s.in.Filing
	if f == nil {
		return errs.E(errs.Invalid, "filing: required: the provincial data department's filing reference and date")
	}
	if err := Text("filing.reference", &f.Reference, 100, "the filing number the province gave"); err != nil {
		return err
	}
	day, err := PastDate("filing.date", f.Date, s.now)
	if err != nil {
		return err
	}
	if s.plan.Decision != nil && day.String() < s.plan.Decision.Date {
		return errs.E(errs.Invalid, "filing.date: %s is before the approval on %s; a plan is filed after it is approved", day, s.plan.Decision.Date)
	}
	f.Date = day.String()
	return nil
}
