package ingest

import (
	"bytes"
	"unicode/utf8"
)

// utf8Check is a writer that learns whether everything written to it is
// valid UTF-8, a sequence split between two writes included, and if not,
// on which line the first invalid byte is.
type utf8Check struct {
	carry [utf8.UTFMax]byte
	n     int   // bytes in carry: the start of a sequence the last write cut
	lines int64 // newlines before what is being checked
	bad   int64 // the line of the first invalid byte; 0 while valid
}

func (c *utf8Check) Write(p []byte) (int, error) {
	n := len(p) // all of p is always taken
	if c.bad != 0 {
		return n, nil
	}
	if c.n > 0 {
		// Complete the carried sequence from the start of p.
		k := copy(c.carry[c.n:], p)
		seq := c.carry[:c.n+k]
		r, size := utf8.DecodeRune(seq)
		if r == utf8.RuneError && size <= 1 {
			if !utf8.FullRune(seq) {
				c.n += k // still incomplete: p was tiny
				return n, nil
			}
			c.bad = c.lines + 1
			return n, nil
		}
		p = p[size-c.n:]
		c.n = 0
	}
	cut := len(p)
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax; i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				cut = i
			}
			break
		}
	}
	if !utf8.Valid(p[:cut]) {
		c.bad = c.lines + 1 + int64(bytes.Count(p[:firstInvalid(p[:cut])], []byte{'\n'}))
		return n, nil
	}
	c.lines += int64(bytes.Count(p[:cut], []byte{'\n'}))
	c.n = copy(c.carry[:], p[cut:])
	return n, nil
}

// firstInvalid returns the index of the first byte of p that does not
// start a valid UTF-8 sequence.
func firstInvalid(p []byte) int {
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(p)
}

// invalidLine is the line of the first byte that is not UTF-8, 0 when all
// that was written is valid UTF-8.
func (c *utf8Check) invalidLine() int64 {
	if c.bad == 0 && c.n > 0 { // the file ends inside a sequence
		return c.lines + 1
	}
	return c.bad
}
