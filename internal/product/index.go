package product

import (
	"context"
	"maps"

	"shuyu/internal/errs"
)

// refresh builds published (or about to be published) API product pr's
// index from its grant's current versions and keeps it, with pr's
// declaration, for calls.
func (s *Service) refresh(ctx context.Context, pr Product) (*served, error) {
	h, err := s.grants.Held(ctx, pr.GrantIDs[0])
	if err != nil {
		return nil, err
	}
	ix, err := s.build(ctx, h.Spec, pr.API)
	if err != nil {
		return nil, err
	}
	sv := &served{pr: pr, ix: ix, datasets: h.DatasetIDs}
	s.mu.Lock()
	s.served[pr.ID] = sv
	s.mu.Unlock()
	return sv, nil
}

// drop forgets product id's index: it changed or ended.
func (s *Service) drop(id string) {
	s.mu.Lock()
	delete(s.served, id)
	s.mu.Unlock()
}

// kept returns what this process keeps of API product id, or nil.
func (s *Service) kept(id string) *served {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.served[id]
}

// serve returns API product id's declaration and index, building them on
// first use in this process (another process may have published it). Its
// state is the caller's to check: a change or an end in this process
// drops what is kept here, and authorize reads the state again after any
// commit here and at least every store.MemoTTL, which covers other
// processes.
func (s *Service) serve(ctx context.Context, id string) (*served, error) {
	sv := s.kept(id)
	if sv != nil {
		return sv, nil
	}
	pr, err := getProduct(ctx, s.db, id, "")
	if err != nil {
		return nil, err
	}
	if pr.Type != API {
		return nil, errs.E(errs.Invalid, "product %s is a %s: only an API product is called", id, pr.Type)
	}
	if sv, err = s.refresh(ctx, pr); err != nil {
		s.log.Error("product: build the index", "product", id, "err", err)
		return nil, errs.E(errs.Unavailable, "product %s cannot answer now: its data could not be indexed; the operator has been told", id)
	}
	return sv, nil
}

// Refresh rebuilds the index of every API product served here whose grant
// reads a new version of its data, and returns how many it rebuilt: the
// job app runs with the other periodic work. Calls keep the old index
// until the new one is complete.
func (s *Service) Refresh(ctx context.Context) (int, error) {
	s.mu.Lock()
	kept := make([]*served, 0, len(s.served))
	for _, sv := range s.served {
		kept = append(kept, sv)
	}
	s.mu.Unlock()
	n := 0
	for _, old := range kept {
		pr, err := getProduct(ctx, s.db, old.pr.ID, "")
		if err != nil {
			return n, err
		}
		if pr.State != Published {
			s.drop(pr.ID)
			continue
		}
		h, err := s.grants.Held(ctx, pr.GrantIDs[0])
		if err != nil {
			return n, err
		}
		cur := map[string]string{}
		for _, d := range h.Spec.Datasets {
			cur[d.Name] = d.Version.ID
		}
		if maps.Equal(old.ix.Versions, cur) {
			continue
		}
		if _, err := s.refresh(ctx, pr); err != nil {
			s.log.Error("product: refresh the index", "product", pr.ID, "err", err)
			continue
		}
		n++
	}
	return n, nil
}
