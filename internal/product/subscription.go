package product

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/identity"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

const subscriptionColumns = `s.id, s.product_id, p.name, p.operator_id, p.jurisdiction_id, s.app_unit_id, u.name, s.purpose, s.public_welfare, s.state,
	s.quota_per_month, s.comment, s.applied_by, s.applied_at, s.decided_by, s.decided_at`

const subscriptionFrom = ` FROM product_subscriptions s JOIN products p ON p.id = s.product_id JOIN organizations u ON u.id = s.app_unit_id`

// subscriptionRow is a subscription with its product's jurisdiction, for
// access checks.
type subscriptionRow struct {
	Subscription
	jurisdictionID string
}

func scanSubscription(row interface{ Scan(...any) error }) (subscriptionRow, error) {
	var s subscriptionRow
	var state string
	var decided sql.NullTime
	err := row.Scan(&s.ID, &s.ProductID, &s.Product, &s.OperatorID, &s.jurisdictionID, &s.AppUnitID, &s.AppUnit, &s.Purpose, &s.PublicWelfare,
		&state, &s.QuotaPerMonth, &s.Comment, &s.AppliedBy, &s.AppliedAt, &s.DecidedBy, &decided)
	s.State, s.AppliedAt, s.DecidedAt = fsm.State(state), s.AppliedAt.UTC(), store.TimePtr(decided)
	return s, err
}

func getSubscription(ctx context.Context, q store.Querier, id, lock string) (subscriptionRow, error) {
	s, err := scanSubscription(q.QueryRow(ctx, `SELECT `+subscriptionColumns+subscriptionFrom+` WHERE s.id = $1`+lock, id))
	if store.IsNoRows(err) {
		return s, errs.E(errs.NotFound, "no subscription %q", id)
	}
	return s, err
}

