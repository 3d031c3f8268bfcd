package calendar

import (
	"fmt"
	"strings"
)

// ParseError reports a line of a holiday table that could not be read. Its
// message names the line, quotes the offending text and says what was
// expected, because the person reading it is editing the file by hand:
//
//	calendar: holidays.txt: line 7: "2026-02-30": not a valid date (want YYYY-MM-DD)
type ParseError struct {
	File string // the path given to Load; empty for Parse
	Line int    // 1-based
	Text string // the offending text, quoted in the message; may be empty
	Msg  string // what is wrong and what was expected
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("calendar: ")
	if e.File != "" {
		b.WriteString(e.File + ": ")
	}
	fmt.Fprintf(&b, "line %d: ", e.Line)
	if e.Text != "" {
		fmt.Fprintf(&b, "%q: ", e.Text)
	}
	b.WriteString(e.Msg)
	return b.String()
}
