package agreement

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

const agreementColumns = `g.id, g.announcement_id, g.application_id, g.plan_id, COALESCE(g.renews_id, ''), g.unit_id, u.name,
	u.jurisdiction_id, g.operator_id, o.name, g.finance_org_id, f.name, g.state, g.starts_on, g.ends_on, g.starts_at, g.ends_at,
	g.terms, g.decision_meeting, g.decision_number, g.decision_date, g.signed_at, g.signed_by, g.activated_at, g.ended_at,
	g.end_code, g.end_reason, g.created_by, g.created_at, g.updated_at`

const agreementFrom = ` FROM agreements g JOIN organizations u ON u.id = g.unit_id JOIN organizations o ON o.id = g.operator_id
	JOIN organizations f ON f.id = g.finance_org_id`

func scanAgreement(row interface{ Scan(...any) error }) (Agreement, error) {
	var (
		a                        Agreement
		state, terms             string
		d                        plan.Decision
		r                        Reason
		signed, activated, ended sql.NullTime
	)
	err := row.Scan(&a.ID, &a.AnnouncementID, &a.ApplicationID, &a.PlanID, &a.RenewsID, &a.UnitID, &a.Unit,
		&a.JurisdictionID, &a.OperatorID, &a.Operator, &a.FinanceOrgID, &a.FinanceOrg, &state, &a.StartsOn, &a.EndsOn, &a.StartsAt, &a.EndsAt,
		&terms, &d.Meeting, &d.Number, &d.Date, &signed, &a.SignedBy, &activated, &ended,
		&r.Code, &r.Text, &a.CreatedBy, &a.CreatedAt, &a.UpdatedAt)
	if err != nil {
		return a, err
	}
	a.State = fsm.State(state)
	a.StartsAt, a.EndsAt, a.CreatedAt, a.UpdatedAt = a.StartsAt.UTC(), a.EndsAt.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	a.SignedAt, a.ActivatedAt, a.EndedAt = store.TimePtr(signed), store.TimePtr(activated), store.TimePtr(ended)
	if d.Date != "" {
		a.Decision = &d
	}
	if r.Code != "" {
		a.EndReason = &r
	}
	a.Title = fmt.Sprintf("%s与%s公共数据资源授权运营协议（%s至%s）", a.Unit, a.Operator, a.StartsOn, a.EndsOn)
	return a, json.Unmarshal([]byte(terms), &a.Terms)
}

// getAgreement reads an agreement with its scope and finance opinion,
// locking its row with lock (tx.ForUpdate) if asked.
func getAgreement(ctx context.Context, q store.Querier, id, lock string) (Agreement, error) {
	if lock != "" {
		lock += " OF g"
	}
	a, err := scanAgreement(q.QueryRow(ctx, `SELECT `+agreementColumns+agreementFrom+` WHERE g.id = $1`+lock, id))
	if store.IsNoRows(err) {
		return a, errs.E(errs.NotFound, "no agreement %q", id)
	}
	if err != nil {
		return a, err
	}
	return a, details(ctx, q, &a)
}

// details loads an agreement's scope and latest finance opinion.
func details(ctx context.Context, q store.Querier, a *Agreement) error {
	var err error
	a.Datasets, err = plan.ReadScope(ctx, q, `SELECT dataset_id, name, title, provider_id, provider FROM agreement_datasets
		WHERE agreement_id = $1 ORDER BY name`, a.ID)
	if err != nil {
		return fmt.Errorf("agreement: %w", err)
	}
	var o Opinion
	var sum string
	err = q.QueryRow(ctx, `SELECT id, concurs, text, by_name, org_id, at, revenue_sharing_sha256 FROM agreement_opinions
		WHERE agreement_id = $1 ORDER BY at DESC, id DESC LIMIT 1`, a.ID).Scan(&o.ID, &o.Concurs, &o.Text, &o.ByName, &o.OrgID, &o.At, &sum)
	if store.IsNoRows(err) {
		return nil
	}
	o.At, o.Current = o.At.UTC(), sum == digest(a.Terms.RevenueSharing)
	a.Opinion = &o
	return err
}

// digest is the SHA-256 of a clause, to tell whether an opinion was given
// on it as it stands.
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// save inserts a new draft or replaces a draft's content.
func save(ctx context.Context, tx *store.Tx, a Agreement, insert bool) error {
	terms, _ := json.Marshal(a.Terms)
	var err error
	if insert {
		var renews any
		if a.RenewsID != "" {
			renews = a.RenewsID
		}
		_, err = tx.Exec(ctx, `INSERT INTO agreements (id, announcement_id, application_id, plan_id, renews_id, unit_id, operator_id,
			finance_org_id, state, starts_on, ends_on, starts_at, ends_at, terms, decision_meeting, decision_number, decision_date,
			signed_by, end_code, end_reason, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, '', '', '', '', '', '', $15, $16, $17)`,
			a.ID, a.AnnouncementID, a.ApplicationID, a.PlanID, renews, a.UnitID, a.OperatorID, a.FinanceOrgID, string(a.State),
			a.StartsOn, a.EndsOn, a.StartsAt, a.EndsAt, string(terms), a.CreatedBy, a.CreatedAt, a.UpdatedAt)
	} else {
		_, err = tx.Exec(ctx, `UPDATE agreements SET plan_id = $1, finance_org_id = $2, starts_on = $3, ends_on = $4, starts_at = $5,
			ends_at = $6, terms = $7, updated_at = $8 WHERE id = $9`,
			a.PlanID, a.FinanceOrgID, a.StartsOn, a.EndsOn, a.StartsAt, a.EndsAt, string(terms), a.UpdatedAt, a.ID)
		if err == nil {
			_, err = tx.Exec(ctx, `DELETE FROM agreement_datasets WHERE agreement_id = $1`, a.ID)
		}
	}
	if err != nil {
		return fmt.Errorf("agreement: save %s: %w", a.ID, err)
	}
	return plan.SaveScope(ctx, tx, `INSERT INTO agreement_datasets (agreement_id, dataset_id, name, title, provider_id, provider)
		VALUES ($1, $2, $3, $4, $5, $6)`, a.ID, a.Datasets)
}
