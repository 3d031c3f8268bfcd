package sandbox

import (
	"fmt"
	"strings"
)

// Names of the columns of a materialized aggregation.
func groupCol(i int) string { return fmt.Sprintf("%s_g%d", reserved, i) }
func aggCol(j int) string   { return fmt.Sprintf("%s_a%d", reserved, j) }
func unitsCol(u int) string { return fmt.Sprintf("%s_k%d", reserved, u) }

// sharedCol counts the units of a group that may be in other groups too.
func sharedCol(u int) string { return fmt.Sprintf("%s_m%d", reserved, u) }

// highCol bounds the units of a group from above where unitsCol bounds
// them from below (see repeats).
const highCol = reserved + "_h0"

// split turns an aggregation of dataset rows into two statements. The
// inner one groups the rows and adds, per dataset occurrence, the number of
// distinct privacy units of each group; it is materialized into a temporary
// table. The outer one (the SELECT itself, rewritten in place) reads only
// the groups that pass the threshold, so that window functions, HAVING on
// later steps, ORDER BY and LIMIT never see a suppressed group: a
// percent-of-total cannot reveal what was suppressed.
func (a *analyzer) split(agg *aggNode, k int) {
	sel := agg.sel
	for j, c := range agg.calls {
		agg.calls[j] = clone(c).(node)
	}
	var items []node
	for i, g := range agg.groups {
		items = append(items, aliased(clone(g).(node), groupCol(i)))
	}
	for j, c := range agg.calls {
		items = append(items, aliased(clone(c).(node), aggCol(j)))
	}
	for u, unit := range agg.units {
		items = append(items, aliased(unit.count(), unitsCol(u)), aliased(unit.shared(), sharedCol(u)))
	}
	inner := selectNode(items, obj(sel, "from_table"))
	inner["where_clause"] = sel["where_clause"]
	groups := make([]any, len(agg.groups))
	set := make([]any, len(agg.groups))
	for i, g := range agg.groups {
		groups[i], set[i] = clone(g), i
	}
	inner["group_expressions"] = groups
	if len(groups) > 0 {
		inner["group_sets"] = []any{set}
	}
	inner["having"] = sel["having"]
	var ctes []any
	for _, c := range agg.ctes {
		ctes = append(ctes, node{"key": c.name, "value": c.def})
	}
	inner["cte_map"] = node{"map": append([]any{}, ctes...)}
	agg.inner = inner
	if len(agg.units) == 1 && agg.units[0].multi != "" {
		agg.repeats = repeats(inner, agg.units[0], len(agg.groups), true)
		agg.multiRows = repeats(inner, agg.units[0], len(agg.groups), false)
	}

	agg.temp = a.name("g")
	sel["from_table"] = baseTable(agg.temp, groupAlias)
	var ok []node
	for u := range agg.units {
		ok = append(ok, comparison("COMPARE_GREATERTHANOREQUALTO", colRef(groupAlias, unitsCol(u)), constInt(int64(k))))
	}
	sel["where_clause"] = conjunction("CONJUNCTION_AND", ok...)
	sel["group_expressions"], sel["group_sets"], sel["having"] = []any{}, []any{}, nil
	sel["cte_map"] = node{"map": []any{}}
	for _, it := range nodes(sel, "select_list") {
		agg.replaceIn(it)
	}
	agg.replaceIn(obj(sel, "qualify"))
	for _, e := range orderExprs(sel) {
		agg.replaceIn(e)
	}
}

// count is the number of distinct units of a group: its rows where each
// is a distinct unit, or where the repeats are taken off afterwards (see
// repeats); else rows that are their unit's only one plus the distinct
// units of the other rows (a distinct count is costly); else the distinct
// units.
func (u unitRef) count() node {
	switch {
	case u.unique || u.multi != "":
		return function("count_star", false)
	case u.single != nil:
		alone := function("count_star", false)
		alone["filter"] = clone(u.single).(node)
		rest := function("count", true, clone(u.ref).(node))
		rest["filter"] = node{"class": "OPERATOR", "type": "OPERATOR_NOT", "alias": "", "children": []any{clone(u.single)}}
		sum := function("+", false, alone, rest)
		sum["is_operator"] = true
		return sum
	}
	return function("count", true, clone(u.ref).(node))
}

// shared bounds how many units of a group may also be in other groups of
// the same statement: none when each row is a distinct unit, those with
// several rows when the view is read alone, else all of them.
func (u unitRef) shared() node {
	switch {
	case u.unique || u.multi != "":
		return constInt(0)
	case u.single != nil:
		rest := function("count", true, clone(u.ref).(node))
		rest["filter"] = node{"class": "OPERATOR", "type": "OPERATOR_NOT", "alias": "", "children": []any{clone(u.single)}}
		return rest
	}
	return u.count()
}

// repeats is the statement that counts, per group of inner, the rows that
// repeat a unit (rows less distinct units) and the units that may be in
// other groups too (those with several rows): inner over the dataset's
// multi view, which has only the rows of units with several rows, so it
// reads a small file. HAVING is left out: it is decided on inner's whole
// groups, which the repeats are joined to.
//
// Counting those units distinctly still costs a hash of every such row by
// unit and group (at 10,000,000 rows of the demo data, 600,000 rows and
// half of what the analyst's aggregate costs). Without exact, the
// statement counts the rows only, which bound the units: a group of r rows
// of which m belong to units with several rows has between r − m + 1 and
// r units (r when m = 0). Most groups are far from k either way; the
// exact count runs only for a group whose bounds straddle k.
func repeats(inner node, u unitRef, ngroups int, exact bool) node {
	x := clone(inner).(node)
	items := append([]any{}, list(x, "select_list")[:ngroups]...)
	if exact {
		distinct := function("count", true, clone(u.ref).(node))
		rows := function("-", false, function("count_star", false), clone(distinct).(node))
		rows["is_operator"] = true
		items = append(items, aliased(rows, unitsCol(0)), aliased(distinct, sharedCol(0)))
	} else {
		items = append(items, aliased(function("count_star", false), sharedCol(0)))
	}
	x["select_list"] = items
	x["having"] = nil
	obj(x, "from_table")["table_name"] = u.multi
	return x
}

