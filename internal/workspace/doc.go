// Package workspace is the analyst's workspace in the secure development
// environment (安全开发环境, SPEC §3; Art. 17, 18, 20, 26, 30, 31): running
// queries in a grant, their history, the results they leave in the domain
// and their release out of it (出域). The history, and the ledger, hold
// every query of the operator's staff in a grant, refused ones included:
// by the sandbox's rules and limits, and at the gate before it (the
// Art. 30 records, a grant that no longer holds, an oversize text).
//
// It owns the sandbox's persistent state (budget.go, audit.go, limits.go):
// the dp budget, checked and spent in one locked transaction so that
// concurrent queries in any number of processes never overspend; the
// differencing defence's unit sets per grant and dataset version; and the
// hourly limits, which survive restarts and hold across every process on
// one database.
//
// It never stores grants (package demand does; the workspace reads them
// through Grants), never decides what a query may do (package sandbox
// does), and never lets a result leave the domain without a release: a
// release row and its ledger entry with the SHA-256 of what left.
package workspace

import "shuyu/internal/sandbox"

var (
	_ sandbox.Budget     = (*Budget)(nil)
	_ sandbox.AuditStore = (*Audit)(nil)
	_ sandbox.Limiter    = (*Limiter)(nil)
)
