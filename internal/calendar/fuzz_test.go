package calendar

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzParse feeds Parse arbitrary tables: it must never panic, and whatever
// it accepts must survive WriteTo and Parse unchanged.
func FuzzParse(f *testing.F) {
	f.Add(chinaTable)
	f.Add("")
	f.Add("\uFEFFyear 2026 official\r\nholiday 2026-01-01..2026-01-31 a b # c\r\nworkday 2026-02-01 d\n")
	f.Add("year 2026 official\nyear 2027 official\nholiday 2026-12-31..2027-01-01 x\n")
	f.Add("year 2026 official\nholiday 2026-02-23..2026-02-15 x\n")
	f.Add("year 2026 official\nholiday 2026-10-01 a\nworkday 2026-10-01 b\n")
	f.Add("year 0000 official\nholiday 0000-02-29 x\n")
	f.Fuzz(func(t *testing.T, table string) {
		c, err := Parse(strings.NewReader(table))
		if err != nil {
			return
		}
		out := c.String()
		again, err := Parse(strings.NewReader(out))
		if err != nil {
			t.Fatalf("Parse(String()) failed: %v\ninput:\n%q\noutput:\n%q", err, table, out)
		}
		if !reflect.DeepEqual(again, c) {
			t.Fatalf("Parse(String()) differs\ninput:\n%q\noutput:\n%q\nagain:\n%q", table, out, again.String())
		}
	})
}
