package plan

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
)

// Decision is the record of a collective decision under the 三重一大
// mechanism: the government's approval of a plan (Art. 11), the unit's
// approval of an agreement before signing (Art. 12).
type Decision struct {
	Meeting string `json:"meeting"` // e.g. 市人民政府第12次常务会议
	Number  string `json:"number"`  // the minutes' number, e.g. 潍政纪〔2026〕12号
	Date    string `json:"date"`    // YYYY-MM-DD
}

// Check validates d as taken on or before today (Asia/Shanghai) and
// returns its date. what names the decision in messages.
func (d *Decision) Check(what string, now time.Time) (calendar.Date, error) {
	if d == nil {
		return calendar.Date{}, errs.E(errs.Invalid, "decision: required: the record of the %s (三重一大: meeting, number, date)", what)
	}
	if err := Text("decision.meeting", &d.Meeting, 200, "the meeting that decided, e.g. 市人民政府第12次常务会议"); err != nil {
		return calendar.Date{}, err
	}
	if err := Text("decision.number", &d.Number, 100, "the number of the minutes or decision document"); err != nil {
		return calendar.Date{}, err
	}
	day, err := PastDate("decision.date", d.Date, now)
	if err == nil {
		d.Date = day.String()
	}
	return day, err
}

// PastDate parses a YYYY-MM-DD date that must not lie after today in
// Asia/Shanghai.
func PastDate(field, s string, now time.Time) (calendar.Date, error) {
	d, err := calendar.ParseDate(strings.TrimSpace(s))
	if err != nil {
		return d, errs.E(errs.Invalid, "%s: %q is not a date YYYY-MM-DD", field, s)
	}
	if today := calendar.DateOf(now); d.After(today) {
		return d, errs.E(errs.Invalid, "%s: %s lies after today (%s); record what has happened", field, d, today)
	}
	return d, nil
}

// Text trims *v and checks that it is present and at most max characters;
// hint says what belongs there.
func Text(field string, v *string, max int, hint string) error {
	*v = strings.TrimSpace(*v)
	if *v == "" {
		return errs.E(errs.Invalid, "%s: required: %s", field, hint)
	}
	if utf8.RuneCountInString(*v) > max {
		return errs.E(errs.Invalid, "%s: at most %d characters", field, max)
	}
	return nil
}

// sortedList joins names in order, for messages that must not vary.
func sortedList(names []string) string {
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// CaseResource describes, for access checks, a thing an organization
// brings before an implementing unit (an application, an objection, an
// agreement): the organization's own, placed in the unit's jurisdiction,
// with userID as its author. Org rules then reach the organization, Self
// rules the author, Jurisdiction rules the unit and those overseeing it.
func CaseResource(unit identity.Organization, orgID string, orgKind access.Kind, userID string) access.Resource {
	return access.Resource{OrgID: orgID, OrgKind: orgKind, JurisdictionID: unit.JurisdictionID,
		ParentJurisdictionID: unit.ParentJurisdictionID, UserID: userID}
}