// withRepeats joins an aggregation's grouped statement to its repeats
// (exact) or its rows of units with several rows, so that its units column
// counts distinct units, or bounds them from below with highCol above;
// both are rendered statements.
func withRepeats(inner, repeats string, agg *aggNode, exact bool) string {
	const i, r = reserved + "_i", reserved + "_r"
	var cols, on []string
	for g := range agg.groups {
		cols = append(cols, i+"."+ident(groupCol(g)))
		on = append(on, i+"."+ident(groupCol(g))+" IS NOT DISTINCT FROM "+r+"."+ident(groupCol(g)))
	}
	for j := range agg.calls {
		cols = append(cols, i+"."+ident(aggCol(j)))
	}
	k, m, h := ident(unitsCol(0)), ident(sharedCol(0)), ident(highCol)
	multi := "coalesce(" + r + "." + m + ", 0)"
	if exact {
		cols = append(cols, i+"."+k+" - coalesce("+r+"."+k+", 0) AS "+k, multi+" AS "+m, i+"."+k+" - coalesce("+r+"."+k+", 0) AS "+h)
	} else {
		cols = append(cols, i+"."+k+" - "+multi+" + CASE WHEN "+multi+" > 0 THEN 1 ELSE 0 END AS "+k, multi+" AS "+m, i+"."+k+" AS "+h)
	}
	if len(on) == 0 {
		on = []string{"true"}
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM (" + inner + ") AS " + i + " LEFT JOIN (" + repeats + ") AS " + r +
		" ON " + strings.Join(on, " AND ")
}

// replaceIn rewrites group keys and aggregate calls of an expression of the
// outer statement into the columns of the materialized groups.
func (agg *aggNode) replaceIn(e node) {
	if e == nil {
		return
	}
	alias := str(e, "alias")
	for i, g := range agg.groups {
		if same(e, g) {
			replace(e, aliased(colRef(groupAlias, groupCol(i)), alias))
			return
		}
	}
	if str(e, "class") == "FUNCTION" && isAggregate(str(e, "function_name")) {
		for j, c := range agg.calls {
			if same(e, c) {
				replace(e, aliased(colRef(groupAlias, aggCol(j)), alias))
				return
			}
		}
	}
	if str(e, "class") == "SUBQUERY" {
		return
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case node:
			if _, ok := v["class"]; ok {
				agg.replaceIn(v)
				return
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for k, v := range e {
		if k != "alias" {
			walk(v)
		}
	}
}

// extraction is the statement that lists, per group, the privacy-unit
// ordinals of each dataset occurrence: the differencing defence runs it
// only when an answer's groups come close in size to earlier ones.
func (agg *aggNode) extraction() node {
	x := clone(agg.inner).(node)
	var items []any
	for i := range agg.groups {
		items = append(items, list(x, "select_list")[i])
	}
	for u, unit := range agg.units {
		items = append(items, aliased(function("list", !unit.unique, clone(unit.ref).(node)), unitsCol(u)))
	}
	x["select_list"] = items
	return x
}

// pruneCTEs removes WITH queries nothing reads any more: the row-level ones
// moved into the materialized statements.
func pruneCTEs(root node) {
	for {
		refs := map[string]bool{}
		tables(root, refs)
		removed := false
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case node:
				if m := obj(v, "cte_map"); m != nil {
					var kept []any
					for _, e := range nodes(m, "map") {
						if refs[strings.ToLower(str(e, "key"))] {
							kept = append(kept, e)
						} else {
							removed = true
						}
					}
					m["map"] = append([]any{}, kept...)
				}
				for _, x := range v {
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(root)
		if !removed {
			return
		}
	}
}

// tables collects the names of the base tables a tree reads.
func tables(v any, refs map[string]bool) {
	switch v := v.(type) {
	case node:
		if str(v, "type") == "BASE_TABLE" {
			refs[strings.ToLower(str(v, "table_name"))] = true
		}
		for _, x := range v {
			tables(x, refs)
		}
	case []any:
		for _, x := range v {
			tables(x, refs)
		}
	}
}

// limitRows makes the final statement return at most max+1 rows, so that
// an answer larger than the grant allows is seen and refused rather than
// computed whole.
func limitRows(root node, max int) {
	for _, m := range nodes(root, "modifiers") {
		if str(m, "type") != "LIMIT_MODIFIER" {
			continue
		}
		if n, ok := position(obj(m, "limit")); ok && n <= max {
			return
		}
		m["limit"] = constInt(int64(max) + 1)
		return
	}
	root["modifiers"] = append(list(root, "modifiers"), node{"type": "LIMIT_MODIFIER", "limit": constInt(int64(max) + 1), "offset": nil})
}

// tryCasts makes every cast a TRY_CAST: a failed cast gives NULL rather
// than an error that would say whether some row holds a value.
func tryCasts(v any) {
	switch v := v.(type) {
	case node:
		if str(v, "class") == "CAST" {
			v["try_cast"] = true
		}
		for _, x := range v {
			tryCasts(x)
		}
	case []any:
		for _, x := range v {
			tryCasts(x)
		}
	}
}
