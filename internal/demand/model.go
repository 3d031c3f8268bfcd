package demand

import (
	"time"

	"shuyu/internal/fsm"
	"shuyu/internal/plan"
	"shuyu/internal/sandbox"
)

// Input is a demand as the operator writes it: at filing, and whole again
// at a resubmission.
type Input struct {
	// AgreementID names the operator's active agreement the demand falls
	// under; by default its only one.
	AgreementID string `json:"agreement_id,omitempty"`
	Title       string `json:"title"`
	// Scenario describes the application scenario (应用场景); Purpose what
	// the results serve.
	Scenario string `json:"scenario"`
	Purpose  string `json:"purpose"`
	// EndsOn is the last day of the period of use (YYYY-MM-DD, included);
	// never after the agreement's end.
	EndsOn   string         `json:"ends_on"`
	Rule     sandbox.Rule   `json:"rule"`
	Datasets []DatasetInput `json:"datasets"`
	// K is the least number of privacy units behind each group (aggregate,
	// dp, list); default and minimum 10.
	K int `json:"k,omitempty"`
	// AllowMinMax asks for MIN and MAX of measures (aggregate, dp).
	AllowMinMax bool `json:"allow_min_max,omitempty"`
	// DP is the budget and bounds a dp demand asks for: epsilon and delta
	// in total, what one query costs by default, each measure's bounds.
	DP *sandbox.DPSpec `json:"dp,omitempty"`
}

// DatasetInput asks for fields of one catalog entry.
type DatasetInput struct {
	// Dataset is the entry's name or ID.
	Dataset string       `json:"dataset"`
	Fields  []FieldInput `json:"fields"`
	// RowFilter, when given, limits the grant to the rows that meet every
	// condition (a district, statuses, a period): the sandbox's views hold
	// no other row. Checked at filing against the catalog's field types.
	RowFilter []sandbox.Condition `json:"row_filter,omitempty"`
}

// FieldInput asks for one field with the role it would play in queries
// (dimension, measure, filter, join, privacy_unit, output) and why it is
// necessary.
type FieldInput struct {
	Name          string       `json:"name"`
	Role          sandbox.Role `json:"role"`
	Justification string       `json:"justification"`
	// Mask, for a text field: by default the catalog classification's
	// (names, ID numbers, mobiles, addresses are masked when output).
	Mask sandbox.Mask `json:"mask,omitzero"`
}

// Party is one reviewer of a demand: the implementing unit, or a provider
// whose data it concerns, with its decision in the current round.
type Party struct {
	OrgID string `json:"org_id"`
	Name  string `json:"name"`
	// Kind is implementing_unit or provider.
	Kind string `json:"kind"`
	// Decision is "" while pending, else approve, reject or return.
	Decision string `json:"decision"`
}

// Review is one party's decision in one round.
type Review struct {
	Round    int       `json:"round"`
	PartyID  string    `json:"party_id"`
	Party    string    `json:"party"`
	Decision string    `json:"decision"`
	Comment  string    `json:"comment"`
	ByName   string    `json:"by_name"`
	At       time.Time `json:"at"`
}

// Application is a demand application.
type Application struct {
	ID             string         `json:"id"`
	AgreementID    string         `json:"agreement_id"`
	OperatorID     string         `json:"operator_id"`
	Operator       string         `json:"operator"`
	UnitID         string         `json:"unit_id"`
	Unit           string         `json:"unit"`
	JurisdictionID string         `json:"jurisdiction_id"`
	State          fsm.State      `json:"state"`
	Round          int            `json:"round"`
	Request        Input          `json:"request"`
	Datasets       []plan.Dataset `json:"datasets"`
	Parties        []Party        `json:"parties"`
	Reviews        []Review       `json:"reviews"`
	// DueAt is when the reviews of the current round are due (working days).
	DueAt       time.Time  `json:"due_at"`
	GrantID     string     `json:"grant_id,omitempty"`
	FiledBy     string     `json:"filed_by"`
	FiledByName string     `json:"filed_by_name"`
	SubmittedAt time.Time  `json:"submitted_at"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	// Actions are what the caller may do now.
	Actions []fsm.Action `json:"actions"`
}

// Column is a granted column as people read it.
type Column struct {
	Dataset     string       `json:"dataset"`
	Name        string       `json:"name"`
	Title       string       `json:"title"`
	Description string       `json:"description,omitempty"`
	Type        string       `json:"type"`
	Role        sandbox.Role `json:"role"`
	Mask        sandbox.Mask `json:"mask,omitzero"`
}

// Grant is a grant as the API shows it.
type Grant struct {
	ID            string       `json:"id"`
	ApplicationID string       `json:"application_id"`
	AgreementID   string       `json:"agreement_id"`
	OperatorID    string       `json:"operator_id"`
	UnitID        string       `json:"unit_id"`
	Title         string       `json:"title"`
	Rule          sandbox.Rule `json:"rule"`
	// Dataset is the first dataset's name; Datasets all of them.
	Dataset      string         `json:"dataset"`
	Datasets     []string       `json:"datasets"`
	Scope        []plan.Dataset `json:"scope"`
	K            int            `json:"k,omitempty"`
	AllowMinMax  bool           `json:"allow_min_max,omitempty"`
	EpsilonTotal float64        `json:"epsilon_total,omitempty"`
	DeltaTotal   float64        `json:"delta_total,omitempty"`
	Columns      []Column       `json:"columns"`
	// RowFilters are the row filters of the datasets that have one, by
	// dataset name: the grant sees only the rows that meet them.
	RowFilters map[string][]sandbox.Condition `json:"row_filters,omitempty"`
	State      string                         `json:"state"`
	ExpiresAt  time.Time                      `json:"expires_at"`
	CreatedAt  time.Time                      `json:"created_at"`
	EndedAt    *time.Time                     `json:"ended_at,omitempty"`
	EndReason  string                         `json:"end_reason,omitempty"`
	Actions    []fsm.Action                   `json:"actions"`
}

// Held is a grant as the workspace needs it to run one query.
type Held struct {
	ID, OperatorID, AgreementID, ApplicationID string
	DatasetIDs                                 []string // catalog entry IDs, for agreement.RequireActiveIn
	State                                      string   // "active", "ended", "revoked"
	ExpiresAt                                  time.Time
	// Spec is complete and valid: each dataset's current version resolved
	// now (domain file path), columns with roles and masks.
	Spec sandbox.Grant
}
