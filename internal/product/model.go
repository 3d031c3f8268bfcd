package product

import (
	"time"

	"shuyu/internal/fsm"
)

// Type is what kind of product it is.
type Type string

const (
	API    Type = "api"    // a parameterized query answered by the gateway
	Report Type = "report" // a statistical report: a released workspace result, versioned
	Model  Type = "model"  // registration only, not yet built
)

// Types lists the product types.
var Types = []Type{API, Report, Model}

// Product is a registered data product.
type Product struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	Type           Type      `json:"type"`
	OperatorID     string    `json:"operator_id"`
	Operator       string    `json:"operator"`
	AgreementID    string    `json:"agreement_id"`
	UnitID         string    `json:"unit_id"`
	JurisdictionID string    `json:"jurisdiction_id"`
	Scenario       string    `json:"scenario"`
	PriceCategory  string    `json:"price_category"`
	GrantIDs       []string  `json:"grant_ids"`
	State          fsm.State `json:"state"`
	// Version counts the changes that went back to review, from 1.
	Version int `json:"version"`
	// API is the declared interface of an API product.
	API *APISpec `json:"api,omitempty"`
	// ReleaseID is a report's released result.
	ReleaseID     string        `json:"release_id,omitempty"`
	ReviewComment string        `json:"review_comment,omitempty"`
	Registration  *Registration `json:"registration,omitempty"`
	// Exchange and ListingID are an optional data-exchange listing.
	Exchange  string    `json:"exchange,omitempty"`
	ListingID string    `json:"listing_id,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Actions are what the caller may do now.
	Actions []fsm.Action `json:"actions"`
}

// Registration is the product's registration record (登记), given when it
// is first published: valid three years.
type Registration struct {
	Code         string    `json:"code"`
	RegisteredAt time.Time `json:"registered_at"`
	ValidUntil   time.Time `json:"valid_until"`
}

// APISpec is what an API product declares: the query run under its grant,
// its one lookup parameter and its outputs.
type APISpec struct {
	// Query is SQL in the grant; its answer holds the parameter's column
	// and the outputs, and the first row of each key in its order answers
	// (ORDER BY year DESC answers with the latest year).
	Query string `json:"query"`
	Param Param  `json:"param"`
	// Outputs are the answer's fields, fixed at registration: a change
	// goes back to review.
	Outputs []string `json:"outputs"`
}

// Param is an API product's parameter.
type Param struct {
	Name string `json:"name"`
	// Column is the query's column the parameter is matched on; the name
	// when empty.
	Column string `json:"column,omitempty"`
	// Format is how a value is checked: uscc (GB 32100 with its check
	// character), id_number (GB 11643), or text.
	Format      string `json:"format"`
	Description string `json:"description,omitempty"`
}

func (p Param) column() string {
	if p.Column == "" {
		return p.Name
	}
	return p.Column
}

// Input registers or changes a product.
type Input struct {
	Name          string   `json:"name"`
	Type          Type     `json:"type"`
	Scenario      string   `json:"scenario"`
	PriceCategory string   `json:"price_category"`
	GrantIDs      []string `json:"grant_ids"`
	API           *APISpec `json:"api,omitempty"`
	ReleaseID     string   `json:"release_id,omitempty"`
}

// ReviewInput is the implementing unit's decision.
type ReviewInput struct {
	Comment string `json:"comment"`
}

// ListingInput records a data-exchange listing.
type ListingInput struct {
	Exchange  string `json:"exchange"`
	ListingID string `json:"listing_id"`
}

// Subscription is an application unit's use of a product (Art. 20).
type Subscription struct {
	ID            string       `json:"id"`
	ProductID     string       `json:"product_id"`
	Product       string       `json:"product"`
	OperatorID    string       `json:"operator_id"`
	AppUnitID     string       `json:"app_unit_id"`
	AppUnit       string       `json:"app_unit"`
	Purpose       string       `json:"purpose"`
	PublicWelfare bool         `json:"public_welfare"`
	State         fsm.State    `json:"state"`
	QuotaPerMonth int64        `json:"quota_per_month"`
	Comment       string       `json:"comment,omitempty"`
	AppliedBy     string       `json:"applied_by"`
	AppliedAt     time.Time    `json:"applied_at"`
	DecidedBy     string       `json:"decided_by,omitempty"`
	DecidedAt     *time.Time   `json:"decided_at,omitempty"`
	Actions       []fsm.Action `json:"actions"`
}

// SubscribeInput is an application unit's application.
type SubscribeInput struct {
	Purpose string `json:"purpose"`
	// PublicWelfare claims a public-governance or public-welfare purpose:
	// free if the operator approves it as such.
	PublicWelfare bool `json:"public_welfare"`
}

// DecideInput is the operator's decision on a subscription.
type DecideInput struct {
	Comment string `json:"comment"`
	// QuotaPerMonth is the calls allowed a month; 0 means DefaultQuota.
	QuotaPerMonth int64 `json:"quota_per_month,omitempty"`
}

// DefaultQuota is a subscription's monthly quota when the operator sets none.
const DefaultQuota = 1_000_000
