package tender

import (
	"context"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
)

// States of an announcement.
const (
	Draft     fsm.State = "draft"
	Published fsm.State = "published" // open for applications until the deadline
	Closed    fsm.State = "closed"    // the deadline passed
	Selection fsm.State = "selection" // eligibility checks and scoring
	Publicity fsm.State = "publicity" // the award is under publicity (公示)
	Concluded fsm.State = "concluded" // publicity ended without an open objection: the agreement may be signed
	Vetoed    fsm.State = "vetoed"    // stopped for national security or the public interest (Art. 16)
	Cancelled fsm.State = "cancelled"
)

// States lists an announcement's states in their usual order.
var States = []fsm.State{Draft, Published, Closed, Selection, Publicity, Concluded, Vetoed, Cancelled}

// Actions on an announcement.
const (
	Publish  fsm.Action = "publish"
	Cancel   fsm.Action = "cancel"
	Close    fsm.Action = "close" // the platform, at the deadline
	Evaluate fsm.Action = "evaluate"
	Award    fsm.Action = "award"
	Reopen   fsm.Action = "reopen"   // back to selection; also when an objection is upheld
	Conclude fsm.Action = "conclude" // the platform, when publicity ends without an open objection
	Veto     fsm.Action = "veto"
)

// Steps are the actions people take, each an API route
// POST /api/v1/announcements/{id}/{step}; close and conclude follow the
// clock (Tick).
var Steps = []fsm.Action{Publish, Cancel, Evaluate, Award, Reopen, Veto}

// StepInput is what a step carries: the awarded application, or the reason
// of a cancellation, reopening, veto or of awarding other than the best score.
type StepInput struct {
	ApplicationID string `json:"application_id,omitempty"`
	Reason        string `json:"reason,omitempty"`
}

// subject is what the guards look at: the announcement, the step's input,
// the clock, and the facts the service gathered for this step.
type subject struct {
	a   Announcement
	in  *StepInput
	now time.Time
	// planErr says why the plan is not in force (publish).
	planErr error
	// apps counts the applications (evaluate); ranking is the selection's
	// standing (award).
	apps    int
	ranking *Ranking
}

// Machine is the lifecycle of an announcement.
var Machine = fsm.New("announcement",
	fsm.Transition[subject]{From: []fsm.State{Draft}, Action: Publish, To: Published, Who: access.AnnouncementWrite, Guard: publishable},
	fsm.Transition[subject]{From: []fsm.State{Draft, Published, Closed, Selection}, Action: Cancel, To: Cancelled, Who: access.AnnouncementWrite, Guard: reasoned},
	fsm.Transition[subject]{From: []fsm.State{Published}, Action: Close, To: Closed, Who: access.GovernanceSchedule, Guard: deadlinePassed},
	fsm.Transition[subject]{From: []fsm.State{Closed}, Action: Evaluate, To: Selection, Who: access.AnnouncementWrite, Guard: someApplied},
	fsm.Transition[subject]{From: []fsm.State{Selection}, Action: Award, To: Publicity, Who: access.AnnouncementWrite, Guard: awardable},
	fsm.Transition[subject]{From: []fsm.State{Publicity}, Action: Reopen, To: Selection, Who: access.AnnouncementWrite, Guard: reasoned},
	fsm.Transition[subject]{From: []fsm.State{Publicity}, Action: Conclude, To: Concluded, Who: access.GovernanceSchedule, Guard: publicityOver},
	fsm.Transition[subject]{From: []fsm.State{Draft, Published, Closed, Selection, Publicity, Concluded}, Action: Veto, To: Vetoed,
		Who: access.AnnouncementVeto, Guard: vetoable},
)

func publishable(_ context.Context, s subject) error {
	if s.planErr != nil {
		return s.planErr
	}
	if !s.a.DeadlineAt.After(s.now) {
		return errs.E(errs.Invalid, "deadline: %s has passed; give a deadline that leaves operators time to apply", shanghai(s.a.DeadlineAt))
	}
	return nil
}

func reasoned(_ context.Context, s subject) error {
	return plan.Text("reason", &s.in.Reason, 2000, "why, for the record and the applicants")
}

func deadlinePassed(_ context.Context, s subject) error {
	if !s.now.After(s.a.DeadlineAt) {
		return errs.E(errs.Conflict, "applications are open until %s", shanghai(s.a.DeadlineAt))
	}
	return nil
}

func someApplied(_ context.Context, s subject) error {
	if s.apps == 0 {
		return errs.E(errs.Conflict, "nobody applied; cancel the announcement (and announce again) instead")
	}
	return nil
}

// awardable requires every application checked, every eligible one scored,
// the winner among them, and a reason for passing over a better score.
func awardable(_ context.Context, s subject) error {
	r := s.ranking
	if r.Unchecked > 0 {
		return errs.E(errs.Conflict, "%d application(s) still await the eligibility check", r.Unchecked)
	}
	for _, row := range r.Rows {
		if row.Eligible && row.Evaluators == 0 {
			return errs.E(errs.Conflict, "the eligible application of %s has no scores yet", row.Operator.Name)
		}
	}
	pos := r.position(s.in.ApplicationID)
	if pos < 0 {
		return errs.E(errs.Invalid, "application_id: %q is not an eligible, scored application of this announcement", s.in.ApplicationID)
	}
	if pos > 0 && r.Rows[pos].Total < r.Rows[0].Total {
		return plan.Text("reason", &s.in.Reason, 2000, "why not the application with the best score ("+r.Rows[0].Operator.Name+")")
	}
	return nil
}

func publicityOver(_ context.Context, s subject) error {
	if s.a.PublicityUntil != nil && !s.now.After(*s.a.PublicityUntil) {
		return errs.E(errs.Conflict, "publicity runs until the end of %s", s.a.PublicityDay)
	}
	if s.a.OpenObjections > 0 {
		return errs.E(errs.Conflict, "%d objection(s) to the result are open; resolve them first", s.a.OpenObjections)
	}
	return nil
}

func vetoable(ctx context.Context, s subject) error {
	if s.a.AgreementID != "" {
		return errs.E(errs.Conflict, "the agreement %s was signed on this result; terminate or revoke it instead", s.a.AgreementID)
	}
	return reasoned(ctx, s)
}

// shanghai formats an instant for people in China.
func shanghai(t time.Time) string {
	return t.In(calendar.Shanghai()).Format("2006-01-02 15:04")
}
