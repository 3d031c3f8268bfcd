package calendar

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in string
		ok bool
	}{
		{"2026-10-08", true},
		{"2024-02-29", true}, // leap year
		{"2000-02-29", true}, // divisible by 400
		{"0001-01-01", true},
		{"9999-12-31", true},
		{"2026-02-29", false},
		{"1900-02-29", false}, // divisible by 100, not 400
		{"2026-02-30", false},
		{"2026-04-31", false},
		{"2026-13-01", false},
		{"2026-00-10", false},
		{"2026-01-00", false},
		{"2026-1-01", false},
		{"2026-01-1", false},
		{"20260101", false},
		{"2026/01/01", false},
		{"+026-01-01", false},
		{"2026-+1-01", false},
		{" 2026-01-01", false},
		{"2026-01-01 ", false},
		{"２０２６-01-01", false}, // full-width digits
		{"", false},
	}
	for _, tt := range tests {
		d, err := ParseDate(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseDate(%q) error = %v, want ok = %v", tt.in, err, tt.ok)
			continue
		}
		if tt.ok && d.String() != tt.in {
			t.Errorf("ParseDate(%q).String() = %q", tt.in, d.String())
		}
	}
	_, err := ParseDate("2026-02-30")
	if want := `calendar: "2026-02-30": not a valid date (want YYYY-MM-DD)`; err == nil || err.Error() != want {
		t.Errorf("ParseDate error = %v, want %s", err, want)
	}
}

func TestDateArithmetic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-10-08", 0, "2026-10-08"},
		{"2026-10-08", 1, "2026-10-09"},
		{"2026-01-31", 1, "2026-02-01"},
		{"2026-12-31", 1, "2027-01-01"},
		{"2024-02-28", 1, "2024-02-29"},
		{"2026-03-01", -1, "2026-02-28"},
		{"2026-01-01", -1, "2025-12-31"},
		{"2026-01-01", 365, "2027-01-01"},
	}
	for _, tt := range tests {
		if got := date(tt.from).AddDays(tt.n).String(); got != tt.want {
			t.Errorf("%s.AddDays(%d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
	if got := NewDate(2026, 2, 30); got != date("2026-03-02") {
		t.Errorf("NewDate(2026, 2, 30) = %s, want 2026-03-02 (normalised)", got)
	}
	d := date("2026-10-08")
	if d.Year() != 2026 || d.Month() != time.October || d.Day() != 8 {
		t.Errorf("fields of %s = %d %s %d", d, d.Year(), d.Month(), d.Day())
	}
	if got := date("2026-10-01").daysUntil(date("2026-10-31")); got != 30 {
		t.Errorf("daysUntil = %d, want 30", got)
	}
	if got := date("0001-01-01").daysUntil(date("9999-12-31")); got != 3652058 {
		t.Errorf("daysUntil over 10 000 years = %d, want 3652058", got)
	}
}

func TestWeekday(t *testing.T) {
	t.Parallel()
	// Weekdays as printed in the 2026 notice.
	tests := map[string]time.Weekday{
		"2026-01-01": time.Thursday,
		"2026-02-14": time.Saturday,
		"2026-02-15": time.Sunday,
		"2026-09-20": time.Sunday,
		"2026-10-10": time.Saturday,
	}
	for s, want := range tests {
		if got := date(s).Weekday(); got != want {
			t.Errorf("%s.Weekday() = %s, want %s", s, got, want)
		}
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"2026-10-08", "2026-10-08", 0},
		{"2026-10-08", "2026-10-09", -1},
		{"2026-10-08", "2026-09-30", 1},
		{"2025-12-31", "2026-01-01", -1},
	}
	for _, tt := range tests {
		a, b := date(tt.a), date(tt.b)
		if got := a.Compare(b); got != tt.want {
			t.Errorf("%s.Compare(%s) = %d, want %d", a, b, got, tt.want)
		}
		if a.Before(b) != (tt.want < 0) || a.After(b) != (tt.want > 0) || (a == b) != (tt.want == 0) {
			t.Errorf("Before/After/== disagree with Compare for %s, %s", a, b)
		}
	}
}

func TestDateOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		at   time.Time
		want string
	}{
		// Midnight in Beijing is 16:00 UTC the day before.
		{time.Date(2026, 9, 30, 15, 59, 59, 999_999_999, time.UTC), "2026-09-30"},
		{time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC), "2026-10-01"},
		{time.Date(2026, 10, 1, 0, 30, 0, 0, time.FixedZone("PDT", -7*3600)), "2026-10-01"}, // 15:30 in Beijing
		{time.Date(2026, 12, 31, 23, 0, 0, 0, time.FixedZone("PST", -8*3600)), "2027-01-01"},
	}
	for _, tt := range tests {
		if got := DateOf(tt.at).String(); got != tt.want {
			t.Errorf("DateOf(%s) = %s, want %s", tt.at, got, tt.want)
		}
	}
}

func TestShanghaiIsUTCPlus8(t *testing.T) {
	t.Parallel()
	// The fixed-zone fallback is only sound if the real zone agrees with it.
	fixed := time.FixedZone("CST", 8*3600)
	for _, s := range []string{"1992-07-01", "2024-01-01", "2026-06-21", "2026-11-02", "2040-03-10"} {
		d := date(s)
		want := time.Date(d.year, d.month, d.day, 23, 59, 59, 999_999_999, fixed).UTC()
		if got := d.endOfDay(); !got.Equal(want) {
			t.Errorf("%s.endOfDay() = %s, want %s", s, got, want)
		}
	}
}

func TestDateJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(Day{Date: date("2026-10-01"), Kind: Holiday, Name: "国庆节"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"date":"2026-10-01","kind":"holiday","name":"国庆节"}`; string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	var d Day
	if err := json.Unmarshal(b, &d); err != nil || d.Date != date("2026-10-01") {
		t.Errorf("round trip = %+v, %v", d, err)
	}
	if err := json.Unmarshal([]byte(`{"date":"2026-02-30"}`), &d); err == nil {
		t.Error("decoding 2026-02-30 succeeded, want an error")
	}
}
