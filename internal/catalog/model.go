package catalog

import (
	"regexp"
	"time"
)

// FieldType is the declared type of a column; ingestion checks every value
// against it.
type FieldType string

const (
	Text      FieldType = "text"
	Integer   FieldType = "integer"   // 64-bit signed
	Decimal   FieldType = "decimal"   // up to 18 digits, 4 after the point
	Date      FieldType = "date"      // YYYY-MM-DD
	Timestamp FieldType = "timestamp" // RFC 3339 or YYYY-MM-DD HH:MM:SS (Asia/Shanghai)
	Boolean   FieldType = "boolean"
)

// FieldTypes lists the declarable types.
var FieldTypes = []FieldType{Text, Integer, Decimal, Date, Timestamp, Boolean}

// Frequency is the declared update frequency; timeliness is judged by it.
type Frequency string

const (
	RealTime  Frequency = "realtime"
	Daily     Frequency = "daily"
	Weekly    Frequency = "weekly"
	Monthly   Frequency = "monthly"
	Quarterly Frequency = "quarterly"
	Yearly    Frequency = "yearly"
	Irregular Frequency = "irregular"
)

// Frequencies lists the declarable frequencies.
var Frequencies = []Frequency{RealTime, Daily, Weekly, Monthly, Quarterly, Yearly, Irregular}

// Period is how long a version stays timely under the frequency (0: always).
func (f Frequency) Period() time.Duration {
	const day = 24 * time.Hour
	switch f {
	case RealTime, Daily:
		return day
	case Weekly:
		return 7 * day
	case Monthly:
		return 31 * day
	case Quarterly:
		return 92 * day
	case Yearly:
		return 366 * day
	}
	return 0
}

// Field is a column of a catalog entry.
type Field struct {
	Name        string    `json:"name"`
	Type        FieldType `json:"type"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	// Classification is a code of the classification tree, e.g. personal.identity.
	Classification string `json:"classification"`
	// Grade is a code of the grading scheme: core, important, or a general level.
	Grade string `json:"grade"`
}

// Dataset is a catalog entry (目录项).
type Dataset struct {
	ID string `json:"id"`
	// Name is the identifier analysts use in SQL, e.g. social_insurance.
	Name        string `json:"name"`
	Title       string `json:"title"`
	Description string `json:"description"`
	// ProviderID is the owner unit; ProviderName its name.
	ProviderID     string    `json:"provider_id"`
	ProviderName   string    `json:"provider"`
	JurisdictionID string    `json:"jurisdiction_id"`
	Frequency      Frequency `json:"frequency"`
	Fields         []Field   `json:"fields"`
	// PrivacyUnit names the field that identifies a person or an enterprise.
	PrivacyUnit string `json:"privacy_unit"`
	// InScope says whether the entry is in the authorized-operation scope.
	InScope bool `json:"in_scope"`
	// Grade is the highest grade of its fields.
	Grade string `json:"grade"`
	// Revision counts the edits of the entry; each is kept.
	Revision  int       `json:"revision"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Field returns the field called name.
func (d Dataset) Field(name string) (Field, bool) {
	for _, f := range d.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

var identifier = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
