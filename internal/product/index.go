package product

import (
	"context"
	"maps"

	"shuyu/internal/errs"
	"shuyu/internal/sandbox"
)

// refresh builds published (or about to be published) API product pr's
// index from its grant's current versions and keeps it for calls.
func (s *Service) refresh(ctx context.Context, pr Product) (*sandbox.Index, error) {
	h, err := s.grants.Held(ctx, pr.GrantIDs[0])
	if err != nil {
		return nil, err
	}
	ix, err := s.build(ctx, h.Spec, pr.API)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.indexes[pr.ID] = ix
	s.mu.Unlock()
	return ix, nil
}

// drop forgets product id's index: it changed or ended.
func (s *Service) drop(id string) {
	s.mu.Lock()
	delete(s.indexes, id)
	s.mu.Unlock()
}

// index returns published API product pr's index, building it on first
// use in this process (another process may have published it).
func (s *Service) index(ctx context.Context, pr Product) (*sandbox.Index, error) {
	s.mu.Lock()
	ix := s.indexes[pr.ID]
	s.mu.Unlock()
	if ix != nil {
		return ix, nil
	}
	ix, err := s.refresh(ctx, pr)
	if err != nil {
		return nil, errs.E(errs.Unavailable, "product %s cannot answer now: its data could not be indexed; the operator has been told", pr.ID)
	}
	return ix, nil
}

// Refresh rebuilds the index of every published API product whose grant
// reads a new version of its data, and returns how many it rebuilt: the
// job app runs with the other periodic work. Calls keep the old index
// until the new one is complete.
func (s *Service) Refresh(ctx context.Context) (int, error) {
	s.mu.Lock()
	ids := make([]string, 0, len(s.indexes))
	for id := range s.indexes {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	n := 0
	for _, id := range ids {
		pr, err := getProduct(ctx, s.db, id, "")
		if err != nil {
			return n, err
		}
		if pr.State != Published {
			s.drop(id)
			continue
		}
		h, err := s.grants.Held(ctx, pr.GrantIDs[0])
		if err != nil {
			return n, err
		}
		s.mu.Lock()
		old := s.indexes[id]
		s.mu.Unlock()
		cur := map[string]string{}
		for _, d := range h.Spec.Datasets {
			cur[d.Name] = d.Version.ID
		}
		if old != nil && maps.Equal(old.Versions, cur) {
			continue
		}
		if _, err := s.refresh(ctx, pr); err != nil {
			s.log.Error("product: refresh the index", "product", id, "err", err)
			continue
		}
		n++
	}
	return n, nil
}
