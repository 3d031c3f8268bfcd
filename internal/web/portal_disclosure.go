package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"shuyu/internal/calendar"
	"shuyu/internal/disclosure"
	"shuyu/internal/errs"
)

// The disclosure portal (Art. 25): products with their cap and actual
// prices and monthly calls, scenarios, evaluation results, the annual
// disclosure report, and the feeds. Everything comes from package
// disclosure, which asks the owners for their public facts only; these
// handlers decode, call and render.

func (c *console) disclosureRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /products", c.portalProducts)
	handle("GET /scenarios", c.portalScenarios)
	handle("GET /evaluations", c.portalEvaluations)
	handle("GET /disclosure/report", c.portalReport)
	handle("GET /disclosure/report.xlsx", c.portalReportXLSX)
	handle("GET /feeds/disclosure.json", c.feedJSON)
	handle("GET /feeds/disclosure.atom", c.feedAtom)
	handle("GET /feeds/catalog.jsonld", c.feedCatalog)
}

type portalProductsPage struct {
	Year     int
	Products []disclosure.Product
}

func (c *console) portalProducts(w http.ResponseWriter, r *http.Request) {
	v := c.portalView(w, r, "title.portal_products")
	page := portalProductsPage{Year: calendar.DateOf(c.Disclosure.Now()).Year()}
	var err error
	if page.Products, err = c.Disclosure.Products(r.Context(), page.Year); err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "portal_products", page)
}

func (c *console) portalScenarios(w http.ResponseWriter, r *http.Request) {
	v := c.portalView(w, r, "title.portal_scenarios")
	sc, err := c.Disclosure.Scenarios(r.Context())
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "portal_scenarios", sc)
}

func (c *console) portalEvaluations(w http.ResponseWriter, r *http.Request) {
	v := c.portalView(w, r, "title.portal_evaluations")
	es, err := c.Disclosure.Evaluations(r.Context(), 0)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "portal_evaluations", es)
}

// reportQuery reads ?year=YYYY&operator=ID; the year defaults to the last
// one ended, whose report is the one due.
func (c *console) reportQuery(r *http.Request) (int, string, error) {
	q := r.URL.Query()
	year := calendar.DateOf(c.Disclosure.Now()).Year() - 1
	if s := q.Get("year"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil {
			return 0, "", errs.E(errs.Invalid, "year: %q is not a year; give it as YYYY, e.g. ?year=%d", s, year)
		}
		year = y
	}
	return year, q.Get("operator"), nil
}

func (c *console) portalReport(w http.ResponseWriter, r *http.Request) {
	v := c.portalView(w, r, "title.portal_report")
	year, operator, err := c.reportQuery(r)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	rep, err := c.Disclosure.Report(r.Context(), year, operator)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "portal_report", rep)
}

func (c *console) portalReportXLSX(w http.ResponseWriter, r *http.Request) {
	year, operator, err := c.reportQuery(r)
	if err == nil {
		var rep disclosure.Report
		if rep, err = c.Disclosure.Report(r.Context(), year, operator); err == nil {
			var buf bytes.Buffer
			if err = disclosure.WriteXLSX(&buf, rep); err == nil {
				name := fmt.Sprintf("disclosure-report-%d.xlsx", year)
				if operator != "" {
					name = fmt.Sprintf("disclosure-report-%d-%s.xlsx", year, rep.OperatorID)
				}
				w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
				w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
				_, _ = w.Write(buf.Bytes())
				return
			}
		}
	}
	c.fail(w, r, c.newView(w, r), err, "error", nil)
}

// feedText words the Atom feed in the reader's language.
func feedText(lang string) disclosure.FeedText {
	return disclosure.FeedText{Title: translate(lang, "feed.title"), Publisher: translate(lang, "app.full_name"),
		Summary: func(kind string, fields ...any) string { return translate(lang, "feed."+kind, fields...) }}
}

func (c *console) feedJSON(w http.ResponseWriter, r *http.Request) {
	sn, err := c.Disclosure.Snapshot(r.Context())
	if err != nil {
		writeError(w, r, c.Log, err)
		return
	}
	writeJSON(w, http.StatusOK, sn)
}

func (c *console) feedAtom(w http.ResponseWriter, r *http.Request) {
	sn, err := c.Disclosure.Snapshot(r.Context())
	if err != nil {
		writeError(w, r, c.Log, err)
		return
	}
	out, err := disclosure.Atom(sn, feedText(langOf(r)))
	if err != nil {
		writeError(w, r, c.Log, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	_, _ = w.Write(out)
}

func (c *console) feedCatalog(w http.ResponseWriter, r *http.Request) {
	sn, err := c.Disclosure.Snapshot(r.Context())
	if err != nil {
		writeError(w, r, c.Log, err)
		return
	}
	lang := langOf(r)
	w.Header().Set("Content-Type", "application/ld+json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(disclosure.Catalog(sn, translate(lang, "feed.catalog"), translate(lang, "app.full_name")))
}
