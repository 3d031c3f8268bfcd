// Package ledger is shuyu's tamper-evident log of every security-relevant act
// (行为留痕): logins, grants, queries, releases, calls, transitions, deletions
// and configuration changes (SPEC §4).
//
// Entries form an RFC 6962 Merkle tree. Each append runs inside the caller's
// transaction, so an act and its entry commit together, and re-signs the tree
// head; signed checkpoints are kept at intervals. Each entry also carries a
// MAC under a key derived from the signing key, so an offline verifier holding
// that key names the exact entry that was edited, deleted, inserted or moved,
// even by someone who recomputed the public hashes. Pruning keeps the compact
// range of what it removed, so the rest still verifies against old roots.
//
// It owns the ledger tables and the signing key file. It never decides what
// is security-relevant (callers do) and never deletes entries younger than
// the retention period.
package ledger
