package evaluation

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// Limits of what people write.
const (
	maxComment = 4000
	maxAnswer  = 8000
	maxDays    = 120
)

// OpenInput names the agreement and the year to evaluate.
type OpenInput struct {
	AgreementID string `json:"agreement_id"`
	Year        int    `json:"year"`
}

// Open opens the evaluation of an agreement's operator for a year, with the
// template in force. The operator must answer within the configured working
// days, counted from today (Asia/Shanghai) with the holiday calendar.
func (s *Service) Open(ctx context.Context, p access.Principal, in OpenInput) (Evaluation, error) {
	if in.AgreementID == "" || in.Year < 2000 || in.Year > 2100 {
		return Evaluation{}, errs.E(errs.Invalid, "agreement_id and year (e.g. 2025) are required")
	}
	ag, err := s.agreements.Lookup(ctx, in.AgreementID)
	if err != nil {
		return Evaluation{}, err
	}
	res, err := s.resource(ctx, ag.OperatorID, ag.JurisdictionID)
	if err != nil {
		return Evaluation{}, err
	}
	now := s.db.Now()
	due := s.cal.Due(now, s.opts.AnswerDays)
	ev := Evaluation{ID: store.NewID(), AgreementID: ag.ID, AgreementTitle: ag.Title, Year: in.Year, OperatorID: ag.OperatorID,
		UnitID: ag.ImplementingUnitID, JurisdictionID: ag.JurisdictionID, TemplateVersion: s.current.Version,
		AnswerDueDay: due.Day.String(), AnswerDueAt: due.At.Truncate(time.Microsecond), AnswerDueEstimated: due.Estimated,
		OpenedBy: p.Name(), OpenedAt: now}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		return apply(ctx, s, tx, p, change[evalCase]{machine: evaluations, table: "evaluations", id: ev.ID, action: ActOpen,
			obj: evalCase{ev: ev, ag: ag, now: now}, res: res,
			detail: map[string]any{"agreement_id": ag.ID, "year": ev.Year, "operator_id": ev.OperatorID,
				"template_version": ev.TemplateVersion, "answer_due_day": ev.AnswerDueDay, "answer_due_estimated": ev.AnswerDueEstimated},
			write: func(ctx context.Context, tx *store.Tx, to fsm.State, _ time.Time) error {
				return s.insertEvaluation(ctx, tx, ev, to)
			},
		}, now)
	})
	if err != nil {
		return Evaluation{}, err
	}
	s.opts.Changed()
	return s.Evaluation(ctx, p, ev.ID)
}

func (s *Service) insertEvaluation(ctx context.Context, tx *store.Tx, ev Evaluation, to fsm.State) error {
	_, err := tx.Exec(ctx, `INSERT INTO evaluations (id, agreement_id, agreement_title, year, operator_id, unit_id, jurisdiction_id, template_version,
		state, answer_due_day, answer_due_at, answer_due_estimated, opened_by, opened_at, grade, conclusion, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, '', '', $14)`,
		ev.ID, ev.AgreementID, ev.AgreementTitle, ev.Year, ev.OperatorID, ev.UnitID, ev.JurisdictionID, ev.TemplateVersion,
		string(to), ev.AnswerDueDay, ev.AnswerDueAt, ev.AnswerDueEstimated, ev.OpenedBy, ev.OpenedAt)
	if store.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "agreement %s has its %d evaluation already: read it with GET /api/v1/operator-evaluations?agreement_id=%s", ev.AgreementID, ev.Year, ev.AgreementID)
	}
	if err != nil {
		return fmt.Errorf("evaluation: open: %w", err)
	}
	for _, k := range s.current.keys() {
		if _, err := tx.Exec(ctx, `INSERT INTO evaluation_items (evaluation_id, item_key, answer, answered_by, score_comment, scored_by)
			VALUES ($1, $2, '', '', '', '')`, ev.ID, k); err != nil {
			return fmt.Errorf("evaluation: open: item %s: %w", k, err)
		}
	}
	return nil
}

// writeFunc writes what a step changes besides the state, adding to the
// ledger entry's detail what it should record.
type writeFunc func(ctx context.Context, tx *store.Tx, ev Evaluation, now time.Time, detail map[string]any) error

