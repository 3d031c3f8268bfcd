package agreement

import (
	"time"

	"shuyu/internal/fsm"
	"shuyu/internal/plan"
)

// MaxYears is the longest term of an agreement (Art. 12(4)).
const MaxYears = 5

// Product is a data product or service the operator intends to offer, with
// the compliance review it must pass (Art. 14).
type Product struct {
	Name string `json:"name"`
	// Kind is api, report, model or service.
	Kind             string `json:"kind"`
	Description      string `json:"description,omitempty"`
	ComplianceReview string `json:"compliance_review"`
}

// ProductKinds lists the kinds of products.
var ProductKinds = []string{"api", "report", "model", "service"}

// Terms are the clauses of Art. 14 besides the data scope and the term.
type Terms struct {
	Products           []Product `json:"products"`
	Platform           string    `json:"platform"`            // 技术支撑平台
	AssetOwnership     string    `json:"asset_ownership"`     // 资产权属
	Security           string    `json:"security"`            // 数据安全要求和权利义务
	RiskMonitoring     string    `json:"risk_monitoring"`     // 风险监测
	EvaluationCriteria string    `json:"evaluation_criteria"` // 成效评价标准
	Confidentiality    string    `json:"confidentiality"`     // 数据保密要求
	Disclosure         string    `json:"disclosure"`          // 信息披露
	Accounting         string    `json:"accounting"`          // 成本和收入核算要求
	RevenueSharing     string    `json:"revenue_sharing"`     // 收益分配 (needs the finance department's opinion, Art. 15)
	Liability          string    `json:"liability"`           // 违约责任
	Renewal            string    `json:"renewal"`             // 续约机制
	Exit               string    `json:"exit"`                // 退出机制
}

// clauses names each text clause, for validation in a fixed order.
func (t *Terms) clauses() []struct {
	name string
	v    *string
} {
	return []struct {
		name string
		v    *string
	}{{"platform", &t.Platform}, {"asset_ownership", &t.AssetOwnership}, {"security", &t.Security},
		{"risk_monitoring", &t.RiskMonitoring}, {"evaluation_criteria", &t.EvaluationCriteria},
		{"confidentiality", &t.Confidentiality}, {"disclosure", &t.Disclosure}, {"accounting", &t.Accounting},
		{"revenue_sharing", &t.RevenueSharing}, {"liability", &t.Liability}, {"renewal", &t.Renewal}, {"exit", &t.Exit}}
}

// Opinion is the finance department's opinion on the revenue sharing.
type Opinion struct {
	ID      string `json:"id"`
	Concurs bool   `json:"concurs"`
	Text    string `json:"text"`
	ByName  string `json:"by_name"`
	OrgID   string `json:"org_id"`
	// Current: given on the revenue-sharing clause as it stands now.
	Current bool      `json:"current"`
	At      time.Time `json:"at"`
}

// Agreement is an authorized-operation agreement.
type Agreement struct {
	ID             string `json:"id"`
	Title          string `json:"title"`
	AnnouncementID string `json:"announcement_id"`
	ApplicationID  string `json:"application_id"`
	PlanID         string `json:"plan_id"`
	RenewsID       string `json:"renews_id,omitempty"`
	UnitID         string `json:"unit_id"`
	Unit           string `json:"unit"`
	JurisdictionID string `json:"jurisdiction_id"`
	OperatorID     string `json:"operator_id"`
	// Operator is the operator's name.
	Operator     string    `json:"operator"`
	FinanceOrgID string    `json:"finance_org_id"`
	FinanceOrg   string    `json:"finance_org"`
	State        fsm.State `json:"state"`
	// The term runs from the start of StartsOn to the end of EndsOn
	// (Asia/Shanghai): StartsAt to EndsAt.
	StartsOn string         `json:"starts_on"`
	EndsOn   string         `json:"ends_on"`
	StartsAt time.Time      `json:"starts_at"`
	EndsAt   time.Time      `json:"ends_at"`
	Datasets []plan.Dataset `json:"datasets"`
	Terms    Terms          `json:"terms"`
	Opinion  *Opinion       `json:"finance_opinion,omitempty"`
	Decision *plan.Decision `json:"decision,omitempty"`
	SignedAt *time.Time     `json:"signed_at,omitempty"`
	SignedBy string         `json:"signed_by,omitempty"`
	// ActivatedAt is when it came into force; EndedAt and EndReason say
	// when and why it ended.
	ActivatedAt *time.Time `json:"activated_at,omitempty"`
	EndedAt     *time.Time `json:"ended_at,omitempty"`
	EndReason   *Reason    `json:"end_reason,omitempty"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	// Actions are what the caller may do now.
	Actions []fsm.Action `json:"actions"`
}

// DatasetIDs returns the IDs of the agreement's scope.
func (a Agreement) DatasetIDs() []string { return plan.IDs(a.Datasets) }

// Input is an agreement as the unit drafts it. On update, nil fields stay
// as they are.
type Input struct {
	// AnnouncementID names the awarded selection it is made on (creation only).
	AnnouncementID *string `json:"announcement_id,omitempty"`
	StartsOn       *string `json:"starts_on"`
	EndsOn         *string `json:"ends_on"`
	// Datasets are entries (IDs or names) of the plan in force's scope;
	// by default the announcement's.
	Datasets *[]string `json:"datasets"`
	// FinanceOrgID is the finance department of the unit's level (Art. 15);
	// by default the regulator of sector finance in the unit's jurisdiction.
	FinanceOrgID *string `json:"finance_org_id"`
	Terms        *Terms  `json:"terms"`
}

// OpinionInput is the finance department's opinion.
type OpinionInput struct {
	Concurs bool   `json:"concurs"`
	Text    string `json:"text"`
}

// SignInput carries the unit's collective decision to sign.
type SignInput struct {
	Decision *plan.Decision `json:"decision"`
}

// EndInput is the reason of a termination or a revocation: a code of
// Art. 27 and the facts. A bare reason terminates early (Art. 27(1)).
type EndInput struct {
	Code   ReasonCode `json:"code,omitempty"`
	Reason string     `json:"reason"`
}
