package demo

import (
	"bytes"
	"encoding/csv"
	"testing"

	"shuyu/internal/cnid"
)

func TestDatasetsAreDeterministicAndValid(t *testing.T) {
	t.Parallel()
	sets := Datasets(0.01)
	usccs := map[string]bool{}
	for _, d := range sets {
		var a, b bytes.Buffer
		if err := d.WriteCSV(&a); err != nil {
			t.Fatal(err)
		}
		d.WriteCSV(&b)
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s differs between two runs", d.Name)
		}
		records, err := csv.NewReader(&a).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(records[0]) != len(d.Fields) {
			t.Fatalf("%s: header %v", d.Name, records[0])
		}
		for _, rec := range records[1:] {
			switch d.Name {
			case "enterprise_registry":
				usccs[rec[0]] = true
				if !cnid.ValidUSCC(rec[0]) || !cnid.ValidID(rec[3]) {
					t.Fatalf("invalid identifiers in %v", rec)
				}
			case "social_insurance":
				if !cnid.ValidID(rec[0]) || !cnid.ValidUSCC(rec[5]) {
					t.Fatalf("invalid identifiers in %v", rec)
				}
				if !usccs[rec[5]] {
					t.Fatalf("employer %s is not in the registry", rec[5])
				}
				if (rec[2] == "男") != (int(rec[0][16]-'0')%2 == 1) {
					t.Fatalf("gender %s disagrees with %s", rec[2], rec[0])
				}
				if rec[3] != rec[0][6:10]+"-"+rec[0][10:12]+"-"+rec[0][12:14] {
					t.Fatalf("birth date %s disagrees with %s", rec[3], rec[0])
				}
			case "tax_credit":
				if !usccs[rec[0]] {
					t.Fatalf("credit grade for %s, which is not registered", rec[0])
				}
			}
		}
		if d.Name != "tax_credit" && len(records)-1 != d.Rows {
			t.Errorf("%s: %d rows, want %d", d.Name, len(records)-1, d.Rows)
		}
	}
}
