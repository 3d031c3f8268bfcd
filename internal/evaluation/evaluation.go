package evaluation

import (
	"context"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
)

// The states of an evaluation.
const (
	Opened    fsm.State = "opened"    // the operator answers, by the answer deadline
	Answered  fsm.State = "answered"  // the operator submitted; the unit's reviewers score
	Scored    fsm.State = "scored"    // every item scored and the total graded; an officer finalises
	Finalised fsm.State = "finalised" // the result stands; findings become rectification tasks
)

// The steps of an evaluation; each but open is an API route.
const (
	ActOpen     fsm.Action = "open"     // the implementing unit opens the year's evaluation
	ActAnswer   fsm.Action = "answer"   // the operator answers one item, with evidence
	ActSubmit   fsm.Action = "submit"   // the operator hands in all answers (also a rectification's report)
	ActReturn   fsm.Action = "return"   // reviewers ask for more, with a new deadline
	ActScore    fsm.Action = "score"    // a reviewer awards one item its points
	ActGrade    fsm.Action = "grade"    // reviewers close scoring: total and grade
	ActRevise   fsm.Action = "revise"   // reviewers reopen scoring before it is final
	ActFinalise fsm.Action = "finalise" // an officer makes the result final, with the conclusion
)

// evalCase is what the guards of the evaluation machine look at.
type evalCase struct {
	ev  Evaluation
	ag  AgreementInfo // only when opening
	in  StepInput
	now time.Time
}

// evaluations is the evaluation lifecycle. Who opens and finalises: the
// implementing unit's officers; who answers: the operator's managers; who
// scores, grades, returns and revises: the unit's reviewers. The operator
// has no step to refuse or skip: once its deadline has passed, reviewers
// score whatever it answered (unanswered items earn nothing).
var evaluations = fsm.New("evaluation",
	fsm.Transition[evalCase]{From: []fsm.State{""}, Action: ActOpen, To: Opened, Who: access.EvaluationOpen, Guard: agreementInForce},
	fsm.Transition[evalCase]{From: []fsm.State{Opened}, Action: ActAnswer, To: Opened, Who: access.EvaluationAnswer},
	fsm.Transition[evalCase]{From: []fsm.State{Opened}, Action: ActSubmit, To: Answered, Who: access.EvaluationAnswer, Guard: allAnswered},
	fsm.Transition[evalCase]{From: []fsm.State{Answered}, Action: ActReturn, To: Opened, Who: access.EvaluationScore, Guard: needComment[evalCase]("comment", "what the operator must add")},
	fsm.Transition[evalCase]{From: []fsm.State{Answered}, Action: ActScore, To: Answered, Who: access.EvaluationScore},
	fsm.Transition[evalCase]{From: []fsm.State{Opened}, Action: ActScore, To: Opened, Who: access.EvaluationScore, Guard: answerOverdue},
	fsm.Transition[evalCase]{From: []fsm.State{Answered}, Action: ActGrade, To: Scored, Who: access.EvaluationScore, Guard: allScored},
	fsm.Transition[evalCase]{From: []fsm.State{Opened}, Action: ActGrade, To: Scored, Who: access.EvaluationScore, Guard: both(answerOverdue, allScored)},
	fsm.Transition[evalCase]{From: []fsm.State{Scored}, Action: ActRevise, To: Answered, Who: access.EvaluationScore, Guard: needComment[evalCase]("comment", "why scoring reopens")},
	fsm.Transition[evalCase]{From: []fsm.State{Scored}, Action: ActFinalise, To: Finalised, Who: access.EvaluationFinalise, Guard: needComment[evalCase]("comment", "the conclusion of the evaluation")},
)

// EvaluationTransitions returns the evaluation table, for tests and documentation.
func EvaluationTransitions() []fsm.Transition[evalCase] { return evaluations.Transitions() }

// EvaluationStepAction is the access action an evaluation step needs.
func EvaluationStepAction(a fsm.Action) access.Action { return who(evaluations.Transitions(), a) }

// who returns the access action of the first row of table with action a.
func who[T any](table []fsm.Transition[T], a fsm.Action) access.Action {
	for _, t := range table {
		if t.Action == a {
			return t.Who
		}
	}
	return ""
}

func agreementInForce(_ context.Context, c evalCase) error {
	if !c.ag.Active {
		return errs.E(errs.Conflict, "agreement %s is not in force: only an active agreement's operator is evaluated", c.ag.ID)
	}
	// Years as counted in China: an agreement starting at midnight on
	// 1 January, Beijing time, starts in that year.
	start, end := c.ag.StartsAt.In(calendar.Shanghai()).Year(), c.now.In(calendar.Shanghai()).Year()
	if c.ev.Year < start || c.ev.Year > end {
		return errs.E(errs.Invalid, "year: %d is outside the years the agreement has run (%d to %d)", c.ev.Year, start, end)
	}
	return nil
}

func allAnswered(_ context.Context, c evalCase) error {
	var missing []string
	for _, it := range c.ev.Items {
		if it.Answer == "" {
			missing = append(missing, it.Key)
		}
	}
	if len(missing) > 0 {
		return errs.E(errs.Conflict, "every item needs an answer before submitting; unanswered: %v", missing)
	}
	return nil
}

