package sandbox

import (
	"slices"
	"strings"
)

// ctx is where an expression stands.
type ctx struct {
	clause string // SELECT, WHERE, GROUP BY, HAVING, ORDER BY, JOIN ON, QUALIFY
	// group: the SELECT aggregates, so group keys and aggregates are
	// matched before anything else, as the binder does.
	group bool
	// inAgg names the aggregate whose arguments these are.
	inAgg string
	// inCase: inside a CASE or a conditional function.
	inCase bool
	// passThrough: a select item of a row-level step that another step
	// reads; a bare column of any role may pass through it.
	passThrough bool
	window      bool
}

// inner is the context of an expression's operands.
func (c ctx) inner() ctx { c.passThrough = false; return c }

// ev is what the analyzer knows of an expression's value.
type ev struct {
	role Role
	// bare is set when the expression is a column reference.
	bare *col
	rel  *rel
	// cond: a condition, or a value chosen by one.
	cond bool
}

func (a *analyzer) expr(e node, s *scope, c ctx) (ev, error) {
	if e == nil {
		return ev{role: roleConst}, nil
	}
	class := str(e, "class")
	if _, known := shapes[class]; known && class != "SUBQUERY" && !shapeOK(class, e) {
		return ev{}, unknownConstruct()
	}
	if c.group && c.inAgg == "" && s.agg != nil {
		for _, g := range s.agg.groups {
			if same(e, g) {
				return ev{role: roleAgg}, nil
			}
		}
	}
	switch class {
	case "CONSTANT":
		return ev{role: roleConst}, nil
	case "COLUMN_REF":
		return a.column(e, s, c)
	case "CAST":
		t := str(obj(e, "cast_type"), "id")
		if !slices.Contains(scalarTypes, t) {
			return ev{}, refuse("functions", "casts to %s are not accepted: casts produce plain values", t)
		}
		v, err := a.expr(obj(e, "child"), s, c.inner())
		if a.strict && v.role == Measure && !slices.Contains(numericTypes, t) {
			return ev{}, refuse("measures", "measures may be cast only to numbers")
		}
		v.bare = nil
		return v, err
	case "FUNCTION":
		return a.function(e, s, c)
	case "OPERATOR":
		return a.operator(e, s, c)
	case "COMPARISON":
		return a.compare(s, c, str(e, "type"), obj(e, "left"), obj(e, "right"))
	case "BETWEEN":
		return a.compare(s, c, "BETWEEN", obj(e, "input"), obj(e, "lower"), obj(e, "upper"))
	case "CONJUNCTION":
		return a.all(nodes(e, "children"), s, c.inner(), true)
	case "CASE":
		return a.caseExpr(e, s, c)
	case "WINDOW":
		return a.window(e, s, c)
	case "SUBQUERY":
		return a.subquery(e, s, c)
	case "STAR":
		return ev{}, refuse("columns", "* is accepted only as a whole select item or in COUNT(*)")
	case "POSITIONAL_REFERENCE":
		return ev{}, refuse("columns", "positional references (#1) are not accepted; name the column")
	case "PARAMETER":
		return ev{}, refuse("parse", "parameters are not accepted; write the values in the query")
	case "LAMBDA", "LAMBDA_REF":
		return ev{}, refuse("functions", "lambdas are not accepted: list functions could carry row values out")
	case "COLLATE":
		return ev{}, refuse("functions", "COLLATE is not accepted")
	}
	return ev{}, refuse("functions", "%s expressions are not accepted", strings.ToLower(class))
}

// all combines operands, as in AND/OR or a function's arguments.
func (a *analyzer) all(args []node, s *scope, c ctx, cond bool) (ev, error) {
	out := ev{role: roleConst, cond: cond}
	for _, x := range args {
		v, err := a.expr(x, s, c)
		if err != nil {
			return out, err
		}
		if out.role, err = a.combine(out.role, v.role); err != nil {
			return out, err
		}
		out.cond = out.cond || v.cond
	}
	return out, nil
}

