package catalog_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"testing"

	"shuyu/internal/catalog"
	"shuyu/internal/demo"
)

// TestDetectOnDemoData runs the detector over the synthetic datasets: every
// identity number and credit code column must be found, and nothing else
// flagged as an identifier.
func TestDetectOnDemoData(t *testing.T) {
	t.Parallel()
	want := map[string]map[string]string{
		"enterprise_registry": {"uscc": "uscc", "legal_rep_id_number": "id_number", "legal_rep_name": "person_name"},
		"social_insurance":    {"id_number": "id_number", "employer_uscc": "uscc", "name": "person_name"},
		"tax_credit":          {"uscc": "uscc"},
	}
	for _, d := range demo.Datasets(0.005) {
		var buf bytes.Buffer
		if err := d.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		records, _ := csv.NewReader(&buf).ReadAll()
		samples := map[string][]string{}
		for _, rec := range records[1:] {
			for i, v := range rec {
				samples[records[0][i]] = append(samples[records[0][i]], v)
			}
		}
		got := map[string]string{}
		for _, s := range catalog.Detect(samples) {
			got[s.Field] = s.Detector
		}
		if fmt.Sprint(got) != fmt.Sprint(want[d.Name]) {
			t.Errorf("%s: detected %v, want %v", d.Name, got, want[d.Name])
		}
	}
}

func TestDetectKinds(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	randomDigits := func(n int) []string {
		out := make([]string, 500)
		for i := range out {
			b := make([]byte, n)
			for j := range b {
				b[j] = byte('0' + r.IntN(10))
			}
			b[0] = '1' + byte(r.IntN(9))
			out[i] = string(b)
		}
		return out
	}
	samples := map[string][]string{
		"random18":  randomDigits(18), // wrong check digits, mostly: no identity numbers
		"random11":  randomDigits(11),
		"mobile":    {"13812345678", "15900001111", "+86 18612345678", "17712345678", ""},
		"email":     {"zhang.san@example.cn", "li@weifang.gov.cn", "a@b.co"},
		"card":      {luhn("622202020011223344"), luhn("621700123456789012"), "4111111111111111"},
		"address":   {"山东省潍坊市奎文区胜利东街88号", "潍坊市潍城区向阳路12号院3号楼", "寿光市圣城街道兴安路99号"},
		"district":  {"奎文区", "潍城区", "寿光市"},
		"grade":     {"A", "B", "M", "C", "D"},
		"compound":  {"欧阳修文", "诸葛明", "司马光"},
		"not_names": {"有限公司", "潍坊市", "二〇二六"},
	}
	got := map[string]string{}
	for _, s := range catalog.Detect(samples) {
		got[s.Field] = s.Detector
	}
	want := map[string]string{"mobile": "mobile", "email": "email", "card": "bank_card", "address": "address", "compound": "person_name"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("detected %v, want %v", got, want)
	}
}

// luhn completes a card number with its Luhn check digit.
func luhn(body string) string {
	sum := 0
	for i := range len(body) {
		d := int(body[len(body)-1-i] - '0')
		if i%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return body + string(byte('0'+(10-sum%10)%10))
}
