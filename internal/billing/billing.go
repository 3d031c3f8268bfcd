package billing

import (
	"fmt"
	"regexp"
	"slices"
	"time"

	"shuyu/internal/errs"
)

// Method is how a product is billed (the pricing notice: 按次、按量、按期、按件).
type Method string

const (
	PerCall   Method = "per_call"   // each call of the API
	PerRecord Method = "per_record" // each record returned (data volume)
	PerPeriod Method = "per_period" // a monthly fee for each application unit using it
	PerItem   Method = "per_item"   // each item delivered (a report, a model run)
)

// Methods lists the billing methods.
var Methods = []Method{PerCall, PerRecord, PerPeriod, PerItem}

// Unit names what one price buys, for people: 元/次 and so on.
func (m Method) Unit() string {
	switch m {
	case PerCall:
		return "次"
	case PerRecord:
		return "条"
	case PerPeriod:
		return "月"
	case PerItem:
		return "件"
	}
	return string(m)
}

func (m Method) valid() error {
	if !slices.Contains(Methods, m) {
		return errs.E(errs.Invalid, "method: %q; give per_call, per_record, per_period or per_item", m)
	}
	return nil
}

// Usage is what the product gateway's meter counts for one product used by
// one application unit in one month. The meter reports a Usage for every
// subscription in force during the month, even one without calls: a
// per-period product bills its monthly fee on it.
type Usage struct {
	ProductID  string `json:"product_id"`
	AppUnitID  string `json:"app_unit_id"`
	OperatorID string `json:"operator_id"`
	// Month is YYYY-MM in Asia/Shanghai.
	Month   string `json:"month"`
	Calls   int64  `json:"calls"`
	Records int64  `json:"records"`
	Items   int64  `json:"items"`
	// PublicWelfare marks use approved for public governance or public
	// welfare (Art. 21(1)): free.
	PublicWelfare bool `json:"public_welfare"`
	// ProviderCalls counts, per provider organization, the calls that
	// touched its data; a call may touch several providers'.
	ProviderCalls map[string]int64 `json:"provider_calls,omitempty"`
}

// quantity is what the usage is billed on under method m.
func (u Usage) quantity(m Method) int64 {
	switch m {
	case PerCall:
		return u.Calls
	case PerRecord:
		return u.Records
	case PerItem:
		return u.Items
	}
	return 1 // per_period: the month's fee
}

var monthPattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)

// ParseMonth checks a YYYY-MM month and returns its year.
func ParseMonth(field, month string) (int, error) {
	if !monthPattern.MatchString(month) {
		return 0, errs.E(errs.Invalid, "%s: %q; give a month as YYYY-MM, e.g. 2026-10", field, month)
	}
	var y int
	fmt.Sscanf(month[:4], "%d", &y)
	return y, nil
}

// checkYear refuses a year no agreement can reach.
func checkYear(y int) error {
	if y < 2000 || y > 2100 {
		return errs.E(errs.Invalid, "year: %d; give a calendar year such as 2026", y)
	}
	return nil
}

// Maximum is the maximum allowed revenue (最高准许收入) the implementing unit
// approved for an agreement's operator in a year: operating cost plus
// permitted profit plus taxes. Revenue above the year's effective maximum
// is carried into the next year and deducted from its maximum:
//
//	Carried(Y)   = max(0, Carried(Y−1) + Revenue(Y−1) − Approved(Y−1))
//	Effective(Y) = max(0, Approved(Y) − Carried(Y))
//
// so an excess larger than the next year's approval keeps carrying, and
// revenue below the maximum carries nothing (a shortfall is not a credit).
// A year without an approval counts as approved at zero.
type Maximum struct {
	AgreementID    string    `json:"agreement_id"`
	Year           int       `json:"year"`
	OperatorID     string    `json:"operator_id"`
	Operator       string    `json:"operator"`
	UnitID         string    `json:"unit_id"`
	JurisdictionID string    `json:"jurisdiction_id"`
	CostFen        int64     `json:"cost_fen"`   // 经营成本
	ProfitFen      int64     `json:"profit_fen"` // 准许利润
	TaxFen         int64     `json:"tax_fen"`    // 税金
	ApprovedFen    int64     `json:"approved_fen"`
	Basis          string    `json:"basis"`
	CarriedFen     int64     `json:"carried_fen"`
	EffectiveFen   int64     `json:"effective_fen"`
	RevenueFen     int64     `json:"revenue_fen"` // billed in the year so far
	CapsFen        int64     `json:"caps_fen"`    // Σ cap × expected volume of the year's caps
	SetBy          string    `json:"set_by"`
	SetAt          time.Time `json:"set_at"`
}