func (a *analyzer) column(e node, s *scope, c ctx) (ev, error) {
	names := strs(e, "column_names")
	r, err := a.resolve(s, names, false)
	if err != nil {
		return ev{}, err
	}
	if r.rel == nil {
		return ev{}, unknownConstruct()
	}
	cl := r.col
	v := ev{role: cl.role, bare: &cl, rel: r.rel}
	if a.strict && c.group && c.inAgg == "" && r.rel.level == levelRow {
		return ev{}, refuse("groups", "column %s must be in GROUP BY or inside an aggregate", cl.name)
	}
	if c.passThrough {
		return v, nil
	}
	switch cl.role {
	case Filter:
		return ev{}, refuse("filters", "column %s is a filter column: it may be used only in comparisons with constants in WHERE", cl.name)
	case Join:
		return ev{}, refuse("identifiers", "column %s is a join column: it may be used only in equality join conditions (a.%s = b.column)", cl.name, cl.name)
	case PrivacyUnit:
		return ev{}, refuse("identifiers", "column %s identifies a person or an enterprise: it may be used only in equality join conditions and in COUNT / COUNT DISTINCT", cl.name)
	case Measure:
		if c.inAgg == "" && c.clause != "SELECT" {
			return ev{}, refuse("measures", "measure %s may be used only inside aggregates (SUM, AVG, COUNT), not in %s", cl.name, c.clause)
		}
	case Dimension, Output:
		if a.strict && c.inAgg != "" && (cl.role == Dimension || a.g.Rule != List) {
			return ev{}, refuse("aggregates", "%s %s may not be used inside %s: group by it instead (for instance by a CASE bucket)", cl.role, cl.name, strings.ToUpper(c.inAgg))
		}
	}
	return v, nil
}

// combine is the role of a value built from two others.
func (a *analyzer) combine(x, y Role) (Role, error) {
	switch {
	case x == roleConst:
		return y, nil
	case y == roleConst, x == y:
		return x, nil
	case !a.strict:
		return roleFree, nil
	case (x == Output && y == Dimension) || (x == Dimension && y == Output):
		return Dimension, nil
	case x == Measure || y == Measure:
		return "", refuse("measures", "an expression may not mix a measure with other columns: measures are used only inside aggregates, with arithmetic")
	case x == roleAgg || y == roleAgg:
		return "", refuse("groups", "columns outside aggregates must be in GROUP BY")
	}
	return "", refuse("columns", "an expression mixes %s and %s columns", x, y)
}

func (a *analyzer) function(e node, s *scope, c ctx) (ev, error) {
	name := strings.ToLower(str(e, "function_name"))
	if str(e, "catalog") != "" || (str(e, "schema") != "" && str(e, "schema") != "main") {
		return ev{}, refuse("functions", "call functions by their name alone")
	}
	if isAggregate(name) {
		return a.aggregate(e, s, c, name)
	}
	if !empty(e, "filter") || !empty(e, "order_bys") || truthy(e, "export_state") || truthy(e, "distinct") {
		return ev{}, refuse("functions", "FILTER, ORDER BY and DISTINCT are accepted only in COUNT(DISTINCT …)")
	}
	args := nodes(e, "children")
	switch name {
	case "~~", "!~~", "~~*", "!~~*", "^@":
		return a.compare(s, c, name, args...)
	}
	class, ok := scalars[name]
	if !ok {
		return ev{}, refuse("functions", "function %s is not accepted: %s", name, whyRefused(name))
	}
	if name == "age" && len(args) != 2 {
		return ev{}, refuse("functions", "age takes two dates, as in age(DATE '2025-12-31', birth_date): answers must not depend on today's date")
	}
	ic := c.inner()
	if class == fnCond {
		ic.inCase = true
	}
	out, err := a.all(args, s, ic, class == fnCond)
	if err != nil {
		return out, err
	}
	if a.strict && out.role == Measure && class != fnArith {
		return out, refuse("measures", "measures may be used only inside aggregates, with arithmetic; %s is not arithmetic", name)
	}
	if a.strict && c.inAgg != "" && out.cond {
		return out, condInAggregate()
	}
	return out, nil
}

func condInAggregate() error {
	return refuse("aggregates", "conditions inside aggregates (CASE, comparisons, COALESCE, NULLIF, IF, FILTER) are not accepted: filter in WHERE or group by a CASE bucket")
}

