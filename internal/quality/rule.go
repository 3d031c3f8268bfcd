package quality

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"shuyu/internal/errs"
)

// Kind is what a rule checks.
type Kind string

const (
	NotNull    Kind = "not_null"    // no NULL and, for text, no blank value
	Unique     Kind = "unique"      // no value (or combination, with With) repeats an earlier row's
	Range      Kind = "range"       // numbers, dates and timestamps within [Min, Max]
	Regex      Kind = "regex"       // text matching Pattern as a whole (RE2 syntax)
	Enum       Kind = "enum"        // one of Values
	IDNumber   Kind = "id_number"   // 居民身份证号, GB 11643 check digit and birth date
	USCC       Kind = "uscc"        // 统一社会信用代码, GB 32100 check character
	Mobile     Kind = "mobile"      // a mainland mobile number, optionally with +86
	DateFormat Kind = "date_format" // text holding a real date in Format
)

// Kinds lists the rule kinds in the order a report shows them.
var Kinds = []Kind{NotNull, Unique, Range, Regex, Enum, IDNumber, USCC, Mobile, DateFormat}

// kindTypes are the field types each kind applies to; nil means every type.
var kindTypes = map[Kind][]string{
	NotNull:    nil,
	Unique:     nil,
	Range:      {"integer", "decimal", "date", "timestamp"},
	Regex:      {"text"},
	Enum:       {"text", "integer"},
	IDNumber:   {"text"},
	USCC:       {"text"},
	Mobile:     {"text"},
	DateFormat: {"text"},
}

// Rule is one check on a field of a catalog entry. Values other than NULL
// (and blank text) are checked; NotNull counts those.
type Rule struct {
	Field string `json:"field"`
	Kind  Kind   `json:"kind"`
	// With names further fields that form the key together with Field (unique).
	With []string `json:"with,omitempty"`
	// Min and Max bound a range: numbers for integer and decimal fields,
	// YYYY-MM-DD for dates, YYYY-MM-DD HH:MM:SS for timestamps. Either may be empty.
	Min string `json:"min,omitempty"`
	Max string `json:"max,omitempty"`
	// Pattern is an RE2 expression the whole value must match (regex).
	Pattern string `json:"pattern,omitempty"`
	// Values are the allowed values (enum).
	Values []string `json:"values,omitempty"`
	// Format is a date format of %Y, %m, %d, %H, %M, %S and literal
	// characters (date_format); default %Y-%m-%d.
	Format string `json:"format,omitempty"`
}

// ID names the rule within its entry: a field has at most one rule of a kind.
func (r Rule) ID() string { return r.Field + ":" + string(r.Kind) }

// Limits on what a commissioner may write; the query stays reasonable.
const (
	maxRules      = 200
	maxPattern    = 500
	maxEnumValues = 1000
	maxEnumValue  = 200
)

var (
	number      = regexp.MustCompile(`^-?[0-9]{1,18}(\.[0-9]{1,4})?$`)
	integer     = regexp.MustCompile(`^-?[0-9]{1,18}$`)
	formatToken = regexp.MustCompile(`%.?`)
)

// checkRules validates rules against the field types of an entry or a
// version (name → field type) and returns them normalized. The error names
// the rule at fault and says how to fix it.
func checkRules(rules []Rule, types map[string]string) ([]Rule, error) {
	if len(rules) > maxRules {
		return nil, errs.E(errs.Invalid, "rules: %d rules; at most %d", len(rules), maxRules)
	}
	out := make([]Rule, 0, len(rules))
	seen := map[string]bool{}
	for i, r := range rules {
		r, err := checkRule(r, types)
		if err != nil {
			return nil, errs.E(errs.Invalid, "rules[%d]: %s", i, err.Error())
		}
		if seen[r.ID()] {
			return nil, errs.E(errs.Invalid, "rules[%d]: %s has a %s rule already; a field has one rule of each kind (combine patterns or values into it)", i, r.Field, r.Kind)
		}
		seen[r.ID()] = true
		out = append(out, r)
	}
	return out, nil
}

