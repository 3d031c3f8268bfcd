package evaluation

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// FindingInput is a finding of a finalised evaluation and the task it sets.
type FindingInput struct {
	// ItemKey names the template item the finding is about; optional.
	ItemKey     string `json:"item_key,omitempty"`
	Finding     string `json:"finding"`
	Requirement string `json:"requirement"`
	// Days is the working days to rectify, from today; default the
	// configured number (20).
	Days int `json:"days,omitempty"`
}

// CreateRectification turns a finding of finalised evaluation evalID into a
// rectification task for its operator, due Days working days from today
// (Asia/Shanghai, holiday calendar).
func (s *Service) CreateRectification(ctx context.Context, p access.Principal, evalID string, in FindingInput) (Rectification, error) {
	in.Finding, in.Requirement = strings.TrimSpace(in.Finding), strings.TrimSpace(in.Requirement)
	switch {
	case in.Finding == "" || utf8.RuneCountInString(in.Finding) > maxComment:
		return Rectification{}, errs.E(errs.Invalid, "finding: required, at most %d characters: what the evaluation found", maxComment)
	case in.Requirement == "" || utf8.RuneCountInString(in.Requirement) > maxComment:
		return Rectification{}, errs.E(errs.Invalid, "requirement: required, at most %d characters: what the operator must do", maxComment)
	case in.Days < 0 || in.Days > maxDays:
		return Rectification{}, errs.E(errs.Invalid, "days: %d; give 1 to %d working days, or leave it out for the default (%d)", in.Days, maxDays, s.opts.RectificationDays)
	}
	r := Rectification{ID: store.NewID(), ItemKey: in.ItemKey, Finding: in.Finding, Requirement: in.Requirement,
		Days: cmp.Or(in.Days, s.opts.RectificationDays), CreatedBy: p.Name()}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		ev, err := s.getEvaluation(ctx, tx, evalID, tx.ForUpdate())
		if err != nil {
			return err
		}
		if in.ItemKey != "" {
			if err := hasItem(ev, in.ItemKey); err != nil {
				return errs.E(errs.Invalid, "item_key: %s", err.Error())
			}
		}
		res, err := s.resource(ctx, ev.OperatorID, ev.JurisdictionID)
		if err != nil {
			return err
		}
		now := s.db.Now()
		due := s.cal.Due(now, r.Days)
		r.EvaluationID, r.AgreementID, r.OperatorID, r.UnitID, r.JurisdictionID = ev.ID, ev.AgreementID, ev.OperatorID, ev.UnitID, ev.JurisdictionID
		r.DueDay, r.DueAt, r.DueEstimated, r.CreatedAt = due.Day.String(), due.At.Truncate(time.Microsecond), due.Estimated, now
		return apply(ctx, s, tx, p, change[taskCase]{machine: rectifications, table: "rectifications", id: r.ID, action: ActCreate,
			obj: taskCase{ev: ev, now: now}, res: res,
			// The finding's words stay out of the ledger, as answers do.
			detail: map[string]any{"evaluation_id": ev.ID, "agreement_id": ev.AgreementID, "item": r.ItemKey,
				"days": r.Days, "due_day": r.DueDay, "due_estimated": r.DueEstimated},
			write: func(ctx context.Context, tx *store.Tx, to fsm.State, now time.Time) error {
				_, err := tx.Exec(ctx, `INSERT INTO rectifications (id, evaluation_id, agreement_id, operator_id, unit_id, jurisdiction_id, item_key,
					finding, requirement, state, days, due_day, due_at, due_estimated, rejections, report, created_by, created_at, updated_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0, '', $15, $16, $16)`,
					r.ID, r.EvaluationID, r.AgreementID, r.OperatorID, r.UnitID, r.JurisdictionID, r.ItemKey, r.Finding, r.Requirement,
					string(to), r.Days, r.DueDay, r.DueAt, r.DueEstimated, r.CreatedBy, now)
				return err
			},
		}, now)
	})
	if err != nil {
		return Rectification{}, err
	}
	s.opts.Changed()
	return s.Rectification(ctx, p, r.ID)
}

// ReportInput is the operator's report on a task: what it did, with evidence.
type ReportInput struct {
	Report string   `json:"report"`
	Files  []Upload `json:"-"`
}

