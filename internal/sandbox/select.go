package sandbox

import (
	"encoding/json"
	"slices"
	"strings"
)

// selectNode analyzes one SELECT in two passes: the first binds every
// column reference (qualifying it, inlining select aliases), the second
// checks every expression against the roles in its clause.
func (a *analyzer) selectNode(n node, outer, ctes *scope, final bool) (qinfo, error) {
	if !shapeOK("SELECT_NODE", n) {
		return qinfo{}, unknownConstruct()
	}
	if !empty(n, "sample") {
		return qinfo{}, refuse("sampling", "TABLESAMPLE and USING SAMPLE are not accepted: answers must not depend on chance")
	}
	if str(n, "aggregate_handling") != "STANDARD_HANDLING" {
		return qinfo{}, refuse("groups", "GROUP BY ALL is not accepted; name the GROUP BY expressions")
	}
	s := newScope(outer, ctes)
	if err := a.with(n, s); err != nil {
		return qinfo{}, err
	}
	if err := a.tableRef(obj(n, "from_table"), s); err != nil {
		return qinfo{}, err
	}
	from := levelConst
	for _, r := range s.rels {
		from = max(from, r.level)
	}
	if a.strict && from == levelAgg && anyRow(s.rels) {
		return qinfo{}, refuse("levels", "a query step reads either dataset rows or aggregated results, not both: aggregate in a WITH query, then join aggregates with aggregates")
	}
	if err := a.expandStars(n, s); err != nil {
		return qinfo{}, err
	}
	items := nodes(n, "select_list")
	for _, it := range items {
		switch {
		case str(it, "alias") != "":
			if strings.HasPrefix(strings.ToLower(str(it, "alias")), reserved) {
				return qinfo{}, refuse("columns", "names starting with %s are reserved", reserved)
			}
		case str(it, "class") == "COLUMN_REF":
			names := strs(it, "column_names")
			it["alias"] = names[len(names)-1] // the engine's name for it, before qualification
		case !final:
			return qinfo{}, refuse("columns", "give each computed column of a WITH query or subquery a name (… AS name)")
		default:
			a.unnamed = append(a.unnamed, nameFix{item: it, orig: clone(it).(node)})
		}
	}
	if err := a.bindSelect(n, s, items); err != nil {
		return qinfo{}, err
	}
	groups := nodes(n, "group_expressions")
	aggregating := len(groups) > 0 || slices.ContainsFunc(items, hasAggregate) || hasAggregate(obj(n, "having")) ||
		hasAggregate(obj(n, "qualify")) || slices.ContainsFunc(orderExprs(n), hasAggregate)
	if aggregating {
		s.agg = &aggNode{sel: n, rows: from == levelRow}
	}
	rowLevel := !aggregating && from == levelRow
	if w := obj(n, "where_clause"); w != nil {
		if _, err := a.expr(w, s, ctx{clause: "WHERE"}); err != nil {
			return qinfo{}, err
		}
	}
	if err := a.groupBy(n, s, groups); err != nil {
		return qinfo{}, err
	}
	info := qinfo{level: from}
	if aggregating {
		info.level = levelAgg
	}
	for _, it := range items {
		v, err := a.expr(it, s, ctx{clause: "SELECT", group: aggregating, passThrough: rowLevel && !final})
		if err != nil {
			return info, err
		}
		c := col{name: str(it, "alias"), role: v.role}
		if v.bare != nil && rowLevel {
			c.dataset = v.bare.dataset
		}
		if a.strict && final && rowLevel && c.role != Output && c.role != roleConst {
			return info, refuse("list", "column %s cannot be listed: %s grant lists only output columns (others may be filtered on, grouped by or aggregated)", c.name, a.g.Rule.article())
		}
		info.cols = append(info.cols, c)
	}
	if h := obj(n, "having"); h != nil {
		if a.g.Rule == DP {
			return info, refuse("dp", "HAVING compares exact values; in a dp grant filter the noisy result in an outer query")
		}
		if _, err := a.expr(h, s, ctx{clause: "HAVING", group: aggregating}); err != nil {
			return info, err
		}
	}
	if q := obj(n, "qualify"); q != nil {
		if a.strict && rowLevel && a.g.Rule != List {
			return info, refuse("windows", "QUALIFY over dataset rows is not accepted: window functions apply to aggregated results")
		}
		if _, err := a.expr(q, s, ctx{clause: "QUALIFY", group: aggregating}); err != nil {
			return info, err
		}
	}
	if err := a.modifiers(n, s, info.cols, rowLevel); err != nil {
		return info, err
	}
	if aggregating && from == levelRow && a.strict {
		if err := a.recordAggregation(s); err != nil {
			return info, err
		}
	}
	if rowLevel && a.strict && !final {
		a.carryUnits(n, s, &info)
	}
	return info, nil
}

