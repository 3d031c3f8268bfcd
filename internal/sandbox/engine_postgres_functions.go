package sandbox

import (
	"slices"
	"strings"
)

// pgFunction renders a call of an allowed function; args are the rendered
// arguments, call the node (for its constants).
type pgFunction func(w *pgWriter, call node, args []string) string

// pgFunctions are the functions of the allow-list that PostgreSQL has, in
// its form. A function of the allow-list missing here is refused on the
// PostgreSQL engine: its PostgreSQL namesake differs (format, strptime),
// or raises an error on values where DuckDB's gives NULL (sqrt, ln, chr,
// make_date), which would tell of the data.
var pgFunctions = map[string]pgFunction{}

func init() {
	same := func(name string) pgFunction {
		return func(_ *pgWriter, _ node, args []string) string { return name + "(" + strings.Join(args, ", ") + ")" }
	}
	infix := func(op string) pgFunction {
		return func(_ *pgWriter, _ node, args []string) string {
			if len(args) == 1 {
				return "(" + op + args[0] + ")"
			}
			return "(" + strings.Join(args, " "+op+" ") + ")"
		}
	}
	// Division by zero is NULL in DuckDB and an error in PostgreSQL.
	divide := func(f string) pgFunction {
		return func(_ *pgWriter, _ node, args []string) string {
			if len(args) != 2 {
				return ""
			}
			return f + "(" + args[0] + ", NULLIF(" + args[1] + ", 0))"
		}
	}
	part := func(p string) pgFunction {
		return func(_ *pgWriter, _ node, args []string) string {
			if len(args) != 1 {
				return ""
			}
			return "CAST(date_part('" + p + "', " + args[0] + ") AS bigint)"
		}
	}
	for name, f := range map[string]pgFunction{
		"+": infix("+"), "-": infix("-"), "*": infix("*"), "||": infix("||"),
		"/": func(_ *pgWriter, _ node, args []string) string {
			if len(args) != 2 {
				return ""
			}
			// DuckDB's / divides integers exactly; PostgreSQL's truncates.
			return "(CAST(" + args[0] + " AS double precision) / NULLIF(" + args[1] + ", 0))"
		},
		"//": divide("div"), "%": divide("mod"),
		"~~": infix("LIKE"), "!~~": infix("NOT LIKE"), "~~*": infix("ILIKE"), "!~~*": infix("NOT ILIKE"),
		"^@": same("starts_with"), "starts_with": same("starts_with"), "prefix": same("starts_with"),
		"abs": same("abs"), "floor": same("floor"), "ceil": same("ceil"), "ceiling": same("ceil"), "sign": same("sign"),
		"trunc": same("trunc"), "least": same("least"), "greatest": same("greatest"),
		"round": func(_ *pgWriter, _ node, args []string) string {
			if len(args) == 0 || len(args) > 2 {
				return ""
			}
			args[0] = "CAST(" + args[0] + " AS numeric)" // PostgreSQL rounds to digits numerics only
			return "round(" + strings.Join(args, ", ") + ")"
		},
		"date_trunc": datePart("date_trunc", truncParts), "datetrunc": datePart("date_trunc", truncParts),
		"date_part": datePart("date_part", extractParts), "datepart": datePart("date_part", extractParts),
		"year": part("year"), "month": part("month"), "day": part("day"), "dayofmonth": part("day"), "quarter": part("quarter"),
		"week": part("week"), "weekofyear": part("week"), "dayofweek": part("dow"), "dayofyear": part("doy"), "isodow": part("isodow"),
		"isoyear": part("isoyear"), "hour": part("hour"), "minute": part("minute"), "second": part("second"),
		"century": part("century"), "decade": part("decade"), "millennium": part("millennium"),
		"date_diff": dateDiff, "datediff": dateDiff,
		"age": func(_ *pgWriter, _ node, args []string) string {
			if len(args) != 2 { // age(x) would depend on today
				return ""
			}
			return "age(" + args[0] + ", " + args[1] + ")"
		},
		"last_day": func(_ *pgWriter, _ node, args []string) string {
			if len(args) != 1 {
				return ""
			}
			return "CAST(date_trunc('month', " + args[0] + ") + interval '1 month' - interval '1 day' AS date)"
		},
		"lower": same("lower"), "lcase": same("lower"), "upper": same("upper"), "ucase": same("upper"),
		"length": same("char_length"), "len": same("char_length"), "strlen": same("octet_length"),
		"left": same("left"), "right": same("right"), "concat": same("concat"), "concat_ws": same("concat_ws"),
		"trim": same("btrim"), "ltrim": same("ltrim"), "rtrim": same("rtrim"), "replace": same("replace"),
		"reverse": same("reverse"), "translate": same("translate"), "ascii": same("ascii"), "unicode": same("ascii"),
		"strpos": same("strpos"), "instr": same("strpos"), "position": same("strpos"),
		"ends_with": func(_ *pgWriter, _ node, args []string) string {
			if len(args) != 2 {
				return ""
			}
			return "(right(" + args[0] + ", char_length(" + args[1] + ")) = " + args[1] + ")"
		},
		"contains": func(_ *pgWriter, _ node, args []string) string {
			if len(args) != 2 {
				return ""
			}
			return "(strpos(" + args[0] + ", " + args[1] + ") > 0)"
		},
		"monthname": func(_ *pgWriter, _ node, args []string) string {
			if len(args) != 1 {
				return ""
			}
			return "to_char(" + args[0] + ", 'FMMonth')"
		},
		"dayname": func(_ *pgWriter, _ node, args []string) string {
			if len(args) != 1 {
				return ""
			}
			return "to_char(" + args[0] + ", 'FMDay')"
		},
		"strftime": strftime,
		"nullif":   same("nullif"), "ifnull": same("coalesce"),
		"if": conditional, "iff": conditional,
	} {
		pgFunctions[name] = f
	}
	pgFunctions["suffix"] = pgFunctions["ends_with"]
}

