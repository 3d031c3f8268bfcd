package calendar

import (
	_ "embed"
	"strings"
)

//go:embed china.txt
var chinaTable string

// builtin is parsed once, at package initialisation. A broken china.txt is a
// build defect, not a runtime condition, so it panics; TestDefault guards it.
var builtin = mustParse(chinaTable)

func mustParse(table string) *Calendar {
	c, err := Parse(strings.NewReader(table))
	if err != nil {
		panic("calendar: built-in china.txt: " + err.Error())
	}
	return c
}

// Default returns the built-in table: the State Council's official holiday
// arrangements for 2024, 2025 and 2026.
func Default() *Calendar { return builtin }
