package web

import (
	"fmt"
	"strconv"
	"strings"

	"shuyu/internal/sandbox"
)

// sandboxFuncs are the template helpers of the secure development
// environment's pages: the names of demand and release states, rules,
// roles, masks and query outcomes in the reader's language, cells of
// results and conditions of row filters.
func sandboxFuncs(lang string) map[string]any {
	tr := func(prefix string) func(any) string { return codeNames(lang, prefix) }
	return map[string]any{
		"dstate":    tr("demand.state."),
		"dstep":     tr("demand.step."),
		"ddecision": tr("demand.decision."),
		"dparty":    tr("demand.party."),
		"srule":     tr("sandbox.rule."),
		"srole":     tr("sandbox.role."),
		"smask":     tr("sandbox.mask."),
		"rstate":    tr("release.state."),
		"qstatus":   tr("query.status."),
		"eps":       func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) },
		"cell":      cell,
		"cond":      condition,
	}
}

// condition writes a row filter's condition for people, in a notation
// of no language: district = 奎文区, status ∈ {存续, 在业},
// 1970-01-01 ≤ birth_date ≤ 1989-12-31.
func condition(c sandbox.Condition) string {
	vals := strings.Join(c.Values, ", ")
	switch c.Op {
	case "in":
		return c.Column + " ∈ {" + vals + "}"
	case "not in":
		return c.Column + " ∉ {" + vals + "}"
	case "between":
		if len(c.Values) == 2 {
			return c.Values[0] + " ≤ " + c.Column + " ≤ " + c.Values[1]
		}
	}
	return c.Column + " " + c.Op + " " + vals
}

// cell writes one value of a result: nothing for NULL.
func cell(v any) string {
	if v == nil {
		return ""
	}
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