func allScored(_ context.Context, c evalCase) error {
	var missing []string
	for _, it := range c.ev.Items {
		if it.Points == nil {
			missing = append(missing, it.Key)
		}
	}
	if len(missing) > 0 {
		return errs.E(errs.Conflict, "every item needs its points before grading; unscored: %v", missing)
	}
	return nil
}

func answerOverdue(_ context.Context, c evalCase) error {
	if !c.now.After(c.ev.AnswerDueAt) {
		return errs.E(errs.Conflict, "the operator may answer until %s: score after it submits, or after that day", c.ev.AnswerDueDay)
	}
	return nil
}

// needComment refuses a step without the comment it needs; field names
// the comment as the API calls it.
func needComment[T interface{ comment() string }](field, what string) func(context.Context, T) error {
	return func(_ context.Context, c T) error {
		if c.comment() == "" {
			return errs.E(errs.Invalid, "%s: required: %s", field, what)
		}
		return nil
	}
}

func (c evalCase) comment() string { return c.in.Comment }

func both(a, b func(context.Context, evalCase) error) func(context.Context, evalCase) error {
	return func(ctx context.Context, c evalCase) error {
		if err := a(ctx, c); err != nil {
			return err
		}
		return b(ctx, c)
	}
}

// StepInput is what a step carries: a comment where a guard asks for one
// and, when returning an evaluation or rejecting a report, the working days
// the operator gets from today (default: the configured number).
type StepInput struct {
	Comment string `json:"comment,omitempty"`
	Days    int    `json:"days,omitempty"`
}

// Evaluation is an operator's evaluation for one year of an agreement.
type Evaluation struct {
	ID              string    `json:"id"`
	AgreementID     string    `json:"agreement_id"`
	AgreementTitle  string    `json:"agreement_title"`
	Year            int       `json:"year"`
	OperatorID      string    `json:"operator_id"`
	Operator        string    `json:"operator"`
	UnitID          string    `json:"unit_id"`
	Unit            string    `json:"unit"`
	JurisdictionID  string    `json:"jurisdiction_id"`
	TemplateVersion string    `json:"template_version"`
	State           fsm.State `json:"state"`
	// AnswerDueDay is the last working day to answer (Asia/Shanghai),
	// AnswerDueAt its end; estimated when counted past the holiday table.
	AnswerDueDay       string     `json:"answer_due_day"`
	AnswerDueAt        time.Time  `json:"answer_due_at"`
	AnswerDueEstimated bool       `json:"answer_due_estimated"`
	OpenedBy           string     `json:"opened_by"`
	OpenedAt           time.Time  `json:"opened_at"`
	SubmittedAt        *time.Time `json:"submitted_at,omitempty"`
	GradedAt           *time.Time `json:"graded_at,omitempty"`
	FinalisedAt        *time.Time `json:"finalised_at,omitempty"`
	// Score is the total out of 100 and Grade its band, once graded.
	Score      *float64  `json:"score,omitempty"`
	Grade      string    `json:"grade,omitempty"`
	Conclusion string    `json:"conclusion,omitempty"`
	UpdatedAt  time.Time `json:"updated_at"`
	// Overdue: still unanswered past the deadline. SubmittedLate: handed in after it.
	Overdue       bool `json:"overdue"`
	SubmittedLate bool `json:"submitted_late"`
	// Items are the template's items with answers, evidence and points
	// (one evaluation only).
	Items []ItemResult `json:"items,omitempty"`
	// Actions are the steps the caller may take now.
	Actions []fsm.Action `json:"actions"`
	// Events is the history, oldest first (one evaluation only).
	Events []Event `json:"events,omitempty"`
}

// ItemResult is one template item of an evaluation.
type ItemResult struct {
	Section      string     `json:"section"`
	Key          string     `json:"key"`
	Title        string     `json:"title"`
	Weight       float64    `json:"weight"`
	Guidance     string     `json:"guidance"`
	Answer       string     `json:"answer"`
	AnsweredBy   string     `json:"answered_by,omitempty"`
	AnsweredAt   *time.Time `json:"answered_at,omitempty"`
	Files        []File     `json:"files"`
	Points       *float64   `json:"points,omitempty"`
	ScoreComment string     `json:"score_comment,omitempty"`
	ScoredBy     string     `json:"scored_by,omitempty"`
	ScoredAt     *time.Time `json:"scored_at,omitempty"`
}

// Event is one step in the history of an evaluation or a rectification task.
type Event struct {
	Seq      int        `json:"seq"`
	Action   fsm.Action `json:"action"`
	From     fsm.State  `json:"from,omitempty"`
	To       fsm.State  `json:"to"`
	UserName string     `json:"user_name"`
	Comment  string     `json:"comment,omitempty"`
	At       time.Time  `json:"at"`
}

// derive fills what depends on the clock.
func (e *Evaluation) derive(now time.Time) {
	e.Overdue = e.State == Opened && now.After(e.AnswerDueAt)
	e.SubmittedLate = e.SubmittedAt != nil && e.SubmittedAt.After(e.AnswerDueAt)
}
