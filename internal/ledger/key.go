package ledger

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
)

// Key signs checkpoints and keys entry MACs. A Key parsed from a public key
// alone can check signatures but not MACs.
type Key struct {
	Suite  Suite
	ID     string // first 8 bytes of SHA-256 over the public key, in hex
	public crypto.PublicKey
	signer crypto.Signer
	macKey []byte
}

// GenerateKey makes a new key for suite s.
func GenerateKey(s Suite) (*Key, error) {
	var signer crypto.Signer
	switch s {
	case SuiteEd25519:
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		signer = priv
	case SuiteSM2:
		priv, err := sm2.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		signer = priv
	default:
		return nil, fmt.Errorf("ledger: unknown suite %q (want %s or %s)", s, SuiteEd25519, SuiteSM2)
	}
	return keyFromSigner(signer)
}

func keyFromSigner(signer crypto.Signer) (*Key, error) {
	k, err := keyFromPublic(signer.Public())
	if err != nil {
		return nil, err
	}
	der, err := smx509.MarshalPKCS8PrivateKey(signer)
	if err != nil {
		return nil, fmt.Errorf("ledger: encode private key: %w", err)
	}
	k.signer = signer
	mac := k.Suite.hasher().newHash()
	mac.Write([]byte("shuyu ledger entry MAC key\x00"))
	mac.Write(der)
	k.macKey = mac.Sum(nil)
	return k, nil
}

func keyFromPublic(pub crypto.PublicKey) (*Key, error) {
	k := &Key{public: pub}
	switch p := pub.(type) {
	case ed25519.PublicKey:
		k.Suite = SuiteEd25519
	case *ecdsa.PublicKey:
		if !sm2.IsSM2PublicKey(p) {
			return nil, errors.New("ledger: an ECDSA key that is not on the SM2 curve")
		}
		k.Suite = SuiteSM2
	default:
		return nil, fmt.Errorf("ledger: unsupported key type %T (want Ed25519 or SM2)", pub)
	}
	der, err := smx509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("ledger: encode public key: %w", err)
	}
	sum := sha256.Sum256(der)
	k.ID = hex.EncodeToString(sum[:8])
	return k, nil
}

// LoadOrCreateKey reads the private key at path, or creates one for suite s
// there (mode 0600) when the file does not exist. It reports whether it
// created the key. An existing key of another suite is an error.
func LoadOrCreateKey(path string, s Suite) (*Key, bool, error) {
	k, err := readKeyOfSuite(path, s)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, false, err
	}
	k, err = createKey(path, s)
	if errors.Is(err, fs.ErrExist) { // another process created it first: use theirs
		k, err = readKeyOfSuite(path, s)
		return k, false, err
	}
	return k, err == nil, err
}

func readKeyOfSuite(path string, s Suite) (*Key, error) {
	k, err := ReadKey(path)
	if err == nil && k.Suite != s {
		return nil, fmt.Errorf("ledger: %s holds a %s key but %s was configured; a ledger keeps its suite for life", path, k.Suite, s)
	}
	return k, err
}

// createKey writes a new key under a temporary name and links it into place,
// so that nobody ever reads a half-written key file (a crash mid-write would
// otherwise leave one that blocks every later start), and two processes
// starting at once agree on one key. It fails with fs.ErrExist when path exists.
func createKey(path string, s Suite) (*Key, error) {
	k, err := GenerateKey(s)
	if err != nil {
		return nil, err
	}
	der, err := smx509.MarshalPKCS8PrivateKey(k.signer)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ledger-key-*") // mode 0600
	if err != nil {
		return nil, fmt.Errorf("ledger: create key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := errors.Join(pem.Encode(tmp, &pem.Block{Type: "PRIVATE KEY", Bytes: der}), tmp.Sync(), tmp.Close()); err != nil {
		return nil, fmt.Errorf("ledger: write key file %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		return nil, fmt.Errorf("ledger: create key file: %w", err)
	}
	return k, nil
}

// ReadKey reads a PEM private key (PKCS #8, Ed25519 or SM2) from path.
func ReadKey(path string) (*Key, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ledger: read key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("ledger: %s holds no PEM \"PRIVATE KEY\" block", path)
	}
	priv, err := smx509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("ledger: %s: %w", path, err)
	}
	signer, ok := priv.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("ledger: %s: unsupported key type %T", path, priv)
	}
	return keyFromSigner(signer)
}

// ParsePublicKey reads a PEM public key (PKIX), for verifiers that hold only
// the public half.
func ParsePublicKey(data []byte) (*Key, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("ledger: no PEM \"PUBLIC KEY\" block")
	}
	pub, err := smx509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("ledger: public key: %w", err)
	}
	return keyFromPublic(pub)
}

// PublicPEM returns the public key in PEM, for publication.
func (k *Key) PublicPEM() []byte {
	der, err := smx509.MarshalPKIXPublicKey(k.public)
	if err != nil {
		panic(err) // keyFromPublic already encoded it once
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// Private reports whether k can sign and compute MACs.
func (k *Key) Private() bool { return k.signer != nil }

func (k *Key) sign(msg []byte) ([]byte, error) {
	if k.signer == nil {
		return nil, errors.New("ledger: a public key cannot sign")
	}
	if k.Suite == SuiteSM2 {
		return sm2.SignASN1(rand.Reader, k.signer.(*sm2.PrivateKey), msg, sm2.DefaultSM2SignerOpts)
	}
	return ed25519.Sign(k.signer.(ed25519.PrivateKey), msg), nil
}

func (k *Key) verify(msg, sig []byte) bool {
	if k.Suite == SuiteSM2 {
		return sm2.VerifyASN1WithSM2(k.public.(*ecdsa.PublicKey), nil, msg, sig)
	}
	return ed25519.Verify(k.public.(ed25519.PublicKey), msg, sig)
}
