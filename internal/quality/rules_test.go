package quality_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"shuyu/internal/catalog"
	"shuyu/internal/cnid"
	"shuyu/internal/errs"
	"shuyu/internal/quality"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// defectRows is the size of the generated dataset.
const defectRows = 1000

// defective writes rows that pass every rule of defectRules except where a
// defect is planted, at the row numbers (1 = first data row) the expected
// results below name.
func defective() (string, map[string]string) {
	planted := map[string]string{}
	var b strings.Builder
	b.WriteString("id,code,name,year,gender,age,amount,day,phone,date_text,plate\n")
	for i := 1; i <= defectRows; i++ {
		body := fmt.Sprintf("370702%s%03d", fmt.Sprint(19800101+(i%28)+100*((i/28)%12)+10000*(i/336)), i%1000)
		id := body + string(cnid.IDCheckChar(body))
		codeBody := fmt.Sprintf("91370700%09d", i)
		check, _ := cnid.USCCCheckChar(codeBody)
		code := codeBody + string(check)
		row := map[string]string{"id": id, "code": code, "name": fmt.Sprintf("N%d", (i-1)/2), "year": fmt.Sprint(2020 + (i-1)%2),
			"gender": []string{"男", "女"}[i%2], "age": fmt.Sprint(i % 100), "amount": "12.50", "day": "2024-05-06",
			"phone": fmt.Sprintf("139%08d", i), "date_text": "20240506", "plate": fmt.Sprintf("AB%04d", i)}
		switch i {
		case 3:
			row["id"] = ""
		case 7:
			row["id"] = "   "
		case 20:
			row["id"] = first18() // row 1's number
		case 30:
			row["id"] = body + string("10X98765432"[(strings.IndexByte("10X98765432", cnid.IDCheckChar(body))+1)%11])
			planted["id30"] = row["id"]
		case 31:
			row["id"] = "37070219800230123" + string(cnid.IDCheckChar("37070219800230123"))
		case 5:
			row["code"] = "91370700a" + code[9:] // lower case
		case 6:
			row["code"] = "91370700I" + code[9:]
		case 8:
			row["code"] = codeBody + "0"
			if check == '0' {
				row["code"] = codeBody + "1"
			}
		case 9:
			row["code"] = ""
		case 11:
			row["gender"] = "未知"
		case 12:
			row["gender"] = "M"
		case 13:
			row["age"] = "-1"
		case 14:
			row["age"] = "121"
		case 15:
			row["age"] = "120"
		case 16:
			row["age"] = ""
		case 17:
			row["amount"] = "1000.0001"
		case 18:
			row["amount"] = "1000"
		case 19:
			row["day"] = "2019-12-31"
		case 21:
			row["day"] = "2027-01-01"
		case 22:
			row["phone"] = "1381234567"
		case 23:
			row["phone"] = "+86 13812345678"
		case 24:
			row["phone"] = "12812345678"
		case 25:
			row["date_text"] = "2026-01-05"
		case 26:
			row["date_text"] = "20260230"
		case 27:
			row["date_text"] = "2026015"
		case 28:
			row["plate"] = "ab1234"
		case 29:
			row["plate"] = "AB12345"
		case 50:
			row["year"] = "2020" // row 49 is N24 in 2020 too
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", row["id"], row["code"], row["name"], row["year"], row["gender"],
			row["age"], row["amount"], row["day"], row["phone"], row["date_text"], row["plate"])
	}
	return b.String(), planted
}

// first18 is the identity number of row 1.
func first18() string {
	body := fmt.Sprintf("370702%d%03d", 19800101+1, 1)
	return body + string(cnid.IDCheckChar(body))
}

var defectFields = []catalog.Field{
	field("id", catalog.Text, "personal.identity"), field("code", catalog.Text, "enterprise.identity"),
	field("name", catalog.Text, "personal.name"), field("year", catalog.Integer, "public.statistics"),
	field("gender", catalog.Text, "personal.basic"), field("age", catalog.Integer, "personal.basic"),
	field("amount", catalog.Decimal, "personal.social"), field("day", catalog.Date, "personal.social"),
	field("phone", catalog.Text, "personal.contact"), field("date_text", catalog.Text, "personal.social"),
	field("plate", catalog.Text, "other"),
}

