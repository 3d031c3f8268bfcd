package identity

import (
	"context"
	"fmt"

	"shuyu/internal/store"
)

// RevokeOrgKeys revokes, inside tx, every key of organization orgID still
// in force, as the user byUserID, and returns them. An operator's exit
// (Art. 24, 27) calls it. It appends nothing to the ledger: the caller
// records the revocation in the entry of the act that causes it, in the
// same transaction, so that the ledger's head stays the last lock taken.
func (s *Service) RevokeOrgKeys(ctx context.Context, tx *store.Tx, orgID, byUserID string) ([]APIKey, error) {
	rows, err := tx.Query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE org_id = $1 AND revoked_at IS NULL ORDER BY id`+tx.ForUpdate(), orgID)
	if err != nil {
		return nil, fmt.Errorf("identity: keys of %s: %w", orgID, err)
	}
	var keys []APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := s.db.Now()
	for i := range keys {
		keys[i].RevokedAt = &now
		if _, err := tx.Exec(ctx, `UPDATE api_keys SET revoked_at = $1, revoked_by = $2 WHERE id = $3`, now, byUserID, keys[i].ID); err != nil {
			return nil, fmt.Errorf("identity: revoke key %s: %w", keys[i].ID, err)
		}
	}
	return keys, nil
}
