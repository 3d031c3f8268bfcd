// Package plan owns implementation plans (实施方案, Art. 9–11): their content
// as structure (the mode of authorization, the data scope as catalog entries
// in the operation scope, the revenue-sharing principle, the security
// measures, the expected economic and social benefits, the industry
// authorities consulted), their lifecycle from draft through approval by the
// government's collective decision (三重一大) to filing with the provincial
// data department within 20 working days, and their versions: after
// approval a change of mode, scope or revenue sharing is a new version that
// is approved again, while the one before stays in force until then.
//
// It also holds what the governance packages (plan, tender, agreement)
// share: the collective-decision record, the data scope as stored rows,
// lists newest first within the caller's reach, text fields, the resource
// of a case brought before a unit, the actions a caller may take.
//
// It never decides who may do what (package access does), never reads data
// (only catalog entries' descriptions), and never changes a catalog entry.
package plan
