package agreement

import (
	"context"
	"slices"
	"strings"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
)

// States of an agreement.
const (
	Draft      fsm.State = "draft"
	Signed     fsm.State = "signed" // signed, its term not begun
	Active     fsm.State = "active"
	Expired    fsm.State = "expired"
	Terminated fsm.State = "terminated"
	Revoked    fsm.State = "revoked"
	Withdrawn  fsm.State = "withdrawn" // a draft given up
)

// States lists an agreement's states in their usual order.
var States = []fsm.State{Draft, Signed, Active, Expired, Terminated, Revoked, Withdrawn}

// Actions on an agreement.
const (
	Sign      fsm.Action = "sign"
	Withdraw  fsm.Action = "withdraw"
	Activate  fsm.Action = "activate" // the platform, on the start date
	Expire    fsm.Action = "expire"   // the platform, at the end of the term; an exit
	Terminate fsm.Action = "terminate"
	Revoke    fsm.Action = "revoke"
)

// ReasonCode is why an agreement ended: a case of Art. 27, or the veto
// ground of Art. 16 found after signing.
type ReasonCode string

const (
	TermEnded         ReasonCode = "term_ended"         // Art. 27(1): 授权运营期限届满
	EarlyTermination  ReasonCode = "early_termination"  // Art. 27(1): 提前终止
	BreachUnrectified ReasonCode = "breach_unrectified" // Art. 27(2), Art. 24: 违约且整改不力或拒不整改
	PenaltyOrRisk     ReasonCode = "penalty_or_risk"    // Art. 27(3): 被限制经营、重大经营风险、行政或刑事处罚
	Unsuitable        ReasonCode = "unsuitable"         // Art. 27(4): 其他不适宜开展授权运营的情形
	NationalSecurity  ReasonCode = "national_security"  // Art. 16: 危及国家安全或损害公共利益
)

// Reasons says which codes end an agreement by which action.
var Reasons = map[fsm.Action][]ReasonCode{
	Expire:    {TermEnded},
	Terminate: {EarlyTermination, BreachUnrectified, PenaltyOrRisk, Unsuitable},
	Revoke:    {BreachUnrectified, PenaltyOrRisk, Unsuitable, NationalSecurity},
}

// Reason is why an agreement ended.
type Reason struct {
	Code ReasonCode `json:"code"`
	Text string     `json:"text"`
}

// subject is what the guards look at; the service gathers the facts.
type subject struct {
	a    Agreement
	now  time.Time
	sign *SignInput
	end  *Reason
	// scopeErr says why the scope exceeds the plan in force; renewErr why
	// the agreement renewed cannot be continued; rectErr why a termination
	// for failed rectification is not (yet) founded.
	scopeErr, renewErr, rectErr error
}

// Machine is the lifecycle of an agreement. The unit's officers sign,
// terminate and revoke; the clock activates and expires. Every way out of
// signed or active is an exit (Exit).
var Machine = fsm.New("agreement",
	fsm.Transition[subject]{From: []fsm.State{Draft}, Action: Sign, To: Signed, Who: access.AgreementWrite, Guard: signable},
	fsm.Transition[subject]{From: []fsm.State{Draft}, Action: Withdraw, To: Withdrawn, Who: access.AgreementWrite},
	fsm.Transition[subject]{From: []fsm.State{Signed}, Action: Activate, To: Active, Who: access.GovernanceSchedule, Guard: begun},
	fsm.Transition[subject]{From: []fsm.State{Active}, Action: Expire, To: Expired, Who: access.GovernanceSchedule, Guard: over},
	fsm.Transition[subject]{From: []fsm.State{Signed, Active}, Action: Terminate, To: Terminated, Who: access.AgreementTerminate, Guard: founded(Terminate)},
	fsm.Transition[subject]{From: []fsm.State{Signed, Active}, Action: Revoke, To: Revoked, Who: access.AgreementRevoke, Guard: founded(Revoke)},
)

// signable requires the unit's collective decision, the finance
// department's opinion on the revenue sharing as it stands, a term of at
// most five years not yet over, and a scope within the plan in force.
func signable(_ context.Context, s subject) error {
	if _, err := s.sign.Decision.Check("unit's collective decision to sign the agreement (Art. 12(4))", s.now); err != nil {
		return err
	}
	if s.a.Opinion == nil || !s.a.Opinion.Current {
		return errs.E(errs.Conflict, "the finance department's opinion on the revenue sharing as it stands now is missing (Art. 15): ask %s", s.a.FinanceOrg)
	}
	if !s.a.EndsAt.After(s.now) {
		return errs.E(errs.Conflict, "the term ended on %s; change it before signing", s.a.EndsOn)
	}
	return errorsFirst(checkTerm(s.a.StartsOn, s.a.EndsOn), s.scopeErr, s.renewErr)
}

func begun(_ context.Context, s subject) error {
	if s.now.Before(s.a.StartsAt) {
		return errs.E(errs.Conflict, "the term begins on %s", s.a.StartsOn)
	}
	return nil
}

func over(_ context.Context, s subject) error {
	if s.now.Before(s.a.EndsAt) {
		return errs.E(errs.Conflict, "the term runs until the end of %s", s.a.EndsOn)
	}
	return nil
}

// founded checks the reason of a termination or revocation.
func founded(action fsm.Action) func(context.Context, subject) error {
	return func(_ context.Context, s subject) error {
		if !slices.Contains(Reasons[action], s.end.Code) {
			return errs.E(errs.Invalid, "code: %q does not %s an agreement; give one of %s (Art. 27)", s.end.Code, action, codes(Reasons[action]))
		}
		if err := plan.Text("reason", &s.end.Text, 4000, "the facts, for the record and the operator"); err != nil {
			return err
		}
		if s.end.Code == BreachUnrectified {
			return s.rectErr
		}
		return nil
	}
}

// checkTerm validates a term: real dates, the end not before the start,
// at most five years (Art. 12(4)): 2026-05-01 to 2031-04-30 is the longest
// term starting 2026-05-01.
func checkTerm(startsOn, endsOn string) error {
	start, err := calendar.ParseDate(startsOn)
	if err != nil {
		return errs.E(errs.Invalid, "starts_on: %q is not a date YYYY-MM-DD", startsOn)
	}
	end, err := calendar.ParseDate(endsOn)
	if err != nil {
		return errs.E(errs.Invalid, "ends_on: %q is not a date YYYY-MM-DD", endsOn)
	}
	if end.Before(start) {
		return errs.E(errs.Invalid, "ends_on: %s is before starts_on %s", end, start)
	}
	if limit := calendar.NewDate(start.Year()+MaxYears, start.Month(), start.Day()).AddDays(-1); end.After(limit) {
		return errs.E(errs.Invalid, "ends_on: %s makes a term longer than %d years; the term runs at most to %s (Art. 12(4))", end, MaxYears, limit)
	}
	return nil
}

// errorsFirst returns the first error of list that is not nil.
func errorsFirst(list ...error) error {
	for _, err := range list {
		if err != nil {
			return err
		}
	}
	return nil
}

// codes lists reason codes for messages.
func codes(cs []ReasonCode) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}
