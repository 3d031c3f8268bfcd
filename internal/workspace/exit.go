package workspace

import (
	"context"
	"fmt"

	"shuyu/internal/agreement"
	"shuyu/internal/store"
)

// ExitHook is the agreement exit hook of the workspace: inside the exit's
// transaction it voids the release requests still pending under the
// agreement (their results are deleted with the operator's workspace),
// returns them for the deletion record, and closes the engines of the
// agreement's grants in this process (every process refuses their next
// query anyway, RequireActiveIn being asked on each; if the exit fails, an
// engine closed for nothing reopens on the next query).
func (s *Service) ExitHook() agreement.Hook {
	return func(ctx context.Context, tx *store.Tx, e agreement.Exit) ([]agreement.Deleted, error) {
		pending, err := store.Strings(ctx, tx, `SELECT id FROM workspace_releases WHERE agreement_id = $1 AND state = $2 ORDER BY id`+tx.ForUpdate(),
			e.AgreementID, string(Pending))
		if err != nil {
			return nil, fmt.Errorf("workspace: pending releases of %s: %w", e.AgreementID, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE workspace_releases SET state = $1, decided_by = 'exit', decided_at = $2, comment = $3
			WHERE agreement_id = $4 AND state = $5`, string(Void), e.At, "the agreement ended ("+string(e.Action)+")", e.AgreementID, string(Pending)); err != nil {
			return nil, fmt.Errorf("workspace: void the pending releases of %s: %w", e.AgreementID, err)
		}
		grants, err := store.Strings(ctx, tx, `SELECT DISTINCT grant_id FROM workspace_queries WHERE agreement_id = $1`, e.AgreementID)
		if err != nil {
			return nil, fmt.Errorf("workspace: grants of %s: %w", e.AgreementID, err)
		}
		for _, id := range grants {
			s.sandbox.Forget(id)
		}
		out := make([]agreement.Deleted, len(pending))
		for i, id := range pending {
			out[i] = agreement.Deleted{What: "release_request", Ref: id}
		}
		return out, nil
	}
}
