package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// Plan is an analyzed and rewritten query: the statements the engine will
// run, all rendered from the analyzed tree, never the analyst's text.
type Plan struct {
	// Statements are the statements in the order they run: each
	// aggregation's grouped statement, then the final one.
	Statements []string
	grant      *Grant
	final      string
	aggs       []*aggPlan
	dp         *dpPlan
	sqlHash    string
	// universe is the number of units of each dataset's version.
	universe map[string]int64
}

type aggPlan struct {
	node  *aggNode
	inner string // grouped statement (for dp, the exact bounded quantities)
	// exact, when set, is inner with exact counts of units where inner
	// only bounds them (highCol); it runs when a group's bounds straddle k.
	exact   string
	extract string // lists the units of each group
	def     string // identifies the statement and the grant's views
}

// plan parses, analyzes and rewrites a query for a grant.
func (s *Sandbox) plan(ctx context.Context, g *Grant, req Request, files map[string]prepared) (*Plan, error) {
	root, err := s.parser.parse(ctx, req.SQL)
	if err != nil {
		return nil, err
	}
	a := newAnalyzer(g, files)
	if _, err := a.analyze(root); err != nil {
		return nil, err
	}
	if len(a.unnamed) > 0 {
		origs := make([]node, len(a.unnamed))
		for i, u := range a.unnamed {
			origs[i] = u.orig
		}
		names, err := s.parser.names(ctx, origs)
		if err != nil {
			return nil, err
		}
		for i, u := range a.unnamed {
			u.item["alias"] = names[i]
		}
	}
	h := sha256.Sum256([]byte(req.SQL))
	p := &Plan{grant: g, sqlHash: hex.EncodeToString(h[:]), universe: map[string]int64{}}
	for name, f := range files {
		p.universe[name] = f.Units
	}
	for _, agg := range a.aggs {
		a.split(agg, g.k())
		p.aggs = append(p.aggs, &aggPlan{node: agg})
	}
	if g.Rule == DP {
		eps := req.Epsilon
		if eps == 0 {
			eps = g.DP.QueryEpsilon
		}
		if eps < 0 || eps > g.DP.Epsilon {
			return nil, refuse("dp", "a dp query spends a positive ε no larger than the grant's total")
		}
		if p.dp, err = planDP(g, a.aggs[0], eps); err != nil {
			return nil, err
		}
		if s.cfg.Postgres != nil {
			p.dp.hash = pgHash
		}
		sel := a.aggs[0].sel
		sel["where_clause"] = nil
		sel["from_table"] = baseTable(noisedName(a.aggs[0]), groupAlias)
	}
	pruneCTEs(root)
	limitRows(root, g.Limits.withDefaults().MaxRows)
	trees := []node{root}
	for _, ap := range p.aggs {
		if p.dp != nil {
			trees = append(trees, p.dp.rowsNode())
			continue
		}
		trees = append(trees, ap.node.inner, ap.node.extraction())
		if ap.node.repeats != nil {
			trees = append(trees, ap.node.repeats, ap.node.multiRows)
		}
	}
	if g.Rule != Review {
		for _, t := range trees {
			tryCasts(t)
		}
	}
	texts, err := s.render(ctx, trees)
	if err != nil {
		return nil, err
	}
	p.final = texts[0]
	views := fingerprint(g, files)
	next := 1
	for _, ap := range p.aggs {
		if p.dp != nil {
			ap.inner = p.dp.exactSQL(texts[next], g)
			next++
		} else {
			ap.inner, ap.extract = texts[next], texts[next+1]
			next += 2
			if ap.node.repeats != nil {
				grouped := ap.inner
				ap.exact = withRepeats(grouped, texts[next], ap.node, true)
				ap.inner = withRepeats(grouped, texts[next+1], ap.node, false)
				next += 2
			}
		}
		d := sha256.Sum256([]byte(views + "\x00" + ap.inner))
		ap.def = hex.EncodeToString(d[:16])
		p.Statements = append(p.Statements, ap.inner)
	}
	p.Statements = append(p.Statements, p.final)
	return p, nil
}

func noisedName(agg *aggNode) string { return agg.temp + "_noised" }

// render renders the analyzed trees in the dialect of the engine.
func (s *Sandbox) render(ctx context.Context, trees []node) ([]string, error) {
	if s.cfg.Postgres == nil {
		return s.parser.render(ctx, trees...)
	}
	out := make([]string, len(trees))
	for i, t := range trees {
		var err error
		if out[i], err = renderPG(t); err != nil {
			return nil, err
		}
	}
	return out, nil
}
