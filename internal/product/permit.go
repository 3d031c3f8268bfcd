package product

import (
	"context"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// permit is what lets an API key call a product, as read at one
// generation of the database: the key's unit holds an approved
// subscription to it within the key's scope, the product (at version) is
// published, and its operator's agreement covers the product's data.
type permit struct {
	sub     string
	quota   int64
	version int
}

type permitKey struct{ apiKey, product string }

// authorize returns the permit of p's key to call product productID, and
// the product's declaration and index; in this order, each refusal final:
// an approved subscription of the key's unit, the key's scope, the
// product published, the operator's agreement active over the data.
//
// A permit is remembered (s.permits) until this process commits any
// write, the agreement's term ends, or store.MemoTTL passes: a revoked
// key, an ended subscription or product and an operator's exit commit in
// this process, so the very next call is checked again and refused; one
// committed by another process sharing the database is seen within
// store.MemoTTL.
func (s *Service) authorize(ctx context.Context, p access.Principal, productID string) (permit, *served, error) {
	key := permitKey{p.APIKeyID, productID}
	if pm, ok := s.permits.Get(key); ok {
		if sv := s.kept(productID); sv != nil && sv.pr.Version == pm.version {
			return pm, sv, nil
		}
	}
	gen := s.db.Generation()
	var (
		pm            permit
		state, pstate string
		operatorID    string
	)
	err := s.db.QueryRow(ctx, `SELECT s.id, s.quota_per_month, s.state, p.state, p.operator_id, p.version FROM product_subscriptions s
		JOIN products p ON p.id = s.product_id WHERE s.product_id = $1 AND s.app_unit_id = $2`, productID, p.OrgID).
		Scan(&pm.sub, &pm.quota, &state, &pstate, &operatorID, &pm.version)
	if err != nil && !store.IsNoRows(err) {
		return pm, nil, err
	}
	if store.IsNoRows(err) || fsm.State(state) != Approved {
		return pm, nil, errs.E(errs.Forbidden, "your unit holds no approved subscription to product %s: apply for it, or it was refused or ended", productID)
	}
	if err := s.inScope(ctx, p.APIKeyID, pm.sub); err != nil {
		return pm, nil, err
	}
	if fsm.State(pstate) != Published {
		s.drop(productID)
		return pm, nil, errs.E(errs.Forbidden, "product %s is %s: it answers no calls", productID, pstate)
	}
	sv, err := s.serve(ctx, productID)
	if err == nil && sv.pr.Version != pm.version {
		// Changed and approved again in another process: this one's copy is old.
		s.drop(productID)
		sv, err = s.serve(ctx, productID)
	}
	if err != nil {
		return pm, nil, err
	}
	until, err := s.agreements.ActiveUntil(ctx, operatorID, sv.datasets)
	if err != nil {
		return pm, nil, err
	}
	s.permits.Put(key, gen, pm, until)
	return pm, sv, nil
}
