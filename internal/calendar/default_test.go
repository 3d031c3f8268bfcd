package calendar

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDefault guards the embedded table: package initialisation panics if it
// does not parse, and this says why.
func TestDefault(t *testing.T) {
	t.Parallel()
	if _, err := Parse(strings.NewReader(chinaTable)); err != nil {
		t.Fatalf("built-in china.txt: %v", err)
	}
	c := Default()
	if got, want := c.Years(), []int{2024, 2025, 2026}; !slices.Equal(got, want) {
		t.Errorf("Years() = %v, want %v", got, want)
	}
	if c.Covers(2023) || c.Covers(2027) {
		t.Error("Covers 2023 or 2027, which have no notice in the table")
	}
	if c.Holidays(2027) != nil {
		t.Error("Holidays(2027) is not nil")
	}
}

func TestDefaultCounts(t *testing.T) {
	t.Parallel()
	// Sums of the "共N天" and the 上班 days in each notice.
	tests := []struct {
		year               int
		holidays, workdays int
	}{
		{2024, 1 + 8 + 3 + 5 + 1 + 3 + 7, 8},
		{2025, 1 + 8 + 3 + 5 + 3 + 8, 5},
		{2026, 3 + 9 + 3 + 5 + 3 + 3 + 7, 6},
	}
	for _, tt := range tests {
		var h, w int
		for _, d := range Default().Holidays(tt.year) {
			switch d.Kind {
			case Holiday:
				h++
			case Workday:
				w++
				// 调休上班 moves work onto a weekend; a weekday here is a typo.
				if wd := d.Date.Weekday(); wd != time.Saturday && wd != time.Sunday {
					t.Errorf("%s %s is a %s", d.Kind, d.Date, wd)
				}
			}
		}
		if h != tt.holidays || w != tt.workdays {
			t.Errorf("%d: %d holidays and %d workdays, want %d and %d", tt.year, h, w, tt.holidays, tt.workdays)
		}
	}
}

// TestDefaultNoticeWeekdays checks the table against the weekdays the 2025
// and 2026 notices print beside their dates, catching a transcribed date.
func TestDefaultNoticeWeekdays(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct {
		day     string
		kind    Kind
		weekday time.Weekday
	}{
		{"2025-01-01", Holiday, time.Wednesday},
		{"2025-01-26", Workday, time.Sunday},
		{"2025-01-28", Holiday, time.Tuesday},
		{"2025-02-04", Holiday, time.Tuesday},
		{"2025-02-08", Workday, time.Saturday},
		{"2025-04-04", Holiday, time.Friday},
		{"2025-04-27", Workday, time.Sunday},
		{"2025-05-01", Holiday, time.Thursday},
		{"2025-05-05", Holiday, time.Monday},
		{"2025-05-31", Holiday, time.Saturday},
		{"2025-06-02", Holiday, time.Monday},
		{"2025-09-28", Workday, time.Sunday},
		{"2025-10-01", Holiday, time.Wednesday},
		{"2025-10-08", Holiday, time.Wednesday},
		{"2025-10-11", Workday, time.Saturday},
		{"2026-01-01", Holiday, time.Thursday},
		{"2026-01-03", Holiday, time.Saturday},
		{"2026-01-04", Workday, time.Sunday},
		{"2026-02-14", Workday, time.Saturday},
		{"2026-02-15", Holiday, time.Sunday},
		{"2026-02-23", Holiday, time.Monday},
		{"2026-02-28", Workday, time.Saturday},
		{"2026-04-04", Holiday, time.Saturday},
		{"2026-04-06", Holiday, time.Monday},
		{"2026-05-01", Holiday, time.Friday},
		{"2026-05-05", Holiday, time.Tuesday},
		{"2026-05-09", Workday, time.Saturday},
		{"2026-06-19", Holiday, time.Friday},
		{"2026-06-21", Holiday, time.Sunday},
		{"2026-09-20", Workday, time.Sunday},
		{"2026-09-25", Holiday, time.Friday},
		{"2026-09-27", Holiday, time.Sunday},
		{"2026-10-01", Holiday, time.Thursday},
		{"2026-10-07", Holiday, time.Wednesday},
		{"2026-10-10", Workday, time.Saturday},
	}
	for _, tt := range tests {
		d := date(tt.day)
		i := slices.IndexFunc(c.Holidays(d.Year()), func(x Day) bool { return x.Date == d })
		if i < 0 {
			t.Errorf("%s is not in the table", d)
			continue
		}
		if got := c.Holidays(d.Year())[i].Kind; got != tt.kind {
			t.Errorf("%s is a %s, want %s", d, got, tt.kind)
		}
		if got := d.Weekday(); got != tt.weekday {
			t.Errorf("%s is a %s, the notice says %s", d, got, tt.weekday)
		}
	}
}

func TestHolidaysReturnsACopy(t *testing.T) {
	t.Parallel()
	c := Default()
	days := c.Holidays(2026)
	days[0].Name = "changed"
	if c.Holidays(2026)[0].Name == "changed" {
		t.Error("changing the result of Holidays changed the calendar")
	}
}

func TestDefaultRoundTrip(t *testing.T) {
	t.Parallel()
	again := mustParseTable(t, Default().String())
	if !reflect.DeepEqual(again, Default()) {
		t.Errorf("Parse(Default().String()) differs from Default():\n%s", Default())
	}
}