// SubmitRectification records the operator's report on task id; a report
// after the deadline is accepted and marked late.
func (s *Service) SubmitRectification(ctx context.Context, p access.Principal, id string, in ReportInput) (Rectification, error) {
	if utf8.RuneCountInString(in.Report) > maxComment {
		return Rectification{}, errs.E(errs.Invalid, "report: at most %d characters; put the details in evidence files", maxComment)
	}
	if len(in.Files) > MaxFiles {
		return Rectification{}, errs.E(errs.Invalid, "files: at most %d with one report", MaxFiles)
	}
	sts, err := s.stage(in.Files)
	if err != nil {
		return Rectification{}, err
	}
	defer s.files.Discard(sts...)
	step := StepInput{Comment: in.Report}
	return s.actTask(ctx, p, id, ActSubmit, step, func(ctx context.Context, tx *store.Tx, r Rectification, now time.Time, d map[string]any) error {
		sums, err := s.addFiles(ctx, tx, "rectification", r.ID, "", sts, p, now)
		if err != nil {
			return err
		}
		d["files_sha256"], d["late"] = sums, now.After(r.DueAt)
		return exec(ctx, tx, `UPDATE rectifications SET report = $1, submitted_at = $2 WHERE id = $3`, strings.TrimSpace(in.Report), now, r.ID)
	})
}

// RectificationSteps lists the steps on a task that take a StepInput; each
// is an API route POST /api/v1/rectifications/{id}/{step}.
var RectificationSteps = []fsm.Action{ActAccept, ActReject, ActCancel}

// RectificationStep takes one of RectificationSteps on task id. Rejecting
// with Days sets a new deadline that many working days from today; without,
// the deadline stays (and may have passed).
func (s *Service) RectificationStep(ctx context.Context, p access.Principal, id string, a fsm.Action, in StepInput) (Rectification, error) {
	var write taskWrite
	switch a {
	case ActAccept, ActCancel:
		write = func(ctx context.Context, tx *store.Tx, r Rectification, now time.Time, _ map[string]any) error {
			return exec(ctx, tx, `UPDATE rectifications SET closed_at = $1 WHERE id = $2`, now, r.ID)
		}
	case ActReject:
		write = func(ctx context.Context, tx *store.Tx, r Rectification, now time.Time, d map[string]any) error {
			d["rejections"] = r.Rejections + 1
			if in.Days == 0 {
				return exec(ctx, tx, `UPDATE rectifications SET rejections = rejections + 1 WHERE id = $1`, r.ID)
			}
			due := s.cal.Due(now, in.Days)
			d["days"], d["due_day"], d["due_estimated"] = in.Days, due.Day.String(), due.Estimated
			return exec(ctx, tx, `UPDATE rectifications SET rejections = rejections + 1, days = $1, due_day = $2, due_at = $3, due_estimated = $4 WHERE id = $5`,
				in.Days, due.Day.String(), due.At.Truncate(time.Microsecond), due.Estimated, r.ID)
		}
	default:
		return Rectification{}, errs.E(errs.Invalid, "step %q is not one of %v", a, RectificationSteps)
	}
	return s.actTask(ctx, p, id, a, in, write)
}

type taskWrite func(ctx context.Context, tx *store.Tx, r Rectification, now time.Time, detail map[string]any) error

// actTask takes action a on task id for p, in one transaction.
func (s *Service) actTask(ctx context.Context, p access.Principal, id string, a fsm.Action, in StepInput, write taskWrite) (Rectification, error) {
	if err := cleanComment(&in); err != nil {
		return Rectification{}, err
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		r, err := getRectification(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		res, err := s.resource(ctx, r.OperatorID, r.JurisdictionID)
		if err != nil {
			return err
		}
		now := s.db.Now()
		detail := map[string]any{"evaluation_id": r.EvaluationID, "agreement_id": r.AgreementID}
		return apply(ctx, s, tx, p, change[taskCase]{machine: rectifications, table: "rectifications", id: r.ID, from: r.State, action: a,
			obj: taskCase{in: in, now: now}, res: res, comment: in.Comment, detail: detail,
			write: func(ctx context.Context, tx *store.Tx, _ fsm.State, now time.Time) error {
				if err := write(ctx, tx, r, now, detail); err != nil {
					return fmt.Errorf("rectification: %s %s: %w", a, r.ID, err)
				}
				return nil
			},
		}, now)
	})
	if err != nil {
		return Rectification{}, err
	}
	s.opts.Changed()
	return s.Rectification(ctx, p, id)
}
