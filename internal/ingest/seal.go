package ingest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/emmansun/gmsm/sm4"
)

// Sealer encrypts the secrets a source needs (its DSN, which holds a
// password) for keeping in the database, with a key kept outside it: a copy
// of the database alone does not open a provider's database. AES-256-GCM by
// default, SM4-GCM where Chinese commercial cryptography is chosen; a sealed
// value names its cipher, so both stay readable after a switch.
type Sealer struct {
	seal  byte
	aeads map[byte]cipher.AEAD
}

// Cipher identifiers, the first byte of a sealed value.
const (
	sealAES byte = 1
	sealSM4 byte = 2
)

// NewSealer derives the ciphers from a 32-byte key; sm selects SM4-GCM for
// new values.
func NewSealer(key []byte, sm bool) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("ingest: the source key must be 32 bytes, not %d", len(key))
	}
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	ab, err := aes.NewCipher(derive("shuyu source secrets aes-256-gcm"))
	if err != nil {
		return nil, err
	}
	sb, err := sm4.NewCipher(derive("shuyu source secrets sm4-gcm")[:16])
	if err != nil {
		return nil, err
	}
	s := &Sealer{seal: sealAES, aeads: map[byte]cipher.AEAD{}}
	if s.aeads[sealAES], err = cipher.NewGCM(ab); err != nil {
		return nil, err
	}
	if s.aeads[sealSM4], err = cipher.NewGCM(sb); err != nil {
		return nil, err
	}
	if sm {
		s.seal = sealSM4
	}
	return s, nil
}

// Seal encrypts secret, bound to context (the ID of what it belongs to), so
// that a sealed value copied to another row does not open there.
func (s *Sealer) Seal(secret, context string) []byte {
	a := s.aeads[s.seal]
	out := make([]byte, 1+a.NonceSize(), 1+a.NonceSize()+len(secret)+a.Overhead())
	out[0] = s.seal
	rand.Read(out[1:])
	return a.Seal(out, out[1:], []byte(secret), []byte(context))
}

// Open decrypts what Seal made for the same context.
func (s *Sealer) Open(sealed []byte, context string) (string, error) {
	if len(sealed) == 0 {
		return "", errors.New("ingest: empty sealed value")
	}
	a, ok := s.aeads[sealed[0]]
	if !ok || len(sealed) < 1+a.NonceSize() {
		return "", errors.New("ingest: sealed value of an unknown kind")
	}
	plain, err := a.Open(nil, sealed[1:1+a.NonceSize()], sealed[1+a.NonceSize():], []byte(context))
	if err != nil {
		return "", errors.New("ingest: a sealed value does not open with this source key (was the key file replaced?)")
	}
	return string(plain), nil
}

// LoadOrCreateKey reads the source key file (64 hex digits), creating it
// for the owner alone when it does not exist; created says so, for a
// warning to back it up. The file appears whole or not at all, so processes
// starting together agree on one key.
func LoadOrCreateKey(path string) (key []byte, created bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKey(path)
	}
	if err != nil {
		return nil, false, fmt.Errorf("source key: %w", err)
	}
	key, err = hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) != 32 {
		return nil, false, fmt.Errorf("source key %s: want 64 hexadecimal digits", path)
	}
	return key, false, nil
}

func createKey(path string) ([]byte, bool, error) {
	key := make([]byte, 32)
	rand.Read(key)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("source key: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".source-key-*") // 0600
	if err != nil {
		return nil, false, fmt.Errorf("source key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = fmt.Fprintln(tmp, hex.EncodeToString(key))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, false, fmt.Errorf("source key %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return LoadOrCreateKey(path) // another process was first
	} else if err != nil {
		return nil, false, fmt.Errorf("source key: %w", err)
	}
	return key, true, nil
}