// checkRule validates one rule; its error message starts with what is wrong.
func checkRule(r Rule, types map[string]string) (Rule, error) {
	r.Field = strings.TrimSpace(r.Field)
	typ, ok := types[r.Field]
	if !ok {
		return r, fmt.Errorf("field %q is not a field of the entry", r.Field)
	}
	allowed, known := kindTypes[r.Kind]
	if !known {
		return r, fmt.Errorf("kind %q is not one of %v", r.Kind, Kinds)
	}
	if allowed != nil && !slices.Contains(allowed, typ) {
		return r, fmt.Errorf("a %s rule applies to %s fields; %s is %s", r.Kind, strings.Join(allowed, ", "), r.Field, typ)
	}
	// Parameters of other kinds are dropped, so that equal rules hash equal.
	rule := Rule{Field: r.Field, Kind: r.Kind}
	switch r.Kind {
	case Unique:
		for _, w := range r.With {
			if _, ok := types[w]; !ok || w == r.Field || slices.Contains(rule.With, w) {
				return r, fmt.Errorf("with: %q is not another field of the entry, or is named twice", w)
			}
			rule.With = append(rule.With, w)
		}
	case Range:
		lo, hi, err := checkBounds(typ, strings.TrimSpace(r.Min), strings.TrimSpace(r.Max))
		if err != nil {
			return r, err
		}
		rule.Min, rule.Max = lo, hi
	case Regex:
		if r.Pattern == "" || len(r.Pattern) > maxPattern {
			return r, fmt.Errorf("pattern: required, at most %d bytes", maxPattern)
		}
		if _, err := regexp.Compile(r.Pattern); err != nil {
			return r, fmt.Errorf("pattern: not a valid RE2 expression: %v", err)
		}
		rule.Pattern = r.Pattern
	case Enum:
		if len(r.Values) == 0 || len(r.Values) > maxEnumValues {
			return r, fmt.Errorf("values: 1 to %d allowed values", maxEnumValues)
		}
		for _, v := range r.Values {
			switch {
			case !utf8.ValidString(v) || len([]rune(v)) > maxEnumValue:
				return r, fmt.Errorf("values: %q is longer than %d characters", v, maxEnumValue)
			case typ == "integer" && !integer.MatchString(v):
				return r, fmt.Errorf("values: %q is not an integer, as %s is", v, r.Field)
			case slices.Contains(rule.Values, v):
				return r, fmt.Errorf("values: %q twice", v)
			}
			rule.Values = append(rule.Values, v)
		}
	case DateFormat:
		rule.Format = r.Format
		if rule.Format == "" {
			rule.Format = "%Y-%m-%d"
		}
		if _, err := formatPattern(rule.Format); err != nil {
			return r, err
		}
	}
	return rule, nil
}

// checkBounds validates a range's bounds for a field type and returns them
// in the form the SQL literal takes.
func checkBounds(typ, lo, hi string) (string, string, error) {
	if lo == "" && hi == "" {
		return "", "", fmt.Errorf("min, max: give at least one bound")
	}
	parse := func(which, s string) (string, float64, time.Time, error) {
		if s == "" {
			return "", 0, time.Time{}, nil
		}
		switch typ {
		case "integer", "decimal":
			if !number.MatchString(s) {
				return "", 0, time.Time{}, fmt.Errorf("%s: %q is not a number (up to 18 digits and 4 decimals)", which, s)
			}
			var f float64
			fmt.Sscan(s, &f)
			return s, f, time.Time{}, nil
		case "date":
			t, err := time.Parse(time.DateOnly, s)
			if err != nil {
				return "", 0, t, fmt.Errorf("%s: %q is not a date YYYY-MM-DD", which, s)
			}
			return t.Format(time.DateOnly), 0, t, nil
		}
		for _, layout := range []string{time.DateTime, "2006-01-02T15:04:05", time.DateOnly} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.Format(time.DateTime), 0, t, nil
			}
		}
		return "", 0, time.Time{}, fmt.Errorf("%s: %q is not a timestamp YYYY-MM-DD HH:MM:SS", which, s)
	}
	l, lf, lt, err := parse("min", lo)
	if err != nil {
		return "", "", err
	}
	h, hf, ht, err := parse("max", hi)
	if err != nil {
		return "", "", err
	}
	if l != "" && h != "" && (lf > hf || lt.After(ht)) {
		return "", "", fmt.Errorf("min %s is above max %s", l, h)
	}
	return l, h, nil
}

// formatPattern turns a date format into the regular expression its values
// must match: the engine's strptime alone would accept 2026-1-5 for
// %Y-%m-%d, and a format is a promise of fixed widths.
func formatPattern(format string) (string, error) {
	width := map[string]string{"%Y": "[0-9]{4}", "%m": "[0-9]{2}", "%d": "[0-9]{2}", "%H": "[0-9]{2}", "%M": "[0-9]{2}", "%S": "[0-9]{2}"}
	if len(format) > 40 {
		return "", fmt.Errorf("format: at most 40 characters")
	}
	var b strings.Builder
	last := 0
	for _, loc := range formatToken.FindAllStringIndex(format, -1) {
		tok := format[loc[0]:loc[1]]
		re, ok := width[tok]
		if !ok {
			return "", fmt.Errorf("format: %q is not one of %%Y %%m %%d %%H %%M %%S", tok)
		}
		b.WriteString(regexp.QuoteMeta(format[last:loc[0]]))
		b.WriteString(re)
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(format[last:]))
	for _, need := range []string{"%Y", "%m", "%d"} {
		if !strings.Contains(format, need) {
			return "", fmt.Errorf("format: %q lacks %s; a date needs %%Y, %%m and %%d", format, need)
		}
	}
	return b.String(), nil
}
