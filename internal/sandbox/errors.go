package sandbox

import (
	"errors"

	"shuyu/internal/errs"
)

// refuse is a refusal found by static analysis, before anything ran: its
// message names the rule the query broke and how to fix it, and never a
// data value (only names of columns, functions and clauses, which the
// grant's schema shows anyway). Details carry the rule for the console.
func refuse(rule, format string, args ...any) *errs.Error {
	e := errs.E(errs.Invalid, format, args...)
	e.Details = map[string]any{"rule": rule}
	return e
}

// RuleOf returns the rule a refusal names, or "".
func RuleOf(err error) string {
	if e, ok := errors.AsType[*errs.Error](err); ok {
		if d, ok := e.Details.(map[string]any); ok {
			r, _ := d["rule"].(string)
			return r
		}
	}
	return ""
}

// runtimeError is what the analyst learns of an engine error while a query
// ran: whether a division by zero, a failed cast or an overflow happened can
// depend on a private value, so every such error reads the same. The cause
// is kept for the log.
func runtimeError(cause error) *errs.Error {
	e := errs.E(errs.Invalid, "the query failed while running; errors that arise from the data (division by zero, failed casts, overflow) are not described, since they could reveal it: check types, guard divisions with NULLIF, use TRY_CAST")
	e.Details = map[string]any{"rule": "runtime"}
	e.Err = cause
	return e
}
