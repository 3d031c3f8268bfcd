package plan

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

const planColumns = `p.id, p.series_id, p.version, COALESCE(p.previous_id, ''), p.unit_id, o.name, o.jurisdiction_id, p.title,
	p.mode, p.mode_reason, p.revenue_sharing, p.security, p.economic_benefits, p.social_benefits, p.consulted, p.state,
	p.return_reason, p.decision_meeting, p.decision_number, p.decision_date, p.approved_at, p.filing_due_day, p.filing_due_at,
	p.filing_due_estimated, p.filing_reference, p.filing_date, p.filed_at, p.created_by, p.created_at, p.updated_at`

const planFrom = ` FROM plans p JOIN organizations o ON o.id = p.unit_id`

func scanPlan(row interface{ Scan(...any) error }) (Plan, error) {
	var (
		p                        Plan
		mode, state, consulted   string
		d                        Decision
		f                        Filing
		approved, dueAt, filedAt sql.NullTime
	)
	err := row.Scan(&p.ID, &p.SeriesID, &p.Version, &p.PreviousID, &p.UnitID, &p.Unit, &p.JurisdictionID, &p.Title,
		&mode, &p.ModeReason, &p.RevenueSharing, &p.Security, &p.Benefits.Economic, &p.Benefits.Social, &consulted, &state,
		&p.ReturnReason, &d.Meeting, &d.Number, &d.Date, &approved, &p.FilingDueDay, &dueAt,
		&p.FilingDueEstimated, &f.Reference, &f.Date, &filedAt, &p.CreatedBy, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return p, err
	}
	p.Mode, p.State = Mode(mode), fsm.State(state)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	p.ApprovedAt, p.FilingDueAt, p.FiledAt = store.TimePtr(approved), store.TimePtr(dueAt), store.TimePtr(filedAt)
	if d.Date != "" {
		p.Decision = &d
	}
	if f.Reference != "" {
		p.Filing = &f
	}
	if err := json.Unmarshal([]byte(consulted), &p.Consulted); err != nil {
		return p, fmt.Errorf("plan %s: consulted: %w", p.ID, err)
	}
	return p, nil
}

// getPlan reads a plan version with its data scope, locking the row with
// lock (tx.ForUpdate) if asked.
func getPlan(ctx context.Context, q store.Querier, id, lock string) (Plan, error) {
	if lock != "" {
		lock += " OF p" // PostgreSQL cannot lock the joined organization
	}
	p, err := scanPlan(q.QueryRow(ctx, `SELECT `+planColumns+planFrom+` WHERE p.id = $1`+lock, id))
	if store.IsNoRows(err) {
		return p, errs.E(errs.NotFound, "no plan %q", id)
	}
	if err != nil {
		return p, err
	}
	p.Datasets, err = planDatasets(ctx, q, p.ID)
	return p, err
}

// planDatasets returns a version's data scope, by name.
func planDatasets(ctx context.Context, q store.Querier, planID string) ([]Dataset, error) {
	return ReadScope(ctx, q, `SELECT dataset_id, name, title, provider_id, provider FROM plan_datasets WHERE plan_id = $1 ORDER BY name`, planID)
}

// insertPlan stores a new version with its data scope.
func insertPlan(ctx context.Context, tx *store.Tx, p Plan) error {
	consulted, _ := json.Marshal(p.Consulted)
	_, err := tx.Exec(ctx, `INSERT INTO plans (id, series_id, version, previous_id, unit_id, title, mode, mode_reason, revenue_sharing,
		security, economic_benefits, social_benefits, consulted, state, return_reason, decision_meeting, decision_number, decision_date,
		filing_due_day, filing_due_estimated, filing_reference, filing_date, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, '', '', '', '', '', $15, '', '', $16, $17, $18)`,
		p.ID, p.SeriesID, p.Version, nullable(p.PreviousID), p.UnitID, p.Title, string(p.Mode), p.ModeReason, p.RevenueSharing,
		p.Security, p.Benefits.Economic, p.Benefits.Social, string(consulted), string(p.State), false, p.CreatedBy, p.CreatedAt, p.UpdatedAt)
	if err != nil {
		return fmt.Errorf("plan: insert %s: %w", p.ID, err)
	}
	return setDatasets(ctx, tx, p)
}

// updateContent stores an edit of a draft.
func updateContent(ctx context.Context, tx *store.Tx, p Plan) error {
	consulted, _ := json.Marshal(p.Consulted)
	_, err := tx.Exec(ctx, `UPDATE plans SET title = $1, mode = $2, mode_reason = $3, revenue_sharing = $4, security = $5,
		economic_benefits = $6, social_benefits = $7, consulted = $8, updated_at = $9 WHERE id = $10`,
		p.Title, string(p.Mode), p.ModeReason, p.RevenueSharing, p.Security, p.Benefits.Economic, p.Benefits.Social,
		string(consulted), p.UpdatedAt, p.ID)
	if err != nil {
		return fmt.Errorf("plan: update %s: %w", p.ID, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM plan_datasets WHERE plan_id = $1`, p.ID); err != nil {
		return err
	}
	return setDatasets(ctx, tx, p)
}

func setDatasets(ctx context.Context, tx *store.Tx, p Plan) error {
	return SaveScope(ctx, tx, `INSERT INTO plan_datasets (plan_id, dataset_id, name, title, provider_id, provider) VALUES ($1, $2, $3, $4, $5, $6)`,
		p.ID, p.Datasets)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
