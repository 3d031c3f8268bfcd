package calendar

import (
	"testing"
	"time"
)

func TestIsWorkday(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct {
		day  string
		want bool
		why  string
	}{
		{"2026-03-10", true, "ordinary Tuesday"},
		{"2026-03-14", false, "ordinary Saturday"},
		{"2026-03-15", false, "ordinary Sunday"},
		{"2026-10-05", false, "holiday on a Monday (国庆节)"},
		{"2026-10-03", false, "holiday on a Saturday (国庆节)"},
		{"2026-02-23", false, "last day of 春节, a Monday"},
		{"2026-10-10", true, "make-up Saturday (国庆节调休上班)"},
		{"2026-09-20", true, "make-up Sunday (国庆节调休上班)"},
		{"2026-10-08", true, "first working day after 国庆节"},
		{"2025-10-08", false, "国庆节、中秋节 2025 runs to the 8th"},
		{"2024-02-09", true, "除夕 2024 was a working day (rest only encouraged)"},
		{"2025-01-28", false, "除夕 2025, a statutory holiday since the 2024 amendment"},
		{"2027-01-01", false, "uncovered year: fixed holiday 元旦, a Friday"},
		{"2027-05-03", true, "uncovered year: Monday after 劳动节, no make-up days known"},
		{"2027-10-01", false, "uncovered year: fixed holiday 国庆节"},
		{"2027-10-04", true, "uncovered year: 国庆节 fixed days are 1–3 October only"},
		{"2027-02-08", true, "uncovered year: 春节 is lunar, unknown to the fallback"},
		{"2027-03-13", false, "uncovered year: Saturday"},
	}
	for _, tt := range tests {
		if got := c.IsWorkday(date(tt.day)); got != tt.want {
			t.Errorf("IsWorkday(%s) = %v, want %v: %s", tt.day, got, tt.want, tt.why)
		}
	}
}

func TestAddWorkdays(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct {
		name      string
		from      string
		n         int
		want      string
		estimated bool
	}{
		// Approval on Tuesday 2026-09-29, filing due within 20 working days:
		//   9/30 Wed                         1
		//   10/1–10/7 国庆节                  -
		//   10/8 Thu, 10/9 Fri               2, 3
		//   10/10 Sat 调休上班                 4
		//   10/12–10/16 Mon–Fri              5–9
		//   10/19–10/23                      10–14
		//   10/26–10/30                      15–19
		//   11/2 Mon                         20
		{"20 days across 国庆节 2026", "2026-09-29", 20, "2026-11-02", false},
		// 2/11 Wed 1, 2/12 2, 2/13 3, 2/14 Sat 调休上班 4, 2/15–2/23 春节, 2/24 Tue 5.
		{"across 春节 2026", "2026-02-10", 5, "2026-02-24", false},
		{"onto the make-up Saturday before 春节", "2026-02-13", 1, "2026-02-14", false},
		{"from the make-up Saturday over 春节", "2026-02-14", 1, "2026-02-24", false},
		// 2/27 Fri 1, 2/28 Sat 调休上班 2.
		{"onto the make-up Saturday after 春节", "2026-02-26", 2, "2026-02-28", false},
		{"onto make-up Saturday 5/9", "2026-05-08", 1, "2026-05-09", false},
		{"onto make-up Sunday 9/20", "2026-09-18", 1, "2026-09-20", false},
		{"over 劳动节 2026", "2026-04-30", 1, "2026-05-06", false},
		// 10/1–10/8 国庆节、中秋节, 10/9 Thu 1, 10/10 Fri 2, 10/11 Sat 调休上班 3.
		{"over 国庆节、中秋节 2025", "2025-09-30", 3, "2025-10-11", false},
		{"from 2025 into 2026's make-up Sunday", "2025-12-31", 1, "2026-01-04", false},
		// 12/25 Fri 1, 12/28–12/31 Mon–Thu 2–5, 2027-01-01 元旦 (fixed), 1/4–1/8 Mon–Fri 6–10.
		{"into uncovered 2027", "2026-12-24", 10, "2027-01-08", true},
		{"over 国庆节 in uncovered 2027", "2027-09-30", 1, "2027-10-04", true},
		{"zero days", "2026-10-03", 0, "2026-10-03", false},
		{"backwards over 国庆节", "2026-10-08", -1, "2026-09-30", false},
		{"backwards onto a make-up Saturday", "2026-10-12", -1, "2026-10-10", false},
		{"backwards into uncovered 2023", "2024-01-02", -1, "2023-12-29", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			from := date(tt.from)
			got := c.AddWorkdays(from, tt.n)
			if got.String() != tt.want {
				t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
			if est := c.Estimated(from, got); est != tt.estimated {
				t.Errorf("Estimated(%s, %s) = %v, want %v", from, got, est, tt.estimated)
			}
		})
	}
}

