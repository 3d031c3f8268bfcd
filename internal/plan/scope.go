package plan

import (
	"context"
	"fmt"

	"shuyu/internal/store"
)

// Plans, announcements and agreements keep their data scope alike: rows of
// (owner, dataset_id, name, title, provider_id, provider), the entries as
// they stood when written. These read and write such rows.

// ReadScope reads a data scope: query selects dataset_id, name, title,
// provider_id and provider for the one argument owner, by name.
func ReadScope(ctx context.Context, q store.Querier, query, owner string) ([]Dataset, error) {
	rows, err := q.Query(ctx, query, owner)
	if err != nil {
		return nil, fmt.Errorf("data scope of %s: %w", owner, err)
	}
	defer rows.Close()
	out := []Dataset{}
	for rows.Next() {
		var d Dataset
		if err := rows.Scan(&d.ID, &d.Name, &d.Title, &d.ProviderID, &d.Provider); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SaveScope keeps ds as owner's scope with insert, a statement whose six
// placeholders take the owner, the dataset ID, name, title, provider ID
// and provider.
func SaveScope(ctx context.Context, tx *store.Tx, insert, owner string, ds []Dataset) error {
	for _, d := range ds {
		if _, err := tx.Exec(ctx, insert, owner, d.ID, d.Name, d.Title, d.ProviderID, d.Provider); err != nil {
			return fmt.Errorf("data scope of %s: %w", owner, err)
		}
	}
	return nil
}
