package calendar

import "time"

// AddWorkdays returns the n-th working day after d, d itself not counted:
// AddWorkdays(d, 1) is the next working day. n = 0 returns d; n < 0 counts
// backwards, returning the |n|-th working day before d.
func (c *Calendar) AddWorkdays(d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// WorkdaysBetween returns the number of working days in (a, b]: after a, up
// to and including b. If b is before a it returns −WorkdaysBetween(b, a), so
// a negative count says by how many working days b falls short of a.
func (c *Calendar) WorkdaysBetween(a, b Date) int {
	if b.Before(a) {
		return -c.WorkdaysBetween(b, a)
	}
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

// Estimated reports whether any day from a through b (either order, both
// included) lies in a year the table does not cover, so that an answer about
// that span (AddWorkdays from a landing on b, WorkdaysBetween(a, b)) rests on
// the fallback rule and may change once the year's notice is in the table.
func (c *Calendar) Estimated(a, b Date) bool {
	if b.Before(a) {
		a, b = b, a
	}
	for y := a.year; y <= b.year; y++ {
		if !c.years[y] {
			return true
		}
	}
	return false
}

// Due is a deadline counted in working days.
type Due struct {
	Day       Date      `json:"day"`       // the last working day allowed
	At        time.Time `json:"at"`        // the last instant of Day, Asia/Shanghai, in UTC
	Estimated bool      `json:"estimated"` // the span touches a year the table does not cover
}

// Due returns the deadline n working days after from: the end of the n-th
// working day after the Shanghai date of from, and whether the count used
// the fallback rule. Callers that store a deadline should keep Estimated
// too, and recount when the year's notice arrives.
func (c *Calendar) Due(from time.Time, n int) Due { return c.DueAfter(DateOf(from), n) }

// DueAfter returns the deadline n working days after the date start.
func (c *Calendar) DueAfter(start Date, n int) Due {
	day := c.AddWorkdays(start, n)
	return Due{Day: day, At: day.endOfDay(), Estimated: c.Estimated(start, day)}
}

// Deadline returns c.Due(from, n).At: 23:59:59.999999999 Asia/Shanghai on
// the n-th working day after the Shanghai date of from, in UTC. Use Due to
// learn whether the count was estimated.
func (c *Calendar) Deadline(from time.Time, n int) time.Time { return c.Due(from, n).At }