var defectRules = []quality.Rule{
	{Field: "id", Kind: quality.NotNull}, {Field: "id", Kind: quality.Unique}, {Field: "id", Kind: quality.IDNumber},
	{Field: "code", Kind: quality.USCC}, {Field: "name", Kind: quality.Unique, With: []string{"year"}},
	{Field: "gender", Kind: quality.Enum, Values: []string{"男", "女"}}, {Field: "age", Kind: quality.Range, Min: "0", Max: "120"},
	{Field: "amount", Kind: quality.Range, Min: "0", Max: "1000"}, {Field: "day", Kind: quality.Range, Min: "2020-01-01", Max: "2026-12-31"},
	{Field: "phone", Kind: quality.Mobile}, {Field: "date_text", Kind: quality.DateFormat, Format: "%Y%m%d"},
	{Field: "plate", Kind: quality.Regex, Pattern: `[A-Z]{2}[0-9]{4}`},
}

// TestRulesCountPlantedDefects checks each rule kind on generated data
// with planted defects: exact counts of rows checked and failed, and the
// failing row numbers.
func TestRulesCountPlantedDefects(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		d := e.entry(t, "provider-hrss", "defects", catalog.Monthly, "id", defectFields...)
		csv, planted := defective()
		v := e.store(t, d, csv)
		if _, err := e.q.SetRules(ctx, e.As(t, "provider-hrss"), d.Name, quality.RulesInput{Rules: defectRules}); err != nil {
			t.Fatal(err)
		}
		a, err := e.q.Assess(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		n := int64(defectRows)
		want := map[string]struct {
			checked, failed int64
			rows            []int64
		}{
			"id:not_null":           {n, 2, []int64{3, 7}},
			"id:unique":             {n - 2, 1, []int64{20}},
			"id:id_number":          {n - 2, 2, []int64{30, 31}},
			"code:uscc":             {n - 1, 3, []int64{5, 6, 8}},
			"name:unique":           {n, 1, []int64{50}},
			"gender:enum":           {n, 2, []int64{11, 12}},
			"age:range":             {n - 1, 2, []int64{13, 14}},
			"amount:range":          {n, 1, []int64{17}},
			"day:range":             {n, 2, []int64{19, 21}},
			"phone:mobile":          {n, 2, []int64{22, 24}},
			"date_text:date_format": {n, 3, []int64{25, 26, 27}},
			"plate:regex":           {n, 2, []int64{28, 29}},
		}
		if a.Rows != n || len(a.Results) != len(want) {
			t.Fatalf("assessment of %d rows with %d results, want %d and %d", a.Rows, len(a.Results), n, len(want))
		}
		var sum float64
		for _, r := range a.Results {
			w, ok := want[r.ID]
			if !ok || r.Checked != w.checked || r.Failed != w.failed || !slices.Equal(r.FailingRows, w.rows) || r.Skipped != "" {
				t.Errorf("%s: checked %d, failed %d at rows %v (%s); want %d, %d at %v", r.ID, r.Checked, r.Failed, r.FailingRows, r.Skipped, w.checked, w.failed, w.rows)
			}
			sum += 1 - float64(w.failed)/float64(w.checked)
		}
		if wantScore := math.Round(10000*sum/float64(len(want))) / 100; a.Score == nil || *a.Score != wantScore {
			t.Errorf("score %v, want %v", a.Score, wantScore)
		}
		// A report is for people who must not see personal data: no value
		// of the version appears in it.
		raw, _ := json.Marshal(a)
		for _, leak := range []string{planted["id30"], first18(), "未知", "1381234567", "ab1234"} {
			if strings.Contains(string(raw), leak) {
				t.Errorf("the assessment shows the value %q", leak)
			}
		}
		// Assessing again reads what was kept.
		again, err := e.q.Assess(ctx, v)
		if err != nil || again.AssessedAt != a.AssessedAt || *again.Score != *a.Score {
			t.Errorf("second assessment %+v, %v: want the kept one", again, err)
		}
	}, migrations()...)
}

