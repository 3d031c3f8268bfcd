package ingest

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

// FuzzUTF8Check writes data in pieces of every size from 1 to 7 bytes, so
// sequences split between writes, and compares the verdict and the line of
// the first invalid byte with the standard library's on the whole.
func FuzzUTF8Check(f *testing.F) {
	for _, s := range []string{"", "a,b\n张三,1\n", "李𠀀\n刘䶮", "\xe5\xbc", "ok\n\xff\n", "a\n\xe5\xbc\xa0\xe4\n", "\xf0\x9f\x98"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want := int64(0)
		if !utf8.Valid(data) {
			want = 1 + int64(bytes.Count(data[:firstInvalid(data)], []byte{'\n'}))
		}
		for piece := 1; piece <= 7; piece++ {
			var c utf8Check
			for i := 0; i < len(data); i += piece {
				c.Write(data[i:min(i+piece, len(data))])
			}
			if got := c.invalidLine(); got != want {
				t.Fatalf("%q in pieces of %d: line %d, want %d", data, piece, got, want)
			}
		}
	})
}
