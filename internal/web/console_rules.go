package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
	"shuyu/internal/quality"
)

// The quality rules of an entry: everyone who reaches the entry reads them;
// its provider's commissioners edit them in rows (r0, r1, …) as the entry
// form does fields, or go back to the catalog-derived defaults.

// ruleRow is one rule as typed. Values holds enumeration values one per
// line; With the other fields of a unique key, separated by commas.
type ruleRow struct {
	Field, Kind, Min, Max, Pattern, Format, Values, With string
	Remove                                               bool
	Err                                                  string
}

type rulesPage struct {
	Entry   catalog.Dataset
	Ref     string
	Rules   quality.RuleSet
	CanEdit bool
	Rows    []ruleRow
	Kinds   []quality.Kind
}

func ruleRowOf(r quality.Rule) ruleRow {
	return ruleRow{Field: r.Field, Kind: string(r.Kind), Min: r.Min, Max: r.Max, Pattern: r.Pattern, Format: r.Format,
		Values: strings.Join(r.Values, "\n"), With: strings.Join(r.With, ", ")}
}

func ruleRowsFrom(r *http.Request) []ruleRow {
	n, _ := strconv.Atoi(formValue(r, "rows"))
	var rows []ruleRow
	for i := range min(max(n, 0), maxRows) {
		k := "r" + strconv.Itoa(i) + "."
		rows = append(rows, ruleRow{Field: formValue(r, k+"field"), Kind: formValue(r, k+"kind"), Min: formValue(r, k+"min"),
			Max: formValue(r, k+"max"), Pattern: formValue(r, k+"pattern"), Format: formValue(r, k+"format"),
			Values: formValue(r, k+"values"), With: formValue(r, k+"with"), Remove: r.PostFormValue(k+"remove") != ""})
	}
	return rows
}

// rule reads a row; the quality service checks it and drops parameters
// its kind does not take.
func (row ruleRow) rule() quality.Rule {
	r := quality.Rule{Field: row.Field, Kind: quality.Kind(row.Kind), Min: row.Min, Max: row.Max, Pattern: row.Pattern, Format: row.Format}
	for v := range strings.Lines(row.Values) {
		if v = strings.TrimSpace(v); v != "" {
			r.Values = append(r.Values, v)
		}
	}
	for w := range strings.SplitSeq(row.With, ",") {
		if w = strings.TrimSpace(w); w != "" {
			r.With = append(r.With, w)
		}
	}
	return r
}

func tidyRules(rows []ruleRow, extra int) []ruleRow {
	var out []ruleRow
	for _, r := range rows {
		if !r.Remove {
			out = append(out, r)
		}
	}
	for range extra {
		out = append(out, ruleRow{})
	}
	return out
}

func (c *console) loadRulesPage(r *http.Request, p access.Principal) (rulesPage, error) {
	d, o, err := c.entryProvider(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return rulesPage{}, err
	}
	rs, err := c.Quality.Rules(r.Context(), p, d.ID)
	if err != nil {
		return rulesPage{}, err
	}
	page := rulesPage{Entry: d, Ref: entryRef(d), Rules: rs, Kinds: quality.Kinds,
		CanEdit: access.Check(p, access.CatalogWrite, o.Resource()) == nil}
	for _, rule := range rs.Rules {
		page.Rows = append(page.Rows, ruleRowOf(rule))
	}
	page.Rows = tidyRules(page.Rows, 1)
	return page, nil
}

func (c *console) rulesShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.rules"
	page, err := c.loadRulesPage(r, *v.User)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "rules", page)
}

var listRule = regexp.MustCompile(`^rules\[([0-9]+)\]$`)

func (c *console) rulesSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.rules"
	page, err := c.loadRulesPage(r, *v.User)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	rows := ruleRowsFrom(r)
	if formValue(r, "revision") != strconv.Itoa(page.Rules.Revision) && r.PostFormValue("op") != "more" {
		// The rules were set meanwhile: show what was typed, to be saved again.
		page.Rows = rows
		c.fail(w, r, v, errStale, "rules", page)
		return
	}
	if r.PostFormValue("op") == "more" {
		page.Rows = tidyRules(rows, extraRows)
		c.render(w, r, v, http.StatusOK, "rules", page)
		return
	}
	rules := []quality.Rule{}
	var kept []int
	for i, row := range rows {
		if row.Remove || row.Field == "" && row.Kind == "" {
			continue
		}
		rules = append(rules, row.rule())
		kept = append(kept, i)
	}
	if _, err := c.Quality.SetRules(r.Context(), *v.User, page.Entry.ID, quality.RulesInput{Rules: rules}); err != nil {
		v.Err = c.errorFrom(r, v.Lang, err)
		if m := listRule.FindStringSubmatch(v.Err.Field); m != nil {
			if i, _ := strconv.Atoi(m[1]); i < len(kept) {
				v.Err.Message = rowMessage(translate(v.Lang, "rules.row", kept[i]+1), v.Err.Message, m[0])
				rows[kept[i]].Err = v.Err.Message
				v.Err.Field = fmt.Sprintf("r%d", kept[i])
			}
		}
		page.Rows = rows
		c.render(w, r, v, v.Err.Status, "rules", page)
		return
	}
	c.seeOther(w, r, "/console/catalog/"+page.Ref+"/rules", "flash.rules_saved", page.Entry.Name)
}

// rulesDefaults goes back to the rules derived from the catalog.
func (c *console) rulesDefaults(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.rules"
	if _, err := c.Quality.SetRules(r.Context(), *v.User, r.PathValue("id"), quality.RulesInput{Defaults: true}); err != nil {
		page, perr := c.loadRulesPage(r, *v.User)
		if perr != nil {
			c.fail(w, r, v, err, "error", nil)
			return
		}
		c.fail(w, r, v, err, "rules", page)
		return
	}
	d, err := c.Catalog.Get(r.Context(), *v.User, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.seeOther(w, r, "/console/catalog/"+entryRef(d)+"/rules", "flash.rules_defaults", d.Name)
}

// ruleParams describes a rule's parameters for people: [1000, 50000],
// /pattern/, 男 | 女, with year.
func ruleParams(r quality.Rule) string {
	switch r.Kind {
	case quality.Range:
		lo, hi := r.Min, r.Max
		if lo == "" {
			lo = "−∞"
		}
		if hi == "" {
			hi = "+∞"
		}
		return "[" + lo + ", " + hi + "]"
	case quality.Regex:
		return r.Pattern
	case quality.Enum:
		return strings.Join(r.Values, " | ")
	case quality.Unique:
		if len(r.With) > 0 {
			return "+ " + strings.Join(r.With, ", ")
		}
	case quality.DateFormat:
		return r.Format
	}
	return ""
}
