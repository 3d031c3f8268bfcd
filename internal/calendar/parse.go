package calendar

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxRange bounds a holiday range. The longest official break is nine days;
// a longer range is almost surely a typo (a wrong month), caught here rather
// than silently turning weeks into holidays.
const maxRange = 31

// Parse reads a holiday table: text, one entry a line.
//
//	# a comment runs from # to the end of the line; blank lines are ignored
//	year 2026 official
//	holiday 2026-10-01..2026-10-07 国庆节
//	holiday 2026-01-01 元旦
//	workday 2026-10-10 国庆节调休上班
//
// "year YYYY official" declares that the year's official arrangement is in
// the table; it must come before the year's entries, and once per year.
// "holiday" takes a date or an inclusive range of at most 31 days, then a
// name; "workday" a make-up working day (调休上班) and a name. A day may be
// listed once, as one kind. A UTF-8 byte order mark is allowed.
func Parse(r io.Reader) (*Calendar, error) { return parse(r, "") }

// Load reads the holiday table at path. The table replaces the built-in one
// entirely: a deployment gives every year it needs.
func Load(path string) (*Calendar, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("calendar: load holiday table: %w", err)
	}
	defer f.Close()
	return parse(f, path)
}

type parser struct {
	file     string
	cal      *Calendar
	yearLine map[int]int  // year → line that declared it
	dayLine  map[Date]int // date → line that listed it
}

func parse(r io.Reader, file string) (*Calendar, error) {
	p := &parser{
		file:     file,
		cal:      &Calendar{years: map[int]bool{}, days: map[Date]Day{}, byYear: map[int][]Day{}},
		yearLine: map[int]int{},
		dayLine:  map[Date]int{},
	}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if n == 1 {
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		if err := p.line(n, line); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, p.fail(n+1, "", fmt.Sprintf("line longer than %d bytes", bufio.MaxScanTokenSize))
		}
		return nil, fmt.Errorf("calendar: read holiday table %s: %w", file, err)
	}
	for _, days := range p.cal.byYear {
		slices.SortFunc(days, func(a, b Day) int { return a.Date.Compare(b.Date) })
	}
	return p.cal, nil
}

func (p *parser) fail(line int, text, msg string) error {
	return &ParseError{File: p.file, Line: line, Text: text, Msg: msg}
}

func (p *parser) line(n int, s string) error {
	s, _, _ = strings.Cut(s, "#")
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	keyword, rest := cutField(s)
	switch Kind(keyword) {
	case "year":
		return p.year(n, s, rest)
	case Holiday, Workday:
		return p.entry(n, s, Kind(keyword), rest)
	}
	return p.fail(n, keyword, "unknown entry (want year, holiday or workday)")
}

func (p *parser) year(n int, line, rest string) error {
	f := strings.Fields(rest)
	if len(f) != 2 || len(f[0]) != 4 || f[1] != "official" {
		return p.fail(n, line, `want "year YYYY official"`)
	}
	y, ok := atoi(f[0])
	if !ok {
		return p.fail(n, line, `want "year YYYY official"`)
	}
	if prev, dup := p.yearLine[y]; dup {
		return p.fail(n, line, fmt.Sprintf("year %d already declared on line %d", y, prev))
	}
	p.yearLine[y] = n
	p.cal.years[y] = true
	return nil
}

func (p *parser) entry(n int, line string, kind Kind, rest string) error {
	span, name := cutField(rest)
	if span == "" || name == "" {
		return p.fail(n, line, fmt.Sprintf("want %q", string(kind)+" YYYY-MM-DD[..YYYY-MM-DD] NAME"))
	}
	first, last, err := p.span(n, span)
	if err != nil {
		return err
	}
	if problem := checkName(name); problem != "" {
		return p.fail(n, name, problem)
	}
	for d := first; !d.After(last); d = d.AddDays(1) {
		if _, ok := p.yearLine[d.year]; !ok {
			return p.fail(n, d.String(), fmt.Sprintf("year %d has no \"year %d official\" line above", d.year, d.year))
		}
		if prev, dup := p.dayLine[d]; dup {
			if had := p.cal.days[d].Kind; had != kind {
				return p.fail(n, d.String(), fmt.Sprintf("both a %s (line %d) and a %s", had, prev, kind))
			}
			return p.fail(n, d.String(), fmt.Sprintf("listed twice (also line %d)", prev))
		}
		day := Day{Date: d, Kind: kind, Name: name}
		p.dayLine[d] = n
		p.cal.days[d] = day
		p.cal.byYear[d.year] = append(p.cal.byYear[d.year], day)
	}
	return nil
}

// span parses "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD".
func (p *parser) span(n int, s string) (first, last Date, err error) {
	a, b, isRange := strings.Cut(s, "..")
	first, ok := parseDate(a)
	if !ok {
		return first, last, p.fail(n, a, "not a valid date (want YYYY-MM-DD)")
	}
	if !isRange {
		return first, first, nil
	}
	if last, ok = parseDate(b); !ok {
		if b == "" {
			b = s // quote "2026-01-01.." whole rather than an empty string
		}
		return first, last, p.fail(n, b, "not a valid date (want YYYY-MM-DD)")
	}
	if last.Before(first) {
		return first, last, p.fail(n, s, "range ends before it starts")
	}
	if days := first.daysUntil(last) + 1; days > maxRange {
		return first, last, p.fail(n, s, fmt.Sprintf("range of %d days (want at most %d)", days, maxRange))
	}
	return first, last, nil
}

// checkName returns what is wrong with a day's name, or "". Names reach the
// API and the console, so they must be clean text.
func checkName(name string) string {
	if !utf8.ValidString(name) {
		return "name is not valid UTF-8"
	}
	if strings.ContainsFunc(name, unicode.IsControl) {
		return "name contains a control character"
	}
	return ""
}

// cutField returns the first white-space separated field of s and the rest,
// trimmed. The rest is kept whole because a name may contain spaces.
func cutField(s string) (field, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}