// Subscribe files p's application unit's application to use published
// product productID for a stated purpose (Art. 20). A public-governance or
// public-welfare purpose is marked so: approved as such, its use is free.
func (s *Service) Subscribe(ctx context.Context, p access.Principal, productID string, in SubscribeInput) (Subscription, error) {
	in.Purpose = strings.TrimSpace(in.Purpose)
	if in.Purpose == "" || utf8.RuneCountInString(in.Purpose) > 2000 {
		return Subscription{}, errs.E(errs.Invalid, "purpose: required, at most 2000 characters: what the unit will use the product for (Art. 20)")
	}
	unit, err := s.ids.Resource(ctx, p.OrgID, p.JurisdictionID)
	if err != nil {
		return Subscription{}, err
	}
	if err := access.Check(p, access.SubscriptionApply, unit); err != nil {
		return Subscription{}, err
	}
	pr, err := s.Get(ctx, p, productID)
	if err != nil {
		return Subscription{}, err
	}
	if pr.State != Published || pr.Type == Model {
		return Subscription{}, errs.E(errs.Conflict, "product %s is %s %s: only a published API or report product can be applied for", pr.ID, pr.State, pr.Type)
	}
	id := store.NewID()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO product_subscriptions (id, product_id, app_unit_id, purpose, public_welfare, state, quota_per_month,
			comment, applied_by, applied_at, decided_by) VALUES ($1, $2, $3, $4, $5, $6, 0, '', $7, $8, '')`,
			id, pr.ID, p.OrgID, in.Purpose, in.PublicWelfare, string(Applied), p.UserID, s.now())
		if store.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "your unit has applied for %s already; see GET /api/v1/subscriptions", pr.Name)
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, p, "subscription.apply", "subscription", id, map[string]any{"product_id": pr.ID, "public_welfare": in.PublicWelfare})
	})
	if err != nil {
		return Subscription{}, err
	}
	return s.Subscription(ctx, p, id)
}

// resources are who a subscription concerns: its operator (in the
// product's jurisdiction) first, then its application unit.
func (s *Service) subscriptionResources(ctx context.Context, sub subscriptionRow) ([]access.Resource, error) {
	op, err := s.ids.Resource(ctx, sub.OperatorID, sub.jurisdictionID)
	if err != nil {
		return nil, err
	}
	unit, err := s.ids.Resource(ctx, sub.AppUnitID, "")
	return []access.Resource{op, unit}, err
}

// Subscription returns subscription id if p may read it.
func (s *Service) Subscription(ctx context.Context, p access.Principal, id string) (Subscription, error) {
	sub, err := getSubscription(ctx, s.db, id, "")
	if err != nil {
		return Subscription{}, err
	}
	return s.showSubscription(ctx, p, sub)
}

func (s *Service) showSubscription(ctx context.Context, p access.Principal, sub subscriptionRow) (Subscription, error) {
	rs, err := s.subscriptionResources(ctx, sub)
	if err != nil {
		return Subscription{}, err
	}
	if err := access.Check(p, access.SubscriptionRead, rs[0]); err != nil {
		if access.Check(p, access.SubscriptionRead, rs[1]) != nil {
			return Subscription{}, err
		}
	}
	sub.Actions = SubscriptionMachine.Allowed(p, sub.State, rs[0])
	return sub.Subscription, nil
}

// Subscriptions lists the subscriptions p may read, newest first: an
// application unit's own, an operator's products', those in the overseers'
// reach.
func (s *Service) Subscriptions(ctx context.Context, p access.Principal, page store.Page) ([]Subscription, string, error) {
	w, err := s.subscriptionReach(ctx, p)
	if err != nil {
		return nil, "", err
	}
	rows, next, err := plan.Newest(ctx, s.db, `SELECT `+subscriptionColumns+subscriptionFrom+` WHERE`, w, "s.id", page, scanSubscription,
		func(r subscriptionRow) string { return r.ID })
	if err != nil {
		return nil, "", fmt.Errorf("product: %w", err)
	}
	out := make([]Subscription, len(rows))
	for i := range rows {
		if out[i], err = s.showSubscription(ctx, p, rows[i]); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

// subscriptionReach is the condition on s (subscriptions) and p (their
// products) that keeps those p may read: an organization's reach is its
// products' subscriptions and its own.
func (s *Service) subscriptionReach(ctx context.Context, p access.Principal) (plan.Where, error) {
	w, err := plan.Reach(ctx, s.ids, p, access.SubscriptionRead, "p.jurisdiction_id", "p.operator_id")
	if err == nil && access.Widest(p, access.SubscriptionRead) == access.Org {
		w.Cond = "(p.operator_id = $1 OR s.app_unit_id = $1)"
	}
	return w, err
}

// Decide takes the operator's decision on subscription id: approve (with a
// monthly quota), refuse, or end an approved one; calls stop at once when
// it ends.
func (s *Service) Decide(ctx context.Context, p access.Principal, id string, action fsm.Action, in DecideInput) (Subscription, error) {
	in.Comment = strings.TrimSpace(in.Comment)
	if in.QuotaPerMonth < 0 || in.QuotaPerMonth > 1_000_000_000 {
		return Subscription{}, errs.E(errs.Invalid, "quota_per_month: between 1 and 1,000,000,000 calls, or 0 for %d", DefaultQuota)
	}
	if in.QuotaPerMonth == 0 {
		in.QuotaPerMonth = DefaultQuota
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		sub, err := getSubscription(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		rs, err := s.subscriptionResources(ctx, sub)
		if err != nil {
			return err
		}
		sub.Comment = in.Comment
		now := s.now()
		_, err = SubscriptionMachine.Apply(ctx, tx, s.ledger, p, fsm.Step[Subscription]{Object: sub.Subscription, From: sub.State, Action: action,
			Resource: rs[0], ObjectID: id, Detail: map[string]any{"product_id": sub.ProductID, "app_unit_id": sub.AppUnitID, "comment": in.Comment,
				"public_welfare": sub.PublicWelfare, "quota_per_month": in.QuotaPerMonth},
			Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
				_, err := tx.Exec(ctx, `UPDATE product_subscriptions SET state = $1, comment = $2, decided_by = $3, decided_at = $4,
					quota_per_month = $5 WHERE id = $6`, string(to), in.Comment, p.UserID, now, in.QuotaPerMonth, id)
				return err
			}})
		return err
	})
	if err != nil {
		return Subscription{}, err
	}
	return s.Subscription(ctx, p, id)
}

// CreateKey creates an API key of p's application unit for its approved
// subscriptions: those named, or (none named) every one it holds now or
// later. A unit with no approved subscription gets no key.
func (s *Service) CreateKey(ctx context.Context, p access.Principal, name string, subscriptionIDs []string) (identity.APIKey, string, error) {
	approved, err := store.Strings(ctx, s.db, `SELECT id FROM product_subscriptions WHERE app_unit_id = $1 AND state = $2`, p.OrgID, string(Approved))
	if err != nil {
		return identity.APIKey{}, "", err
	}
	if len(approved) == 0 && access.Permits(p, access.APIKeyCreate) {
		return identity.APIKey{}, "", errs.E(errs.Forbidden, "your unit has no approved subscription: apply for a product (POST /api/v1/products/{id}/subscriptions) and wait for the operator's approval")
	}
	for i, id := range subscriptionIDs {
		if !slices.Contains(approved, id) {
			return identity.APIKey{}, "", errs.E(errs.Invalid, "subscription_ids[%d]: %s is not an approved subscription of your unit", i, id)
		}
	}
	return s.ids.CreateScopedAPIKey(ctx, p, name, subscriptionIDs)
}