// TestDefaultRules: an entry without rules is checked with rules derived
// from the catalog, and has a score without any setup.
func TestDefaultRules(t *testing.T) {
	t.Parallel()
	d := catalog.Dataset{PrivacyUnit: "id", Fields: []catalog.Field{
		field("id", catalog.Text, "personal.identity"), field("employer", catalog.Text, "enterprise.identity"),
		field("born", catalog.Date, "personal.basic"), field("legacy_id", catalog.Integer, "personal.identity"),
	}}
	got := quality.Defaults(d)
	want := []quality.Rule{{Field: "id", Kind: quality.NotNull}, {Field: "id", Kind: quality.Unique},
		{Field: "id", Kind: quality.IDNumber}, {Field: "employer", Kind: quality.USCC}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("defaults %v, want %v", got, want)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		entry := e.entry(t, "provider-hrss", "people", catalog.Monthly, "id", d.Fields...)
		good := first18()
		check, _ := cnid.USCCCheckChar("91370700MA3C5R8Q0")
		v := e.store(t, entry, "id,employer,born,legacy_id\n"+good+",91370700MA3C5R8Q0"+string(check)+",1980-01-02,1\n"+good+",bad,1980-01-02,2\n")
		r, err := e.q.Report(ctx, e.As(t, "bureau"), "people", "")
		if err != nil {
			t.Fatal(err)
		}
		if r.Version == nil || r.Version.ID != v.ID || r.Assessment == nil || !r.Assessment.Defaults || len(r.Assessment.Results) != 4 {
			t.Fatalf("report %+v", r)
		}
		// not_null passes, unique fails one row of two, the ID passes, the credit code fails one of two.
		if s := r.Assessment.Score; s == nil || *s != 75 {
			t.Errorf("score %v, want 75", *s)
		}
	}, migrations()...)
}

// TestSetRules refuses malformed rules with a message naming the fault,
// lets only the provider's commissioners set them, and keeps every set.
func TestSetRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		d := e.entry(t, "provider-hrss", "defects", catalog.Monthly, "id", defectFields...)
		hrss := e.As(t, "provider-hrss")
		for _, tc := range []struct {
			rule quality.Rule
			want string
		}{
			{quality.Rule{Field: "nope", Kind: quality.NotNull}, `field "nope" is not a field`},
			{quality.Rule{Field: "id", Kind: "sometimes"}, `kind "sometimes"`},
			{quality.Rule{Field: "age", Kind: quality.IDNumber}, "applies to text fields"},
			{quality.Rule{Field: "plate", Kind: quality.Regex, Pattern: "(["}, "not a valid RE2"},
			{quality.Rule{Field: "age", Kind: quality.Range, Min: "1e3"}, "not a number"},
			{quality.Rule{Field: "age", Kind: quality.Range, Min: "9", Max: "1"}, "above max"},
			{quality.Rule{Field: "age", Kind: quality.Range}, "at least one bound"},
			{quality.Rule{Field: "day", Kind: quality.Range, Max: "2026-02-30"}, "not a date"},
			{quality.Rule{Field: "date_text", Kind: quality.DateFormat, Format: "%Y-%j"}, `"%j" is not one of`},
			{quality.Rule{Field: "date_text", Kind: quality.DateFormat, Format: "%Y-%m"}, "lacks %d"},
			{quality.Rule{Field: "age", Kind: quality.Enum, Values: []string{"1", "x"}}, "not an integer"},
			{quality.Rule{Field: "name", Kind: quality.Unique, With: []string{"name"}}, "not another field"},
		} {
			_, err := e.q.SetRules(ctx, hrss, d.Name, quality.RulesInput{Rules: []quality.Rule{tc.rule}})
			if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%+v: %v, want invalid saying %q", tc.rule, err, tc.want)
			}
		}
		twice := []quality.Rule{{Field: "id", Kind: quality.NotNull}, {Field: "id", Kind: quality.NotNull}}
		if _, err := e.q.SetRules(ctx, hrss, d.Name, quality.RulesInput{Rules: twice}); !errs.Is(err, errs.Invalid) {
			t.Errorf("two rules of a kind: %v", err)
		}
		for _, who := range []string{"provider-amr", "bureau", "admin"} {
			if _, err := e.q.SetRules(ctx, e.As(t, who), d.Name, quality.RulesInput{Rules: []quality.Rule{}}); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s setting hrss's rules: %v, want forbidden", who, err)
			}
		}
		rs, err := e.q.SetRules(ctx, hrss, d.Name, quality.RulesInput{Rules: defectRules[:2]})
		if err != nil || rs.Defaults || rs.Revision != 1 || len(rs.Rules) != 2 {
			t.Fatalf("set: %+v %v", rs, err)
		}
		rs, err = e.q.SetRules(ctx, hrss, d.Name, quality.RulesInput{Defaults: true})
		if err != nil || !rs.Defaults || rs.Revision != 2 || fmt.Sprint(rs.Rules) != fmt.Sprint(quality.Defaults(d)) {
			t.Fatalf("back to defaults: %+v %v", rs, err)
		}
		if got, err := e.q.Rules(ctx, e.As(t, "operator"), d.Name); err != nil || got.Revision != 2 {
			t.Errorf("operator reading the rules of an entry in scope: %+v %v", got, err)
		}
		if _, err := e.q.Rules(ctx, e.As(t, "kuiwen"), d.Name); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a county reading a city entry's rules: %v, want forbidden", err)
		}
	}, migrations()...)
}
