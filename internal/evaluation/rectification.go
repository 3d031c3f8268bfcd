package evaluation

import (
	"context"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
)

// The states of a rectification task.
const (
	Open      fsm.State = "open"      // the operator rectifies, by the deadline
	Submitted fsm.State = "submitted" // the operator reported what it did; the unit reviews
	Accepted  fsm.State = "accepted"  // rectified
	Cancelled fsm.State = "cancelled" // withdrawn by the unit, e.g. a finding made in error
)

// The steps of a rectification task (submit is shared with evaluations).
const (
	ActCreate fsm.Action = "create" // the unit turns a finding into a task
	ActAccept fsm.Action = "accept" // the unit accepts the report
	ActReject fsm.Action = "reject" // the unit rejects it: the task is open again
	ActCancel fsm.Action = "cancel" // the unit withdraws the task
)

// MaxRejections is how many rejected reports make a rectification "not in
// place" (整改不到位, Art. 24), whatever the deadline says.
const MaxRejections = 2

// taskCase is what the guards of the rectification machine look at.
type taskCase struct {
	ev  Evaluation // only when creating
	in  StepInput
	now time.Time
}

func (c taskCase) comment() string { return c.in.Comment }

// rectifications is the rectification lifecycle. Officers of the
// implementing unit create and cancel tasks; the operator's managers
// report; officers and reviewers accept or reject the report.
var rectifications = fsm.New("rectification",
	fsm.Transition[taskCase]{From: []fsm.State{""}, Action: ActCreate, To: Open, Who: access.RectificationCreate, Guard: evaluationFinal},
	fsm.Transition[taskCase]{From: []fsm.State{Open}, Action: ActSubmit, To: Submitted, Who: access.RectificationSubmit, Guard: needComment[taskCase]("report", "what was done, with evidence")},
	fsm.Transition[taskCase]{From: []fsm.State{Submitted}, Action: ActAccept, To: Accepted, Who: access.RectificationReview},
	fsm.Transition[taskCase]{From: []fsm.State{Submitted}, Action: ActReject, To: Open, Who: access.RectificationReview, Guard: needComment[taskCase]("comment", "why the report falls short")},
	fsm.Transition[taskCase]{From: []fsm.State{Open, Submitted}, Action: ActCancel, To: Cancelled, Who: access.RectificationCreate, Guard: needComment[taskCase]("comment", "why the task is withdrawn")},
)

// RectificationTransitions returns the rectification table, for tests and documentation.
func RectificationTransitions() []fsm.Transition[taskCase] { return rectifications.Transitions() }

// RectificationStepAction is the access action a rectification step needs.
func RectificationStepAction(a fsm.Action) access.Action { return who(rectifications.Transitions(), a) }

func evaluationFinal(_ context.Context, c taskCase) error {
	if c.ev.State != Finalised {
		return errs.E(errs.Conflict, "evaluation %s is %s: findings become rectification tasks once it is finalised", c.ev.ID, c.ev.State)
	}
	return nil
}

// Rectification is a rectification task: a finding, what the operator must
// do about it and by when, and where it stands.
type Rectification struct {
	ID             string `json:"id"`
	EvaluationID   string `json:"evaluation_id"`
	AgreementID    string `json:"agreement_id"`
	OperatorID     string `json:"operator_id"`
	Operator       string `json:"operator"`
	UnitID         string `json:"unit_id"`
	Unit           string `json:"unit"`
	JurisdictionID string `json:"jurisdiction_id"`
	// ItemKey is the template item the finding is about, if any.
	ItemKey     string    `json:"item_key,omitempty"`
	Finding     string    `json:"finding"`
	Requirement string    `json:"requirement"`
	State       fsm.State `json:"state"`
	// Days is the working days given, counted from creation or from the
	// rejection that set a new deadline; DueDay the last of them.
	Days         int        `json:"days"`
	DueDay       string     `json:"due_day"`
	DueAt        time.Time  `json:"due_at"`
	DueEstimated bool       `json:"due_estimated"`
	Rejections   int        `json:"rejections"`
	Report       string     `json:"report,omitempty"`
	SubmittedAt  *time.Time `json:"submitted_at,omitempty"`
	CreatedBy    string     `json:"created_by"`
	CreatedAt    time.Time  `json:"created_at"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	UpdatedAt    time.Time  `json:"updated_at"`
	// Overdue: open past the deadline. Failed: overdue, or rejected
	// MaxRejections times and not accepted since (see RectificationFailed).
	Overdue bool         `json:"overdue"`
	Failed  bool         `json:"failed"`
	Files   []File       `json:"files,omitempty"`
	Actions []fsm.Action `json:"actions"`
	Events  []Event      `json:"events,omitempty"`
}

// derive fills what depends on the clock. It is the one statement of what
// a failed rectification is.
func (r *Rectification) derive(now time.Time) {
	r.Overdue = r.State == Open && now.After(r.DueAt)
	live := r.State == Open || r.State == Submitted
	r.Failed = live && (r.Overdue || r.Rejections >= MaxRejections)
}
