package web

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"shuyu/internal/calendar"
	"shuyu/internal/catalog"
)

// codeNames names the codes under prefix in the message catalog in lang
// (a grade, a state, a rule); a code the catalog lacks shows as itself, an
// empty one as a dash.
func codeNames(lang, prefix string) func(any) string {
	return func(code any) string {
		s := fmt.Sprint(code)
		if s == "" {
			return "—"
		}
		if k := prefix + s; hasKey(k) {
			return translate(lang, k)
		}
		return s
	}
}

// dataFuncs are the template helpers of the data-supply pages: numbers,
// sizes, scores and the names of codes (grades, classes, frequencies,
// states) in the reader's language.
func dataFuncs(lang string) map[string]any {
	tr := func(prefix string) func(any) string { return codeNames(lang, prefix) }
	return map[string]any{
		"num":   formatInt,
		"bytes": formatBytes,
		"score": formatScore,
		"pct":   func(share float64) string { return strconv.FormatFloat(share*100, 'f', 1, 64) + "%" },
		"short": func(hash string) string { return hash[:min(len(hash), 12)] },
		"day": func(t any) string {
			switch t := t.(type) {
			case time.Time:
				return t.In(calendar.Shanghai()).Format(time.DateOnly)
			case *time.Time:
				if t != nil {
					return t.In(calendar.Shanghai()).Format(time.DateOnly)
				}
			}
			return "—"
		},
		"whenp": func(t *time.Time) string {
			if t == nil || t.IsZero() {
				return "—"
			}
			return t.In(calendar.Shanghai()).Format("2006-01-02 15:04:05")
		},
		"gradeName":  func(s *catalog.Scheme, code string) string { return gradeName(lang, s, code) },
		"className":  func(s *catalog.Scheme, code string) string { return classPath(lang, s, code) },
		"freq":       tr("freq."),
		"ftype":      tr("ftype."),
		"ruleKind":   tr("rule.kind."),
		"detector":   tr("detector."),
		"tstate":     tr("ticket.state."),
		"tkind":      tr("ticket.kind."),
		"tstep":      tr("ticket.step."),
		"ruleParams": ruleParams,
		"add":        func(a, b int) int { return a + b },
		"eqs":        func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
	}
}

func localName(lang, zh, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return zh
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// classPath names a class with its ancestors: 个人信息 / 身份标识.
func classPath(lang string, s *catalog.Scheme, code string) string {
	c, ok := s.Class(code)
	if !ok {
		return orDash(code)
	}
	name := localName(lang, c.Name, c.NameEN)
	if i := strings.LastIndexByte(code, '.'); i > 0 {
		if parent, ok := s.Class(code[:i]); ok {
			return localName(lang, parent.Name, parent.NameEN) + " / " + name
		}
	}
	return name
}

// formatInt groups digits by thousands: 200,000 (both languages write it so).
func formatInt(n any) string {
	var v int64
	switch n := n.(type) {
	case int:
		v = int64(n)
	case int64:
		v = n
	default:
		return fmt.Sprint(n)
	}
	s := strconv.FormatInt(v, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatBytes writes a size for people: 1.5 MiB.
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return formatInt(n) + " B"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return strconv.FormatFloat(float64(n)/float64(div), 'f', 1, 64) + " " + "KMGTP"[exp:exp+1] + "iB"
}

// formatScore writes a 0–100 score with one decimal, "—" for none.
func formatScore(s any) string {
	switch s := s.(type) {
	case *float64:
		if s == nil {
			return "—"
		}
		return strconv.FormatFloat(*s, 'f', 1, 64)
	case float64:
		return strconv.FormatFloat(s, 'f', 1, 64)
	}
	return "—"
}
