package web

import (
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/billing"
	"shuyu/internal/catalog"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/product"
	"shuyu/internal/quality"
)

// TestCatalogsMatch keeps the two languages in step: the same keys, no empty
// message, and the same formatting verbs in each pair.
func TestCatalogsMatch(t *testing.T) {
	messagesZH, messagesEN := catalogs["zh"], catalogs["en"]
	zh, en := slices.Sorted(maps.Keys(messagesZH)), slices.Sorted(maps.Keys(messagesEN))
	for _, k := range zh {
		if _, ok := messagesEN[k]; !ok {
			t.Errorf("key %q is in the Chinese catalog only", k)
		}
	}
	for _, k := range en {
		if _, ok := messagesZH[k]; !ok {
			t.Errorf("key %q is in the English catalog only", k)
		}
	}
	verbs := regexp.MustCompile(`%[sdv]`)
	for _, k := range zh {
		if messagesZH[k] == "" || messagesEN[k] == "" {
			t.Errorf("key %q has an empty message", k)
		}
		if a, b := verbs.FindAllString(messagesZH[k], -1), verbs.FindAllString(messagesEN[k], -1); !slices.Equal(a, b) {
			t.Errorf("key %q: Chinese takes %v, English %v", k, a, b)
		}
	}
}

// TestCatalogsCoverEverything checks that every key the templates and the
// code ask for exists: labels in templates, kinds, roles, error codes and
// navigation entries.
func TestCatalogsCoverEverything(t *testing.T) {
	var want []string
	for _, k := range access.Kinds {
		want = append(want, "kind."+string(k))
	}
	for _, r := range access.Roles {
		want = append(want, "role."+string(r))
	}
	for code := range statusOf {
		want = append(want, "error."+string(code))
	}
	for _, it := range navItems {
		want = append(want, "nav."+it.id)
	}
	used := regexp.MustCompile(`(?:\bt|field \$ "[a-z_0-9]+") "([a-z_0-9.-]+)"|"hint=([a-z_0-9.-]+)"`)
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFS.ReadFile(p)
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			want = append(want, m[1]+m[2])
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 150 {
		t.Fatalf("found only %d keys in use; is the pattern right?", len(want))
	}
	for _, k := range want {
		if !hasKey(k) {
			t.Errorf("key %q is used but not in the catalogs", k)
		}
	}
}

func TestTemplatesParse(t *testing.T) {
	pages, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	for lang := range catalogs {
		for _, p := range []string{"home", "login", "error", "dashboard", "orgs", "org_new", "org", "user", "user_new", "account", "api_keys", "ledger",
			"catalog", "entry", "entry_form", "rules", "upload", "tickets", "ticket", "supply", "portal_catalog", "sources",
			"inbox", "plans", "plan", "plan_form", "announcements", "announcement", "announcement_form", "apply", "application", "objection",
			"agreements", "agreement", "agreement_form", "evaluations", "evaluation", "rectifications", "rectification",
			"portal_announcements", "portal_announcement", "portal_operators",
			"demand_list", "demand", "demand_form", "workspace_grants", "workspace", "workspace_releases", "workspace_release",
			"products", "product", "product_form", "subscriptions", "usage", "billing", "statements"} {
			if pages[lang][p] == nil {
				t.Errorf("%s: no page %s", lang, p)
			}
		}
	}
}

