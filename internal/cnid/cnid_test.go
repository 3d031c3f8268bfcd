package cnid

import "testing"

func TestValidID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"11010519491231002X", true}, // the standard's own example
		{"11010519491231002x", true},
		{"110105194912310021", false}, // wrong check character
		{"11010519491331002X", false}, // month 13
		{"01010519491231002X", false}, // no division code starts with 0
		{"1101051949123100", false},
		{"11010519491231002Y", false},
		{"", false},
	} {
		if got := ValidID(tc.id); got != tc.want {
			t.Errorf("ValidID(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

func TestValidUSCC(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code string
		want bool
	}{
		{"91350100M000100Y43", true}, // the standard's own example
		{"91350100M000100Y44", false},
		{"91350100M000100I43", false}, // I is not in the alphabet
		{"91350100m000100Y43", false},
		{"91350100M000100Y4", false},
	} {
		if got := ValidUSCC(tc.code); got != tc.want {
			t.Errorf("ValidUSCC(%q) = %v, want %v", tc.code, got, tc.want)
		}
	}
}

func FuzzValid(f *testing.F) {
	f.Add("11010519491231002X")
	f.Add("91350100M000100Y43")
	f.Fuzz(func(t *testing.T, s string) {
		if ValidID(s) {
			if len(s) != 18 || IDCheckChar(s[:17]) != upper(s[17]) {
				t.Fatalf("accepted %q", s)
			}
		}
		if ValidUSCC(s) {
			c, ok := USCCCheckChar(s[:17])
			if !ok || c != s[17] {
				t.Fatalf("accepted %q", s)
			}
		}
	})
}

func upper(b byte) byte {
	if b == 'x' {
		return 'X'
	}
	return b
}
