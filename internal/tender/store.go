package tender

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

const announcementColumns = `a.id, a.plan_id, a.unit_id, o.name, o.jurisdiction_id, a.title, a.method, a.invited, a.conditions,
	a.criteria, a.deadline_at, a.state, a.published_at, a.winner_id, a.award_reason, a.publicity_from, a.publicity_until,
	a.publicity_day, a.agreement_id, a.stop_reason, a.created_by, a.created_at, a.updated_at,
	(SELECT count(*) FROM objections b WHERE b.announcement_id = a.id AND b.state = 'open')`

const announcementFrom = ` FROM announcements a JOIN organizations o ON o.id = a.unit_id`

func scanAnnouncement(row interface{ Scan(...any) error }) (Announcement, error) {
	var (
		a                          Announcement
		method, state              string
		invited, criteria          string
		published, pubFrom, pubTil sql.NullTime
	)
	err := row.Scan(&a.ID, &a.Plan.ID, &a.UnitID, &a.Unit, &a.JurisdictionID, &a.Title, &method, &invited, &a.Conditions,
		&criteria, &a.DeadlineAt, &state, &published, &a.WinnerID, &a.AwardReason, &pubFrom, &pubTil,
		&a.PublicityDay, &a.AgreementID, &a.StopReason, &a.CreatedBy, &a.CreatedAt, &a.UpdatedAt, &a.OpenObjections)
	if err != nil {
		return a, err
	}
	a.Method, a.State = Method(method), fsm.State(state)
	a.DeadlineAt, a.CreatedAt, a.UpdatedAt = a.DeadlineAt.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	a.PublishedAt, a.PublicityFrom, a.PublicityUntil = store.TimePtr(published), store.TimePtr(pubFrom), store.TimePtr(pubTil)
	if err := json.Unmarshal([]byte(invited), &a.Invited); err != nil {
		return a, fmt.Errorf("announcement %s: invited: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(criteria), &a.Criteria); err != nil {
		return a, fmt.Errorf("announcement %s: criteria: %w", a.ID, err)
	}
	return a, nil
}

// getAnnouncement reads an announcement with its scope, locking its row
// with lock (tx.ForUpdate) if asked.
func getAnnouncement(ctx context.Context, q store.Querier, id, lock string) (Announcement, error) {
	if lock != "" {
		lock += " OF a"
	}
	a, err := scanAnnouncement(q.QueryRow(ctx, `SELECT `+announcementColumns+announcementFrom+` WHERE a.id = $1`+lock, id))
	if store.IsNoRows(err) {
		return a, errs.E(errs.NotFound, "no announcement %q", id)
	}
	if err != nil {
		return a, err
	}
	a.Datasets, err = announcementDatasets(ctx, q, a.ID)
	return a, err
}

func announcementDatasets(ctx context.Context, q store.Querier, id string) ([]plan.Dataset, error) {
	return plan.ReadScope(ctx, q, `SELECT dataset_id, name, title, provider_id, provider FROM announcement_datasets
		WHERE announcement_id = $1 ORDER BY name`, id)
}

// saveAnnouncement inserts a new draft or replaces a draft's content.
func saveAnnouncement(ctx context.Context, tx *store.Tx, a Announcement, insert bool) error {
	invited, _ := json.Marshal(a.Invited)
	criteria, _ := json.Marshal(a.Criteria)
	var err error
	if insert {
		_, err = tx.Exec(ctx, `INSERT INTO announcements (id, plan_id, unit_id, title, method, invited, conditions, criteria, deadline_at,
			state, winner_id, award_reason, publicity_day, agreement_id, stop_reason, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', '', '', '', '', $11, $12, $13)`,
			a.ID, a.Plan.ID, a.UnitID, a.Title, string(a.Method), string(invited), a.Conditions, string(criteria), a.DeadlineAt,
			string(a.State), a.CreatedBy, a.CreatedAt, a.UpdatedAt)
	} else {
		_, err = tx.Exec(ctx, `UPDATE announcements SET plan_id = $1, title = $2, method = $3, invited = $4, conditions = $5,
			criteria = $6, deadline_at = $7, updated_at = $8 WHERE id = $9`,
			a.Plan.ID, a.Title, string(a.Method), string(invited), a.Conditions, string(criteria), a.DeadlineAt, a.UpdatedAt, a.ID)
		if err == nil {
			_, err = tx.Exec(ctx, `DELETE FROM announcement_datasets WHERE announcement_id = $1`, a.ID)
		}
	}
	if err != nil {
		return fmt.Errorf("tender: save announcement %s: %w", a.ID, err)
	}
	return plan.SaveScope(ctx, tx, `INSERT INTO announcement_datasets (announcement_id, dataset_id, name, title, provider_id, provider)
		VALUES ($1, $2, $3, $4, $5, $6)`, a.ID, a.Datasets)
}
