package sandbox

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
)

// pgWriter renders an analyzed tree (DuckDB's syntax tree, after analysis
// and rewrite) as one PostgreSQL statement. It knows every construct it
// renders and refuses the rest, so that what runs on PostgreSQL means
// what the analyzer judged: a construct whose PostgreSQL form would differ
// (QUALIFY, a cast that could fail on a value, a function PostgreSQL would
// raise an error in where DuckDB gives NULL) is refused, never guessed.
type pgWriter struct {
	b   strings.Builder
	err error
}

// renderPG renders a query tree for PostgreSQL.
func renderPG(root node) (string, error) {
	w := &pgWriter{}
	w.query(root)
	if w.err != nil {
		return "", w.err
	}
	return w.b.String(), nil
}

func (w *pgWriter) s(parts ...string) {
	for _, p := range parts {
		w.b.WriteString(p)
	}
}

// refuse records the first construct that has no PostgreSQL rendering.
func (w *pgWriter) refuse(format string, args ...any) {
	if w.err == nil {
		w.err = refuse("engine", "the PostgreSQL engine cannot run "+format+"; rewrite the query without it", args...)
	}
}

func (w *pgWriter) query(n node) {
	if m := obj(n, "cte_map"); m != nil && len(list(m, "map")) > 0 {
		w.s("WITH ")
		for i, e := range nodes(m, "map") {
			if i > 0 {
				w.s(", ")
			}
			v := obj(e, "value")
			w.s(ident(str(e, "key")))
			if aliases := strs(v, "aliases"); len(aliases) > 0 {
				w.s("(", identList(aliases), ")")
			}
			w.s(" AS ")
			switch str(v, "materialized") {
			case "CTE_MATERIALIZE_ALWAYS":
				w.s("MATERIALIZED ")
			case "CTE_MATERIALIZE_NEVER":
				w.s("NOT MATERIALIZED ")
			}
			w.s("(")
			w.query(obj(obj(v, "query"), "node"))
			w.s(")")
		}
		w.s(" ")
	}
	switch str(n, "type") {
	case "SELECT_NODE":
		w.selectNode(n)
	case "SET_OPERATION_NODE":
		w.s("(")
		w.query(obj(n, "left"))
		op := map[string]string{"UNION": " UNION ", "EXCEPT": " EXCEPT ", "INTERSECT": " INTERSECT "}[str(n, "setop_type")]
		if op == "" {
			w.refuse("%s", strings.ToLower(str(n, "setop_type")))
			return
		}
		w.s(")", op)
		if truthy(n, "setop_all") {
			w.s("ALL ")
		}
		w.s("(")
		w.query(obj(n, "right"))
		w.s(")")
		w.modifiers(n, false)
	default:
		w.refuse("a %s", str(n, "type"))
	}
}

func (w *pgWriter) selectNode(n node) {
	if obj(n, "qualify") != nil {
		w.qualify(n)
		return
	}
	w.s("SELECT ")
	distinct := false
	for _, m := range nodes(n, "modifiers") {
		if str(m, "type") == "DISTINCT_MODIFIER" {
			if len(list(m, "distinct_on_targets")) > 0 {
				w.refuse("DISTINCT ON")
			}
			distinct = true
		}
	}
	if distinct {
		w.s("DISTINCT ")
	}
	for i, it := range nodes(n, "select_list") {
		if i > 0 {
			w.s(", ")
		}
		w.expr(it)
		if a := str(it, "alias"); a != "" {
			w.s(" AS ", ident(a))
		}
	}
	if from := obj(n, "from_table"); from != nil && str(from, "type") != "EMPTY" {
		w.s(" FROM ")
		w.table(from)
	}
	if wh := obj(n, "where_clause"); wh != nil {
		w.s(" WHERE ")
		w.expr(wh)
	}
	if groups := nodes(n, "group_expressions"); len(groups) > 0 {
		if sets := list(n, "group_sets"); len(sets) != 1 {
			w.refuse("GROUPING SETS, ROLLUP or CUBE")
		}
		w.s(" GROUP BY ")
		w.exprs(groups)
	}
	if h := obj(n, "having"); h != nil {
		w.s(" HAVING ")
		w.expr(h)
	}
	if obj(n, "sample") != nil {
		w.refuse("USING SAMPLE")
	}
	w.modifiers(n, true)
}

