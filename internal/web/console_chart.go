package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// barChart draws values as a small bar chart in SVG, server-side: one
// bar per label, the largest value at the top of the scale, the values
// in each bar's tooltip and in the label read to screen readers. People
// see the shape of use at a glance; the page's table keeps the numbers.
func barChart(label string, labels []string, values []int64) template.HTML {
	const w, h, left, bottom, top = 640, 180, 48, 24, 12
	var peak int64 = 1
	for _, v := range values {
		peak = max(peak, v)
	}
	scale := niceCeil(peak)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" data-test="usage-chart">`, w, h, html.EscapeString(label))
	plot := float64(h - bottom - top)
	// The scale: zero, half and the top, as grid lines.
	for _, f := range []int64{0, scale / 2, scale} {
		y := float64(top) + plot - plot*float64(f)/float64(scale)
		fmt.Fprintf(&b, `<line class="chart-grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/><text class="chart-axis" x="%d" y="%.1f" text-anchor="end">%s</text>`,
			left, w, y, y, left-6, y+4, formatInt(f))
	}
	n := max(len(values), 1)
	slot := float64(w-left) / float64(n)
	for i, v := range values {
		bh := plot * float64(v) / float64(scale)
		x := float64(left) + float64(i)*slot + slot*0.15
		fmt.Fprintf(&b, `<rect class="chart-bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" data-value="%d"><title>%s: %s</title></rect>`,
			x, float64(top)+plot-bh, slot*0.7, bh, v, html.EscapeString(labels[i]), formatInt(v))
		fmt.Fprintf(&b, `<text class="chart-axis" x="%.1f" y="%d" text-anchor="middle">%s</text>`, x+slot*0.35, h-6, html.EscapeString(labels[i]))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from numbers and escaped text only
}

// niceCeil rounds n up to 1, 2 or 5 times a power of ten, so the scale
// reads in round numbers.
func niceCeil(n int64) int64 {
	for p := int64(1); ; p *= 10 {
		for _, m := range []int64{1, 2, 5} {
			if m*p >= n {
				return m * p
			}
		}
	}
}