func (a *analyzer) aggregate(e node, s *scope, c ctx, name string) (ev, error) {
	if s.agg == nil || c.inAgg != "" || c.clause == "WHERE" || c.clause == "GROUP BY" || c.clause == "JOIN ON" {
		return ev{}, refuse("aggregates", "aggregates are accepted in SELECT, HAVING, ORDER BY and QUALIFY only, and not nested")
	}
	if !empty(e, "filter") {
		return ev{}, condInAggregate()
	}
	if !empty(e, "order_bys") || truthy(e, "export_state") {
		return ev{}, refuse("aggregates", "ORDER BY inside aggregates is not accepted")
	}
	distinct := truthy(e, "distinct")
	rows := a.strict && s.agg.rows
	if rows {
		switch {
		case distinct && name != "count":
			return ev{}, refuse("aggregates", "DISTINCT is accepted only in COUNT(DISTINCT …)")
		case slices.Contains(minMax, name) && !a.g.AllowMinMax:
			return ev{}, refuse("aggregates", "%s returns one unit's own value; this grant does not allow MIN, MAX or MEDIAN", strings.ToUpper(name))
		case a.g.Rule == DP && !slices.Contains(dpAggregates, name):
			return ev{}, refuse("dp", "a dp grant answers COUNT, SUM and AVG; %s has no bounded, noised form", strings.ToUpper(name))
		}
	}
	args := nodes(e, "children")
	ac := ctx{clause: c.clause, inAgg: name}
	if name == "count" && len(args) == 1 && str(args[0], "class") == "COLUMN_REF" {
		r, err := a.resolve(s, strs(args[0], "column_names"), false)
		if err != nil {
			return ev{}, err
		}
		if r.rel == nil {
			return ev{}, unknownConstruct()
		}
		switch r.col.role {
		case Join:
			return ev{}, refuse("identifiers", "join column %s may be used only in join conditions; count the privacy unit instead", r.col.name)
		case Filter:
			return ev{}, refuse("filters", "column %s is a filter column: it may be used only in comparisons with constants in WHERE", r.col.name)
		}
	} else {
		for _, x := range args {
			v, err := a.expr(x, s, ac)
			if err != nil {
				return ev{}, err
			}
			if v.cond && rows {
				return ev{}, condInAggregate()
			}
		}
	}
	if !slices.ContainsFunc(s.agg.calls, func(x node) bool { return same(x, e) }) {
		s.agg.calls = append(s.agg.calls, e)
	}
	return ev{role: roleAgg}, nil
}

// compare checks a comparison (=, <, IN, BETWEEN, IS NULL, LIKE) of
// operands: the only place filter columns may appear (in WHERE), and,
// with =, identifiers (in JOIN ON).
func (a *analyzer) compare(s *scope, c ctx, op string, operands ...node) (ev, error) {
	if c.clause == "JOIN ON" && op == "COMPARE_EQUAL" && len(operands) == 2 {
		l, lok := a.bare(operands[0], s)
		r, rok := a.bare(operands[1], s)
		if lok && rok && (identifier(l.col.role) || identifier(r.col.role)) {
			if !identifier(l.col.role) || !identifier(r.col.role) || l.rel == r.rel || l.col.dataset == "" || r.col.dataset == "" {
				return ev{}, refuse("identifiers", "join columns may be compared only with =, with a join column of another dataset occurrence")
			}
			return ev{role: roleConst, cond: true}, nil
		}
	}
	out := ev{role: roleConst, cond: true}
	filter := false
	ic := c.inner()
	for _, o := range operands {
		if b, ok := a.bare(o, s); ok && b.col.role == Filter {
			if c.clause != "WHERE" || c.inCase || c.inAgg != "" || c.window {
				return ev{}, refuse("filters", "column %s is a filter column: it may be used only in comparisons with constants in WHERE", b.col.name)
			}
			filter = true
			continue
		}
		v, err := a.expr(o, s, ic)
		if err != nil {
			return ev{}, err
		}
		if a.strict && v.role == Measure {
			return ev{}, refuse("measures", "measures may not be compared: they are used only inside aggregates, with arithmetic")
		}
		if out.role, err = a.combine(out.role, v.role); err != nil {
			return ev{}, err
		}
	}
	if filter && out.role != roleConst && out.role != Dimension && out.role != Output {
		return ev{}, refuse("filters", "filter columns are compared with constants or dimensions only")
	}
	if a.strict && c.inAgg != "" {
		return ev{}, condInAggregate()
	}
	return out, nil
}

// bare resolves an expression that is a column reference.
func (a *analyzer) bare(e node, s *scope) (resolved, bool) {
	if str(e, "class") != "COLUMN_REF" {
		return resolved{}, false
	}
	r, err := a.resolve(s, strs(e, "column_names"), false)
	return r, err == nil && r.rel != nil
}

