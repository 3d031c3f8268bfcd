package tender

import (
	"time"

	"shuyu/internal/fsm"
	"shuyu/internal/plan"
)

// Method is how operators are selected (Art. 12(3)).
type Method string

const (
	PublicTender  Method = "public_tender"  // 公开招标
	InvitedTender Method = "invited_tender" // 邀请招标
	Negotiation   Method = "negotiation"    // 谈判
)

// Methods lists the selection methods.
var Methods = []Method{PublicTender, InvitedTender, Negotiation}

// Criterion is one evaluation criterion with its weight; the weights of an
// announcement sum to 100, and each evaluator scores each criterion 0–100.
type Criterion struct {
	Name        string `json:"name"`
	Weight      int    `json:"weight"`
	Description string `json:"description,omitempty"`
}

// Org names an organization.
type Org struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// PlanRef is the plan an announcement is made under, as far as its readers
// need it; Overdue flags a plan not filed with the province in time.
type PlanRef struct {
	ID      string    `json:"id"`
	Title   string    `json:"title"`
	Version int       `json:"version"`
	State   fsm.State `json:"state"`
	Overdue bool      `json:"overdue"`
}

// Announcement is a call for applications and the selection that follows.
type Announcement struct {
	ID             string         `json:"id"`
	Plan           PlanRef        `json:"plan"`
	UnitID         string         `json:"unit_id"`
	Unit           string         `json:"unit"`
	JurisdictionID string         `json:"jurisdiction_id"`
	Title          string         `json:"title"`
	Method         Method         `json:"method"`
	Invited        []Org          `json:"invited"`
	Conditions     string         `json:"conditions"`
	Criteria       []Criterion    `json:"criteria"`
	Datasets       []plan.Dataset `json:"datasets"`
	DeadlineAt     time.Time      `json:"deadline_at"`
	State          fsm.State      `json:"state"`
	PublishedAt    *time.Time     `json:"published_at,omitempty"`
	// WinnerID is the awarded application; Winner its operator.
	WinnerID    string `json:"winner_id,omitempty"`
	Winner      *Org   `json:"winner,omitempty"`
	AwardReason string `json:"award_reason,omitempty"`
	// Publicity runs from PublicityFrom to the end of PublicityDay
	// (PublicityUntil), Asia/Shanghai.
	PublicityFrom  *time.Time `json:"publicity_from,omitempty"`
	PublicityUntil *time.Time `json:"publicity_until,omitempty"`
	PublicityDay   string     `json:"publicity_day,omitempty"`
	// OpenObjections counts objections not yet resolved.
	OpenObjections int    `json:"open_objections"`
	AgreementID    string `json:"agreement_id,omitempty"`
	// StopReason says why it was cancelled, vetoed or last reopened.
	StopReason string    `json:"stop_reason,omitempty"`
	CreatedBy  string    `json:"created_by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	// Actions are what the caller may do now.
	Actions []fsm.Action `json:"actions"`
}

// Input is an announcement as its unit writes it. On update, nil fields
// stay as they are.
type Input struct {
	// PlanID names the approved plan it is made under (any version of it:
	// the version in force counts).
	PlanID     *string      `json:"plan_id"`
	Title      *string      `json:"title"`
	Method     *Method      `json:"method"`
	Invited    *[]string    `json:"invited"` // operator organization IDs, for invited tender and negotiation
	Conditions *string      `json:"conditions"`
	Criteria   *[]Criterion `json:"criteria"`
	// Datasets are entries (IDs or names) of the plan's data scope.
	Datasets *[]string `json:"datasets"`
	// Deadline is the last instant applications are accepted (RFC 3339).
	Deadline *time.Time `json:"deadline"`
}

// public is what the portal may show of a: nothing about who drafted it,
// nor why a selection was vetoed (national security, Art. 16).
func (a Announcement) public() Announcement {
	a.CreatedBy, a.Actions, a.AgreementID, a.AwardReason = "", []fsm.Action{}, "", ""
	if a.State == Vetoed {
		a.StopReason = ""
	}
	return a
}
