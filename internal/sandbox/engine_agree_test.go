package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestEnginesAgree runs the legitimate aggregate and list queries on both
// engines and compares the answers: PostgreSQL's rendering of the analyzed
// tree means what DuckDB's does. Numbers compare to 9 significant digits
// (PostgreSQL answers numeric where DuckDB answers double), rows as sets
// (ties are ordered as each engine likes).
func TestEnginesAgree(t *testing.T) {
	duck, pg := theWorld(t), thePGWorld(t).world
	for _, c := range legitimate {
		if c.rule != Aggregate && c.rule != List {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			a, err := duck.ask(t, duck.grantFor(c.rule), c.sql)
			if err != nil {
				t.Fatal(err)
			}
			b, err := pg.ask(t, pg.grantFor(c.rule), c.sql)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Columns) != len(b.Columns) || a.Suppressed != b.Suppressed {
				t.Fatalf("columns %v and %v, suppressed %d and %d", a.Columns, b.Columns, a.Suppressed, b.Suppressed)
			}
			if strings.Contains(c.sql, "LIMIT") {
				return // which of tied rows a LIMIT keeps is the engine's choice
			}
			ra, rb := comparable(a.Rows), comparable(b.Rows)
			slices.Sort(ra)
			slices.Sort(rb)
			if !slices.Equal(ra, rb) {
				t.Errorf("DuckDB and PostgreSQL answer differently:\n%v\n%v", ra, rb)
			}
		})
	}
}

// comparable renders rows for comparison.
func comparable(rows [][]any) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		cells := make([]string, len(r))
		for j, v := range r {
			cells[j] = cell(v)
		}
		out[i] = strings.Join(cells, " | ")
	}
	return out
}

func cell(v any) string {
	var f float64
	switch v := v.(type) {
	case int64:
		f = float64(v)
	case int32:
		f = float64(v)
	case float64:
		f = v
	case json.Number:
		f, _ = v.Float64()
	case string:
		if d, err := time.Parse(time.RFC3339Nano, v); err == nil && d.Equal(d.Truncate(24*time.Hour)) {
			return d.Format(time.DateOnly) // a date as a midnight timestamp
		}
		return v
	case nil:
		return "NULL"
	default:
		return fmt.Sprint(v)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', 9, 64)
}
