package plan

import (
	"slices"
	"time"

	"shuyu/internal/fsm"
)

// Mode is how the data are authorized (Art. 9).
type Mode string

const (
	Whole      Mode = "whole"    // 整体授权: the principle of Art. 9
	ByDomain   Mode = "domain"   // 分领域授权
	ByScenario Mode = "scenario" // 依场景授权
)

// Modes lists the modes, the preferred one first.
var Modes = []Mode{Whole, ByDomain, ByScenario}

// Dataset is a catalog entry in a plan's (or an agreement's) data scope.
type Dataset struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Title      string `json:"title"`
	ProviderID string `json:"provider_id"`
	Provider   string `json:"provider"`
}

// Consultation records an industry authority the unit drafted the plan
// with (Art. 10) and what it said.
type Consultation struct {
	OrgID   string `json:"org_id"`
	Org     string `json:"org"`
	Opinion string `json:"opinion"`
}

// Benefits are what the plan expects to achieve; Art. 10 asks for both.
type Benefits struct {
	Economic string `json:"economic"`
	Social   string `json:"social"`
}

// Filing is the record of filing an approved plan with the provincial data
// department (备案).
type Filing struct {
	Reference string `json:"reference"` // the province's filing number
	Date      string `json:"date"`      // YYYY-MM-DD
}

// Plan is one version of an implementation plan.
type Plan struct {
	ID         string `json:"id"`
	SeriesID   string `json:"series_id"` // the ID of the first version
	Version    int    `json:"version"`
	PreviousID string `json:"previous_id,omitempty"`
	// UnitID is the implementing unit that drafts and runs the plan.
	UnitID         string         `json:"unit_id"`
	Unit           string         `json:"unit"`
	JurisdictionID string         `json:"jurisdiction_id"`
	Title          string         `json:"title"`
	Mode           Mode           `json:"mode"`
	ModeReason     string         `json:"mode_reason,omitempty"`
	Datasets       []Dataset      `json:"datasets"`
	Consulted      []Consultation `json:"consulted"`
	RevenueSharing string         `json:"revenue_sharing"`
	Security       string         `json:"security"`
	Benefits       Benefits       `json:"benefits"`
	State          fsm.State      `json:"state"`
	// ReturnReason is why it was last sent back to draft.
	ReturnReason string     `json:"return_reason,omitempty"`
	Decision     *Decision  `json:"decision,omitempty"`
	ApprovedAt   *time.Time `json:"approved_at,omitempty"`
	// FilingDueDay is the last working day to file (Asia/Shanghai), counted
	// from the decision date; FilingDueAt is its end.
	FilingDueDay       string     `json:"filing_due_day,omitempty"`
	FilingDueAt        *time.Time `json:"filing_due_at,omitempty"`
	FilingDueEstimated bool       `json:"filing_due_estimated,omitempty"`
	Filing             *Filing    `json:"filing,omitempty"`
	FiledAt            *time.Time `json:"filed_at,omitempty"`
	// Overdue: approved, not filed, past the filing deadline.
	Overdue bool `json:"overdue"`
	// InForce: the version that governs now (approved or filed, not superseded).
	InForce   bool      `json:"in_force"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Actions are what the caller may do now.
	Actions []fsm.Action `json:"actions"`
}

// DatasetIDs returns the IDs of the plan's data scope.
func (p Plan) DatasetIDs() []string { return IDs(p.Datasets) }

// derive fills what depends on the clock.
func (p *Plan) derive(now time.Time) {
	p.InForce = p.State == Approved || p.State == Filed
	p.Overdue = p.State == Approved && p.FilingDueAt != nil && now.After(*p.FilingDueAt)
}

// Input is a plan as its unit writes it. On update, nil fields stay as
// they are.
type Input struct {
	Title      *string `json:"title"`
	Mode       *Mode   `json:"mode"`
	ModeReason *string `json:"mode_reason"`
	// Datasets are catalog entries (IDs or names) in the operation scope
	// within the unit's jurisdiction.
	Datasets *[]string `json:"datasets"`
	// Consulted are the industry authorities (regulator organizations) the
	// plan was drafted with.
	Consulted      *[]ConsultationInput `json:"consulted"`
	RevenueSharing *string              `json:"revenue_sharing"`
	Security       *string              `json:"security"`
	Benefits       *Benefits            `json:"benefits"`
}

// ConsultationInput names an industry authority and its opinion.
type ConsultationInput struct {
	OrgID   string `json:"org_id"`
	Opinion string `json:"opinion"`
}

// versioned reports whether in changes what Art. 11 says needs a new
// approval, and lists the fields it touches that may not change after
// approval at all.
func (in Input) versioned() (bool, []string) {
	var fixed []string
	for name, set := range map[string]bool{"title": in.Title != nil, "consulted": in.Consulted != nil,
		"security": in.Security != nil, "benefits": in.Benefits != nil} {
		if set {
			fixed = append(fixed, name)
		}
	}
	slices.Sort(fixed)
	return in.Mode != nil || in.ModeReason != nil || in.Datasets != nil || in.RevenueSharing != nil, fixed
}