// bindSelect is the first pass: it qualifies every column reference of the
// SELECT as it is bound and inlines the select aliases WHERE, GROUP BY,
// HAVING and QUALIFY name, so that the rendered statement binds exactly as
// analyzed.
func (a *analyzer) bindSelect(n node, s *scope, items []node) error {
	for _, it := range items {
		if err := a.qualify(it, s, true); err != nil {
			return err
		}
		if alias := str(it, "alias"); alias != "" {
			s.aliases[strings.ToLower(alias)] = it
		}
	}
	groups := nodes(n, "group_expressions")
	for _, g := range groups {
		if i, ok := position(g); ok {
			if i < 1 || i > len(items) {
				return refuse("groups", "GROUP BY %d: there is no select item %d", i, i)
			}
			replace(g, unaliased(items[i-1]))
			continue
		}
		if err := a.qualify(g, s, true); err != nil {
			return err
		}
	}
	for _, k := range []string{"where_clause", "having", "qualify"} {
		if err := a.qualify(obj(n, k), s, true); err != nil {
			return err
		}
	}
	return nil
}

// qualify binds the column references of an expression (not of its
// subqueries, which have their own scope).
func (a *analyzer) qualify(e node, s *scope, aliases bool) error {
	if e == nil {
		return nil
	}
	switch str(e, "class") {
	case "COLUMN_REF":
		r, err := a.resolve(s, strs(e, "column_names"), aliases)
		if err != nil {
			return err
		}
		if r.alias != nil {
			replace(e, unaliased(r.alias))
			return nil
		}
		e["column_names"] = []any{r.rel.alias, r.col.name}
		return nil
	case "SUBQUERY":
		return nil
	}
	for _, v := range e {
		if err := a.qualifyValue(v, s, aliases); err != nil {
			return err
		}
	}
	return nil
}

