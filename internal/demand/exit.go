package demand

import (
	"context"
	"fmt"

	"shuyu/internal/agreement"
	"shuyu/internal/store"
)

// Exit is the agreement exit hook (app registers it with OnExit): inside
// the exit's transaction it ends every active grant of the agreement that
// ends, at once, and closes its demands still under review or returned
// (state withdrawn: nothing can be granted under it any more); it names
// them all for the deletion record and the exit's ledger entry. Grants and
// demands of the operator's other agreements go on.
func (s *Service) Exit() agreement.Hook {
	return func(ctx context.Context, tx *store.Tx, e agreement.Exit) ([]agreement.Deleted, error) {
		grants, err := named(ctx, tx, "grant", `SELECT g.id, d.title FROM grants g JOIN demands d ON d.id = g.demand_id
			WHERE g.agreement_id = $1 AND g.state = $2 ORDER BY g.id`, e.AgreementID, string(GrantActive))
		if err != nil {
			return nil, err
		}
		demands, err := named(ctx, tx, "demand", `SELECT id, title FROM demands WHERE agreement_id = $1 AND state IN ($2, $3) ORDER BY id`,
			e.AgreementID, string(Reviewing), string(Returned))
		if err != nil {
			return nil, err
		}
		reason := fmt.Sprintf("授权运营协议退出（%s：%s）", e.Action, e.Reason.Code)
		if _, err := tx.Exec(ctx, `UPDATE grants SET state = $1, ended_at = $2, end_reason = $3, ended_by = $4 WHERE agreement_id = $5 AND state = $6`,
			string(GrantEnded), e.At, reason, e.By.UserID, e.AgreementID, string(GrantActive)); err != nil {
			return nil, fmt.Errorf("demand: end the grants of %s: %w", e.AgreementID, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE demands SET state = $1, decided_at = $2, updated_at = $2 WHERE agreement_id = $3 AND state IN ($4, $5)`,
			string(Withdrawn), e.At, e.AgreementID, string(Reviewing), string(Returned)); err != nil {
			return nil, fmt.Errorf("demand: close the demands of %s: %w", e.AgreementID, err)
		}
		return append(grants, demands...), nil
	}
}

// named lists what query (selecting an ID and a name) finds, as things an
// exit stopped.
func named(ctx context.Context, tx *store.Tx, what, query string, args ...any) ([]agreement.Deleted, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("demand: %ss stopped by the exit: %w", what, err)
	}
	defer rows.Close()
	var out []agreement.Deleted
	for rows.Next() {
		d := agreement.Deleted{What: what}
		if err := rows.Scan(&d.Ref, &d.Name); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