// qualify renders a SELECT with QUALIFY, which PostgreSQL lacks, as the
// SELECT without it, its condition and its ORDER BY expressions as more
// columns, filtered, ordered and limited by an outer SELECT that returns
// the original columns by their names.
func (w *pgWriter) qualify(n node) {
	items := nodes(n, "select_list")
	names := make([]string, len(items))
	seen := map[string]bool{}
	for i, it := range items {
		a := strings.ToLower(str(it, "alias"))
		if a == "" || seen[a] {
			w.refuse("QUALIFY with unnamed or repeated output columns (name each column with AS)")
			return
		}
		seen[a], names[i] = true, str(it, "alias")
	}
	const q, o = reserved + "_q", reserved + "_o"
	inner := clone(n).(node)
	inner["qualify"], inner["modifiers"] = nil, []any{}
	list := append(anys(items), aliased(clone(obj(n, "qualify")).(node), q))
	var outer []any
	for _, m := range nodes(n, "modifiers") {
		switch str(m, "type") {
		case "DISTINCT_MODIFIER":
			w.refuse("DISTINCT with QUALIFY")
			return
		case "ORDER_MODIFIER":
			var orders []any
			for i, ord := range nodes(m, "orders") {
				ord = clone(ord).(node)
				e := obj(ord, "expression")
				ref := strs(e, "column_names")
				if str(e, "class") == "COLUMN_REF" && len(ref) == 1 && seen[strings.ToLower(ref[0])] || str(e, "class") == "CONSTANT" {
					orders = append(orders, ord) // an output column, by name or position
					continue
				}
				col := fmt.Sprintf("%s%d", o, i)
				list = append(list, aliased(clone(e).(node), col))
				ord["expression"] = colRef(col)
				orders = append(orders, ord)
			}
			outer = append(outer, node{"type": "ORDER_MODIFIER", "orders": orders})
		default:
			outer = append(outer, m)
		}
	}
	inner["select_list"] = list
	w.s("SELECT ", identList(names), " FROM (")
	w.selectNode(inner)
	w.s(") AS ", ident(reserved+"_qualify"), " WHERE ", ident(q))
	w.modifiers(node{"modifiers": outer}, true)
}

// modifiers renders ORDER BY, LIMIT and OFFSET.
func (w *pgWriter) modifiers(n node, distinctDone bool) {
	for _, m := range nodes(n, "modifiers") {
		switch str(m, "type") {
		case "ORDER_MODIFIER":
			if len(list(m, "orders")) > 0 {
				w.s(" ORDER BY ")
				w.orders(nodes(m, "orders"))
			}
		case "LIMIT_MODIFIER":
			if l := obj(m, "limit"); l != nil {
				w.s(" LIMIT ")
				w.expr(l)
			}
			if o := obj(m, "offset"); o != nil {
				w.s(" OFFSET ")
				w.expr(o)
			}
		case "DISTINCT_MODIFIER":
			if !distinctDone {
				w.refuse("DISTINCT over a set operation")
			}
		default:
			w.refuse("a %s", strings.ToLower(str(m, "type")))
		}
	}
}

func (w *pgWriter) orders(orders []node) {
	for i, o := range orders {
		if i > 0 {
			w.s(", ")
		}
		w.expr(obj(o, "expression"))
		switch str(o, "type") {
		case "ASCENDING":
			w.s(" ASC")
		case "DESCENDING":
			w.s(" DESC")
		}
		// DuckDB puts NULLs last by default in both directions; PostgreSQL
		// puts them first when descending: say it always.
		switch str(o, "null_order") {
		case "NULLS_FIRST", "NULLS FIRST":
			w.s(" NULLS FIRST")
		default:
			w.s(" NULLS LAST")
		}
	}
}

