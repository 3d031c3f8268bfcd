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
// range of what it removed, so the rest still verifies against old roots, and
// records itself in a signed entry, so entries deleted from the front without
// a prune are named too.
//
// What the database alone cannot show is a rollback: a copy of an older
// database put back, or the tail cut off at a kept checkpoint whose signed
// values are copied into the head. Each such state was genuine once.
// Checkpoints kept outside the database (published, or held by witnesses,
// with consistency proofs between them) are what reveal it.
//
// It owns the ledger tables and the signing key file. It never decides what
// is security-relevant (callers do) and never deletes entries younger than
// the retention period.
package ledger
