package disclosure

import (
	"encoding/xml"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMonthsEnding(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		y, m, n int
		want    []string
	}{
		{2026, 3, 4, []string{"2025-12", "2026-01", "2026-02", "2026-03"}},
		{2026, 12, 1, []string{"2026-12"}},
		{2027, 1, 2, []string{"2026-12", "2027-01"}},
	} {
		if got := monthsEnding(c.y, c.m, c.n); !slices.Equal(got, c.want) {
			t.Errorf("monthsEnding(%d, %d, %d) = %v; want %v", c.y, c.m, c.n, got, c.want)
		}
	}
	if got := monthsEnding(2026, 12, 12); len(got) != 12 || got[0] != "2026-01" || got[11] != "2026-12" {
		t.Errorf("a year's months: %v", got)
	}
	if d := DueOn(2026).String(); d != "2027-03-31" {
		t.Errorf("the report of 2026 is due %s; want 2027-03-31", d)
	}
}

// TestAtomEmpty: with nothing to disclose the feed is still Atom, updated
// when it was generated.
func TestAtomEmpty(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 27, 4, 0, 0, 0, time.UTC)
	out, err := Atom(Snapshot{Generated: at}, FeedText{Title: "t", Publisher: "p", Summary: func(string, ...any) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	var f atomFeed
	if err := xml.Unmarshal(out, &f); err != nil || f.Updated != "2026-11-27T04:00:00Z" || f.ID != FeedID || len(f.Entries) != 0 ||
		!strings.HasPrefix(string(out), "<?xml") {
		t.Errorf("empty feed: %+v, %v\n%s", f, err, out)
	}
}
