package billing

import (
	"strconv"
	"testing"
)

// FuzzParseMonth: a month is accepted only as YYYY-MM of ASCII digits with
// a real month, and then its year is the first four digits.
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2026-10", "2026-13", "2026-1", "２０２６-10", "2026-10\n", "", "0000-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		y, err := ParseMonth("month", s)
		if err != nil {
			return
		}
		year, e1 := strconv.Atoi(s[:4])
		month, e2 := strconv.Atoi(s[5:])
		if len(s) != 7 || s[4] != '-' || e1 != nil || e2 != nil || year != y || month < 1 || month > 12 || s[0] == '+' || s[5] == '+' {
			t.Fatalf("accepted %q as year %d", s, y)
		}
	})
}
