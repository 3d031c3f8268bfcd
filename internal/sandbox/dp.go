package sandbox

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strings"
)

// dpPlan is how a dp query is answered: per group, a few integer
// quantities are computed with each unit's contribution bounded, noised with
// the discrete Laplace mechanism, and the group kept only if its noisy
// count of units passes a threshold set by δ (so that whether a group
// appears does not reveal a unit); the aggregates are then computed from
// the noisy quantities.
type dpPlan struct {
	agg      *aggNode
	measures []string // measure columns summed, in order
	quant    []quantity
	outputs  []string // SQL of each aggregate call's noisy value, over t (exact) and v (noise)
	cost     Cost
	// threshold is the least noisy unit count of a released group.
	threshold int64
	salt      int64
	// hash renders a salted hash of the group keys in the engine's
	// dialect: the order in which a unit's groups are kept.
	hash func(keys string, salt int64) string
}

func duckHash(keys string, salt int64) string { return fmt.Sprintf("hash(%s, %d)", keys, salt) }

func pgHash(keys string, salt int64) string {
	return fmt.Sprintf("hashtextextended(CAST(ROW(%s) AS text), %d)", keys, salt)
}

// quantity is one noised integer per group.
type quantity struct {
	col         string // column of the exact table
	sensitivity int64  // how much one unit can change it (L1)
}

// checkDP restricts dp queries to what the mechanism bounds: one
// aggregation of one dataset, COUNT(*), COUNT(DISTINCT unit), COUNT(column),
// SUM and AVG of measures with declared bounds.
func (a *analyzer) checkDP() error {
	if len(a.aggs) != 1 || len(a.aggs[0].units) != 1 {
		return refuse("dp", "a dp query aggregates once, over one dataset without joins: SELECT … FROM dataset WHERE … GROUP BY …")
	}
	agg := a.aggs[0]
	for _, c := range agg.calls {
		name := strings.ToLower(str(c, "function_name"))
		args := nodes(c, "children")
		switch {
		case name == "count_star":
		case name == "count" && len(args) == 1 && str(args[0], "class") == "COLUMN_REF":
			r, ok := a.bare(args[0], agg.scope)
			switch {
			case truthy(c, "distinct") && (!ok || r.col.role != PrivacyUnit):
				return refuse("dp", "COUNT(DISTINCT …) counts the privacy unit only in a dp grant")
			case !truthy(c, "distinct") && (!ok || r.col.role != Measure):
				return refuse("dp", "COUNT(column) in a dp grant counts the values of a measure; count rows with COUNT(*)")
			}
		case name == "sum" || name == "avg" || name == "mean":
			if len(args) != 1 || str(args[0], "class") != "COLUMN_REF" {
				return refuse("dp", "in a dp grant SUM and AVG take a measure column as it is, whose bounds the grant declares")
			}
			m := strs(args[0], "column_names")
			if _, ok := a.g.DP.Bounds[m[len(m)-1]]; !ok {
				return refuse("dp", "the grant declares no contribution bounds for measure %s, so it cannot be summed with noise", m[len(m)-1])
			}
		default:
			return refuse("dp", "a dp grant answers COUNT(*), COUNT(DISTINCT unit), COUNT(column), SUM and AVG of measures")
		}
	}
	return nil
}

