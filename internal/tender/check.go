package tender

import (
	"context"
	"fmt"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// CheckEligibility records the unit's finding on each item of Art. 13 for
// application id: all seven at once, a note for each that fails. The
// application becomes eligible when all pass (qualify) and ineligible
// otherwise (disqualify).
func (s *Service) CheckEligibility(ctx context.Context, p access.Principal, id string, items []CheckInput) (Application, error) {
	// Who comes first: a caller who may not check learns nothing of the rules.
	if err := s.mayCheck(ctx, p, id); err != nil {
		return Application{}, err
	}
	checks, err := completeChecks(items)
	if err != nil {
		return Application{}, err
	}
	action := Qualify
	for _, c := range checks {
		if !c.Pass {
			action = Disqualify
		}
	}
	return s.actOnApplication(ctx, p, id, action, appSubject{checks: checks})
}

// Recheck reopens the eligibility check of application id, with the reason.
func (s *Service) Recheck(ctx context.Context, p access.Principal, id, reason string) (Application, error) {
	return s.actOnApplication(ctx, p, id, Recheck, appSubject{reason: &reason})
}

// mayCheck refuses a caller who may not check application id's eligibility.
func (s *Service) mayCheck(ctx context.Context, p access.Principal, id string) error {
	ap, _, u, err := s.caseOf(ctx, s.db, id, "")
	if err != nil {
		return err
	}
	return access.Check(p, access.ApplicationCheck, appResource(u, ap))
}

// caseOf reads application id (locked with lock, tx.ForUpdate, if asked),
// its announcement and the announcement's unit.
func (s *Service) caseOf(ctx context.Context, q store.Querier, id, lock string) (Application, Announcement, identity.Organization, error) {
	ap, err := getApplication(ctx, q, id, lock)
	if err != nil {
		return ap, Announcement{}, identity.Organization{}, err
	}
	a, err := getAnnouncement(ctx, q, ap.AnnouncementID, "")
	if err != nil {
		return ap, a, identity.Organization{}, err
	}
	u, err := s.unitOf(ctx, a)
	return ap, a, u, err
}

func completeChecks(items []CheckInput) ([]CheckInput, error) {
	out := make([]CheckInput, len(Requirements))
	seen := map[int]bool{}
	for _, c := range items {
		if c.Item < 1 || c.Item > len(Requirements) || seen[c.Item] {
			return nil, errs.E(errs.Invalid, "items: item %d is unknown or given twice (Art. 13 has items 1 to %d)", c.Item, len(Requirements))
		}
		seen[c.Item] = true
		c.Note = strings.TrimSpace(c.Note)
		if !c.Pass && c.Note == "" {
			return nil, errs.E(errs.Invalid, "items: item %d fails: say why in its note, for the applicant", c.Item)
		}
		out[c.Item-1] = c
	}
	if len(seen) != len(Requirements) {
		return nil, errs.E(errs.Invalid, "items: give the finding on all %d items of Art. 13", len(Requirements))
	}
	return out, nil
}

func (s *Service) actOnApplication(ctx context.Context, p access.Principal, id string, action fsm.Action, sub appSubject) (Application, error) {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		ap, a, u, err := s.caseOf(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		sub.app, sub.stage = ap, a.State
		d := map[string]any{"announcement_id": a.ID, "operator_id": ap.OperatorID}
		if sub.checks != nil {
			d["checks"] = sub.checks
		} else {
			d["reason"] = sub.reason
		}
		_, err = ApplicationMachine.Apply(ctx, tx, s.ledger, p, fsm.Step[appSubject]{
			Object: sub, From: ap.State, Action: action, Resource: appResource(u, ap), ObjectID: ap.ID, Detail: d,
			Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
				return s.writeChecks(ctx, tx, p, ap, to, sub)
			},
		})
		return err
	})
	if err != nil {
		return Application{}, err
	}
	s.changed()
	return s.Application(ctx, p, id)
}

