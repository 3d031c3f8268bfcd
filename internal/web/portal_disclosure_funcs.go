package web

import (
	"fmt"
	"html/template"
	"strings"

	"shuyu/internal/billing"
	"shuyu/internal/product"
)

// disclosureFuncs are the template helpers of the disclosure pages.
func disclosureFuncs(lang string) template.FuncMap {
	return template.FuncMap{
		// perUnit writes a price in fen as yuan per unit: ¥0.30/次.
		"perUnit":  func(fen int64, unit string) string { return billing.Yuan(fen) + "/" + unit },
		"fenYuan":  billing.Yuan,
		"joinList": func(ss []string) string { return strings.Join(ss, translate(lang, "list.sep")) },
		"usageChart": func(name string, usage []product.MonthlyCalls) template.HTML {
			return usageChart(translate(lang, "disc.usage_chart", name), usage)
		},
	}
}

// Chart geometry, in SVG user units.
const (
	chartW, chartH   = 480, 150
	chartTop, chartB = 18, 24 // room for the values above and the months below
)

// usageChart draws calls per month as an SVG bar chart, server-side: no
// script, no style attribute (the CSP forbids inline styles; classes in
// console.css colour it). Every text is escaped.
func usageChart(title string, usage []product.MonthlyCalls) template.HTML {
	var peak int64
	for _, u := range usage {
		peak = max(peak, u.Calls)
	}
	var b strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s"><title>%s</title>`,
		chartW, chartH, chartW, chartH, esc(title), esc(title))
	n := max(len(usage), 1)
	slot := float64(chartW) / float64(n)
	plot := float64(chartH - chartTop - chartB)
	fmt.Fprintf(&b, `<line class="chart-baseline" x1="0" y1="%d" x2="%d" y2="%d" stroke="currentColor"/>`, chartH-chartB, chartW, chartH-chartB)
	for i, u := range usage {
		h := 0.0
		if peak > 0 {
			h = plot * float64(u.Calls) / float64(peak)
		}
		x, y := float64(i)*slot+slot*0.15, float64(chartH-chartB)-h
		fmt.Fprintf(&b, `<g data-month="%s" data-calls="%d"><rect class="chart-bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="currentColor"/>`,
			esc(u.Month), u.Calls, x, y, slot*0.7, h)
		if u.Calls > 0 {
			fmt.Fprintf(&b, `<text class="chart-value" x="%.1f" y="%.1f" text-anchor="middle" font-size="10">%d</text>`, x+slot*0.35, y-4, u.Calls)
		}
		fmt.Fprintf(&b, `<text class="chart-label" x="%.1f" y="%d" text-anchor="middle" font-size="10">%s</text></g>`,
			x+slot*0.35, chartH-8, esc(monthLabel(u.Month)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built above from numbers and escaped text only
}

// monthLabel shortens YYYY-MM to MM, and to YY-MM in January, where a year begins.
func monthLabel(m string) string {
	if len(m) != 7 {
		return m
	}
	if m[5:] == "01" {
		return m[2:]
	}
	return m[5:]
}
