package product

import (
	"context"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
)

// States of a product.
const (
	Reviewing    fsm.State = "reviewing"    // registered or changed: awaiting compliance review
	Published    fsm.State = "published"    // reviewed: callable, subscribable
	Rejected     fsm.State = "rejected"     // the review refused it; a change resubmits it
	Deregistered fsm.State = "deregistered" // registration cancelled by the operator, or ended with its agreement or a grant it draws on
)

// Actions on a product.
const (
	Approve    fsm.Action = "approve"
	Reject     fsm.Action = "reject"
	Change     fsm.Action = "change"     // new query, outputs or release: back to review
	Deregister fsm.Action = "deregister" // the operator cancels the registration
	End        fsm.Action = "end"        // the platform, when the operator's agreement or a grant the product draws on ends
)

// Machine is a product's lifecycle.
var Machine = fsm.New("product",
	fsm.Transition[Product]{From: []fsm.State{Reviewing}, Action: Approve, To: Published, Who: access.ProductReview},
	fsm.Transition[Product]{From: []fsm.State{Reviewing}, Action: Reject, To: Rejected, Who: access.ProductReview},
	fsm.Transition[Product]{From: []fsm.State{Published, Rejected}, Action: Change, To: Reviewing, Who: access.ProductRegister},
	fsm.Transition[Product]{From: []fsm.State{Reviewing, Published, Rejected}, Action: Deregister, To: Deregistered, Who: access.ProductRegister},
	fsm.Transition[Product]{From: []fsm.State{Reviewing, Published, Rejected}, Action: End, To: Deregistered, Who: access.GovernanceSchedule},
)

// States of a subscription.
const (
	Applied  fsm.State = "applied"
	Approved fsm.State = "approved"
	Refused  fsm.State = "refused"
	Ended    fsm.State = "ended"
)

// Actions on a subscription.
const (
	Grant  fsm.Action = "approve"
	Refuse fsm.Action = "refuse"
	Stop   fsm.Action = "end" // the operator ends an approved subscription, or the platform with the product
)

// SubscriptionMachine is a subscription's lifecycle.
var SubscriptionMachine = fsm.New("subscription",
	fsm.Transition[Subscription]{From: []fsm.State{Applied}, Action: Grant, To: Approved, Who: access.SubscriptionDecide, Guard: commented},
	fsm.Transition[Subscription]{From: []fsm.State{Applied}, Action: Refuse, To: Refused, Who: access.SubscriptionDecide, Guard: commented},
	fsm.Transition[Subscription]{From: []fsm.State{Applied, Approved}, Action: Stop, To: Ended, Who: access.SubscriptionDecide, Guard: commented},
)

func commented(_ context.Context, s Subscription) error {
	if s.Comment == "" {
		return errs.E(errs.Invalid, "comment: say why, for the application unit")
	}
	return nil
}
