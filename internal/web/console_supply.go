package web

import (
	"fmt"
	"net/http"
	"net/url"

	"shuyu/internal/quality"
)

// The supply evaluation (供给评估, Art. 7, 24): for a period, each provider's
// catalog completeness, update timeliness, quality and ticket response, and
// the overall score; the implementing unit, regulators and the
// administrator see every provider in reach, a provider its own line.

type supplyPage struct {
	From, To string // as typed
	Eval     *quality.SupplyEvaluation
}

// XLSXQuery is the period as a query string, for the download link.
func (p supplyPage) XLSXQuery() string {
	return url.Values{"from": {p.Eval.From}, "to": {p.Eval.To}}.Encode()
}

func (c *console) supplyShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.supply"
	q := r.URL.Query()
	page := supplyPage{From: q.Get("from"), To: q.Get("to")}
	ev, err := c.Quality.SupplyEvaluation(r.Context(), *v.User, page.From, page.To)
	if err != nil {
		c.fail(w, r, v, err, "supply", page)
		return
	}
	page.Eval = &ev
	page.From, page.To = ev.From, ev.To
	c.render(w, r, v, http.StatusOK, "supply", page)
}

// supplyXLSX downloads the evaluation as the API's workbook. It evaluates
// first, so that a refusal is an ordinary page.
func (c *console) supplyXLSX(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.supply"
	q := r.URL.Query()
	ev, err := c.Quality.SupplyEvaluation(r.Context(), *v.User, q.Get("from"), q.Get("to"))
	if err != nil {
		c.fail(w, r, v, err, "supply", supplyPage{From: q.Get("from"), To: q.Get("to")})
		return
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="supply-evaluation-%s-%s.xlsx"`, ev.From, ev.To))
	w.WriteHeader(http.StatusOK)
	if err := quality.WriteSupplyXLSX(w, ev); err != nil {
		c.Log.WarnContext(r.Context(), "console: supply evaluation export cut short", "err", err)
	}
}
