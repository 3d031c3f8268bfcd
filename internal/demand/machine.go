package demand

import (
	"context"
	"time"
	"unicode/utf8"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
)

// States of a demand application.
const (
	Reviewing fsm.State = "reviewing" // filed or resubmitted; the parties review it
	Returned  fsm.State = "returned"  // sent back with comments; the operator may resubmit
	Approved  fsm.State = "approved"  // every party approved; its grant exists
	Rejected  fsm.State = "rejected"
	Withdrawn fsm.State = "withdrawn"
)

// States lists a demand's states in their usual order.
var States = []fsm.State{Reviewing, Returned, Approved, Rejected, Withdrawn}

// Actions on a demand application.
const (
	Approve  fsm.Action = "approve"  // one party approves the current round
	Reject   fsm.Action = "reject"   // one party's rejection ends the demand
	Return   fsm.Action = "return"   // one party sends it back with comments
	Conclude fsm.Action = "conclude" // taken with the last approval: the grant is created
	Resubmit fsm.Action = "resubmit"
	Withdraw fsm.Action = "withdraw"
)

// Reviews are the decisions a party takes, each an API route
// POST /api/v1/demands/{id}/{action}.
var Reviews = []fsm.Action{Approve, Reject, Return}

// subject is what the guards look at; the service gathers the facts.
type subject struct {
	d Application
	// party is the reviewing party of the caller; comment the reason of a
	// rejection or a return.
	party   *Party
	comment *string
	// scopeErr says why the demand exceeds its agreement now.
	scopeErr error
}

// Machine is the lifecycle of a demand application. Each party approves,
// rejects or returns once per round; the last approval concludes it.
var Machine = fsm.New("demand",
	fsm.Transition[subject]{From: []fsm.State{Reviewing}, Action: Approve, To: Reviewing, Who: access.DemandReview, Guard: approvable},
	fsm.Transition[subject]{From: []fsm.State{Reviewing}, Action: Reject, To: Rejected, Who: access.DemandReview, Guard: reasoned},
	fsm.Transition[subject]{From: []fsm.State{Reviewing}, Action: Return, To: Returned, Who: access.DemandReview, Guard: reasoned},
	fsm.Transition[subject]{From: []fsm.State{Reviewing}, Action: Conclude, To: Approved, Who: access.DemandReview, Guard: unanimous},
	fsm.Transition[subject]{From: []fsm.State{Returned}, Action: Resubmit, To: Reviewing, Who: access.DemandFile, Guard: inScope},
	fsm.Transition[subject]{From: []fsm.State{Reviewing, Returned}, Action: Withdraw, To: Withdrawn, Who: access.DemandFile},
)

// undecided requires that the caller's party has not decided this round.
func undecided(s subject) error {
	if s.party == nil {
		return errs.E(errs.Forbidden, "demand.review: your organization is neither the implementing unit nor a provider of this demand's data")
	}
	if s.party.Decision != "" {
		return errs.E(errs.Conflict, "%s has already decided round %d of this demand (%s); the others decide now", s.party.Name, s.d.Round, s.party.Decision)
	}
	return nil
}

// approvable: the party has not decided, its comment (optional here) is
// no longer than a rejection's, and the demand still fits its agreement
// and the catalog.
func approvable(_ context.Context, s subject) error {
	if err := undecided(s); err != nil {
		return err
	}
	if s.comment != nil && utf8.RuneCountInString(*s.comment) > maxComment {
		return errs.E(errs.Invalid, "comment: at most %d characters", maxComment)
	}
	return s.scopeErr
}

// maxComment bounds a party's comment.
const maxComment = 4000

func reasoned(_ context.Context, s subject) error {
	if err := undecided(s); err != nil {
		return err
	}
	return plan.Text("comment", s.comment, maxComment, "what is wrong or missing, for the operator")
}

// unanimous requires every party's approval of the current round.
func unanimous(_ context.Context, s subject) error {
	for _, p := range s.d.Parties {
		if p.Decision != string(Approve) {
			return errs.E(errs.Conflict, "%s has not approved round %d yet", p.Name, s.d.Round)
		}
	}
	return s.scopeErr
}

func inScope(_ context.Context, s subject) error { return s.scopeErr }

// States of a grant.
const (
	GrantActive  fsm.State = "active"
	GrantEnded   fsm.State = "ended" // its agreement ended, or its period did
	GrantRevoked fsm.State = "revoked"
)

// GrantStates lists a grant's states.
var GrantStates = []fsm.State{GrantActive, GrantEnded, GrantRevoked}

// Actions on a grant. An exit ends grants too, inside the agreement's exit
// step, whose ledger entry names them (Exit).
const (
	Expire fsm.Action = "expire" // the platform, at the end of the period
	Revoke fsm.Action = "revoke" // the implementing unit, with the reason
)

// grantSubject is what the grant guards look at.
type grantSubject struct {
	g      Grant
	reason *string
	now    time.Time
}

// GrantMachine is the lifecycle of a grant.
var GrantMachine = fsm.New("grant",
	fsm.Transition[grantSubject]{From: []fsm.State{GrantActive}, Action: Expire, To: GrantEnded, Who: access.GovernanceSchedule,
		Guard: func(_ context.Context, s grantSubject) error {
			if s.now.Before(s.g.ExpiresAt) {
				return errs.E(errs.Conflict, "the grant runs until %s", s.g.ExpiresAt.Format(time.RFC3339))
			}
			return nil
		}},
	fsm.Transition[grantSubject]{From: []fsm.State{GrantActive}, Action: Revoke, To: GrantRevoked, Who: access.GrantRevoke,
		Guard: func(_ context.Context, s grantSubject) error {
			return plan.Text("reason", s.reason, 4000, "why the grant is revoked, for the record and the operator")
		}},
)
