package calendar

import (
	"strings"
	"testing"
)

// date parses "YYYY-MM-DD" for test tables, where a typo is a test bug.
func date(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func mustParseTable(t *testing.T, table string) *Calendar {
	t.Helper()
	c, err := Parse(strings.NewReader(table))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}
