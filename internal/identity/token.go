package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Token prefixes tell a session token from an API key at a glance (and let
// secret scanners recognise leaked ones).
const (
	sessionPrefix = "sy_s_"
	apiKeyPrefix  = "sy_k_"
)

// newToken returns a random token with prefix and the hash to store.
func newToken(prefix string) (token string, hash []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// IsAPIKey reports whether a presented credential has the shape of an API key.
func IsAPIKey(token string) bool { return strings.HasPrefix(token, apiKeyPrefix) }