// MaximumInput is the approval of a maximum allowed revenue.
type MaximumInput struct {
	CostFen   int64  `json:"cost_fen"`
	ProfitFen int64  `json:"profit_fen"`
	TaxFen    int64  `json:"tax_fen"`
	Basis     string `json:"basis"`
}

// Cap is the price cap (上限收费标准) of a product for a year, with the
// expected volume it was derived from: Σ cap × expected volume over the
// agreement's products must stay within the year's effective maximum.
type Cap struct {
	ProductID      string    `json:"product_id"`
	ProductName    string    `json:"product_name"`
	Year           int       `json:"year"`
	AgreementID    string    `json:"agreement_id"`
	OperatorID     string    `json:"operator_id"`
	Operator       string    `json:"operator"`
	JurisdictionID string    `json:"jurisdiction_id"`
	Method         Method    `json:"method"`
	CapFen         int64     `json:"cap_fen"`
	ExpectedVolume int64     `json:"expected_volume"`
	Basis          string    `json:"basis"`
	SetBy          string    `json:"set_by"`
	SetAt          time.Time `json:"set_at"`
	// Price is the operator's price under this cap, if set.
	Price *Price `json:"price,omitempty"`
}

// CapInput is the implementing unit's cap for a product in a year.
type CapInput struct {
	ProductName    string `json:"product_name"`
	AgreementID    string `json:"agreement_id"`
	Method         Method `json:"method"`
	CapFen         int64  `json:"cap_fen"`
	ExpectedVolume int64  `json:"expected_volume"`
	Basis          string `json:"basis"`
}

// Price is the operator's actual price of a product for a year.
type Price struct {
	ProductID string `json:"product_id"`
	Year      int    `json:"year"`
	PriceFen  int64  `json:"price_fen"`
	// Trial marks a trial price (试行价格), allowed in the product's first
	// priced year only.
	Trial bool      `json:"trial"`
	Basis string    `json:"basis"`
	SetBy string    `json:"set_by"`
	SetAt time.Time `json:"set_at"`
}

// PriceInput is the operator's price.
type PriceInput struct {
	PriceFen int64  `json:"price_fen"`
	Trial    bool   `json:"trial"`
	Basis    string `json:"basis"`
}

// PublicPrice is what the portal publishes of a price (Art. 21(3)): the
// method, the standard and the basis of cap and price, nothing else.
type PublicPrice struct {
	ProductID   string `json:"product_id"`
	ProductName string `json:"product_name"`
	Operator    string `json:"operator"`
	Year        int    `json:"year"`
	Method      Method `json:"method"`
	Unit        string `json:"unit"`
	CapFen      int64  `json:"cap_fen"`
	CapBasis    string `json:"cap_basis"`
	// PriceFen is nil until the operator set a price.
	PriceFen   *int64 `json:"price_fen"`
	Trial      bool   `json:"trial"`
	PriceBasis string `json:"price_basis"`
	// PublicWelfare states the rule of Art. 21(1), the same for every product.
	PublicWelfare string `json:"public_welfare"`
}

// PublicWelfareRule is the rule every published price carries.
const PublicWelfareRule = "用于公共治理、公益事业的，经审核后无偿使用"
