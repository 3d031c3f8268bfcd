package web

import (
	"fmt"
	"strconv"
)

// sandboxFuncs are the template helpers of the secure development
// environment's pages: the names of demand and release states, rules,
// roles, masks and query outcomes in the reader's language, and cells of
// results.
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
	}
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
