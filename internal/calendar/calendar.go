package calendar

import (
	"maps"
	"slices"
	"time"
)

// Calendar is a parsed holiday table. It never changes after Parse returns,
// so one Calendar may be shared by any number of goroutines.
type Calendar struct {
	years  map[int]bool  // years whose official arrangement is in the table
	days   map[Date]Day  // every listed day, for lookups
	byYear map[int][]Day // the same days by year, in date order, for listings
}

// Kind says whether a listed day is a holiday or a make-up working day.
type Kind string

// The kinds of listed day; the values are the table's keywords.
const (
	Holiday Kind = "holiday" // 放假: no work, whatever the weekday
	Workday Kind = "workday" // 调休上班: a make-up working day, usually a Saturday or Sunday
)

// Day is one day listed in the table.
type Day struct {
	Date Date   `json:"date"`
	Kind Kind   `json:"kind"`
	Name string `json:"name"` // e.g. 国庆节, 国庆节调休上班
}

// Covers reports whether the table holds the official arrangement for year.
// Working-day answers about other years are estimates (see Estimated).
func (c *Calendar) Covers(year int) bool { return c.years[year] }

// Years returns the covered years in increasing order.
func (c *Calendar) Years() []int { return slices.Sorted(maps.Keys(c.years)) }

// Holidays returns the days the table lists for year, holidays and make-up
// working days, in date order. It returns nil for a year not covered.
func (c *Calendar) Holidays(year int) []Day { return slices.Clone(c.byYear[year]) }

// IsWorkday reports whether d is a working day: a make-up working day, or a
// Monday to Friday that is not a holiday. For a year the table does not
// cover, the holidays are the fixed-date statutory ones only.
func (c *Calendar) IsWorkday(d Date) bool {
	if day, ok := c.days[d]; ok {
		return day.Kind == Workday
	}
	if !c.years[d.year] && fixedHoliday(d) {
		return false
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// fixedHoliday reports whether d is a statutory holiday on a fixed Gregorian
// date under Article 2 of 《全国年节及纪念日放假办法》 as amended on
// 2024-11-10 (in force from 2025-01-01): 元旦 1 January, 劳动节 1–2 May and
// 国庆节 1–3 October. 春节, 清明节, 端午节 and 中秋节 follow the lunar calendar
// or the solar terms, and the make-up days are decided each year, so an
// uncovered year cannot know them: that is why its answers are estimates.
func fixedHoliday(d Date) bool {
	switch d.month {
	case time.January:
		return d.day == 1
	case time.May:
		return d.day <= 2
	case time.October:
		return d.day <= 3
	}
	return false
}
