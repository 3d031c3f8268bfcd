package ledger

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"

	"github.com/emmansun/gmsm/sm3"
	"github.com/transparency-dev/merkle/compact"
)

// Suite names the cryptography of a ledger: the tree's hash function and the
// checkpoint signature. A ledger keeps the suite of its first entry for life.
type Suite string

const (
	// SuiteEd25519 hashes with SHA-256 and signs with Ed25519 (the default).
	SuiteEd25519 Suite = "ed25519-sha256"
	// SuiteSM2 hashes with SM3 and signs with SM2 (GB/T 32918, GB/T 32905):
	// Chinese commercial cryptography.
	SuiteSM2 Suite = "sm2-sm3"
)

// ParseSuite accepts the configuration names of the suites.
func ParseSuite(s string) (Suite, bool) {
	switch s {
	case "ed25519", string(SuiteEd25519):
		return SuiteEd25519, true
	case "sm2", "sm", string(SuiteSM2):
		return SuiteSM2, true
	}
	return "", false
}

// treeHasher is RFC 6962 tree hashing over a chosen hash function. It
// satisfies merkle.LogHasher.
type treeHasher struct{ newHash func() hash.Hash }

func (s Suite) hasher() treeHasher {
	if s == SuiteSM2 {
		return treeHasher{sm3.New}
	}
	return treeHasher{sha256.New}
}

func (t treeHasher) EmptyRoot() []byte { return t.newHash().Sum(nil) }

func (t treeHasher) HashLeaf(leaf []byte) []byte {
	h := t.newHash()
	h.Write([]byte{0})
	h.Write(leaf)
	return h.Sum(nil)
}

func (t treeHasher) HashChildren(l, r []byte) []byte {
	h := t.newHash()
	h.Write([]byte{1})
	h.Write(l)
	h.Write(r)
	return h.Sum(nil)
}

func (t treeHasher) Size() int { return 32 }

func (t treeHasher) factory() *compact.RangeFactory {
	return &compact.RangeFactory{Hash: t.HashChildren}
}

// mac binds an entry's leaf hash to the ledger key, so that whoever cannot
// read the key cannot forge a consistent entry even after recomputing hashes.
func (t treeHasher) mac(key, leafHash []byte) []byte {
	m := hmac.New(t.newHash, key)
	m.Write(leafHash)
	return m.Sum(nil)
}