func (a *analyzer) qualifyValue(v any, s *scope, aliases bool) error {
	switch v := v.(type) {
	case node:
		if _, ok := v["class"]; ok {
			return a.qualify(v, s, aliases)
		}
		for _, x := range v {
			if err := a.qualifyValue(x, s, aliases); err != nil {
				return err
			}
		}
	case []any:
		for _, x := range v {
			if err := a.qualifyValue(x, s, aliases); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *analyzer) groupBy(n node, s *scope, groups []node) error {
	sets := list(n, "group_sets")
	if len(groups) > 0 {
		set, _ := sets[0].([]any)
		if len(sets) != 1 || len(set) != len(groups) {
			return refuse("groups", "GROUPING SETS, ROLLUP and CUBE are not accepted; run one query per grouping")
		}
	} else if len(sets) > 0 {
		return refuse("groups", "GROUPING SETS, ROLLUP and CUBE are not accepted; run one query per grouping")
	}
	for _, g := range groups {
		v, err := a.expr(g, s, ctx{clause: "GROUP BY"})
		if err != nil {
			return err
		}
		if a.strict && v.role == Measure {
			return refuse("groups", "measures cannot be grouped by: they may appear only inside aggregates (group by a dimension)")
		}
	}
	if s.agg != nil {
		s.agg.groups = groups
	}
	return nil
}

func (a *analyzer) expandStars(n node, s *scope) error {
	var out []any
	for _, it := range nodes(n, "select_list") {
		if str(it, "class") != "STAR" {
			out = append(out, it)
			continue
		}
		if !shapeOK("STAR", it) || truthy(it, "columns") || !empty(it, "expr") || !empty(it, "exclude_list") || !empty(it, "replace_list") ||
			!empty(it, "qualified_exclude_list") || !empty(it, "rename_list") || str(it, "alias") != "" {
			return refuse("columns", "* with EXCLUDE, REPLACE, RENAME or COLUMNS(…) is not accepted; name the columns")
		}
		rel := str(it, "relation_name")
		found := false
		for _, r := range s.rels {
			if rel != "" && !strings.EqualFold(r.alias, rel) {
				continue
			}
			found = true
			for _, c := range r.cols {
				out = append(out, colRef(r.alias, c.name))
			}
		}
		if !found {
			return refuse("columns", "%s.* names no relation of the FROM clause", rel)
		}
	}
	n["select_list"] = out
	return nil
}

// modifiers checks ORDER BY, LIMIT and DISTINCT; outs are the node's
// output columns, which ORDER BY may name.
func (a *analyzer) modifiers(n node, s *scope, outs []col, rowLevel bool) error {
	preAggregate := a.strict && rowLevel && a.g.Rule != List
	for _, m := range nodes(n, "modifiers") {
		switch str(m, "type") {
		case "ORDER_MODIFIER":
			if preAggregate {
				return refuse("order", "ORDER BY over dataset rows before they are aggregated is not accepted; order the aggregated result")
			}
			for _, o := range nodes(m, "orders") {
				if err := a.orderBy(obj(o, "expression"), s, outs, rowLevel); err != nil {
					return err
				}
			}
		case "LIMIT_MODIFIER":
			if preAggregate && !(empty(m, "limit") && empty(m, "offset")) {
				return refuse("limit", "LIMIT over dataset rows before they are aggregated would single out individuals; limit the aggregated result")
			}
			for _, k := range []string{"limit", "offset"} {
				if e := obj(m, k); e != nil {
					if _, ok := position(e); !ok {
						return refuse("limit", "LIMIT and OFFSET take whole numbers")
					}
				}
			}
		case "DISTINCT_MODIFIER":
			if a.strict && !empty(m, "distinct_on_targets") {
				return refuse("distinct", "DISTINCT ON picks individual rows; use GROUP BY")
			}
			if preAggregate {
				return refuse("distinct", "SELECT DISTINCT over dataset rows lists their values; use GROUP BY with COUNT(*)")
			}
			for _, t := range nodes(m, "distinct_on_targets") {
				if err := a.orderBy(t, s, outs, rowLevel); err != nil {
					return err
				}
			}
		default:
			return refuse("limit", "%s is not accepted", strings.ToLower(str(m, "type")))
		}
	}
	return nil
}

// orderBy checks one ORDER BY expression: a position, an output name, or
// an expression over the FROM clause.
func (a *analyzer) orderBy(e node, s *scope, outs []col, rowLevel bool) error {
	if _, ok := position(e); ok {
		return nil
	}
	role := roleConst
	if names := strs(e, "column_names"); str(e, "class") == "COLUMN_REF" && len(names) == 1 && slices.ContainsFunc(outs, func(c col) bool { return strings.EqualFold(c.name, names[0]) }) {
		for _, c := range outs {
			if strings.EqualFold(c.name, names[0]) {
				role = c.role
			}
		}
	} else {
		if err := a.qualify(e, s, false); err != nil {
			return err
		}
		v, err := a.expr(e, s, ctx{clause: "ORDER BY", group: s.agg != nil})
		if err != nil {
			return err
		}
		role = v.role
	}
	if a.strict && rowLevel && role != Output && role != roleConst {
		return refuse("order", "ORDER BY may use only output columns here: ordering by another column reveals it")
	}
	return nil
}

func orderExprs(n node) []node {
	var out []node
	for _, m := range nodes(n, "modifiers") {
		for _, o := range nodes(m, "orders") {
			out = append(out, obj(o, "expression"))
		}
	}
	return out
}

// hasAggregate reports whether an expression calls an aggregate of its own
// query level (not inside a subquery).
func hasAggregate(e node) bool {
	if e == nil || str(e, "class") == "SUBQUERY" {
		return false
	}
	if str(e, "class") == "FUNCTION" && isAggregate(str(e, "function_name")) {
		return true
	}
	found := false
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case node:
			if _, ok := v["class"]; ok {
				found = found || hasAggregate(v)
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
	for _, v := range e {
		walk(v)
	}
	return found
}

// recordAggregation keeps an aggregation of dataset rows for the rewrite.
func (a *analyzer) recordAggregation(s *scope) error {
	agg := s.agg
	agg.scope = s
	for _, r := range s.rels {
		if r.level != levelRow {
			continue
		}
		if r.noUnits || len(r.units) == 0 {
			return refuse("aggregate", "aggregating a UNION of rows is not accepted; aggregate each side and combine the aggregates")
		}
		alone := len(s.rels) == 1 && s.joins == 0
		for _, u := range r.units {
			ref := unitRef{ref: colRef(r.alias, u.name), dataset: u.dataset, unique: u.unique && alone}
			if u.direct && alone {
				ref.single = colRef(r.alias, singleColumn)
				from := obj(agg.sel, "from_table")
				if a.files[u.dataset].Multi != "" && a.g.Rule != DP && str(from, "type") == "BASE_TABLE" && str(from, "table_name") == viewPrefix+u.dataset {
					ref.multi = multiPrefix + u.dataset
				}
			}
			agg.units = append(agg.units, ref)
		}
	}
	for _, c := range s.visibleCTEs() {
		if c.info.level == levelRow {
			agg.ctes = append(agg.ctes, c)
		}
	}
	a.aggs = append(a.aggs, agg)
	return nil
}

// carryUnits adds, to a row-level step that another step reads, hidden
// columns carrying the privacy-unit ordinals of the datasets behind it.
func (a *analyzer) carryUnits(n node, s *scope, info *qinfo) {
	for _, r := range s.rels {
		if r.level != levelRow {
			continue
		}
		info.noUnits = info.noUnits || r.noUnits
		for _, u := range r.units {
			hidden := a.name("u")
			n["select_list"] = append(list(n, "select_list"), aliased(colRef(r.alias, u.name), hidden))
			info.units = append(info.units, unitCol{name: hidden, dataset: u.dataset, unique: u.unique && len(s.rels) == 1 && s.joins == 0})
		}
	}
}

// position reads an integer constant: a GROUP BY or ORDER BY position, a
// LIMIT.
func position(e node) (int, bool) {
	if str(e, "class") != "CONSTANT" {
		return 0, false
	}
	v := obj(e, "value")
	switch str(obj(v, "type"), "id") {
	case "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER":
	default:
		return 0, false
	}
	num, ok := v["value"].(json.Number)
	if !ok {
		return 0, false
	}
	i, err := num.Int64()
	if err != nil || i < 0 || i > 1<<31 {
		return 0, false
	}
	return int(i), true
}

// replace makes dst a copy of src, keeping dst's identity (its parent
// still holds it).
func replace(dst, src node) {
	for k := range dst {
		delete(dst, k)
	}
	for k, v := range src {
		dst[k] = v
	}
}

func unaliased(e node) node {
	c := clone(e).(node)
	c["alias"] = ""
	return c
}
