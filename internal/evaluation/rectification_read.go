package evaluation

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

const rectificationColumns = `r.id, r.evaluation_id, r.agreement_id, r.operator_id, op.name, r.unit_id, u.name, r.jurisdiction_id, r.item_key,
	r.finding, r.requirement, r.state, r.days, r.due_day, r.due_at, r.due_estimated, r.rejections, r.report, r.submitted_at,
	r.created_by, r.created_at, r.closed_at, r.updated_at`

const rectificationFrom = ` FROM rectifications r JOIN organizations op ON op.id = r.operator_id JOIN organizations u ON u.id = r.unit_id`

func scanRectification(row interface{ Scan(...any) error }) (Rectification, error) {
	var (
		r                 Rectification
		state             string
		submitted, closed sql.NullTime
	)
	err := row.Scan(&r.ID, &r.EvaluationID, &r.AgreementID, &r.OperatorID, &r.Operator, &r.UnitID, &r.Unit, &r.JurisdictionID, &r.ItemKey,
		&r.Finding, &r.Requirement, &state, &r.Days, &r.DueDay, &r.DueAt, &r.DueEstimated, &r.Rejections, &r.Report, &submitted,
		&r.CreatedBy, &r.CreatedAt, &closed, &r.UpdatedAt)
	r.State = fsm.State(state)
	r.DueAt, r.CreatedAt, r.UpdatedAt = r.DueAt.UTC(), r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	r.SubmittedAt, r.ClosedAt = store.TimePtr(submitted), store.TimePtr(closed)
	return r, err
}

// getRectification reads a task, locking its row with lock if asked.
func getRectification(ctx context.Context, q store.Querier, id, lock string) (Rectification, error) {
	if lock != "" {
		lock += " OF r"
	}
	r, err := scanRectification(q.QueryRow(ctx, `SELECT `+rectificationColumns+rectificationFrom+` WHERE r.id = $1`+lock, id))
	if store.IsNoRows(err) {
		return r, errs.E(errs.NotFound, "no rectification task %q", id)
	}
	if err != nil {
		return r, fmt.Errorf("rectification: read %s: %w", id, err)
	}
	return r, nil
}

// visibleTask checks that p may read r and fills what depends on the
// caller and the clock.
func (s *Service) visibleTask(ctx context.Context, p access.Principal, r *Rectification, rs resources) error {
	res, err := s.cachedResource(ctx, rs, r.OperatorID, r.JurisdictionID)
	if err != nil {
		return err
	}
	if err := access.Check(p, access.RectificationRead, res); err != nil {
		return err
	}
	r.derive(s.db.Now())
	r.Actions = rectifications.Allowed(p, r.State, res)
	return nil
}

// Rectification returns one task with its evidence and history.
func (s *Service) Rectification(ctx context.Context, p access.Principal, id string) (Rectification, error) {
	r, err := getRectification(ctx, s.db, id, "")
	if err != nil {
		return r, err
	}
	if err := s.visibleTask(ctx, p, &r, resources{}); err != nil {
		return Rectification{}, err
	}
	if r.Files, err = filesOf(ctx, s.db, "rectification", r.ID); err != nil {
		return r, err
	}
	r.Events, err = s.events(ctx, "rectification", r.ID)
	return r, err
}

// RectificationFilter narrows a list of tasks; zero fields do not filter.
type RectificationFilter struct {
	AgreementID  string
	EvaluationID string
	State        fsm.State
	Overdue      bool // open past the deadline
}

var rectificationStates = []fsm.State{Open, Submitted, Accepted, Cancelled}

// Rectifications lists, newest first, the tasks p may read that match f.
func (s *Service) Rectifications(ctx context.Context, p access.Principal, f RectificationFilter, page store.Page) ([]Rectification, string, error) {
	w := &where{}
	if err := s.reach(ctx, w, p, access.RectificationRead, "r"); err != nil {
		return nil, "", err
	}
	if f.AgreementID != "" {
		w.add("r.agreement_id = ?", f.AgreementID)
	}
	if f.EvaluationID != "" {
		w.add("r.evaluation_id = ?", f.EvaluationID)
	}
	if f.State != "" {
		if err := fsm.CheckState(f.State, rectificationStates); err != nil {
			return nil, "", err
		}
		w.add("r.state = ?", string(f.State))
	}
	if f.Overdue {
		w.add("r.state = ?", string(Open))
		w.add("r.due_at < ?", s.db.Now())
	}
	if page.After != "" {
		w.add("r.id < ?", page.After)
	}
	out, err := s.queryTasks(ctx, `SELECT `+rectificationColumns+rectificationFrom+w.sql()+fmt.Sprintf(` ORDER BY r.id DESC LIMIT %d`, page.Limit+1), w.args...)
	if err != nil {
		return nil, "", err
	}
	out, next := store.Trim(out, page, func(r Rectification) string { return r.ID })
	kept, rs := out[:0], resources{}
	for _, r := range out {
		if s.visibleTask(ctx, p, &r, rs) == nil {
			kept = append(kept, r)
		}
	}
	return kept, next, nil
}

func (s *Service) queryTasks(ctx context.Context, query string, args ...any) ([]Rectification, error) {
	rows, err := s.db.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("rectification: list: %w", err)
	}
	defer rows.Close()
	var out []Rectification
	for rows.Next() {
		r, err := scanRectification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RectificationFile opens an evidence file of task id for a reader of it.
func (s *Service) RectificationFile(ctx context.Context, p access.Principal, id, fileID string) (File, io.ReadCloser, error) {
	if _, err := s.Rectification(ctx, p, id); err != nil {
		return File{}, nil, err
	}
	return s.openFile(ctx, "rectification", id, fileID)
}

// RectificationFailed reports whether the rectification of agreement
// agreementID has failed (整改不到位, Art. 24; 整改不力或拒不整改, Art.
// 27(2)): some task neither accepted nor cancelled is open past its
// deadline, or had MaxRejections reports rejected. The agreement package
// asks it before letting the implementing unit terminate on that ground;
// an agreement without tasks has not failed. It checks no principal: the
// caller has checked its own.
func (s *Service) RectificationFailed(ctx context.Context, agreementID string) (bool, error) {
	tasks, err := s.queryTasks(ctx, `SELECT `+rectificationColumns+rectificationFrom+` WHERE r.agreement_id = $1 AND r.state IN ($2, $3)`,
		agreementID, string(Open), string(Submitted))
	if err != nil {
		return false, err
	}
	now := s.db.Now()
	for _, r := range tasks {
		if r.derive(now); r.Failed {
			return true, nil
		}
	}
	return false, nil
}