func (w *pgWriter) table(t node) {
	switch str(t, "type") {
	case "BASE_TABLE":
		if str(t, "schema_name") != "" || str(t, "catalog_name") != "" || t["at_clause"] != nil {
			w.refuse("a qualified table name")
		}
		w.s(ident(str(t, "table_name")))
	case "SUBQUERY", "SUBQUERY_REF":
		w.s("(")
		w.query(obj(obj(t, "subquery"), "node"))
		w.s(")")
		if str(t, "alias") == "" {
			w.s(" AS ", ident(reserved+"_sub"))
		}
	case "JOIN":
		w.s("(")
		w.table(obj(t, "left"))
		switch str(t, "ref_type") {
		case "CROSS":
			w.s(" CROSS JOIN ")
		case "REGULAR":
			kind := map[string]string{"INNER": " JOIN ", "LEFT": " LEFT JOIN ", "RIGHT": " RIGHT JOIN ", "OUTER": " FULL JOIN "}[str(t, "join_type")]
			if kind == "" {
				w.refuse("a %s join", strings.ToLower(str(t, "join_type")))
				return
			}
			w.s(kind)
		default:
			w.refuse("a %s join", strings.ToLower(str(t, "ref_type")))
			return
		}
		w.table(obj(t, "right"))
		if using := strs(t, "using_columns"); len(using) > 0 {
			w.s(" USING (", identList(using), ")")
		} else if c := obj(t, "condition"); c != nil {
			w.s(" ON ")
			w.expr(c)
		} else if str(t, "ref_type") == "REGULAR" {
			w.s(" ON true")
		}
		w.s(")")
	default:
		w.refuse("a %s in FROM", strings.ToLower(str(t, "type")))
		return
	}
	if a := str(t, "alias"); a != "" {
		w.s(" AS ", ident(a))
		if cols := strs(t, "column_name_alias"); len(cols) > 0 {
			w.s("(", identList(cols), ")")
		}
	}
}

func (w *pgWriter) exprs(es []node) {
	for i, e := range es {
		if i > 0 {
			w.s(", ")
		}
		w.expr(e)
	}
}

var pgComparisons = map[string]string{
	"COMPARE_EQUAL": "=", "COMPARE_NOTEQUAL": "<>", "COMPARE_LESSTHAN": "<", "COMPARE_GREATERTHAN": ">",
	"COMPARE_LESSTHANOREQUALTO": "<=", "COMPARE_GREATERTHANOREQUALTO": ">=",
	"COMPARE_DISTINCT_FROM": "IS DISTINCT FROM", "COMPARE_NOT_DISTINCT_FROM": "IS NOT DISTINCT FROM",
}

func (w *pgWriter) expr(e node) {
	if e == nil {
		w.s("NULL")
		return
	}
	switch str(e, "class") {
	case "COLUMN_REF":
		names := strs(e, "column_names")
		for i, n := range names {
			names[i] = ident(n)
		}
		w.s(strings.Join(names, "."))
	case "CONSTANT":
		w.constant(obj(e, "value"))
	case "COMPARISON":
		op, ok := pgComparisons[str(e, "type")]
		if !ok {
			w.refuse("the comparison %s", str(e, "type"))
			return
		}
		w.s("(")
		w.expr(obj(e, "left"))
		w.s(" ", op, " ")
		w.expr(obj(e, "right"))
		w.s(")")
	case "CONJUNCTION":
		op := map[string]string{"CONJUNCTION_AND": " AND ", "CONJUNCTION_OR": " OR "}[str(e, "type")]
		w.s("(")
		for i, c := range nodes(e, "children") {
			if i > 0 {
				w.s(op)
			}
			w.expr(c)
		}
		w.s(")")
	case "OPERATOR":
		w.operator(e)
	case "BETWEEN":
		w.s("(")
		w.expr(obj(e, "input"))
		w.s(" BETWEEN ")
		w.expr(obj(e, "lower"))
		w.s(" AND ")
		w.expr(obj(e, "upper"))
		w.s(")")
	case "CASE":
		w.s("CASE")
		for _, c := range nodes(e, "case_checks") {
			w.s(" WHEN ")
			w.expr(obj(c, "when_expr"))
			w.s(" THEN ")
			w.expr(obj(c, "then_expr"))
		}
		w.s(" ELSE ")
		w.expr(obj(e, "else_expr"))
		w.s(" END")
	case "CAST":
		w.cast(e)
	case "FUNCTION":
		w.function(e)
	case "WINDOW":
		w.window(e)
	case "SUBQUERY":
		w.subquery(e)
	default:
		w.refuse("the expression %s", strings.ToLower(str(e, "class")))
	}
}

func (w *pgWriter) operator(e node) {
	args := nodes(e, "children")
	if len(args) == 0 {
		w.refuse("the operator %s without operands", strings.ToLower(str(e, "type")))
		return
	}
	switch str(e, "type") {
	case "OPERATOR_NOT":
		w.s("(NOT ")
		w.expr(args[0])
		w.s(")")
	case "OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL":
		w.s("(")
		w.expr(args[0])
		w.s(map[bool]string{true: " IS NULL)", false: " IS NOT NULL)"}[str(e, "type") == "OPERATOR_IS_NULL"])
	case "COMPARE_IN", "COMPARE_NOT_IN":
		w.s("(")
		w.expr(args[0])
		w.s(map[bool]string{true: " IN (", false: " NOT IN ("}[str(e, "type") == "COMPARE_IN"])
		w.exprs(args[1:])
		w.s("))")
	case "OPERATOR_COALESCE":
		w.s("coalesce(")
		w.exprs(args)
		w.s(")")
	default:
		w.refuse("the operator %s", strings.ToLower(str(e, "type")))
	}
}

