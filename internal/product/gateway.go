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
	"shuyu/internal/sandbox"
)

// served is what the gateway keeps of a published API product between
// calls: its declaration, its index and the catalog entries its grant
// reads (for the agreement's check). Its state and version are checked by
// authorize.
type served struct {
	pr       Product
	ix       *sandbox.Index
	datasets []string
}

// Call answers an API key's call of product productID with params, the
// JSON object of the declared parameter. In this order, each refusal
// final: the key (authenticated by the caller, revoked keys never get
// here), the call's permit (see authorize), the key's rate, the
// parameter's type and format, the subscription's monthly quota. Then the
// index answers and the call is metered.
func (s *Service) Call(ctx context.Context, p access.Principal, productID string, params json.RawMessage) (map[string]any, error) {
	if err := access.Check(p, access.ProductCall, access.Resource{OrgID: p.OrgID}); err != nil {
		return nil, err
	}
	pm, sv, err := s.authorize(ctx, p, productID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if ok, wait := s.limits.allow(p.APIKeyID, now); !ok {
		return nil, errs.Limited("rate_limit", wait, "rate limit: this key may call %g times a second; retry after %s", s.limits.rate, wait.Round(time.Millisecond))
	}
	value, err := sv.pr.API.Param.parse(params)
	if err != nil {
		return nil, err
	}
	ok, err := s.meter.admit(ctx, pm.sub, pm.quota, now)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errs.E(errs.Forbidden, "quota: your subscription's %d calls of this month are used; the operator may raise it", pm.quota)
	}
	row, found := sv.ix.Lookup(value)
	c := call{At: now, SubscriptionID: pm.sub, APIKeyID: p.APIKeyID, ProductID: productID}
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
