// Package evidence receives and keeps the files sent as evidence: an
// application's materials (Art. 13), the answers to an annual evaluation
// and rectification reports (Art. 24). It checks each upload's name, type
// (by extension, and by content so that a renamed program is refused) and
// size while streaming it to a temporary file and hashing it, and keeps it
// under a key the owning package chooses: a file's own ID when replacing
// a record must remove its files, or its SHA-256 when the same bytes sent
// twice should be stored once.
//
// It owns no table: the packages record the files they keep, with the
// hash this package computed.
package evidence