func (s *Service) writeChecks(ctx context.Context, tx *store.Tx, p access.Principal, ap Application, to fsm.State, sub appSubject) error {
	now := s.now()
	reason := ""
	if sub.reason != nil {
		reason = *sub.reason
	}
	res, err := tx.Exec(ctx, `UPDATE applications SET state = $1, check_reason = $2, updated_at = $3 WHERE id = $4 AND state = $5`,
		string(to), reason, now, ap.ID, string(ap.State))
	if err != nil {
		return fmt.Errorf("tender: check application %s: %w", ap.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "application %s changed meanwhile; read it again", ap.ID)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM application_checks WHERE application_id = $1`, ap.ID); err != nil {
		return err
	}
	for _, c := range sub.checks {
		if _, err := tx.Exec(ctx, `INSERT INTO application_checks (application_id, item, pass, note, checked_by, checked_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, ap.ID, c.Item, c.Pass, c.Note, p.Name(), now); err != nil {
			return err
		}
	}
	return nil
}

// ScoreInput is an evaluator's score of one criterion (its index), 0–100.
type ScoreInput struct {
	Criterion int    `json:"criterion"`
	Score     int    `json:"score"`
	Note      string `json:"note,omitempty"`
}

// Score records p's scores of an eligible application during selection:
// one per criterion of the announcement. Scoring again replaces p's
// earlier scores; each evaluator's count, and the result is their mean.
func (s *Service) Score(ctx context.Context, p access.Principal, id string, in []ScoreInput) (Application, error) {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		ap, a, u, err := s.caseOf(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		if err := access.Check(p, access.ApplicationScore, appResource(u, ap)); err != nil {
			return err
		}
		switch {
		case a.State != Selection:
			return errs.E(errs.Conflict, "the announcement is %s; applications are scored during selection", a.State)
		case ap.State != Eligible:
			return errs.E(errs.Conflict, "application %s is %s; only eligible applications are scored", ap.ID, ap.State)
		}
		scores, err := checkScores(a.Criteria, in)
		if err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `DELETE FROM application_scores WHERE application_id = $1 AND evaluator_id = $2`, ap.ID, p.UserID); err != nil {
			return err
		}
		for _, sc := range scores {
			if _, err := tx.Exec(ctx, `INSERT INTO application_scores (application_id, evaluator_id, evaluator, criterion, score, note, scored_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, ap.ID, p.UserID, p.Name(), sc.Criterion, sc.Score, sc.Note, now); err != nil {
				return err
			}
		}
		return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: "application.score", ObjectType: "application", ObjectID: ap.ID,
			Detail: map[string]any{"announcement_id": a.ID, "scores": scores}})
	})
	if err != nil {
		return Application{}, err
	}
	s.changed()
	return s.Application(ctx, p, id)
}

func checkScores(criteria []Criterion, in []ScoreInput) ([]ScoreInput, error) {
	out := make([]ScoreInput, len(criteria))
	seen := map[int]bool{}
	for _, sc := range in {
		if sc.Criterion < 0 || sc.Criterion >= len(criteria) || seen[sc.Criterion] {
			return nil, errs.E(errs.Invalid, "scores: criterion %d is unknown or given twice (the announcement has criteria 0 to %d)", sc.Criterion, len(criteria)-1)
		}
		if sc.Score < 0 || sc.Score > 100 {
			return nil, errs.E(errs.Invalid, "scores: criterion %d (%s): %d; score 0 to 100", sc.Criterion, criteria[sc.Criterion].Name, sc.Score)
		}
		seen[sc.Criterion] = true
		sc.Note = strings.TrimSpace(sc.Note)
		out[sc.Criterion] = sc
	}
	if len(seen) != len(criteria) {
		return nil, errs.E(errs.Invalid, "scores: score every one of the %d criteria", len(criteria))
	}
	return out, nil
}
