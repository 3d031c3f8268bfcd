package catalog

import (
	"context"
	"fmt"

	"shuyu/internal/store"
)

// Public lists the entries in the authorized-operation scope, by name, for
// the public portal (Art. 25). It needs no principal: which data the city
// puts into operation is public. Callers show only what the portal may show
// (titles, descriptions, providers, frequency, field titles and categories),
// never grades or data.
func (s *Service) Public(ctx context.Context, page store.Page) ([]Dataset, string, error) {
	rows, err := s.db.Query(ctx, `SELECT `+datasetColumns+datasetFrom+fmt.Sprintf(` WHERE d.in_scope = $1 AND d.name > $2 ORDER BY d.name LIMIT %d`, page.Limit+1), true, page.After)
	if err != nil {
		return nil, "", fmt.Errorf("catalog: public list: %w", err)
	}
	defer rows.Close()
	var out []Dataset
	for rows.Next() {
		d, err := scanDataset(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	out, next := store.Trim(out, page, func(d Dataset) string { return d.Name })
	return out, next, nil
}
