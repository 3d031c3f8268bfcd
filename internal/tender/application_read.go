package tender

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/identity"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

const applicationColumns = `ap.id, ap.announcement_id, a.title, a.unit_id, ap.operator_id, o.name, ap.state, ap.declarations,
	ap.check_reason, ap.submitted_by, ap.submitted_at, ap.updated_at`

const applicationFrom = ` FROM applications ap JOIN announcements a ON a.id = ap.announcement_id
	JOIN organizations o ON o.id = ap.operator_id JOIN organizations u ON u.id = a.unit_id`

func scanApplication(row interface{ Scan(...any) error }) (Application, error) {
	var (
		ap           Application
		state, decls string
	)
	err := row.Scan(&ap.ID, &ap.AnnouncementID, &ap.Announcement, &ap.unitID, &ap.OperatorID, &ap.Operator, &state, &decls,
		&ap.CheckReason, &ap.SubmittedBy, &ap.SubmittedAt, &ap.UpdatedAt)
	if err != nil {
		return ap, err
	}
	ap.State, ap.SubmittedAt, ap.UpdatedAt = fsm.State(state), ap.SubmittedAt.UTC(), ap.UpdatedAt.UTC()
	return ap, json.Unmarshal([]byte(decls), &ap.Declarations)
}

// getApplication reads an application with its files and findings,
// locking its row with lock (tx.ForUpdate) if asked.
func getApplication(ctx context.Context, q store.Querier, id, lock string) (Application, error) {
	if lock != "" {
		lock += " OF ap"
	}
	ap, err := scanApplication(q.QueryRow(ctx, `SELECT `+applicationColumns+applicationFrom+` WHERE ap.id = $1`+lock, id))
	if store.IsNoRows(err) {
		return ap, errs.E(errs.NotFound, "no application %q", id)
	}
	if err != nil {
		return ap, err
	}
	return ap, details(ctx, q, &ap)
}

// details loads an application's files, checks and scores.
func details(ctx context.Context, q store.Querier, ap *Application) error {
	ap.Files, ap.Checks, ap.Scores = []File{}, []Check{}, []Score{}
	err := each(ctx, q, `SELECT id, item, filename, media_type, bytes, sha256, uploaded_at FROM application_files
		WHERE application_id = $1 ORDER BY item, uploaded_at, id`, ap.ID, func(r scanner) error {
		var f File
		err := r.Scan(&f.ID, &f.Item, &f.Filename, &f.MediaType, &f.Bytes, &f.SHA256, &f.UploadedAt)
		f.UploadedAt = f.UploadedAt.UTC()
		ap.Files = append(ap.Files, f)
		return err
	})
	if err != nil {
		return err
	}
	err = each(ctx, q, `SELECT item, pass, note, checked_by, checked_at FROM application_checks WHERE application_id = $1 ORDER BY item`,
		ap.ID, func(r scanner) error {
			var c Check
			err := r.Scan(&c.Item, &c.Pass, &c.Note, &c.CheckedBy, &c.CheckedAt)
			c.CheckedAt = c.CheckedAt.UTC()
			ap.Checks = append(ap.Checks, c)
			return err
		})
	if err != nil {
		return err
	}
	return each(ctx, q, `SELECT evaluator_id, evaluator, criterion, score, note, scored_at FROM application_scores
		WHERE application_id = $1 ORDER BY evaluator, criterion`, ap.ID, func(r scanner) error {
		var sc Score
		err := r.Scan(&sc.EvaluatorID, &sc.Evaluator, &sc.Criterion, &sc.Score, &sc.Note, &sc.ScoredAt)
		sc.ScoredAt = sc.ScoredAt.UTC()
		ap.Scores = append(ap.Scores, sc)
		return err
	})
}

type scanner interface{ Scan(...any) error }

// each runs query with one argument and calls fn for every row.
func each(ctx context.Context, q store.Querier, query string, arg any, fn func(scanner) error) error {
	rows, err := q.Query(ctx, query, arg)
	if err != nil {
		return fmt.Errorf("tender: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// appResource describes an application for access checks.
func appResource(u identity.Organization, ap Application) access.Resource {
	return plan.CaseResource(u, ap.OperatorID, access.KindOperator, ap.SubmittedBy)
}

// Application returns one application if p may read it. Scores are shown
// to the unit and its overseers, not to the applicant.
func (s *Service) Application(ctx context.Context, p access.Principal, id string) (Application, error) {
	ap, err := getApplication(ctx, s.db, id, "")
	if err != nil {
		return ap, err
	}
	return s.showApplication(ctx, p, ap)
}

func (s *Service) showApplication(ctx context.Context, p access.Principal, ap Application) (Application, error) {
	u, err := s.ids.Lookup(ctx, ap.unitID)
	if err != nil {
		return ap, err
	}
	if err := access.Check(p, access.ApplicationRead, appResource(u, ap)); err != nil {
		return ap, err
	}
	ap.Actions = ApplicationMachine.Allowed(p, ap.State, appResource(u, ap))
	if access.Check(p, access.ApplicationRead, u.Resource()) != nil {
		ap.Scores = nil // the applicant learns the result, not each evaluator's marks
		return ap, nil
	}
	a, err := getAnnouncement(ctx, s.db, ap.AnnouncementID, "")
	if err != nil {
		return ap, err
	}
	r, err := s.ranking(ctx, s.db, a)
	if i := r.find(ap.ID); err == nil && i >= 0 {
		ap.Standing = &r.Rows[i]
	}
	return ap, err
}

// ApplicationFilter narrows a list of applications.
type ApplicationFilter struct {
	AnnouncementID string
	State          fsm.State
}

// Applications lists the applications p may read, newest first: an
// operator's own, or those to the announcements of units in reach.
func (s *Service) Applications(ctx context.Context, p access.Principal, f ApplicationFilter, page store.Page) ([]Application, string, error) {
	w, err := plan.Reach(ctx, s.ids, p, access.ApplicationRead, "u.jurisdiction_id", "ap.operator_id")
	if err != nil {
		return nil, "", err
	}
	if f.AnnouncementID != "" {
		w.And("ap.announcement_id = $%d", f.AnnouncementID)
	}
	if f.State != "" {
		if err := fsm.CheckState(f.State, ApplicationStates); err != nil {
			return nil, "", err
		}
		w.And("ap.state = $%d", string(f.State))
	}
	out, next, err := plan.Newest(ctx, s.db, `SELECT `+applicationColumns+applicationFrom+` WHERE`, w, "ap.id", page, scanApplication,
		func(ap Application) string { return ap.ID })
	if err != nil {
		return nil, "", fmt.Errorf("tender: applications: %w", err)
	}
	for i := range out {
		if err := details(ctx, s.db, &out[i]); err != nil {
			return nil, "", err
		}
		if out[i], err = s.showApplication(ctx, p, out[i]); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

// OpenFile returns an evidence file of an application p may read; the
// caller closes it.
func (s *Service) OpenFile(ctx context.Context, p access.Principal, applicationID, fileID string) (File, io.ReadCloser, error) {
	ap, err := s.Application(ctx, p, applicationID)
	if err != nil {
		return File{}, nil, err
	}
	for _, f := range ap.Files {
		if f.ID == fileID {
			rc, err := s.files.Open(f.ID)
			return f, rc, err
		}
	}
	return File{}, nil, errs.E(errs.NotFound, "application %s has no file %q", applicationID, fileID)
}
