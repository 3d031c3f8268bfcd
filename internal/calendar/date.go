package calendar

import (
	"cmp"
	"fmt"
	"strconv"
	"time"
)

// Date is a civil date: a year, month and day with no time of day and no
// zone. Dates are comparable with ==, so they serve as map keys.
type Date struct {
	year  int
	month time.Month
	day   int
}

// NewDate returns the date year-month-day, normalised as time.Date does:
// NewDate(2026, 2, 30) is 2026-03-02. Use ParseDate to reject such input.
func NewDate(year int, month time.Month, day int) Date {
	return dateIn(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the date of t in Asia/Shanghai, the date a Chinese office
// would write on a document signed at instant t.
func DateOf(t time.Time) Date { return dateIn(t.In(shanghai)) }

func dateIn(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "YYYY-MM-DD" and rejects dates that do not exist.
func ParseDate(s string) (Date, error) {
	d, ok := parseDate(s)
	if !ok {
		return Date{}, fmt.Errorf("calendar: %q: not a valid date (want YYYY-MM-DD)", s)
	}
	return d, nil
}

func parseDate(s string) (Date, bool) {
	if len(s) != len("2006-01-02") || s[4] != '-' || s[7] != '-' {
		return Date{}, false
	}
	y, okY := atoi(s[:4])
	m, okM := atoi(s[5:7])
	d, okD := atoi(s[8:])
	if !okY || !okM || !okD {
		return Date{}, false
	}
	date := NewDate(y, time.Month(m), d)
	// NewDate normalises 02-30 to 03-02; a changed month or day means the
	// input named a day that does not exist.
	return date, date.month == time.Month(m) && date.day == d
}

// atoi accepts ASCII digits only: strconv.Atoi would also take a sign.
func atoi(s string) (int, bool) {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// Year returns the year of d.
func (d Date) Year() int { return d.year }

// Month returns the month of d.
func (d Date) Month() time.Month { return d.month }

// Day returns the day of the month of d.
func (d Date) Day() int { return d.day }

// String returns d as "YYYY-MM-DD".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day)
}

// AddDays returns the date n calendar days after d (before it if n < 0).
func (d Date) AddDays(n int) Date { return NewDate(d.year, d.month, d.day+n) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.midnightUTC().Weekday() }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	if c := cmp.Compare(d.year, e.year); c != 0 {
		return c
	}
	if c := cmp.Compare(d.month, e.month); c != 0 {
		return c
	}
	return cmp.Compare(d.day, e.day)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// daysUntil returns the number of calendar days from d to e. It goes through
// Unix seconds, not time.Duration, which overflows after 292 years.
func (d Date) daysUntil(e Date) int {
	return int((e.midnightUTC().Unix() - d.midnightUTC().Unix()) / (24 * 60 * 60))
}

func (d Date) midnightUTC() time.Time {
	return time.Date(d.year, d.month, d.day, 0, 0, 0, 0, time.UTC)
}

// endOfDay returns the last instant of d in Asia/Shanghai, in UTC: a deadline
// on d may be met at any moment of that day, Beijing time.
func (d Date) endOfDay() time.Time {
	return time.Date(d.year, d.month, d.day, 23, 59, 59, 999_999_999, shanghai).UTC()
}

// MarshalText encodes d as "YYYY-MM-DD", so JSON carries dates as strings.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes "YYYY-MM-DD" as ParseDate does.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
