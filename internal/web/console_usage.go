package web

import (
	"html/template"
	"net/http"
	"time"

	"shuyu/internal/calendar"
	"shuyu/internal/product"
)

// Usage in the console: the metered calls of each product over the last
// twelve months, as a chart and a table, of the subscriptions the reader
// may see (an application unit its own, an operator its products', the
// overseers' in their jurisdiction).

// usageMonths is how many months the usage page shows.
const usageMonths = 12

type usagePage struct {
	From, To string
	Months   []string
	Products []productUsage
}

type productUsage struct {
	ProductID, Product string
	// Calls and Records are per month of the page, in its order.
	Calls, Records []int64
	Total          int64
	Chart          template.HTML
}

func (c *console) usagePage(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.usage"
	today := c.Billing.Today()
	page := usagePage{}
	for i := usageMonths - 1; i >= 0; i-- {
		m := calendar.NewDate(today.Year(), today.Month()-time.Month(i), 1).String()[:7]
		page.Months = append(page.Months, m)
	}
	page.From, page.To = page.Months[0], page.Months[len(page.Months)-1]
	calls, err := c.Products.CallsByMonth(r.Context(), *v.User, page.From, page.To)
	if err != nil {
		c.fail(w, r, v, err, "usage", page)
		return
	}
	page.Products = usageByProduct(calls, page.Months)
	// Month labels: the month number, with the year where one begins.
	labels := make([]string, len(page.Months))
	for i, m := range page.Months {
		labels[i] = m[5:]
		if i == 0 || m[5:] == "01" {
			labels[i] = m
		}
	}
	for i := range page.Products {
		pu := &page.Products[i]
		pu.Chart = barChart(v.T("usage.chart", pu.Product), labels, pu.Calls)
	}
	c.render(w, r, v, http.StatusOK, "usage", page)
}

// usageByProduct lays the meter's rows (ordered by product) out per
// product over months.
func usageByProduct(calls []product.Calls, months []string) []productUsage {
	at := map[string]int{}
	for i, m := range months {
		at[m] = i
	}
	var out []productUsage
	for _, c := range calls {
		if len(out) == 0 || out[len(out)-1].ProductID != c.ProductID {
			out = append(out, productUsage{ProductID: c.ProductID, Product: c.Product, Calls: make([]int64, len(months)), Records: make([]int64, len(months))})
		}
		pu := &out[len(out)-1]
		i := at[c.Month]
		pu.Calls[i] += c.Calls
		pu.Records[i] += c.Records
		pu.Total += c.Calls
	}
	return out
}
