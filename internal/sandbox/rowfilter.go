package sandbox

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Condition is one condition of a row filter: Column Op Values. A grant's
// views keep only the rows that meet every condition of its dataset, so
// that no statement, however written, reads another row: the filter is
// part of the relation, not of the query.
//
// It is data, never SQL: the column is a name of the dataset, the operator
// one of Ops, and each value a literal of the column's type, which Check
// parses and writes back in a canonical form before it is rendered as a
// typed literal (a quoted string, a number, DATE '…', TIMESTAMP '…', true
// or false).
type Condition struct {
	Column string `json:"column"`
	// Op is one of Ops.
	Op     string   `json:"op"`
	Values []string `json:"values"`
}

// Ops are the operators of row filters. between takes two values, the
// first not after the second, both included; in and not in one to
// MaxFilterValues; the others one.
var Ops = []string{"=", "<>", "<", "<=", ">", ">=", "between", "in", "not in"}

// MaxFilterValues bounds the values of one condition.
const MaxFilterValues = 100

var (
	// orderedOps compare values by order: not for text (whose order would
	// depend on the collation) or booleans.
	orderedOps = []string{"<", "<=", ">", ">=", "between"}
	decimalRE  = regexp.MustCompile(`^-?[0-9]{1,14}(\.[0-9]{1,4})?$`)
)

// Check validates the condition against the type of its column (a catalog
// field type) and returns it normalized: the operator in lower case, each
// value in canonical form. The error says what is wrong with which value,
// without naming the condition's place, which the caller knows.
func (c Condition) Check(typ string) (Condition, error) {
	c.Op = strings.ToLower(strings.Join(strings.Fields(c.Op), " "))
	if !slices.Contains(Ops, c.Op) {
		return c, fmt.Errorf("op: %q is not an operator of row filters (one of %s)", c.Op, strings.Join(Ops, ", "))
	}
	if slices.Contains(orderedOps, c.Op) && (typ == "text" || typ == "boolean") {
		return c, fmt.Errorf("op: %s compares by order, which a %s column does not have; use =, <>, in or not in", c.Op, typ)
	}
	if typ == "boolean" && (c.Op == "in" || c.Op == "not in") {
		return c, fmt.Errorf("op: a boolean column is filtered with = or <>")
	}
	switch n := len(c.Values); {
	case c.Op == "between" && n != 2:
		return c, fmt.Errorf("values: between takes two values, the lowest and the highest (both included); %d given", n)
	case (c.Op == "in" || c.Op == "not in") && (n < 1 || n > MaxFilterValues):
		return c, fmt.Errorf("values: %s takes 1 to %d values; %d given", c.Op, MaxFilterValues, n)
	case c.Op != "between" && c.Op != "in" && c.Op != "not in" && n != 1:
		return c, fmt.Errorf("values: %s takes one value; %d given", c.Op, n)
	}
	vals := make([]string, len(c.Values))
	for i, v := range c.Values {
		norm, err := canonical(typ, v)
		if err != nil {
			return c, fmt.Errorf("values[%d]: %w", i, err)
		}
		vals[i] = norm
	}
	if c.Op == "between" && compareValues(typ, vals[0], vals[1]) > 0 {
		return c, fmt.Errorf("values: between %s and %s: the first value is the lowest", vals[0], vals[1])
	}
	c.Values = vals
	return c, nil
}

// canonical parses v as a value of type typ and writes it back in the
// form literal renders.
func canonical(typ, v string) (string, error) {
	switch typ {
	case "text":
		// No backslash: a PostgreSQL server with standard_conforming_strings
		// off would read one as an escape inside the quoted literal.
		if !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) ||
			utf8.RuneCountInString(v) > 200 {
			return "", fmt.Errorf("a text value is valid UTF-8 without backslashes or control characters, at most 200 characters")
		}
		return v, nil
	case "integer":
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return "", fmt.Errorf("%q is not an integer", v)
		}
		return strconv.FormatInt(n, 10), nil
	case "decimal":
		s := strings.TrimSpace(v)
		if !decimalRE.MatchString(s) {
			return "", fmt.Errorf("%q is not a decimal number like 1234.5 (at most 14 digits before the point, 4 after)", v)
		}
		return s, nil
	case "date":
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
		if err != nil {
			return "", fmt.Errorf("%q is not a date YYYY-MM-DD", v)
		}
		return d.Format(time.DateOnly), nil
	case "timestamp":
		s := strings.TrimSpace(v)
		for _, layout := range []string{time.DateTime, "2006-01-02T15:04:05"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.Format(time.DateTime), nil
			}
		}
		return "", fmt.Errorf("%q is not a time YYYY-MM-DD HH:MM:SS", v)
	case "boolean":
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return "", fmt.Errorf("%q is not true or false", v)
		}
		return strconv.FormatBool(b), nil
	}
	return "", fmt.Errorf("the column's type %q has no values a filter can compare", typ)
}

// compareValues orders two canonical values of an ordered type.
func compareValues(typ, a, b string) int {
	switch typ {
	case "integer":
		x, _ := strconv.ParseInt(a, 10, 64)
		y, _ := strconv.ParseInt(b, 10, 64)
		return cmpInt(x, y)
	case "decimal":
		x, _ := strconv.ParseFloat(a, 64)
		y, _ := strconv.ParseFloat(b, 64)
		return cmpInt(x, y)
	}
	return strings.Compare(a, b) // dates and times in canonical form order as text
}

func cmpInt[T int64 | float64](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// literal renders a canonical value of type typ as an SQL literal that
// both DuckDB and PostgreSQL read as that type.
func literal(typ, v string) string {
	switch typ {
	case "integer", "decimal", "boolean":
		return v // canonical: digits, a sign and a point, or true/false
	case "date":
		return "DATE " + quote(v)
	case "timestamp":
		return "TIMESTAMP " + quote(v)
	}
	return quote(v)
}

// filterSQL is the condition of a view that keeps the rows of a dataset's
// row filter, empty when it has none. Every value was checked by Check
// against its column's type in Validate.
func (d Dataset) filterSQL() string {
	if len(d.RowFilter) == 0 {
		return ""
	}
	types := map[string]string{}
	for _, c := range d.Columns {
		types[c.Name] = c.Type
	}
	var conds []string
	for _, c := range d.RowFilter {
		typ := types[c.Column]
		vals := make([]string, len(c.Values))
		for i, v := range c.Values {
			vals[i] = literal(typ, v)
		}
		col := ident(c.Column)
		switch c.Op {
		case "in", "not in":
			conds = append(conds, fmt.Sprintf("%s %s (%s)", col, strings.ToUpper(c.Op), strings.Join(vals, ", ")))
		case "between":
			conds = append(conds, fmt.Sprintf("%s BETWEEN %s AND %s", col, vals[0], vals[1]))
		default:
			conds = append(conds, fmt.Sprintf("%s %s %s", col, c.Op, vals[0]))
		}
	}
	return "(" + strings.Join(conds, ") AND (") + ")"
}