func TestLocalPath(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/console/orgs?after=x", "/console/orgs?after=x"},
		{"/", "/"},
		{"", "/d"},
		{"//evil.com", "/d"},
		{"///evil.com", "/d"},
		{`/\evil.com`, "/d"},
		{`\\evil.com`, "/d"},
		{"https://evil.com", "/d"},
		{"javascript:alert(1)", "/d"},
		{"console", "/d"},
		{"/\t/evil.com", "/d"},
		{"/%0a/x", "/%0a/x"}, // encoded: stays a path on this site
		{"/a\nb", "/d"},
	} {
		if got := localPath(c.in, "/d"); got != c.want {
			t.Errorf("localPath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCSRFToken(t *testing.T) {
	a, b := csrfToken("sy_s_one"), csrfToken("sy_s_two")
	if a == b || !validCSRF("sy_s_one", a) || validCSRF("sy_s_two", a) || validCSRF("sy_s_one", "") || validCSRF("", csrfToken("")) {
		t.Error("CSRF tokens must be bound to their session and refuse empty values")
	}
}

func TestUIErrorsMapToStatus(t *testing.T) {
	for _, e := range []*uiError{errNoPage, errCrossOrigin, errBadCSRF, errBadForm} {
		if statusOf[e.code] == 0 || !hasKey(e.key) {
			t.Errorf("%v: no status or no message", e)
		}
	}
	if statusOf[errs.Forbidden] != 403 {
		t.Error("forbidden must be 403")
	}
}

// TestSupplyKeys checks the keys the data-supply pages build from codes:
// frequencies, field types, rule kinds, ticket states, kinds and steps
// (with the hints and flashes of each step), and detectors.
func TestSupplyKeys(t *testing.T) {
	var want []string
	for _, f := range catalog.Frequencies {
		want = append(want, "freq."+string(f))
	}
	for _, ft := range catalog.FieldTypes {
		want = append(want, "ftype."+string(ft))
	}
	for _, k := range quality.Kinds {
		want = append(want, "rule.kind."+string(k))
	}
	for _, s := range quality.States {
		want = append(want, "ticket.state."+string(s))
	}
	for _, k := range []quality.TicketKind{quality.Correction, quality.Objection} {
		want = append(want, "ticket.kind."+string(k), "ticket.kind."+string(k)+"_hint")
	}
	want = append(want, "ticket.step.file")
	for _, s := range quality.Steps {
		want = append(want, "ticket.step."+string(s), "ticket.step_hint."+string(s), "flash.ticket_"+string(s))
	}
	// The detector names of catalog.Detect.
	for _, d := range []string{"id_number", "uscc", "bank_card", "mobile", "email", "person_name", "address"} {
		want = append(want, "detector."+d)
	}
	for _, k := range want {
		if !hasKey(k) {
			t.Errorf("key %q is used but not in the catalogs", k)
		}
	}
	for _, sg := range catalog.Detect(map[string][]string{"a": {"13800138000", "13900139000"}}) {
		if !hasKey("detector." + sg.Detector) {
			t.Errorf("detector %q has no name", sg.Detector)
		}
	}
}

// TestProductKeys checks the names of the product pages' codes: types,
// states, formats, methods, steps and the parties of a split.
func TestProductKeys(t *testing.T) {
	var want []string
	for _, ty := range product.Types {
		want = append(want, "product.type."+string(ty), "product.type_hint."+string(ty))
	}
	for _, s := range product.States {
		want = append(want, "product.state."+string(s))
	}
	for _, a := range []fsm.Action{product.Approve, product.Reject} {
		want = append(want, "product.step."+string(a), "flash.product_"+string(a))
	}
	for _, s := range []fsm.State{product.Applied, product.Approved, product.Refused, product.Ended} {
		want = append(want, "subscription.state."+string(s))
	}
	for _, a := range []fsm.Action{product.Grant, product.Refuse, product.Stop} {
		want = append(want, "subscription.step."+string(a), "flash.subscription_"+string(a))
	}
	for _, f := range product.Formats {
		want = append(want, "product.format."+f)
	}
	for _, c := range product.PriceCategories {
		want = append(want, "product.category."+c)
	}
	for _, m := range billing.Methods {
		want = append(want, "billing.method."+string(m))
	}
	for _, k := range []string{billing.ToAppUnit, billing.OfOperator} {
		want = append(want, "statement.kind."+k)
	}
	for _, p := range []string{billing.Government, billing.Operator, billing.Provider} {
		want = append(want, "billing.party."+p)
	}
	for _, f := range []string{"cost_fen", "profit_fen", "tax_fen"} {
		want = append(want, "billing."+f)
	}
	for _, k := range want {
		if !hasKey(k) {
			t.Errorf("key %q is used but not in the catalogs", k)
		}
	}
}

// TestYuan writes fen as yuan.
func TestYuan(t *testing.T) {
	n := int64(123405)
	for _, c := range []struct {
		in   any
		want string
	}{{int64(0), "¥0.00"}, {int64(30), "¥0.30"}, {int64(7200), "¥72.00"}, {&n, "¥1,234.05"}, {int64(-5), "-¥0.05"}, {(*int64)(nil), "—"}} {
		if got := yuan(c.in); got != c.want {
			t.Errorf("yuan(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestBarChart draws bars in proportion on a round scale, escapes labels
// and keeps the values readable.
func TestBarChart(t *testing.T) {
	svg := string(barChart(`calls of <x> & "y"`, []string{"2026-01", "02", "03"}, []int64{0, 240, 120}))
	for _, want := range []string{`role="img"`, `aria-label="calls of &lt;x&gt; &amp; &#34;y&#34;"`, `data-value="240"`, `<title>02: 240</title>`, `>500</text>`} {
		if !strings.Contains(svg, want) {
			t.Errorf("the chart lacks %s:\n%s", want, svg)
		}
	}
	var heights []string
	for _, m := range regexp.MustCompile(`height="([0-9.]+)" data-value`).FindAllStringSubmatch(svg, -1) {
		heights = append(heights, m[1])
	}
	// 240 of a 500 scale over a 144-unit plot is 69.1; 120 is half that.
	if len(heights) != 3 || heights[0] != "0.0" || heights[1] != "69.1" || heights[2] != "34.6" {
		t.Errorf("bar heights %v", heights)
	}
	if niceCeil(1) != 1 || niceCeil(3) != 5 || niceCeil(240) != 500 || niceCeil(1001) != 2000 {
		t.Error("niceCeil rounds wrong")
	}
}

func TestFormatting(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 200000: "200,000", -1234567: "-1,234,567"} {
		if got := formatInt(in); got != want {
			t.Errorf("formatInt(%d) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[int64]string{512: "512 B", 2048: "2.0 KiB", 47_400: "46.3 KiB", 5 << 20: "5.0 MiB"} {
		if got := formatBytes(in); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", in, got, want)
		}
	}
	s := 97.25
	if formatScore(&s) != "97.2" && formatScore(&s) != "97.3" || formatScore((*float64)(nil)) != "—" {
		t.Errorf("formatScore: %q %q", formatScore(&s), formatScore((*float64)(nil)))
	}
}