func conditional(_ *pgWriter, _ node, args []string) string {
	if len(args) != 3 {
		return ""
	}
	return "CASE WHEN " + args[0] + " THEN " + args[1] + " ELSE " + args[2] + " END"
}

// The parts PostgreSQL's date_trunc and date_part take.
var (
	truncParts   = []string{"millennium", "century", "decade", "year", "quarter", "month", "week", "day", "hour", "minute", "second"}
	extractParts = []string{"millennium", "century", "decade", "year", "isoyear", "quarter", "month", "week", "day", "dow", "isodow",
		"doy", "hour", "minute", "second", "epoch"}
)

// datePart renders date_trunc and date_part, whose first argument must be
// a literal part PostgreSQL knows.
func datePart(name string, parts []string) pgFunction {
	return func(w *pgWriter, call node, args []string) string {
		p, ok := literalPart(call, parts)
		if !ok || len(args) != 2 {
			return ""
		}
		return name + "('" + p + "', " + args[1] + ")"
	}
}

func literalPart(call node, parts []string) (string, bool) {
	ch := nodes(call, "children")
	if len(ch) == 0 || str(ch[0], "class") != "CONSTANT" {
		return "", false
	}
	p, _ := obj(ch[0], "value")["value"].(string)
	p = strings.ToLower(p)
	for _, x := range parts {
		if p == x || p == x+"s" {
			return x, true
		}
	}
	return "", false
}

// dateDiff renders date_diff(part, a, b): as DuckDB, the number of part
// boundaries between a and b.
func dateDiff(w *pgWriter, call node, args []string) string {
	p, ok := literalPart(call, []string{"year", "quarter", "month", "day"})
	if !ok || len(args) != 3 {
		return ""
	}
	a, b := args[1], args[2]
	y := "(date_part('year', " + b + ") - date_part('year', " + a + "))"
	switch p {
	case "year":
		return "CAST(" + y + " AS bigint)"
	case "quarter":
		return "CAST(" + y + " * 4 + date_part('quarter', " + b + ") - date_part('quarter', " + a + ") AS bigint)"
	case "month":
		return "CAST(" + y + " * 12 + date_part('month', " + b + ") - date_part('month', " + a + ") AS bigint)"
	}
	return "CAST(CAST(" + b + " AS date) - CAST(" + a + " AS date) AS bigint)"
}

// strftime renders a literal format of DuckDB's (C's) directives as
// PostgreSQL's to_char pattern, text between directives quoted.
func strftime(w *pgWriter, call node, args []string) string {
	ch := nodes(call, "children")
	if len(ch) != 2 || str(ch[1], "class") != "CONSTANT" {
		return ""
	}
	format, _ := obj(ch[1], "value")["value"].(string)
	directives := map[byte]string{'Y': "YYYY", 'y': "YY", 'm': "MM", 'd': "DD", 'H': "HH24", 'M': "MI", 'S': "SS", 'j': "DDD", 'B': "FMMonth", 'A': "FMDay"}
	var out, text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			out.WriteString(`"` + text.String() + `"`)
			text.Reset()
		}
	}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c == '"' || c == '\\' {
			return ""
		}
		if c != '%' {
			text.WriteByte(c)
			continue
		}
		if i+1 == len(format) {
			return ""
		}
		i++
		if format[i] == '%' {
			text.WriteByte('%')
			continue
		}
		d, ok := directives[format[i]]
		if !ok {
			return ""
		}
		flush()
		out.WriteString(d)
	}
	flush()
	return "to_char(" + args[0] + ", " + quote(out.String()) + ")"
}

// pgAggregates are the allowed aggregates in PostgreSQL's names; median
// has no window form there.
var pgAggregates = map[string]string{"count": "count", "sum": "sum", "avg": "avg", "mean": "avg", "stddev": "stddev_samp",
	"stddev_samp": "stddev_samp", "stddev_pop": "stddev_pop", "variance": "var_samp", "var_samp": "var_samp", "var_pop": "var_pop",
	"min": "min", "max": "max", "list": "array_agg"}

