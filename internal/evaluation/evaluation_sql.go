package evaluation

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/evidence"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

const evaluationColumns = `e.id, e.agreement_id, e.agreement_title, e.year, e.operator_id, op.name, e.unit_id, u.name, e.jurisdiction_id,
	e.template_version, e.state, e.answer_due_day, e.answer_due_at, e.answer_due_estimated, e.opened_by, e.opened_at,
	e.submitted_at, e.graded_at, e.finalised_at, e.score, e.grade, e.conclusion, e.updated_at`

// Names come from the organizations, which may be renamed; an evaluation follows them.
const evaluationFrom = ` FROM evaluations e JOIN organizations op ON op.id = e.operator_id JOIN organizations u ON u.id = e.unit_id`

func scanEvaluation(row interface{ Scan(...any) error }) (Evaluation, error) {
	var (
		e                            Evaluation
		state                        string
		submitted, graded, finalised sql.NullTime
		score                        sql.NullFloat64
	)
	err := row.Scan(&e.ID, &e.AgreementID, &e.AgreementTitle, &e.Year, &e.OperatorID, &e.Operator, &e.UnitID, &e.Unit, &e.JurisdictionID,
		&e.TemplateVersion, &state, &e.AnswerDueDay, &e.AnswerDueAt, &e.AnswerDueEstimated, &e.OpenedBy, &e.OpenedAt,
		&submitted, &graded, &finalised, &score, &e.Grade, &e.Conclusion, &e.UpdatedAt)
	e.State = fsm.State(state)
	e.AnswerDueAt, e.OpenedAt, e.UpdatedAt = e.AnswerDueAt.UTC(), e.OpenedAt.UTC(), e.UpdatedAt.UTC()
	e.SubmittedAt, e.GradedAt, e.FinalisedAt = store.TimePtr(submitted), store.TimePtr(graded), store.TimePtr(finalised)
	if score.Valid {
		e.Score = &score.Float64
	}
	return e, err
}

// getEvaluation reads an evaluation with its items, locking its row with
// lock (tx.ForUpdate) if asked.
func (s *Service) getEvaluation(ctx context.Context, q store.Querier, id, lock string) (Evaluation, error) {
	if lock != "" {
		lock += " OF e" // PostgreSQL cannot lock the joined organizations
	}
	e, err := scanEvaluation(q.QueryRow(ctx, `SELECT `+evaluationColumns+evaluationFrom+` WHERE e.id = $1`+lock, id))
	if store.IsNoRows(err) {
		return e, errs.E(errs.NotFound, "no evaluation %q", id)
	}
	if err != nil {
		return e, fmt.Errorf("evaluation: read %s: %w", id, err)
	}
	return e, s.loadItems(ctx, q, &e)
}

