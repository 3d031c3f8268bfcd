package demand

import (
	"context"
	"fmt"

	"shuyu/internal/agreement"
	"shuyu/internal/store"
)

// Exit is the agreement exit hook (app registers it with OnExit): inside
// the exit's transaction it ends every active grant of the agreement that
// ends, at once, and names them for the deletion record and the exit's
// ledger entry. Grants of the operator's other agreements go on.
func (s *Service) Exit() agreement.Hook {
	return func(ctx context.Context, tx *store.Tx, e agreement.Exit) ([]agreement.Deleted, error) {
		rows, err := tx.Query(ctx, `SELECT g.id, d.title FROM grants g JOIN demands d ON d.id = g.demand_id
			WHERE g.agreement_id = $1 AND g.state = $2 ORDER BY g.id`, e.AgreementID, string(GrantActive))
		if err != nil {
			return nil, fmt.Errorf("demand: grants of %s: %w", e.AgreementID, err)
		}
		var out []agreement.Deleted
		for rows.Next() {
			var d agreement.Deleted
			if err := rows.Scan(&d.Ref, &d.Name); err != nil {
				rows.Close()
				return nil, err
			}
			d.What = "grant"
			out = append(out, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		reason := fmt.Sprintf("授权运营协议退出（%s：%s）", e.Action, e.Reason.Code)
		if _, err := tx.Exec(ctx, `UPDATE grants SET state = $1, ended_at = $2, end_reason = $3, ended_by = $4 WHERE agreement_id = $5 AND state = $6`,
			string(GrantEnded), e.At, reason, e.By.UserID, e.AgreementID, string(GrantActive)); err != nil {
			return nil, fmt.Errorf("demand: end the grants of %s: %w", e.AgreementID, err)
		}
		return out, nil
	}
}