func (w *pgWriter) function(e node) {
	name := strings.ToLower(str(e, "function_name"))
	if str(e, "catalog") != "" || (str(e, "schema") != "" && str(e, "schema") != "main") {
		w.refuse("a function of a schema")
		return
	}
	args := make([]string, 0, len(nodes(e, "children")))
	for _, c := range nodes(e, "children") {
		sub := &pgWriter{}
		sub.expr(c)
		if sub.err != nil {
			w.err = sub.err
			return
		}
		args = append(args, sub.b.String())
	}
	if len(list(obj(e, "order_bys"), "orders")) > 0 || truthy(e, "export_state") {
		w.refuse("ORDER BY inside %s", name)
		return
	}
	if agg, ok := pgAggregates[name]; ok || name == "count_star" || name == "median" {
		w.aggregate(e, name, agg, args)
		return
	}
	if obj(e, "filter") != nil || truthy(e, "distinct") {
		w.refuse("FILTER or DISTINCT in %s", name)
		return
	}
	f, ok := pgFunctions[name]
	var out string
	if ok {
		out = f(w, e, args)
	}
	if out == "" {
		w.refuse("%s in this form", name)
		return
	}
	w.s(out)
}

func (w *pgWriter) aggregate(e node, name, agg string, args []string) {
	switch {
	case name == "count_star":
		w.s("count(*)")
	case name == "median":
		if len(args) != 1 || truthy(e, "distinct") {
			w.refuse("median in this form")
			return
		}
		w.s("percentile_cont(0.5) WITHIN GROUP (ORDER BY ", args[0], ")")
	default:
		w.s(agg, "(")
		if truthy(e, "distinct") {
			w.s("DISTINCT ")
		}
		w.s(strings.Join(args, ", "), ")")
	}
	if f := obj(e, "filter"); f != nil {
		w.s(" FILTER (WHERE ")
		w.expr(f)
		w.s(")")
	}
}

// windowFunctions are the ranking and offset functions PostgreSQL has.
var windowFunctions = []string{"row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
	"first_value", "last_value", "nth_value"}

func (w *pgWriter) window(e node) {
	name := strings.ToLower(str(e, "function_name"))
	agg, isAgg := pgAggregates[name]
	switch {
	case name == "count_star":
		w.s("count(*)")
	case isAgg && name != "list":
		w.s(agg, "(")
		if truthy(e, "distinct") {
			w.refuse("DISTINCT in a window")
		}
		w.exprs(nodes(e, "children"))
		w.s(")")
	case slices.Contains(windowFunctions, name):
		w.s(name, "(")
		w.exprs(nodes(e, "children"))
		for _, x := range []string{"offset_expr", "default_expr"} {
			if obj(e, x) != nil {
				w.s(", ")
				w.expr(obj(e, x))
			}
		}
		w.s(")")
	default:
		w.refuse("%s as a window function", name)
		return
	}
	if truthy(e, "ignore_nulls") || obj(e, "filter_expr") != nil || len(list(e, "arg_orders")) > 0 ||
		(str(e, "exclude_clause") != "" && str(e, "exclude_clause") != "NO_OTHER") {
		w.refuse("IGNORE NULLS, FILTER, EXCLUDE or ORDER BY arguments in a window")
		return
	}
	w.s(" OVER (")
	if parts := nodes(e, "partitions"); len(parts) > 0 {
		w.s("PARTITION BY ")
		w.exprs(parts)
	}
	if orders := nodes(e, "orders"); len(orders) > 0 {
		w.s(" ORDER BY ")
		w.orders(orders)
	}
	w.frame(e)
	w.s(")")
}

// frame renders a window's frame; the default one (RANGE BETWEEN UNBOUNDED
// PRECEDING AND CURRENT ROW) is left implicit, as it is in both engines.
func (w *pgWriter) frame(e node) {
	start, end := str(e, "start"), str(e, "end")
	if start == "UNBOUNDED_PRECEDING" && end == "CURRENT_ROW_RANGE" {
		return
	}
	mode := ""
	bound := func(b, x string) string {
		switch b {
		case "UNBOUNDED_PRECEDING":
			return "UNBOUNDED PRECEDING"
		case "UNBOUNDED_FOLLOWING":
			return "UNBOUNDED FOLLOWING"
		}
		var kind, unit string
		if u, ok := strings.CutPrefix(b, "CURRENT_ROW_"); ok {
			kind, unit = "CURRENT ROW", u
		} else if parts := strings.Split(b, "_"); len(parts) == 3 && parts[0] == "EXPR" && str(obj(e, x), "class") == "CONSTANT" {
			sub := &pgWriter{}
			sub.expr(obj(e, x))
			if sub.err != nil {
				return ""
			}
			kind, unit = sub.b.String()+" "+parts[1], parts[2]
		} else {
			return ""
		}
		if mode != "" && mode != unit {
			return ""
		}
		mode = unit
		return kind
	}
	s, t := bound(start, "start_expr"), bound(end, "end_expr")
	if mode == "" {
		mode = "ROWS"
	}
	if s == "" || t == "" || (mode != "ROWS" && mode != "RANGE" && mode != "GROUPS") {
		w.refuse("this window frame")
		return
	}
	w.s(" ", mode, " BETWEEN ", s, " AND ", t)
}
