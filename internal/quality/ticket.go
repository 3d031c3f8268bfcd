package quality

import (
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
)

// TicketKind says what a ticket asks for (Art. 8).
type TicketKind string

const (
	Correction TicketKind = "correction" // 纠错: the data are wrong and should be fixed
	Objection  TicketKind = "objection"  // 异议: the filer disputes the data and asks for verification
)

// State is where a ticket stands.
type State string

const (
	Open     State = "open"     // filed; the provider must answer by the deadline
	Answered State = "answered" // the provider answered; the filer decides
	Accepted State = "accepted" // the filer accepts the answer
	Rejected State = "rejected" // the filer does not accept it
	Closed   State = "closed"   // nothing more to do
)

// States lists the states in their usual order.
var States = []State{Open, Answered, Accepted, Rejected, Closed}

// Step is something done to a ticket.
type Step string

const (
	Answer Step = "answer"
	Accept Step = "accept"
	Reject Step = "reject"
	Close  Step = "close"
)

// Steps lists the steps; each is an API route POST /api/v1/tickets/{id}/{step}.
var Steps = []Step{Answer, Accept, Reject, Close}

// Transition is one row of a ticket's state machine: from a state, a step
// leads to another state, for those whom access allows Who on the ticket,
// when Guard (if any) agrees.
type Transition struct {
	From  State
	Step  Step
	To    State
	Who   access.Action
	Guard func(t Ticket, in StepInput) error
}

// Transitions is the ticket state machine. Who answers: the provider's
// commissioners. Who accepts or rejects the answer: the filer. Who closes:
// the filer (withdrawing an open ticket, or after deciding), or the
// implementing unit overseeing the provider (a duplicate, say). Act applies
// it; the tests are generated from it.
var Transitions = []Transition{
	{From: Open, Step: Answer, To: Answered, Who: access.TicketAnswer, Guard: needComment("the answer: what was found and what was done")},
	{From: Answered, Step: Accept, To: Accepted, Who: access.TicketAccept},
	{From: Answered, Step: Reject, To: Rejected, Who: access.TicketReject, Guard: needComment("why the answer is not accepted")},
	{From: Open, Step: Close, To: Closed, Who: access.TicketClose},
	{From: Answered, Step: Close, To: Closed, Who: access.TicketClose},
	{From: Accepted, Step: Close, To: Closed, Who: access.TicketClose},
	{From: Rejected, Step: Close, To: Closed, Who: access.TicketClose},
}

// StepInput is what a step carries: a comment, required where a guard says.
type StepInput struct {
	Comment string `json:"comment"`
}

const maxComment = 4000

func needComment(what string) func(Ticket, StepInput) error {
	return func(_ Ticket, in StepInput) error {
		if in.Comment == "" {
			return errs.E(errs.Invalid, "comment: required: %s", what)
		}
		return nil
	}
}

// Ticket is an error-correction or objection ticket against an entry,
// possibly naming one of its fields and versions.
type Ticket struct {
	ID          string     `json:"id"`
	Kind        TicketKind `json:"kind"`
	State       State      `json:"state"`
	DatasetID   string     `json:"dataset_id"`
	Dataset     string     `json:"dataset"`
	ProviderID  string     `json:"provider_id"`
	Provider    string     `json:"provider"`
	VersionID   string     `json:"version_id,omitempty"`
	Field       string     `json:"field,omitempty"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	FiledBy     string     `json:"filed_by"`
	FiledByName string     `json:"filed_by_name"`
	FilerOrgID  string     `json:"filer_org_id"`
	FiledAt     time.Time  `json:"filed_at"`
	// DueDay is the last working day to answer (Asia/Shanghai); DueAt its
	// end. DueEstimated says the count ran past the holiday table's years.
	DueDay       string     `json:"due_day"`
	DueAt        time.Time  `json:"due_at"`
	DueEstimated bool       `json:"due_estimated"`
	Answer       string     `json:"answer,omitempty"`
	AnsweredBy   string     `json:"answered_by,omitempty"`
	AnsweredAt   *time.Time `json:"answered_at,omitempty"`
	Resolution   string     `json:"resolution,omitempty"`
	ResolvedAt   *time.Time `json:"resolved_at,omitempty"`
	ClosedBy     string     `json:"closed_by,omitempty"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	UpdatedAt    time.Time  `json:"updated_at"`
	// Overdue: open past its deadline. AnsweredLate: answered after it.
	Overdue      bool `json:"overdue"`
	AnsweredLate bool `json:"answered_late"`
	// Steps are what the caller may do to the ticket now.
	Steps []Step `json:"steps"`
	// Events is the ticket's history, oldest first (one ticket only).
	Events []Event `json:"events,omitempty"`
}

// Event is one step in a ticket's history.
type Event struct {
	Seq      int       `json:"seq"`
	Step     string    `json:"step"` // file, or a Step
	From     State     `json:"from,omitempty"`
	To       State     `json:"to"`
	UserName string    `json:"user_name"`
	Comment  string    `json:"comment,omitempty"`
	At       time.Time `json:"at"`
}

// resource describes a ticket for access checks: its provider's things,
// with the filer as the user, so that Org rules reach the provider's
// commissioners and Self rules the filer.
func (t Ticket) resource(provider access.Resource) access.Resource {
	provider.UserID = t.FiledBy
	return provider
}

// derive fills what depends on the clock.
func (t *Ticket) derive(now time.Time) {
	t.Overdue = t.State == Open && now.After(t.DueAt)
	t.AnsweredLate = t.AnsweredAt != nil && t.AnsweredAt.After(t.DueAt)
}

// StepAction is the access action a step needs (the Who of its transitions).
func StepAction(step Step) access.Action {
	for _, tr := range Transitions {
		if tr.Step == step {
			return tr.Who
		}
	}
	return ""
}