func (a *analyzer) operator(e node, s *scope, c ctx) (ev, error) {
	args := nodes(e, "children")
	switch t := str(e, "type"); t {
	case "OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL", "COMPARE_IN", "COMPARE_NOT_IN":
		return a.compare(s, c, t, args...)
	case "OPERATOR_NOT":
		return a.all(args, s, c.inner(), true)
	case "OPERATOR_COALESCE":
		ic := c.inner()
		ic.inCase = true
		out, err := a.all(args, s, ic, true)
		if err == nil && a.strict && out.role == Measure {
			err = refuse("measures", "COALESCE over a measure chooses values by a condition; aggregate the measure instead")
		}
		if err == nil && a.strict && c.inAgg != "" {
			err = condInAggregate()
		}
		return out, err
	}
	return ev{}, refuse("functions", "the operator %s is not accepted", strings.ToLower(str(e, "type")))
}

func (a *analyzer) caseExpr(e node, s *scope, c ctx) (ev, error) {
	if a.strict && c.inAgg != "" {
		return ev{}, condInAggregate()
	}
	ic := c.inner()
	ic.inCase = true
	var parts []node
	for _, chk := range nodes(e, "case_checks") {
		parts = append(parts, obj(chk, "when_expr"), obj(chk, "then_expr"))
	}
	parts = append(parts, obj(e, "else_expr"))
	out := ev{role: roleConst, cond: true}
	for _, p := range parts {
		v, err := a.expr(p, s, ic)
		if err != nil {
			return out, err
		}
		if a.strict && v.role == Measure {
			return out, refuse("measures", "CASE may not choose measure values by a condition: that singles out rows; aggregate the measure and group by a CASE bucket")
		}
		if out.role, err = a.combine(out.role, v.role); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (a *analyzer) window(e node, s *scope, c ctx) (ev, error) {
	name := strings.ToLower(str(e, "function_name"))
	if str(e, "catalog") != "" || (str(e, "schema") != "" && str(e, "schema") != "main") {
		return ev{}, refuse("functions", "call functions by their name alone")
	}
	if !slices.Contains(windows, name) && !isAggregate(name) {
		return ev{}, refuse("windows", "window function %s is not accepted: %s", name, whyRefused(name))
	}
	if !empty(e, "filter_expr") || !empty(e, "arg_orders") || truthy(e, "distinct") {
		return ev{}, refuse("windows", "FILTER, DISTINCT and ORDER BY inside window functions are not accepted")
	}
	rowLevel := s.agg == nil && anyRow(s.rels)
	if a.strict && rowLevel && a.g.Rule != List {
		return ev{}, refuse("windows", "window functions apply to aggregated results only: aggregate first (they may take aggregates, as in sum(count(*)) OVER ())")
	}
	if c.inAgg != "" || c.window {
		return ev{}, refuse("windows", "window functions cannot be nested or used inside aggregates")
	}
	wc := ctx{clause: c.clause, group: c.group, window: true}
	var parts []node
	parts = append(parts, nodes(e, "children")...)
	parts = append(parts, nodes(e, "partitions")...)
	for _, o := range nodes(e, "orders") {
		parts = append(parts, obj(o, "expression"))
	}
	out, err := a.all(parts, s, wc, false)
	if err != nil {
		return out, err
	}
	if a.strict && out.role != roleAgg && out.role != roleConst && !(rowLevel && out.role == Output) {
		return out, refuse("windows", "window functions may take only aggregates and group keys (or output columns in a list grant)")
	}
	for _, k := range []string{"start_expr", "end_expr", "offset_expr", "default_expr"} {
		if v, err := a.expr(obj(e, k), s, wc); err != nil || v.role != roleConst {
			return out, refuse("windows", "window frames and offsets take constants")
		}
	}
	if out.role == roleConst && a.strict {
		out.role = roleAgg
		if rowLevel {
			out.role = Output
		}
	}
	return out, nil
}

func (a *analyzer) subquery(e node, s *scope, c ctx) (ev, error) {
	if !shapeOK("SUBQUERY", e) {
		return ev{}, unknownConstruct()
	}
	if a.strict {
		return ev{}, refuse("subqueries", "subqueries in expressions are not accepted in %s grant: compute them in a WITH query and join it", a.g.Rule.article())
	}
	// final: its columns are not named by anyone (and strict rules never
	// get here).
	info, err := a.query(obj(obj(e, "subquery"), "node"), s, s, true)
	if err != nil {
		return ev{}, err
	}
	for _, cl := range info.cols {
		if identifier(cl.role) {
			return ev{}, refuse("identifiers", "a subquery may not return join or privacy-unit columns")
		}
	}
	if child := obj(e, "child"); child != nil {
		if _, err := a.expr(child, s, c.inner()); err != nil {
			return ev{}, err
		}
	}
	return ev{role: roleFree, cond: true}, nil
}
