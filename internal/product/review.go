package product

import (
	"context"
	"fmt"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// validity is how long a registration (登记) holds.
const validityYears = 3

// resource is the product's operator placed in its agreement's jurisdiction.
func (s *Service) resource(ctx context.Context, pr Product) (access.Resource, error) {
	return s.ids.Resource(ctx, pr.OperatorID, pr.JurisdictionID)
}

// may checks that p may take action on pr.
func (s *Service) may(ctx context.Context, p access.Principal, action access.Action, pr Product) error {
	r, err := s.resource(ctx, pr)
	if err != nil {
		return err
	}
	return access.Check(p, action, r)
}

// show checks that p may see pr (a published product is everyone's to
// browse) and fills its actions.
func (s *Service) show(ctx context.Context, p access.Principal, pr Product) (Product, error) {
	r, err := s.resource(ctx, pr)
	if err != nil {
		return pr, err
	}
	if err := access.Check(p, access.ProductRead, r); err != nil {
		if pr.State != Published || access.Check(p, access.ProductBrowse, r) != nil {
			return Product{}, err
		}
	}
	pr.Actions = Machine.Allowed(p, pr.State, r, End)
	return pr, nil
}

// Get returns product id if p may see it.
func (s *Service) Get(ctx context.Context, p access.Principal, id string) (Product, error) {
	pr, err := getProduct(ctx, s.db, id, "")
	if err != nil {
		return pr, err
	}
	return s.show(ctx, p, pr)
}

// List lists the products p may see, newest first: the published ones,
// and every one within p's reach for those who read drafts.
func (s *Service) List(ctx context.Context, p access.Principal, page store.Page) ([]Product, string, error) {
	return s.Find(ctx, p, Filter{}, page)
}

// Filter narrows a list of products.
type Filter struct {
	// State keeps the products in one state ("" for any): the review
	// queue is those in review.
	State fsm.State
}

// States lists a product's states.
var States = []fsm.State{Reviewing, Published, Rejected, Deregistered}

// Find is List narrowed by f.
func (s *Service) Find(ctx context.Context, p access.Principal, f Filter, page store.Page) ([]Product, string, error) {
	if !access.Permits(p, access.ProductBrowse) && !access.Permits(p, access.ProductRead) {
		return nil, "", access.Check(p, access.ProductBrowse, access.Resource{})
	}
	if err := fsm.CheckState(f.State, States); err != nil {
		return nil, "", err
	}
	w := plan.Where{Cond: "p.state = 'published'"}
	if access.Permits(p, access.ProductRead) {
		reach, err := plan.Reach(ctx, s.ids, p, access.ProductRead, "p.jurisdiction_id", "p.operator_id")
		if err != nil {
			return nil, "", err
		}
		w = plan.Where{Cond: "(p.state = 'published' OR (" + reach.Cond + "))", Args: reach.Args}
	}
	if f.State != "" {
		w.And("p.state = $%d", string(f.State))
	}
	prs, next, err := plan.Newest(ctx, s.db, `SELECT `+productColumns+productFrom+` WHERE`, w, "p.id", page, scanProduct,
		func(pr Product) string { return pr.ID })
	if err != nil {
		return nil, "", fmt.Errorf("product: %w", err)
	}
	for i := range prs {
		if prs[i], err = s.show(ctx, p, prs[i]); err != nil {
			return nil, "", err
		}
	}
	return prs, next, nil
}

// Review takes the implementing unit's decision (approve or reject) on a
// product in review, with its comment. The first approval registers it
// (code, three years' validity); an approved API product's index is built
// before the decision commits, so that the first call finds it.
func (s *Service) Review(ctx context.Context, p access.Principal, id string, action fsm.Action, in ReviewInput) (Product, error) {
	in.Comment = strings.TrimSpace(in.Comment)
	if in.Comment == "" {
		return Product{}, errs.E(errs.Invalid, "comment: state the compliance review's finding")
	}
	if action != Approve && action != Reject {
		return Product{}, errs.E(errs.Invalid, "review: %q; approve or reject", action)
	}
	pr, err := getProduct(ctx, s.db, id, "")
	if err != nil {
		return pr, err
	}
	// Who first: nobody else makes the domain build an index.
	if err := s.may(ctx, p, access.ProductReview, pr); err != nil {
		return Product{}, err
	}
	var built bool
	if action == Approve && pr.Type == API && pr.State == Reviewing {
		if _, err := s.refresh(ctx, pr); err != nil {
			return Product{}, err
		}
		built = true
	}
	err = s.transition(ctx, p, id, action, map[string]any{"comment": in.Comment}, func(ctx context.Context, tx *store.Tx, pr Product, to fsm.State) error {
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE products SET state = $1, review_comment = $2, updated_at = $3 WHERE id = $4`, string(to), in.Comment, now, id); err != nil {
			return err
		}
		if to != Published || pr.Registration != nil {
			return nil
		}
		code := fmt.Sprintf("SYDP-%s-%s", now.Format("20060102"), strings.ToUpper(pr.ID[len(pr.ID)-8:]))
		_, err := tx.Exec(ctx, `UPDATE products SET registration_code = $1, registered_at = $2, valid_until = $3 WHERE id = $4`,
			code, now, now.AddDate(validityYears, 0, 0), id)
		return err
	})
	if err != nil && built {
		s.drop(id)
	}
	if err != nil {
		return Product{}, err
	}
	return s.Get(ctx, p, id)
}

// Change replaces a published or rejected product's declaration (scenario,
// price category, grants, query, outputs or release) and sends it back to
// review: it is not callable until approved again.
func (s *Service) Change(ctx context.Context, p access.Principal, id string, in Input) (Product, error) {
	cur, err := getProduct(ctx, s.db, id, "")
	if err != nil {
		return cur, err
	}
	if err := s.may(ctx, p, access.ProductRegister, cur); err != nil {
		return Product{}, err
	}
	in.Name, in.Type = cur.Name, cur.Type
	if err := checkInput(&in); err != nil {
		return Product{}, err
	}
	b, err := s.check(ctx, p, &in)
	if err != nil {
		return Product{}, err
	}
	if b.agreementID != cur.AgreementID {
		return Product{}, errs.E(errs.Invalid, "grant_ids: the product rests on agreement %s; register a new product for another agreement", cur.AgreementID)
	}
	detail := registerDetail(Product{Name: cur.Name, Type: cur.Type, GrantIDs: in.GrantIDs, AgreementID: cur.AgreementID, Version: cur.Version + 1,
		API: in.API, ReleaseID: in.ReleaseID})
	err = s.transition(ctx, p, id, Change, detail, func(ctx context.Context, tx *store.Tx, pr Product, to fsm.State) error {
		pr.Scenario, pr.PriceCategory, pr.GrantIDs, pr.API, pr.ReleaseID, pr.Version = in.Scenario, in.PriceCategory, in.GrantIDs, in.API, in.ReleaseID, pr.Version+1
		return updateSpec(ctx, tx, pr, to, s.now())
	})
	if err != nil {
		return Product{}, err
	}
	s.drop(id)
	return s.Get(ctx, p, id)
}

// Deregister cancels product id's registration: calls stop at once.
func (s *Service) Deregister(ctx context.Context, p access.Principal, id, reason string) (Product, error) {
	if reason = strings.TrimSpace(reason); reason == "" {
		return Product{}, errs.E(errs.Invalid, "reason: say why the registration is cancelled")
	}
	err := s.transition(ctx, p, id, Deregister, map[string]any{"reason": reason}, func(ctx context.Context, tx *store.Tx, _ Product, to fsm.State) error {
		_, err := tx.Exec(ctx, `UPDATE products SET state = $1, updated_at = $2 WHERE id = $3`, string(to), s.now(), id)
		return err
	})
	if err != nil {
		return Product{}, err
	}
	s.drop(id)
	return s.Get(ctx, p, id)
}

// SetListing records (or clears, with both empty) a published product's
// listing on a data exchange.
func (s *Service) SetListing(ctx context.Context, p access.Principal, id string, in ListingInput) (Product, error) {
	in.Exchange, in.ListingID = strings.TrimSpace(in.Exchange), strings.TrimSpace(in.ListingID)
	if (in.Exchange == "") != (in.ListingID == "") || len(in.Exchange) > 200 || len(in.ListingID) > 100 {
		return Product{}, errs.E(errs.Invalid, "exchange and listing_id: give both (the exchange's name, at most 200 bytes, and its listing ID, at most 100) or neither")
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		pr, err := getProduct(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		r, err := s.resource(ctx, pr)
		if err != nil {
			return err
		}
		if err := access.Check(p, access.ProductRegister, r); err != nil {
			return err
		}
		if pr.State != Published {
			return errs.E(errs.Conflict, "product %s is %s: only a published product is listed on an exchange", id, pr.State)
		}
		if _, err := tx.Exec(ctx, `UPDATE products SET exchange = $1, listing_id = $2, updated_at = $3 WHERE id = $4`, in.Exchange, in.ListingID, s.now(), id); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "product.listing", "product", id, in)
	})
	if err != nil {
		return Product{}, err
	}
	return s.Get(ctx, p, id)
}

// transition applies action to product id inside one transaction, the
// product locked, its ledger entry written by the machine.
func (s *Service) transition(ctx context.Context, p access.Principal, id string, action fsm.Action, detail map[string]any,
	write func(ctx context.Context, tx *store.Tx, pr Product, to fsm.State) error) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		pr, err := getProduct(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		r, err := s.resource(ctx, pr)
		if err != nil {
			return err
		}
		if detail == nil {
			detail = map[string]any{}
		}
		if _, ok := detail["version"]; !ok {
			detail["version"] = pr.Version
		}
		_, err = Machine.Apply(ctx, tx, s.ledger, p, fsm.Step[Product]{Object: pr, From: pr.State, Action: action, Resource: r, ObjectID: id,
			Detail: detail, Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
				if err := write(ctx, tx, pr, to); err != nil {
					return err
				}
				return published(ctx, tx, id, pr.State, to, s.now())
			}})
		return err
	})
}