// act takes action a on evaluation id for p: it reads and locks the
// evaluation, and applies the step with what write changes, in one
// transaction.
func (s *Service) act(ctx context.Context, p access.Principal, id string, a fsm.Action, in StepInput, write writeFunc) (Evaluation, error) {
	if err := cleanComment(&in); err != nil {
		return Evaluation{}, err
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		ev, err := s.getEvaluation(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		res, err := s.resource(ctx, ev.OperatorID, ev.JurisdictionID)
		if err != nil {
			return err
		}
		now := s.db.Now()
		detail := map[string]any{"agreement_id": ev.AgreementID, "year": ev.Year}
		return apply(ctx, s, tx, p, change[evalCase]{machine: evaluations, table: "evaluations", id: ev.ID, from: ev.State, action: a,
			obj: evalCase{ev: ev, in: in, now: now}, res: res, comment: in.Comment, detail: detail,
			write: func(ctx context.Context, tx *store.Tx, _ fsm.State, now time.Time) error {
				if write == nil {
					return nil
				}
				return write(ctx, tx, ev, now, detail)
			},
		}, now)
	})
	if err != nil {
		return Evaluation{}, err
	}
	s.opts.Changed()
	return s.Evaluation(ctx, p, id)
}

// Steps lists the evaluation steps that take a StepInput; each is an API
// route POST /api/v1/operator-evaluations/{id}/{step}.
var Steps = []fsm.Action{ActSubmit, ActReturn, ActGrade, ActRevise, ActFinalise}

// Step takes one of Steps on evaluation id.
func (s *Service) Step(ctx context.Context, p access.Principal, id string, a fsm.Action, in StepInput) (Evaluation, error) {
	var write writeFunc
	switch a {
	case ActSubmit:
		write = func(ctx context.Context, tx *store.Tx, ev Evaluation, now time.Time, d map[string]any) error {
			d["late"] = now.After(ev.AnswerDueAt)
			return exec(ctx, tx, `UPDATE evaluations SET submitted_at = $1 WHERE id = $2`, now, ev.ID)
		}
	case ActReturn:
		write = func(ctx context.Context, tx *store.Tx, ev Evaluation, now time.Time, d map[string]any) error {
			due := s.cal.Due(now, cmp.Or(in.Days, s.opts.AnswerDays))
			d["answer_due_day"], d["answer_due_estimated"] = due.Day.String(), due.Estimated
			return exec(ctx, tx, `UPDATE evaluations SET answer_due_day = $1, answer_due_at = $2, answer_due_estimated = $3, submitted_at = NULL WHERE id = $4`,
				due.Day.String(), due.At.Truncate(time.Microsecond), due.Estimated, ev.ID)
		}
	case ActGrade:
		write = func(ctx context.Context, tx *store.Tx, ev Evaluation, now time.Time, d map[string]any) error {
			t, err := s.Template(ctx, ev.TemplateVersion)
			if err != nil {
				return err
			}
			points := map[string]float64{}
			for _, it := range ev.Items {
				points[it.Key] = *it.Points // the guard saw every item scored
			}
			total, grade := t.Total(points)
			d["score"], d["grade"] = total, grade
			return exec(ctx, tx, `UPDATE evaluations SET score = $1, grade = $2, graded_at = $3 WHERE id = $4`, total, grade, now, ev.ID)
		}
	case ActRevise:
		write = func(ctx context.Context, tx *store.Tx, ev Evaluation, _ time.Time, _ map[string]any) error {
			return exec(ctx, tx, `UPDATE evaluations SET score = NULL, grade = '', graded_at = NULL WHERE id = $1`, ev.ID)
		}
	case ActFinalise:
		write = func(ctx context.Context, tx *store.Tx, ev Evaluation, now time.Time, d map[string]any) error {
			d["score"], d["grade"] = *ev.Score, ev.Grade
			return exec(ctx, tx, `UPDATE evaluations SET conclusion = $1, finalised_at = $2 WHERE id = $3`, strings.TrimSpace(in.Comment), now, ev.ID)
		}
	default:
		return Evaluation{}, errs.E(errs.Invalid, "step %q is not one of %v", a, Steps)
	}
	return s.act(ctx, p, id, a, in, write)
}

func exec(ctx context.Context, tx *store.Tx, query string, args ...any) error {
	_, err := tx.Exec(ctx, query, args...)
	return err
}
