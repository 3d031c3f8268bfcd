// Package cnid checks and generates Chinese identifiers by their standards:
// the resident identity number (居民身份证号, GB 11643-1999) and the unified
// social credit code (统一社会信用代码, GB 32100-2015). It is pure
// computation: no storage, no network.
package cnid

import (
	"strings"
	"time"
)

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idChecks = "10X98765432"

// IDCheckChar returns the GB 11643 check character for the first 17 digits.
func IDCheckChar(first17 string) byte {
	sum := 0
	for i := range 17 {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idChecks[sum%11]
}

// ValidID reports whether s is a well-formed 18-character resident identity
// number: 17 digits, a real birth date at positions 7–14, and the right check
// character (a digit or X).
func ValidID(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := range 17 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	if s[0] == '0' {
		return false
	}
	birth, err := time.Parse("20060102", s[6:14])
	if err != nil || birth.Year() < 1900 {
		return false
	}
	return strings.ToUpper(s[17:])[0] == IDCheckChar(s[:17])
}

// USCCAlphabet lists the 31 characters a credit code may use (no I, O, S, V, Z).
const USCCAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCCCheckChar returns the GB 32100 check character for the first 17
// characters, and false if one of them is outside the alphabet.
func USCCCheckChar(first17 string) (byte, bool) {
	sum := 0
	for i := range 17 {
		v := strings.IndexByte(USCCAlphabet, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * usccWeights[i]
	}
	return USCCAlphabet[(31-sum%31)%31], true
}

// ValidUSCC reports whether s is an 18-character unified social credit code
// with the right check character. Letters must be upper case.
func ValidUSCC(s string) bool {
	if len(s) != 18 {
		return false
	}
	c, ok := USCCCheckChar(s[:17])
	return ok && s[17] == c
}
