package catalog

import (
	"context"

	"shuyu/internal/store"
)

// Public lists the entries in the authorized-operation scope, by name, for
// the public portal (Art. 25). It needs no principal: which data the city
// puts into operation is public. Callers show only what the portal may show
// (titles, descriptions, providers, frequency, field titles and categories),
// never grades or data.
func (s *Service) Public(ctx context.Context, page store.Page) ([]Dataset, string, error) {
	return s.page(ctx, "d.in_scope = $1", []any{true}, page)
}