// planDP builds the dp plan of the (only) aggregation, whose inner
// statement has been split off. epsilon is what the query spends.
func planDP(g *Grant, agg *aggNode, epsilon float64) (*dpPlan, error) {
	p := &dpPlan{agg: agg, salt: randomInt63(), hash: duckHash}
	spec := g.DP
	cost := CostOf(epsilon, spec.QueryDelta)
	if cost.MicroEpsilon <= 0 {
		return nil, refuse("dp", "a dp query spends a positive ε")
	}
	rows, groups := spec.rowsPerUnit(), spec.groupsPerUnit()
	index := map[string]int{}
	add := func(col string, sens int64) int {
		if i, ok := index[col]; ok {
			return i
		}
		index[col] = len(p.quant)
		p.quant = append(p.quant, quantity{col: col, sensitivity: max(sens, 1)})
		return index[col]
	}
	add("__shuyu_n", groups)
	measure := func(c node) (string, int) {
		names := strs(nodes(c, "children")[0], "column_names")
		m := names[len(names)-1]
		for i, x := range p.measures {
			if x == m {
				return m, i
			}
		}
		p.measures = append(p.measures, m)
		return m, len(p.measures) - 1
	}
	z := func(i int) string { return fmt.Sprintf("v.z%d", i) }
	for _, c := range agg.calls {
		name := strings.ToLower(str(c, "function_name"))
		switch {
		case name == "count_star":
			i := add("__shuyu_rows", rows*groups)
			p.outputs = append(p.outputs, fmt.Sprintf("greatest(0, t.__shuyu_rows + %s)", z(i)))
		case name == "count" && truthy(c, "distinct"):
			p.outputs = append(p.outputs, fmt.Sprintf("greatest(0, t.__shuyu_n + %s)", z(0)))
		case name == "count":
			_, m := measure(c)
			i := add(fmt.Sprintf("__shuyu_c%d", m), rows*groups)
			p.outputs = append(p.outputs, fmt.Sprintf("greatest(0, t.__shuyu_c%d + %s)", m, z(i)))
		default: // sum, avg
			col, m := measure(c)
			b := spec.Bounds[col]
			s := add(fmt.Sprintf("__shuyu_s%d", m), groups*max(abs(b.Lower), abs(b.Upper)))
			if name == "sum" {
				p.outputs = append(p.outputs, fmt.Sprintf("(t.__shuyu_s%d + %s)", m, z(s)))
				continue
			}
			n := add(fmt.Sprintf("__shuyu_c%d", m), rows*groups)
			p.outputs = append(p.outputs, fmt.Sprintf("CAST(t.__shuyu_s%d + %s AS double precision) / greatest(1, t.__shuyu_c%d + %s)", m, z(s), m, z(n)))
		}
	}
	p.cost = cost
	// Group selection: a unit present in up to `groups` groups can create
	// each of them alone (count 1). With noise of scale b on the count,
	// P(1 + Z ≥ τ) = e^{-(τ-1)/b}/(1+e^{-1/b}); τ makes that at most δ over
	// its groups. The grant's k applies on top.
	b := float64(groups) * float64(len(p.quant)) / epsilon
	tau := 1 + math.Ceil(b*math.Log(float64(groups)/(spec.QueryDelta*(1+math.Exp(-1/b)))))
	p.threshold = max(int64(tau), int64(g.k()))
	return p, nil
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func randomInt63() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.LittleEndian.Uint64(b[:]) >> 1)
}

// exactSQL wraps the rows of the aggregation (its grouped keys, unit and
// measures, rendered from the analyzed tree) into the bounded quantities:
// per unit and group, rows are counted and measures summed; a unit keeps at
// most GroupsPerUnit groups (chosen by a salted hash, not by value), counts
// of rows are capped at RowsPerUnit and sums clamped to the bounds.
func (p *dpPlan) exactSQL(rowsSQL string, g *Grant) string {
	spec := g.DP
	keys := make([]string, len(p.agg.groups))
	for i := range keys {
		keys[i] = groupCol(i)
	}
	k := strings.Join(keys, ", ")
	kc := k
	if k != "" {
		kc += ", "
	}
	var perUnit, bounded []string
	for i, m := range p.measures {
		perUnit = append(perUnit, fmt.Sprintf("CAST(sum(round(__shuyu_m%d)) AS BIGINT) AS __shuyu_s%d, count(__shuyu_m%d) AS __shuyu_c%d", i, i, i, i))
		b := spec.Bounds[m]
		bounded = append(bounded, fmt.Sprintf("CAST(sum(greatest(%d, least(%d, __shuyu_s%d))) AS BIGINT) AS __shuyu_s%d, CAST(sum(least(__shuyu_c%d, %d)) AS BIGINT) AS __shuyu_c%d",
			b.Lower, b.Upper, i, i, i, spec.rowsPerUnit(), i))
	}
	extra := func(l []string) string {
		if len(l) == 0 {
			return ""
		}
		return ", " + strings.Join(l, ", ")
	}
	groupBy := func(cols string) string {
		if cols == "" {
			return ""
		}
		return " GROUP BY " + cols
	}
	hashKeys := k
	if hashKeys == "" {
		hashKeys = "0"
	}
	return fmt.Sprintf(`WITH __shuyu_r AS (%s),
__shuyu_p AS (SELECT %s__shuyu_unit, count(*) AS __shuyu_rows%s FROM __shuyu_r GROUP BY %s__shuyu_unit),
__shuyu_b AS (SELECT *, row_number() OVER (PARTITION BY __shuyu_unit ORDER BY %s) AS __shuyu_rank FROM __shuyu_p)
SELECT row_number() OVER () AS __shuyu_row, %scount(*) AS __shuyu_n, CAST(sum(least(__shuyu_rows, %d)) AS BIGINT) AS __shuyu_rows%s
FROM __shuyu_b WHERE __shuyu_rank <= %d%s`,
		rowsSQL, kc, extra(perUnit), kc, p.hash(hashKeys, p.salt), kc, spec.rowsPerUnit(), extra(bounded), spec.groupsPerUnit(), groupBy(k))
}

