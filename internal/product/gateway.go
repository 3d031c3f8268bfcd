package product

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/cnid"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// served is what the gateway keeps of a published API product between
// calls: its declaration, its index and the catalog entries its grant
// reads (for agreement.RequireActive). Its state and version are read on
// every call.
type served struct {
	pr       Product
	ix       *sandbox.Index
	datasets []string
}

// Call answers an API key's call of product productID with params, the
// JSON object of the declared parameter. In this order, each refusal
// final: the key (authenticated by the caller, revoked keys never get
// here), the key's scope, an approved subscription of its unit to the
// product, the product published, the operator's agreement active over
// the data (uncached: see RequireActive), the key's rate, the
// subscription's monthly quota, the parameter's type and format. Then the
// index answers and the call is metered.
func (s *Service) Call(ctx context.Context, p access.Principal, productID string, params json.RawMessage) (map[string]any, error) {
	if err := access.Check(p, access.ProductCall, access.Resource{OrgID: p.OrgID}); err != nil {
		return nil, err
	}
	var sub struct {
		id            string
		quota         int64
		state, pstate string
		operatorID    string
		version       int
	}
	err := s.db.QueryRow(ctx, `SELECT s.id, s.quota_per_month, s.state, p.state, p.operator_id, p.version FROM product_subscriptions s
		JOIN products p ON p.id = s.product_id WHERE s.product_id = $1 AND s.app_unit_id = $2`, productID, p.OrgID).
		Scan(&sub.id, &sub.quota, &sub.state, &sub.pstate, &sub.operatorID, &sub.version)
	if err != nil && !store.IsNoRows(err) {
		return nil, err
	}
	if store.IsNoRows(err) || fsm.State(sub.state) != Approved {
		return nil, errs.E(errs.Forbidden, "your unit holds no approved subscription to product %s: apply for it, or it was refused or ended", productID)
	}
	if err := s.inScope(ctx, p.APIKeyID, sub.id); err != nil {
		return nil, err
	}
	if fsm.State(sub.pstate) != Published {
		s.drop(productID)
		return nil, errs.E(errs.Forbidden, "product %s is %s: it answers no calls", productID, sub.pstate)
	}
	sv, err := s.serve(ctx, productID)
	if err == nil && sv.pr.Version != sub.version {
		// Changed and approved again in another process: this one's copy is old.
		s.drop(productID)
		sv, err = s.serve(ctx, productID)
	}
	if err != nil {
		return nil, err
	}
	if err := s.agreements.RequireActive(ctx, sub.operatorID, sv.datasets); err != nil {
		return nil, err
	}
	now := s.db.Now()
	if ok, wait := s.limits.allow(p.APIKeyID, now); !ok {
		return nil, errs.Limited("rate_limit", wait, "rate limit: this key may call %g times a second; retry after %s", s.limits.rate, wait.Round(time.Millisecond))
	}
	value, err := sv.pr.API.Param.parse(params)
	if err != nil {
		return nil, err
	}
	ok, err := s.meter.admit(ctx, sub.id, sub.quota, now)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errs.E(errs.Forbidden, "quota: your subscription's %d calls of this month are used; the operator may raise it", sub.quota)
	}
	row, found := sv.ix.Lookup(value)
	c := call{At: now, SubscriptionID: sub.id, APIKeyID: p.APIKeyID, ProductID: productID}
	out := map[string]any{sv.pr.API.Param.Name: value, "found": found}
	if found {
		c.Records = 1
		for _, o := range sv.pr.API.Outputs {
			out[o] = row[slices.Index(sv.ix.Columns, o)]
		}
	}
	s.meter.add(c)
	return out, nil
}

// inScope refuses a key whose scope does not include subscription sub.
func (s *Service) inScope(ctx context.Context, keyID, sub string) error {
	v, ok := s.scopes.Load(keyID)
	if !ok {
		scope, err := s.ids.KeyScope(ctx, keyID)
		if err != nil {
			return err
		}
		v, _ = s.scopes.LoadOrStore(keyID, scope)
	}
	if scope := v.([]string); len(scope) > 0 && !slices.Contains(scope, sub) {
		return errs.E(errs.Forbidden, "this API key is scoped to other subscriptions; create a key for subscription %s", sub)
	}
	return nil
}

// parse reads the parameter from a call's JSON object and checks its
// format: a credit code must pass its GB 32100 check character.
func (p Param) parse(body json.RawMessage) (string, error) {
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		return "", errs.E(errs.Invalid, "the body must be a JSON object like {\"%s\": \"...\"}", p.Name)
	}
	for k := range in {
		if k != p.Name {
			return "", errs.E(errs.Invalid, "%s: not a parameter of this product; it takes %s only", k, p.Name)
		}
	}
	v, ok := in[p.Name].(string)
	if !ok {
		return "", errs.E(errs.Invalid, "%s: required, a string", p.Name)
	}
	v = strings.TrimSpace(v)
	switch p.Format {
	case "uscc":
		v = strings.ToUpper(v)
		if !cnid.ValidUSCC(v) {
			return "", errs.E(errs.Invalid, "%s: %q is not a unified social credit code: 18 characters whose last is the GB 32100 check character of the first 17", p.Name, v)
		}
	case "id_number":
		v = strings.ToUpper(v)
		if !cnid.ValidID(v) {
			return "", errs.E(errs.Invalid, "%s: %q is not a resident ID number: 18 characters whose last is the GB 11643 check character", p.Name, v)
		}
	default:
		if v == "" || len(v) > 200 {
			return "", errs.E(errs.Invalid, "%s: 1 to 200 bytes", p.Name)
		}
	}
	return v, nil
}
