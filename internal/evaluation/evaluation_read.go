package evaluation

import (
	"context"
	"fmt"
	"io"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// resources caches access descriptions over a list.
type resources map[string]access.Resource

func (s *Service) cachedResource(ctx context.Context, rs resources, operatorID, jurisdictionID string) (access.Resource, error) {
	key := operatorID + "|" + jurisdictionID
	if r, ok := rs[key]; ok {
		return r, nil
	}
	r, err := s.resource(ctx, operatorID, jurisdictionID)
	rs[key] = r
	return r, err
}

// visible checks that p may read e and fills what depends on the caller and
// the clock.
func (s *Service) visible(ctx context.Context, p access.Principal, e *Evaluation, rs resources) error {
	res, err := s.cachedResource(ctx, rs, e.OperatorID, e.JurisdictionID)
	if err != nil {
		return err
	}
	if err := access.Check(p, access.EvaluationRead, res); err != nil {
		return err
	}
	e.derive(s.db.Now())
	e.Actions = evaluations.Allowed(p, e.State, res)
	return nil
}

// Evaluation returns one evaluation with its items, evidence and history.
func (s *Service) Evaluation(ctx context.Context, p access.Principal, id string) (Evaluation, error) {
	e, err := s.getEvaluation(ctx, s.db, id, "")
	if err != nil {
		return e, err
	}
	if err := s.visible(ctx, p, &e, resources{}); err != nil {
		return Evaluation{}, err
	}
	e.Events, err = s.events(ctx, "evaluation", e.ID)
	return e, err
}

// EvaluationFilter narrows a list of evaluations; zero fields do not filter.
type EvaluationFilter struct {
	AgreementID string
	OperatorID  string
	Year        int
	State       fsm.State
	Overdue     bool // unanswered past the deadline
}

var evaluationStates = []fsm.State{Opened, Answered, Scored, Finalised}

// Evaluations lists, newest first, the evaluations p may read that match f,
// without their items.
func (s *Service) Evaluations(ctx context.Context, p access.Principal, f EvaluationFilter, page store.Page) ([]Evaluation, string, error) {
	w := &where{}
	if err := s.reach(ctx, w, p, access.EvaluationRead, "e"); err != nil {
		return nil, "", err
	}
	if f.AgreementID != "" {
		w.add("e.agreement_id = ?", f.AgreementID)
	}
	if f.OperatorID != "" {
		w.add("e.operator_id = ?", f.OperatorID)
	}
	if f.Year != 0 {
		w.add("e.year = ?", f.Year)
	}
	if f.State != "" {
		if err := fsm.CheckState(f.State, evaluationStates); err != nil {
			return nil, "", err
		}
		w.add("e.state = ?", string(f.State))
	}
	if f.Overdue {
		w.add("e.state = ?", string(Opened))
		w.add("e.answer_due_at < ?", s.db.Now())
	}
	if page.After != "" {
		w.add("e.id < ?", page.After)
	}
	rows, err := s.db.Query(ctx, `SELECT `+evaluationColumns+evaluationFrom+w.sql()+fmt.Sprintf(` ORDER BY e.id DESC LIMIT %d`, page.Limit+1), w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("evaluation: list: %w", err)
	}
	var out []Evaluation
	for rows.Next() {
		e, err := scanEvaluation(rows)
		if err != nil {
			rows.Close()
			return nil, "", err
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	out, next := store.Trim(out, page, func(e Evaluation) string { return e.ID })
	kept, rs := out[:0], resources{}
	for _, e := range out {
		// The SQL condition is the policy's reach; each evaluation is
		// checked as well, so a list never shows what Evaluation would refuse.
		if s.visible(ctx, p, &e, rs) == nil {
			kept = append(kept, e)
		}
	}
	return kept, next, nil
}

// where builds a WHERE clause; add takes a condition with one ? for its value.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, v any) {
	w.args = append(w.args, v)
	w.conds = append(w.conds, strings.Replace(cond, "?", fmt.Sprintf("$%d", len(w.args)), 1))
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// reach narrows w, on the table aliased t, to the rows p's widest rule for
// action a reaches: all, its jurisdictions, or its own organization's.
func (s *Service) reach(ctx context.Context, w *where, p access.Principal, a access.Action, t string) error {
	switch access.Widest(p, a) {
	case 0:
		return access.Check(p, a, access.Resource{})
	case access.Any:
		return nil
	case access.Jurisdiction:
		reach, err := s.ids.Reach(ctx, p)
		if err != nil {
			return err
		}
		marks := make([]string, len(reach))
		for i, j := range reach {
			w.args = append(w.args, j)
			marks[i] = fmt.Sprintf("$%d", len(w.args))
		}
		w.conds = append(w.conds, t+".jurisdiction_id IN ("+strings.Join(marks, ", ")+")")
	default:
		w.add(t+".operator_id = ?", p.OrgID)
	}
	return nil
}

// EvaluationFile opens an evidence file of evaluation id for a reader of it.
func (s *Service) EvaluationFile(ctx context.Context, p access.Principal, id, fileID string) (File, io.ReadCloser, error) {
	if _, err := s.Evaluation(ctx, p, id); err != nil {
		return File{}, nil, err
	}
	return s.openFile(ctx, "evaluation", id, fileID)
}

func (s *Service) openFile(ctx context.Context, ownerType, ownerID, fileID string) (File, io.ReadCloser, error) {
	f, err := s.file(ctx, ownerType, ownerID, fileID)
	if err != nil {
		return f, nil, err
	}
	r, err := s.files.Open(f.SHA256)
	return f, r, err
}
