// Package sandbox is the secure development environment's data plane (安全
// 开发环境, SPEC §3): an analyst's SQL, inside a grant, is parsed, analyzed,
// rewritten, run on a locked engine and checked against the grant's rule,
// and only an answer that passed leaves.
//
// The pipeline, in order:
//
//   - parse (parse.go): DuckDB's own parser, on an engine with no data, no
//     file or network access and a locked configuration, turns the text
//     into its syntax tree; exactly one SELECT (WITH allowed) is accepted.
//   - analyze (analyze.go, select.go, expr.go, resolve.go, functions.go):
//     every relation must be a dataset of the grant or a WITH query of the
//     statement; every column reference is bound and checked against its
//     role (output, dimension, measure, filter, join, privacy_unit, none)
//     in the clause where it stands; functions come from an allow-list;
//     unknown constructs are refused, not ignored.
//   - rewrite (rewrite.go, dp.go): relations onto the grant's views (which
//     have only granted columns, masked, row-filtered), column references
//     qualified as bound, and each aggregation of dataset rows split into a
//     grouped statement that counts the distinct privacy units of every
//     group and an outer one that reads only groups that pass the rule.
//     Counting distinct units is what costs: where each row is its own
//     unit a count of rows is one, and where few units have several rows
//     a group's units are bounded by its rows and its rows of such units,
//     counted over a small file of those rows alone (prepare.go); only a
//     group whose bounds straddle k has its units counted exactly.
//   - execute (session.go): only statements rendered from the analyzed
//     tree run, on the grant's own in-memory engine that can read the
//     grant's version files and nothing else, with memory, thread, time
//     and row limits; runtime errors reach the analyst as one generic
//     message. In server mode (Config.Postgres, engine_postgres*.go) the
//     trees are rendered in PostgreSQL's dialect instead, refusing what
//     would run differently there, and run read-only under a role per
//     grant that can read only the grant's views.
//   - check (sandbox.go, audit.go): groups under k units are suppressed and
//     counted; the differencing defence refuses answers within k units of
//     earlier ones; dp answers carry discrete Laplace noise (noise.go) and
//     spend a budget that never refreshes (budget.go).
//
// It owns the rules of analysis, the prepared copies of versions (with
// privacy-unit ordinals, and the rows of units with several rows apart)
// under DataDir/domain/sandbox, and the results
// area DataDir/domain/workspaces/<org>/results of review grants.
//
// It never stores grants, budgets or audit history itself (package
// workspace implements Budget, AuditStore and Limiter on the control-plane
// database), never writes the ledger
// (Answer.Record says what the caller may record: hashes and counts), never
// runs analyst text or lets an engine error carry a data value out, and
// never decides who may query (the caller checks the grant, its agreement
// and the analyst's training before calling).
package sandbox
