package identity

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/crypto/argon2"

	"shuyu/internal/errs"
)

// Argon2 holds argon2id cost parameters (RFC 9106).
type Argon2 struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultArgon2 follows RFC 9106's second recommended option (64 MiB, three
// passes), within a 2-core server's means.
var DefaultArgon2 = Argon2{MemoryKiB: 64 * 1024, Time: 3, Threads: 2}

// hasher hashes and checks passwords, at most a few at a time so that a burst
// of logins cannot exhaust memory.
type hasher struct {
	params Argon2
	slots  chan struct{}
}

func newHasher(p Argon2) *hasher {
	return &hasher{params: p, slots: make(chan struct{}, 4)}
}

func (h *hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return errs.E(errs.Unavailable, "the server is busy checking passwords; try again")
	}
}

// hash returns a PHC-format argon2id string.
func (h *hasher) hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer func() { <-h.slots }()
	salt := make([]byte, 16)
	rand.Read(salt)
	p := h.params
	sum := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(sum)), nil
}

// check reports whether password matches encoded, with the parameters the
// hash was made with.
func (h *hasher) check(ctx context.Context, encoded, password string) (bool, error) {
	var (
		version int
		p       Argon2
	)
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, fmt.Errorf("identity: stored password hash is not argon2id")
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, fmt.Errorf("identity: stored password hash has version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return false, fmt.Errorf("identity: stored password hash parameters %q: %w", parts[3], err)
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, fmt.Errorf("identity: stored password hash is damaged")
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer func() { <-h.slots }()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// common are passwords that pass the class rule yet appear near the top of
// every leaked-password list; refusing them costs nothing.
var common = map[string]bool{
	"password123!": true, "p@ssw0rd123": true, "qwerty12345!": true, "admin@12345": true,
	"abc123456789": true, "1qaz2wsx3edc": true, "1qaz@wsx3edc": true, "welcome123!": true,
	"passw0rd!23": true, "zaq12wsxcde3": true, "woaini1314!": true, "admin123456!": true,
}

// CheckPasswordStrength returns an invalid error saying what is wrong with
// password for user username, or nil. The rule: at least 10 characters, with
// three of lower case, upper case, digits and symbols unless it has 16 or
// more; not a well-known password; not containing the username.
func CheckPasswordStrength(username, password string) error {
	n := len([]rune(password))
	if n < MinPasswordLength {
		return errs.E(errs.Invalid, "password: too short (%d characters); use at least %d", n, MinPasswordLength)
	}
	if len(password) > 256 {
		return errs.E(errs.Invalid, "password: longer than 256 bytes")
	}
	var lower, upper, digit, other int
	for _, r := range password {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		case unicode.IsControl(r):
			return errs.E(errs.Invalid, "password: contains a control character")
		default:
			other = 1
		}
	}
	if n < 16 && lower+upper+digit+other < 3 {
		return errs.E(errs.Invalid, "password: mix at least three of lower case, upper case, digits and symbols, or use 16 characters or more")
	}
	if common[strings.ToLower(password)] {
		return errs.E(errs.Invalid, "password: this is a well-known password; choose another")
	}
	if username != "" && strings.Contains(strings.ToLower(password), strings.ToLower(username)) {
		return errs.E(errs.Invalid, "password: must not contain the username")
	}
	return nil
}

// RandomPassword returns a strong random password: 20 characters from an
// alphabet without look-alikes, with every class present.
func RandomPassword() string {
	const (
		lower  = "abcdefghijkmnpqrstuvwxyz"
		upper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		digits = "23456789"
		all    = lower + upper + digits + "-_"
	)
	for {
		b := make([]byte, 20)
		for i := range b {
			b[i] = all[randIntn(len(all))]
		}
		s := string(b)
		if strings.ContainsAny(s, lower) && strings.ContainsAny(s, upper) && strings.ContainsAny(s, digits) {
			return s
		}
	}
}

func randIntn(n int) int {
	var b [1]byte
	for {
		rand.Read(b[:])
		// Reject the top of the byte range so every value is equally likely.
		if int(b[0]) < 256-256%n {
			return int(b[0]) % n
		}
	}
}
