package calendar

import (
	"bytes"
	"fmt"
	"io"
)

// WriteTo writes the table in the format Parse reads, one block per year,
// with consecutive days of the same kind and name joined into ranges.
// Comments in the source are not kept: the output is the table's content,
// and Parse of it yields an equal Calendar.
func (c *Calendar) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	for i, y := range c.Years() {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "year %04d official\n", y)
		days := c.byYear[y]
		for len(days) > 0 {
			run := 1
			for run < len(days) && run < maxRange && sameRun(days[run-1], days[run]) {
				run++
			}
			first, last := days[0], days[run-1]
			if run == 1 {
				fmt.Fprintf(&b, "%s %s %s\n", first.Kind, first.Date, first.Name)
			} else {
				fmt.Fprintf(&b, "%s %s..%s %s\n", first.Kind, first.Date, last.Date, first.Name)
			}
			days = days[run:]
		}
	}
	n, err := w.Write(b.Bytes())
	if err != nil {
		return int64(n), fmt.Errorf("calendar: write holiday table: %w", err)
	}
	return int64(n), nil
}

// sameRun reports whether b continues a's range: the next date, same kind
// and name.
func sameRun(a, b Day) bool {
	return b.Date == a.Date.AddDays(1) && b.Kind == a.Kind && b.Name == a.Name
}

// String returns the table as WriteTo writes it.
func (c *Calendar) String() string {
	var b bytes.Buffer
	c.WriteTo(&b) // a bytes.Buffer does not fail
	return b.String()
}
