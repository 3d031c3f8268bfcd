package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shuyu/internal/access"
	"shuyu/internal/app"
	"shuyu/internal/app/apptest"
	"shuyu/internal/billing"
	"shuyu/internal/calendar"
	"shuyu/internal/demo"
	"shuyu/internal/evaluation"
	"shuyu/internal/plan"
	"shuyu/internal/product"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// secrets seeds what must never be disclosed beside the demo and returns
// it: raw values of the demo's datasets (identity numbers, names, credit
// codes), an API key, the users' names, a draft product with a price cap,
// the draft plan, the operator's evaluation answers, the product's query,
// review comment and the unit's purpose.
func secrets(t *testing.T, env *apptest.Env) []string {
	t.Helper()
	ctx := context.Background()
	as := func(name string) access.Principal {
		p, err := env.App.Identity.PrincipalOf(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	var out []string
	// Raw rows, read inside the domain as only a test may.
	ds, _, err := env.App.Catalog.Public(ctx, store.NewPage(store.MaxPageSize, ""))
	if err != nil {
		t.Fatal(err)
	}
	raw := map[string][]string{"social_insurance": {"id_number", "name"}, "enterprise_registry": {"legal_rep_name", "legal_rep_id_number"}, "tax_credit": {"uscc"}}
	for _, d := range ds {
		cols, ok := raw[d.Name]
		if !ok {
			continue
		}
		v, err := env.App.Domain.Current(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		sample, err := env.App.Domain.Sample(ctx, v, cols, 20)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cols {
			for _, s := range sample[c] {
				// Two-character names could be ordinary words; longer values are the person's.
				if len([]rune(s)) >= 3 {
					out = append(out, s)
				}
			}
		}
		delete(raw, d.Name)
	}
	if len(raw) != 0 {
		t.Fatalf("datasets not in the public catalog: %v", raw)
	}
	// Users' names.
	for _, a := range demo.Accounts {
		out = append(out, a.DisplayName)
	}
	// An API key of the application unit.
	_, key, err := env.App.Products.CreateKey(ctx, as("appunit"), "披露测试", nil)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, key)
	// A draft product, capped: neither it nor its cap is public.
	operator, bureau := as("operator"), as("bureau")
	gs, _, err := env.App.Demands.Grants(ctx, operator, store.NewPage(50, ""))
	if err != nil {
		t.Fatal(err)
	}
	var grant string
	for _, g := range gs {
		if g.Rule == sandbox.List {
			grant = g.ID
		}
	}
	draft, err := env.App.Products.Register(ctx, operator, product.Input{Name: "未发布的草稿产品甲", Type: product.API, PriceCategory: "guided",
		Scenario: "草稿场景：尚在合规审核中的用途说明乙", GrantIDs: []string{grant},
		API: &product.APISpec{Query: "SELECT uscc, grade, year FROM tax_credit ORDER BY year DESC", Param: product.Param{Name: "uscc", Format: "uscc"},
			Outputs: []string{"grade"}}})
	if err != nil {
		t.Fatal(err)
	}
	year := calendar.DateOf(env.App.DB.Now()).Year()
	if _, err := env.App.Billing.SetCap(ctx, bureau, draft.ID, year, billing.CapInput{ProductName: draft.Name, AgreementID: draft.AgreementID,
		Method: billing.PerCall, CapFen: 7, ExpectedVolume: 1000, Basis: "草稿产品的上限依据丙"}); err != nil {
		t.Fatal(err)
	}
	out = append(out, draft.ID, draft.Name, draft.Scenario, "草稿产品的上限依据丙")
	// The draft plan.
	pls, _, err := env.App.Plans.List(ctx, bureau, plan.Filter{State: plan.Draft}, store.NewPage(50, ""))
	if err != nil || len(pls) == 0 {
		t.Fatalf("the demo's draft plan: %v %d", err, len(pls))
	}
	for _, p := range pls {
		out = append(out, p.Title)
	}
	// The evaluation in progress: its answers.
	evs, _, err := env.App.Evaluation.Evaluations(ctx, bureau, evaluation.EvaluationFilter{}, store.NewPage(50, ""))
	if err != nil || len(evs) == 0 {
		t.Fatalf("the demo's evaluations: %v %d", err, len(evs))
	}
	for _, e := range evs {
		full, err := env.App.Evaluation.Evaluation(ctx, bureau, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range full.Items {
			if len([]rune(it.Answer)) > 10 {
				out = append(out, it.Answer)
			}
		}
	}
	// What the demo product's review and subscription say.
	out = append(out, "FROM tax_credit", "经合规审核：输出仅含纳税信用等级及评价年度", "小微企业贷款贷前核验企业纳税信用等级（普惠金融）")
	return out
}

// publicPaths are every public page and feed of the portal.
func publicPaths(t *testing.T, env *apptest.Env) []string {
	t.Helper()
	year := calendar.DateOf(env.App.DB.Now()).Year()
	paths := []string{"/", "/catalog", "/announcements", "/operators", "/products", "/scenarios", "/evaluations",
		fmt.Sprintf("/disclosure/report?year=%d", year), fmt.Sprintf("/disclosure/report?year=%d&operator=%s", year, env.Demo.Orgs["operator"]),
		fmt.Sprintf("/disclosure/report?year=%d", year-1),
		"/feeds/disclosure.json", "/feeds/disclosure.atom", "/feeds/catalog.jsonld"}
	var sn struct{ Announcements []struct{ ID string } }
	if st := env.Call(t, "GET", "/feeds/disclosure.json", "", nil, &sn); st != http.StatusOK || len(sn.Announcements) == 0 {
		t.Fatalf("the JSON feed: %d, %d announcements", st, len(sn.Announcements))
	}
	for _, a := range sn.Announcements {
		paths = append(paths, "/announcements/"+a.ID)
	}
	return paths
}

// xlsxText is every cell of a workbook, one per line.
func xlsxText(t *testing.T, body string) string {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			b.WriteString(sh + "\t" + strings.Join(r, "\t") + "\n")
		}
	}
	return b.String()
}

// TestDisclosureKeepsSecrets fetches every public page and feed, in both
// languages, anonymously, and finds none of the confidential values, and
// the published facts in each place they belong.
func TestDisclosureKeepsSecrets(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		secret := secrets(t, env)
		year := calendar.DateOf(env.App.DB.Now()).Year()
		pages := map[string]string{}
		for _, lang := range []string{"zh", "en"} {
			anon := newConsoleClient(t, env)
			anon.get("/lang?to=" + lang + "&back=/")
			for _, p := range publicPaths(t, env) {
				a := anon.get(p)
				if a.status != http.StatusOK {
					t.Fatalf("GET %s (%s): %d %.500s", p, lang, a.status, a.body)
				}
				body := a.body
				if strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
					body = html.UnescapeString(body)
				}
				pages[lang+" "+p] = body
			}
			a := anon.get(fmt.Sprintf("/disclosure/report.xlsx?year=%d&operator=%s", year, env.Demo.Orgs["operator"]))
			if a.status != http.StatusOK {
				t.Fatalf("the XLSX report: %d %.300s", a.status, a.body)
			}
			pages[lang+" report.xlsx"] = xlsxText(t, a.body)
		}
		// Refusals name what is wrong.
		anon := newConsoleClient(t, env)
		wantPage(t, "a year that is no number", anon.get("/disclosure/report?year=abc"), http.StatusBadRequest, "year", "YYYY")
		wantPage(t, "a year before 2000", anon.get("/disclosure/report?year=1999"), http.StatusBadRequest, "1999")
		wantPage(t, "a year not begun", anon.get(fmt.Sprintf("/disclosure/report?year=%d", year+1)), http.StatusBadRequest, fmt.Sprint(year+1))
		wantPage(t, "an operator with no agreement", anon.get(fmt.Sprintf("/disclosure/report?year=%d&operator=%s", year, env.Demo.Orgs["appunit"])),
			http.StatusNotFound, "no agreement in force")
		if a := anon.get("/disclosure/report.xlsx?year=1999"); a.status != http.StatusBadRequest || strings.Contains(a.header.Get("Content-Type"), "spreadsheet") {
			t.Errorf("the XLSX of 1999: %d %s", a.status, a.header.Get("Content-Type"))
		}
		for name, body := range pages {
			for _, s := range secret {
				if strings.Contains(body, s) {
					t.Errorf("%s discloses %q", name, s)
				}
			}
		}
		// Published facts are there.
		for _, c := range []struct{ page, want string }{
			{"zh /products", app.DemoProduct}, {"zh /products", "¥0.50/次"}, {"zh /products", "¥0.30/次"}, {"zh /products", "单位调用成本加合理利润（示例）"},
			{"zh /products", fmt.Sprintf(`data-calls="%d"`, app.DemoCalls+app.DemoCallsToday)}, {"en /products", "Price cap"},
			{"zh /products", `<link rel="alternate" type="application/atom+xml"`},
			{"zh /scenarios", "企业纳税信用核验"}, {"zh /operators", "潍坊数智运营有限公司"},
			{"zh /feeds/disclosure.json", app.DemoProduct}, {"zh /feeds/disclosure.atom", app.DemoProduct},
			{"zh /feeds/catalog.jsonld", app.DemoProduct}, {"zh /feeds/catalog.jsonld", "enterprise_registry"},
			{fmt.Sprintf("zh /disclosure/report?year=%d", year), app.DemoProduct},
			{fmt.Sprintf("zh /disclosure/report?year=%d", year), fmt.Sprintf("%d-03-31", year+1)},
			{"zh report.xlsx", app.DemoProduct}, {"zh report.xlsx", "上限收费标准"},
		} {
			if !strings.Contains(pages[c.page], c.want) {
				t.Errorf("%s lacks %q", c.page, c.want)
			}
		}
		checkAtom(t, pages["zh /feeds/disclosure.atom"])
		checkCatalog(t, pages["en /feeds/catalog.jsonld"])
	})
}

