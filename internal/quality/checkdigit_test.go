package quality

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"shuyu/internal/cnid"
	"shuyu/internal/domain"
)

// idSamples are resident ID numbers: valid ones, each with a wrong check
// character, random digits, and the edges of the birth date.
func idSamples(r *rand.Rand) []string {
	var out []string
	for range 3000 {
		body := fmt.Sprintf("%d%05d%04d%02d%02d%03d", 1+r.IntN(9), r.IntN(100000), 1890+r.IntN(140), 1+r.IntN(13), r.IntN(32), r.IntN(1000))
		check := cnid.IDCheckChar(body)
		wrong := idCheckChars[(strings.IndexByte(idCheckChars, check)+1+r.IntN(10))%11]
		out = append(out, body+string(check), body+string(wrong), strings.ToLower(body+string(check)))
		digits := make([]byte, 18)
		for i := range digits {
			digits[i] = byte('0' + r.IntN(10))
		}
		out = append(out, string(digits))
	}
	for _, body := range []string{"37070219000229123", "37070220000229123", "37070218991231123", "37070219801301123",
		"37070219800100123", "07070219800101123", "37070299991231123"} {
		out = append(out, body+string(cnid.IDCheckChar(body)))
	}
	return append(out, "", " ", "37070219800101123", "3707021980010112345", "3707021980010112３4", "37070219800101 12X", "x")
}

// usccSamples are credit codes: valid ones, with a wrong check character,
// in lower case, with a letter outside the alphabet, and random strings.
func usccSamples(r *rand.Rand) []string {
	var out []string
	const wider = usccAlphabet + "IOSVZ"
	for range 3000 {
		b := make([]byte, 17)
		for i := range b {
			b[i] = usccAlphabet[r.IntN(len(usccAlphabet))]
		}
		check, _ := cnid.USCCCheckChar(string(b))
		wrong := usccAlphabet[(strings.IndexByte(usccAlphabet, check)+1+r.IntN(30))%31]
		out = append(out, string(b)+string(check), string(b)+string(wrong), strings.ToLower(string(b)+string(check)))
		odd := []byte(string(b) + string(check))
		odd[r.IntN(18)] = "IOSVZ"[r.IntN(5)]
		out = append(out, string(odd))
		random := make([]byte, 18)
		for i := range random {
			random[i] = wider[r.IntN(len(wider))]
		}
		out = append(out, string(random))
	}
	return append(out, "", "91370700MA3C5R8Q0", "91370700MA3C5R8Q0XX", "９1370700MA3C5R8Q0X")
}

// TestCheckDigitsAgree runs the SQL check-digit validators in DuckDB over
// thousands of generated values and compares each answer with package
// cnid's Go functions, the reference.
func TestCheckDigitsAgree(t *testing.T) {
	t.Parallel()
	duck, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer duck.Close()
	r := rand.New(rand.NewPCG(11643, 32100))
	for _, tc := range []struct {
		name   string
		values []string
		sql    func(string) string
		gold   func(string) bool
	}{
		{"GB 11643 resident ID", idSamples(r), idNumberSQL, cnid.ValidID},
		{"GB 32100 credit code", usccSamples(r), usccSQL, cnid.ValidUSCC},
	} {
		quoted := make([]string, len(tc.values))
		for i, v := range tc.values {
			quoted[i] = "(" + domain.Quote(v) + ")"
		}
		rows, err := duck.Query(`SELECT v, ` + tc.sql("v") + ` FROM (VALUES ` + strings.Join(quoted, ", ") + `) AS t(v)`)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		n, valid, wrong := 0, 0, 0
		for rows.Next() {
			var v string
			var ok bool
			if err := rows.Scan(&v, &ok); err != nil {
				t.Fatal(err)
			}
			n++
			if ok {
				valid++
			}
			if ok != tc.gold(v) && wrong < 10 {
				wrong++
				t.Errorf("%s %q: SQL says %v, Go says %v", tc.name, v, ok, !ok)
			}
		}
		rows.Close()
		if n != len(tc.values) || valid < n/5 || valid > n/2 {
			t.Errorf("%s: %d values, %d valid: the samples do not exercise both answers", tc.name, n, valid)
		}
	}
}