// loadItems fills the items of e, in template order, with their evidence.
func (s *Service) loadItems(ctx context.Context, q store.Querier, e *Evaluation) error {
	t, err := s.Template(ctx, e.TemplateVersion)
	if err != nil {
		return err
	}
	rows, err := q.Query(ctx, `SELECT item_key, answer, answered_by, answered_at, points, score_comment, scored_by, scored_at
		FROM evaluation_items WHERE evaluation_id = $1`, e.ID)
	if err != nil {
		return fmt.Errorf("evaluation: items of %s: %w", e.ID, err)
	}
	stored := map[string]ItemResult{}
	for rows.Next() {
		var (
			it               ItemResult
			answered, scored sql.NullTime
			points           sql.NullFloat64
		)
		if err := rows.Scan(&it.Key, &it.Answer, &it.AnsweredBy, &answered, &points, &it.ScoreComment, &it.ScoredBy, &scored); err != nil {
			rows.Close()
			return err
		}
		it.AnsweredAt, it.ScoredAt = store.TimePtr(answered), store.TimePtr(scored)
		if points.Valid {
			it.Points = &points.Float64
		}
		stored[it.Key] = it
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	files, err := filesOf(ctx, q, "evaluation", e.ID)
	if err != nil {
		return err
	}
	e.Items = nil
	for _, sec := range t.Sections {
		for _, ti := range sec.Items {
			it := stored[ti.Key]
			it.Section, it.Key, it.Title, it.Weight, it.Guidance = sec.Title, ti.Key, ti.Title, ti.Weight, ti.Guidance
			it.Files = []File{}
			for _, f := range files {
				if f.ItemKey == ti.Key {
					it.Files = append(it.Files, f)
				}
			}
			e.Items = append(e.Items, it)
		}
	}
	return nil
}

// filesOf lists the evidence of an evaluation or a rectification task, oldest first.
func filesOf(ctx context.Context, q store.Querier, ownerType, ownerID string) ([]File, error) {
	rows, err := q.Query(ctx, `SELECT id, item_key, filename, media_type, size, sha256, uploaded_by, uploaded_at FROM evaluation_files
		WHERE owner_type = $1 AND owner_id = $2 ORDER BY uploaded_at, id`, ownerType, ownerID)
	if err != nil {
		return nil, fmt.Errorf("evaluation: files of %s %s: %w", ownerType, ownerID, err)
	}
	defer rows.Close()
	out := []File{}
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.ID, &f.ItemKey, &f.Filename, &f.MediaType, &f.Size, &f.SHA256, &f.UploadedBy, &f.UploadedAt); err != nil {
			return nil, err
		}
		f.UploadedAt = f.UploadedAt.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// addFiles keeps staged files and records them for their owner.
func (s *Service) addFiles(ctx context.Context, tx *store.Tx, ownerType, ownerID, itemKey string, sts []evidence.Staged, p access.Principal, now time.Time) ([]string, error) {
	var sums []string
	for _, st := range sts {
		if err := s.files.Keep(st, st.SHA256); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO evaluation_files (id, owner_type, owner_id, item_key, filename, media_type, size, sha256, uploaded_by, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, store.NewID(), ownerType, ownerID, itemKey, st.Filename, st.MediaType, st.Size,
			st.SHA256, p.Name(), now); err != nil {
			return nil, fmt.Errorf("evaluation: record file %s: %w", st.Filename, err)
		}
		sums = append(sums, st.SHA256)
	}
	return sums, nil
}

// addEvent appends a step to the history of an evaluation or a task.
func addEvent(ctx context.Context, tx *store.Tx, objectType, objectID string, a fsm.Action, from, to fsm.State, p access.Principal, comment string, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO evaluation_events (object_type, object_id, seq, action, from_state, to_state, user_id, user_name, comment, at)
		VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM evaluation_events WHERE object_type = $1 AND object_id = $2), $3, $4, $5, $6, $7, $8, $9)`,
		objectType, objectID, string(a), string(from), string(to), p.UserID, p.Name(), comment, at)
	return err
}

// events returns the history of an evaluation or a task, oldest first.
func (s *Service) events(ctx context.Context, objectType, objectID string) ([]Event, error) {
	rows, err := s.db.Query(ctx, `SELECT seq, action, from_state, to_state, user_name, comment, at FROM evaluation_events
		WHERE object_type = $1 AND object_id = $2 ORDER BY seq`, objectType, objectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var a, from, to string
		if err := rows.Scan(&e.Seq, &a, &from, &to, &e.UserName, &e.Comment, &e.At); err != nil {
			return nil, err
		}
		e.Action, e.From, e.To, e.At = fsm.Action(a), fsm.State(from), fsm.State(to), e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// file returns one evidence file of an owner.
func (s *Service) file(ctx context.Context, ownerType, ownerID, fileID string) (File, error) {
	var f File
	err := s.db.QueryRow(ctx, `SELECT id, item_key, filename, media_type, size, sha256, uploaded_by, uploaded_at FROM evaluation_files
		WHERE id = $1 AND owner_type = $2 AND owner_id = $3`, fileID, ownerType, ownerID).
		Scan(&f.ID, &f.ItemKey, &f.Filename, &f.MediaType, &f.Size, &f.SHA256, &f.UploadedBy, &f.UploadedAt)
	if store.IsNoRows(err) {
		return f, errs.E(errs.NotFound, "%s %s has no file %q", ownerType, ownerID, fileID)
	}
	return f, err
}