func (w *pgWriter) subquery(e node) {
	sub := obj(obj(e, "subquery"), "node")
	switch str(e, "subquery_type") {
	case "SCALAR":
		w.s("(")
		w.query(sub)
		w.s(")")
	case "EXISTS":
		w.s("EXISTS (")
		w.query(sub)
		w.s(")")
	case "NOT_EXISTS":
		w.s("NOT EXISTS (")
		w.query(sub)
		w.s(")")
	case "ANY", "ALL":
		op, ok := pgComparisons[str(e, "comparison_type")]
		if !ok || strings.Contains(op, "DISTINCT") {
			w.refuse("a subquery comparison %s", str(e, "comparison_type"))
			return
		}
		w.s("(")
		w.expr(obj(e, "child"))
		w.s(" ", op, " ", str(e, "subquery_type"), " (")
		w.query(sub)
		w.s("))")
	default:
		w.refuse("a %s subquery", strings.ToLower(str(e, "subquery_type")))
	}
}

// constant renders a literal from its serialized value.
func (w *pgWriter) constant(v node) {
	if truthy(v, "is_null") {
		w.s("NULL")
		return
	}
	typ := obj(v, "type")
	raw := v["value"]
	switch id := str(typ, "id"); id {
	case "VARCHAR":
		s, _ := raw.(string)
		w.s(quote(s))
	case "BOOLEAN":
		w.s(fmt.Sprint(raw == true))
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT":
		n, ok := raw.(json.Number)
		if _, err := n.Int64(); !ok || err != nil {
			w.refuse("the number %v", raw)
			return
		}
		w.s(n.String())
	case "DECIMAL":
		n, ok := raw.(json.Number)
		i, good := new(big.Int).SetString(string(n), 10)
		if !ok || !good {
			w.refuse("the number %v", raw)
			return
		}
		scale, _ := obj(typ, "type_info")["scale"].(json.Number)
		sc, _ := scale.Int64()
		w.s(new(big.Rat).SetFrac(i, new(big.Int).Exp(big.NewInt(10), big.NewInt(sc), nil)).FloatString(int(sc)))
	case "DOUBLE", "FLOAT":
		n, ok := raw.(json.Number)
		if _, err := n.Float64(); !ok || err != nil {
			w.refuse("the number %v", raw)
			return
		}
		w.s("CAST(", quote(n.String()), " AS double precision)")
	default:
		w.refuse("a constant of type %s", strings.ToLower(id))
	}
}

// pgTypes are the PostgreSQL types of the types a cast may produce.
var pgTypes = map[string]string{"BOOLEAN": "boolean", "SMALLINT": "smallint", "INTEGER": "integer", "BIGINT": "bigint",
	"DOUBLE": "double precision", "FLOAT": "real", "VARCHAR": "text", "DATE": "date", "TIMESTAMP": "timestamp",
	"TIMESTAMP WITH TIME ZONE": "timestamptz", "INTERVAL": "interval"}

// cast renders the casts that cannot fail on a value of the data: of a
// literal (DATE '2024-01-01'), which fails or not whatever the rows hold,
// and to text. Any other cast could raise an error on some row where
// DuckDB's TRY_CAST gives NULL, and whether it did would tell of the data.
func (w *pgWriter) cast(e node) {
	t := obj(e, "cast_type")
	id := str(t, "id")
	pt, ok := pgTypes[id]
	if id == "DECIMAL" {
		info := obj(t, "type_info")
		pt, ok = fmt.Sprintf("numeric(%v, %v)", info["width"], info["scale"]), info != nil
	}
	child := obj(e, "child")
	switch {
	case !ok:
		w.refuse("a cast to %s", strings.ToLower(id))
	case str(child, "class") == "CONSTANT" || id == "VARCHAR":
		w.s("CAST(")
		w.expr(child)
		w.s(" AS ", pt, ")")
	default:
		w.refuse("a cast of a column to %s (it could fail on a value); compute with numbers as they are", strings.ToLower(id))
	}
}

func identList(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = ident(n)
	}
	return strings.Join(out, ", ")
}