// rowsNode is the row-level statement the exact quantities are computed
// from: group keys, the unit ordinal and the summed measures of each row.
func (p *dpPlan) rowsNode() node {
	inner := p.agg.inner
	var items []any
	for i, g := range p.agg.groups {
		items = append(items, aliased(clone(g).(node), groupCol(i)))
	}
	items = append(items, aliased(clone(p.agg.units[0].ref).(node), "__shuyu_unit"))
	for i, m := range p.measures {
		items = append(items, aliased(p.measureRef(m), fmt.Sprintf("__shuyu_m%d", i)))
	}
	n := selectNode(nil, obj(inner, "from_table"))
	n["select_list"] = items
	n["where_clause"] = inner["where_clause"]
	n["cte_map"] = inner["cte_map"]
	return n
}

// measureRef finds the reference to measure m among the aggregate calls.
func (p *dpPlan) measureRef(m string) node {
	for _, c := range p.agg.calls {
		if args := nodes(c, "children"); len(args) == 1 && str(args[0], "class") == "COLUMN_REF" {
			if names := strs(args[0], "column_names"); names[len(names)-1] == m {
				return clone(args[0]).(node)
			}
		}
	}
	return colRef(m)
}

// noisedSQL builds the table of released groups from the exact table and
// the noise drawn for each released row: only integers this process drew
// are written into it, never a data value.
func (p *dpPlan) noisedSQL(exact string, released []int64, noise [][]int64) string {
	var cols []string
	for i := range p.agg.groups {
		cols = append(cols, "t."+groupCol(i))
	}
	for j, o := range p.outputs {
		cols = append(cols, fmt.Sprintf("%s AS %s", o, aggCol(j)))
	}
	names := []string{"r"}
	for i := range p.quant {
		names = append(names, fmt.Sprintf("z%d", i))
	}
	var values string
	if len(released) == 0 {
		zeros := make([]string, len(names))
		for i := range zeros {
			zeros[i] = "0"
		}
		values = "(SELECT " + strings.Join(zeros, ", ") + ") AS v(" + strings.Join(names, ", ") + ") ON false"
	} else {
		rows := make([]string, len(released))
		for i, r := range released {
			vals := []string{fmt.Sprint(r)}
			for _, z := range noise[i] {
				vals = append(vals, fmt.Sprint(z))
			}
			rows[i] = "(" + strings.Join(vals, ", ") + ")"
		}
		values = "(VALUES " + strings.Join(rows, ", ") + ") AS v(" + strings.Join(names, ", ") + ") ON t.__shuyu_row = v.r"
	}
	return fmt.Sprintf("SELECT %s FROM %s AS t JOIN %s", strings.Join(cols, ", "), exact, values)
}

// draw adds noise to one group's exact quantities and says whether the
// group is released.
func (p *dpPlan) draw(s sampler, exact []int64) (noise []int64, released bool) {
	noise = make([]int64, len(p.quant))
	q := int64(len(p.quant))
	for i, x := range p.quant {
		// ε per quantity is ε/q; the noise scale is Δ/(ε/q) = Δ·q·10⁶/µε.
		num := big.NewInt(p.cost.MicroEpsilon)
		den := new(big.Int).Mul(big.NewInt(x.sensitivity), big.NewInt(q*1_000_000))
		noise[i] = s.laplace(num, den)
	}
	return noise, exact[0]+noise[0] >= p.threshold
}
