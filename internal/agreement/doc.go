// Package agreement owns authorized-operation agreements (授权运营协议,
// Art. 12–15) and the exit of operators (Art. 24, 27).
//
// An agreement is drafted on an awarded selection (package tender) with
// the clauses of Art. 14 as structure: a data scope within the approved
// plan's (never more), a term of at most five years, products with their
// compliance review, and every other clause. The finance department gives
// its opinion on the revenue sharing (Art. 15); the unit signs with its
// collective decision once publicity ended without objection. The clock
// brings it into force and expires it; the unit may terminate or revoke it
// with a reason of Art. 27. Renewal drafts a new agreement through the same
// checks. The lifecycle is an fsm table.
//
// Exit is one step: in one transaction the agreement leaves active, every
// registered hook stops what depends on it (API keys, grants, product
// keys) and the deletion record's intent is written with the ledger entry;
// then the operator's workspace in the domain is deleted and the record
// completed with every file's path, size and SHA-256. The step is
// idempotent and resumes after a crash. RequireActiveIn and ActiveUntil are
// what the sandbox and the product gateway ask on every query and call.
//
// It never deletes ledger entries, never decides who may do what (package
// access does), and never judges rectification itself: it asks the
// function app wires (Options.RectificationFailed).
package agreement