func TestWorkdaysBetween(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct {
		a, b string
		want int
	}{
		{"2026-09-29", "2026-11-02", 20},
		{"2026-11-02", "2026-09-29", -20},
		{"2026-10-08", "2026-10-08", 0},
		{"2026-09-30", "2026-10-07", 0}, // all of 国庆节
		{"2026-02-13", "2026-02-28", 6}, // 2/14, 2/24–2/27, 2/28
		{"2026-10-09", "2026-10-10", 1}, // the make-up Saturday counts
	}
	for _, tt := range tests {
		if got := c.WorkdaysBetween(date(tt.a), date(tt.b)); got != tt.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestAddWorkdaysAgreesWithBetween checks the two counts against each other on
// every day of the built-in years and the uncovered ones around them.
func TestAddWorkdaysAgreesWithBetween(t *testing.T) {
	t.Parallel()
	c := Default()
	for d := date("2023-12-01"); d.Before(date("2027-02-01")); d = d.AddDays(1) {
		for _, n := range []int{1, 5, 20} {
			r := c.AddWorkdays(d, n)
			if !c.IsWorkday(r) {
				t.Fatalf("AddWorkdays(%s, %d) = %s, not a working day", d, n, r)
			}
			if got := c.WorkdaysBetween(d, r); got != n {
				t.Fatalf("WorkdaysBetween(%s, %s) = %d, want %d", d, r, got, n)
			}
			if c.IsWorkday(d) {
				if back := c.AddWorkdays(r, -n); back != d {
					t.Fatalf("AddWorkdays(%s, %d) = %s, want %s", r, -n, back, d)
				}
			}
		}
	}
}

func TestEstimated(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct {
		a, b string
		want bool
	}{
		{"2024-01-01", "2026-12-31", false},
		{"2026-12-31", "2026-12-31", false},
		{"2026-12-31", "2027-01-01", true},
		{"2027-01-01", "2026-12-31", true},
		{"2023-12-31", "2024-01-02", true},
		{"2027-03-01", "2027-03-01", true},
	}
	for _, tt := range tests {
		if got := c.Estimated(date(tt.a), date(tt.b)); got != tt.want {
			t.Errorf("Estimated(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestDeadline(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct {
		name string
		from time.Time
		n    int
		want Due
	}{
		{"approved 10:00 Beijing time on 9/29, 20 working days",
			time.Date(2026, 9, 29, 10, 0, 0, 0, Shanghai()), 20,
			Due{date("2026-11-02"), time.Date(2026, 11, 2, 15, 59, 59, 999_999_999, time.UTC), false}},
		// 17:00 UTC on 9/29 is 01:00 on 9/30 in Beijing: the count starts a day later.
		{"approved after Beijing midnight, given in UTC",
			time.Date(2026, 9, 29, 17, 0, 0, 0, time.UTC), 20,
			Due{date("2026-11-03"), time.Date(2026, 11, 3, 15, 59, 59, 999_999_999, time.UTC), false}},
		{"zero days ends the same Beijing day",
			time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC), 0,
			Due{date("2026-03-10"), time.Date(2026, 3, 10, 15, 59, 59, 999_999_999, time.UTC), false}},
		{"into uncovered 2027",
			time.Date(2026, 12, 24, 9, 0, 0, 0, Shanghai()), 10,
			Due{date("2027-01-08"), time.Date(2027, 1, 8, 15, 59, 59, 999_999_999, time.UTC), true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := c.Due(tt.from, tt.n)
			if got.Day != tt.want.Day || !got.At.Equal(tt.want.At) || got.Estimated != tt.want.Estimated {
				t.Errorf("Due(%s, %d) = %+v, want %+v", tt.from, tt.n, got, tt.want)
			}
			if got.At.Location() != time.UTC {
				t.Errorf("Due.At is in %s, want UTC", got.At.Location())
			}
			if at := c.Deadline(tt.from, tt.n); at != got.At {
				t.Errorf("Deadline = %s, want Due.At %s", at, got.At)
			}
			if DateOf(got.At) != got.Day {
				t.Errorf("DateOf(At) = %s, want %s", DateOf(got.At), got.Day)
			}
		})
	}
}
