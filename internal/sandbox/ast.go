package sandbox

import (
	"encoding/json"
	"slices"
	"strconv"
)

// node is one object of DuckDB's serialized syntax tree (json_serialize_sql):
// an expression (with a "class"), a table reference or a query node (with a
// "type"). The analyzer reads and rewrites these maps in place; the engine
// renders them back to SQL with json_deserialize_sql.
type node = map[string]any

func str(n node, key string) string {
	s, _ := n[key].(string)
	return s
}

func obj(n node, key string) node {
	o, _ := n[key].(node)
	return o
}

func nodes(n node, key string) []node {
	var out []node
	for _, v := range list(n, key) {
		if o, ok := v.(node); ok {
			out = append(out, o)
		}
	}
	return out
}

func list(n node, key string) []any {
	l, _ := n[key].([]any)
	return l
}

func truthy(n node, key string) bool {
	b, _ := n[key].(bool)
	return b
}

func strs(n node, key string) []string {
	var out []string
	for _, v := range list(n, key) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// empty reports whether a field holds nothing: absent, null, false, "", an
// empty list, or an order modifier with no orders.
func empty(n node, key string) bool {
	switch v := n[key].(type) {
	case nil:
		return true
	case bool:
		return !v
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case node:
		return len(list(v, "orders")) == 0 && len(v) <= 2 && (str(v, "type") == "ORDER_MODIFIER" || len(v) == 0)
	}
	return false
}

// clone deep-copies a tree.
func clone(v any) any {
	switch v := v.(type) {
	case node:
		c := make(node, len(v))
		for k, x := range v {
			c[k] = clone(x)
		}
		return c
	case []any:
		c := make([]any, len(v))
		for i, x := range v {
			c[i] = clone(x)
		}
		return c
	}
	return v
}

// same reports whether two expressions are the same apart from where they
// were written and their alias: how GROUP BY expressions are matched in the
// select list, as the engine's binder does.
func same(a, b any) bool {
	switch a := a.(type) {
	case node:
		b, ok := b.(node)
		if !ok {
			return false
		}
		for k, v := range a {
			if k == "query_location" || k == "alias" {
				continue
			}
			if !same(v, b[k]) {
				return false
			}
		}
		for k := range b {
			if _, ok := a[k]; !ok && k != "query_location" && k != "alias" {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !same(a[i], b[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

// stripLocations removes query_location fields, which the renderer does not
// need.
func stripLocations(v any) {
	switch v := v.(type) {
	case node:
		delete(v, "query_location")
		for _, x := range v {
			stripLocations(x)
		}
	case []any:
		for _, x := range v {
			stripLocations(x)
		}
	}
}

// shapes lists, per expression class and per table or query node type, the
// fields the analyzer understands. A node with any other field is refused:
// an engine upgrade that adds a construct cannot slip past the analyzer.
var shapes = map[string][]string{
	"COLUMN_REF":         {"column_names"},
	"CONSTANT":           {"value"},
	"FUNCTION":           {"function_name", "schema", "catalog", "children", "filter", "order_bys", "distinct", "is_operator", "export_state"},
	"OPERATOR":           {"children"},
	"COMPARISON":         {"left", "right"},
	"CONJUNCTION":        {"children"},
	"CASE":               {"case_checks", "else_expr"},
	"CAST":               {"child", "cast_type", "try_cast"},
	"BETWEEN":            {"input", "lower", "upper"},
	"WINDOW":             {"function_name", "schema", "catalog", "children", "partitions", "orders", "start", "end", "start_expr", "end_expr", "offset_expr", "default_expr", "ignore_nulls", "filter_expr", "exclude_clause", "distinct", "arg_orders"},
	"STAR":               {"relation_name", "exclude_list", "replace_list", "columns", "expr", "qualified_exclude_list", "rename_list"},
	"SUBQUERY":           {"subquery_type", "subquery", "child", "comparison_type"},
	"SELECT_NODE":        {"modifiers", "cte_map", "select_list", "from_table", "where_clause", "group_expressions", "group_sets", "aggregate_handling", "having", "sample", "qualify"},
	"SET_OPERATION_NODE": {"modifiers", "cte_map", "setop_type", "left", "right", "setop_all"},
	"BASE_TABLE":         {"alias", "sample", "schema_name", "table_name", "column_name_alias", "catalog_name", "at_clause"},
	"JOIN":               {"alias", "sample", "left", "right", "condition", "join_type", "ref_type", "using_columns", "delim_flipped", "duplicate_eliminated_columns"},
	"SUBQUERY_REF":       {"alias", "sample", "subquery", "column_name_alias"},
	"EMPTY":              {"alias", "sample"},
}

// shapeOK reports whether n has only the fields of its kind.
func shapeOK(kind string, n node) bool {
	known, ok := shapes[kind]
	if !ok {
		return false
	}
	for k := range n {
		switch k {
		case "class", "type", "alias", "query_location":
			continue
		}
		if !slices.Contains(known, k) {
			return false
		}
	}
	return true
}

// Constructors of the nodes the rewrite adds, with every field the
// renderer expects.

func colRef(names ...string) node {
	l := make([]any, len(names))
	for i, s := range names {
		l[i] = s
	}
	return node{"class": "COLUMN_REF", "type": "COLUMN_REF", "alias": "", "column_names": l}
}

func constant(typ string, v any) node {
	return node{"class": "CONSTANT", "type": "VALUE_CONSTANT", "alias": "",
		"value": node{"type": node{"id": typ, "type_info": nil}, "is_null": v == nil, "value": v}}
}

func constInt(i int64) node { return constant("BIGINT", json.Number(strconv.FormatInt(i, 10))) }

func function(name string, distinct bool, args ...node) node {
	children := make([]any, len(args))
	for i, a := range args {
		children[i] = a
	}
	return node{"class": "FUNCTION", "type": "FUNCTION", "alias": "", "function_name": name, "schema": "", "catalog": "",
		"children": children, "filter": nil, "order_bys": node{"type": "ORDER_MODIFIER", "orders": []any{}},
		"distinct": distinct, "is_operator": false, "export_state": false}
}

func comparison(typ string, left, right node) node {
	return node{"class": "COMPARISON", "type": typ, "alias": "", "left": left, "right": right}
}

func conjunction(typ string, children ...node) node {
	if len(children) == 1 {
		return children[0]
	}
	c := make([]any, len(children))
	for i, x := range children {
		c[i] = x
	}
	return node{"class": "CONJUNCTION", "type": typ, "alias": "", "children": c}
}

func baseTable(name, alias string) node {
	return node{"type": "BASE_TABLE", "alias": alias, "sample": nil, "schema_name": "", "table_name": name,
		"column_name_alias": []any{}, "catalog_name": "", "at_clause": nil}
}

func selectNode(items []node, from node) node {
	l := make([]any, len(items))
	for i, x := range items {
		l[i] = x
	}
	return node{"type": "SELECT_NODE", "modifiers": []any{}, "cte_map": node{"map": []any{}}, "select_list": l,
		"from_table": from, "where_clause": nil, "group_expressions": []any{}, "group_sets": []any{},
		"aggregate_handling": "STANDARD_HANDLING", "having": nil, "sample": nil, "qualify": nil}
}

func aliased(n node, alias string) node {
	n["alias"] = alias
	return n
}

func anys(ns []node) []any {
	out := make([]any, len(ns))
	for i, n := range ns {
		out[i] = n
	}
	return out
}