// checkAtom parses the feed as Atom 1.0 and checks what RFC 4287 requires:
// the feed's id, title, updated and author, a self link, and each entry's
// id (an absolute IRI), title, updated (RFC 3339) and link.
func checkAtom(t *testing.T, body string) {
	t.Helper()
	var f struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Links []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Link    struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.NewDecoder(bytes.NewReader([]byte(body))).Decode(&f); err != nil {
		t.Fatalf("the Atom feed does not parse: %v", err)
	}
	if !strings.HasPrefix(f.ID, "urn:uuid:") || f.Title == "" || f.Author.Name == "" || len(f.Links) == 0 || f.Links[0].Rel != "self" || len(f.Entries) < 4 {
		t.Fatalf("Atom feed: %+v", f)
	}
	if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
		t.Errorf("feed updated %q: %v", f.Updated, err)
	}
	ids := map[string]bool{}
	for _, e := range f.Entries {
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil || !strings.HasPrefix(e.ID, "urn:uuid:") || e.Title == "" || !strings.HasPrefix(e.Link.Href, "/") || ids[e.ID] {
			t.Errorf("Atom entry: %+v (%v)", e, err)
		}
		ids[e.ID] = true
	}
}

// checkCatalog parses the JSON-LD catalog: a dcat:Catalog with a context,
// a dcat:Dataset per public catalog entry and a dcat:DataService with its
// price for the demo product.
func checkCatalog(t *testing.T, body string) {
	t.Helper()
	var c struct {
		Context  map[string]string `json:"@context"`
		Type     string            `json:"@type"`
		Datasets []struct {
			Type  string `json:"@type"`
			Title string `json:"dct:title"`
		} `json:"dcat:dataset"`
		Services []struct {
			Type   string `json:"@type"`
			Title  string `json:"dct:title"`
			Offers struct {
				Spec struct {
					Price    string `json:"schema:price"`
					MaxPrice string `json:"schema:maxPrice"`
				} `json:"schema:priceSpecification"`
			} `json:"schema:offers"`
		} `json:"dcat:service"`
	}
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatalf("the catalog does not parse: %v", err)
	}
	if c.Type != "dcat:Catalog" || c.Context["dcat"] != "http://www.w3.org/ns/dcat#" || len(c.Datasets) < 3 || len(c.Services) != 1 {
		t.Fatalf("catalog: %+v", c)
	}
	for _, d := range c.Datasets {
		if d.Type != "dcat:Dataset" || d.Title == "" {
			t.Errorf("dataset: %+v", d)
		}
	}
	s := c.Services[0]
	if s.Type != "dcat:DataService" || s.Title != app.DemoProduct || s.Offers.Spec.Price != "0.30" || s.Offers.Spec.MaxPrice != "0.50" {
		t.Errorf("service: %+v", s)
	}
}
