package sandbox

import (
	"slices"
	"strings"
)

// fnClass is what a scalar function may be applied to.
type fnClass int

const (
	// fnArith functions transform one value into another without looking
	// at other rows or at conditions: arithmetic, rounding, date parts.
	// They may be applied to measures.
	fnArith fnClass = iota + 1
	// fnScalar functions (strings, dates) may be applied to dimensions and
	// output columns, never to measures.
	fnScalar
	// fnCond functions choose between values by a condition.
	fnCond
)

// scalars is the allow-list of scalar functions, by the name the parser
// gives them (operators included). Anything else is refused.
var scalars = map[string]fnClass{}

func init() {
	for class, names := range map[fnClass][]string{
		fnArith: {"+", "-", "*", "/", "//", "%", "**", "^", "abs", "round", "round_even", "even", "floor", "ceil", "ceiling",
			"trunc", "sign", "sqrt", "cbrt", "power", "pow", "exp", "ln", "log", "log2", "log10", "least", "greatest",
			"date_trunc", "datetrunc", "date_part", "datepart", "year", "month", "day", "quarter", "week", "weekofyear",
			"dayofweek", "dayofmonth", "dayofyear", "isodow", "isoyear", "yearweek", "hour", "minute", "second", "century",
			"decade", "millennium", "date_diff", "datediff", "date_sub", "datesub", "date_add", "age", "make_date",
			"last_day", "to_days", "to_months", "to_years", "to_weeks", "to_hours", "to_minutes", "to_seconds", "epoch",
			"time_bucket"},
		fnScalar: {"||", "~~", "!~~", "~~*", "!~~*", "^@", "lower", "upper", "lcase", "ucase", "length", "len", "strlen",
			"length_grapheme", "substr", "substring", "left", "right", "concat", "concat_ws", "trim", "ltrim", "rtrim",
			"replace", "lpad", "rpad", "starts_with", "ends_with", "suffix", "prefix", "contains", "position", "strpos",
			"instr", "split_part", "regexp_replace", "regexp_extract", "regexp_matches", "reverse", "format", "printf",
			"monthname", "dayname", "strftime", "strptime", "ascii", "chr", "unicode", "translate"},
		fnCond: {"nullif", "ifnull", "if", "iff"},
	} {
		for _, n := range names {
			scalars[n] = class
		}
	}
}

// aggregates are the allowed aggregate functions; minMax those that return
// one unit's own value and need the grant's AllowMinMax.
var (
	aggregates = []string{"count", "count_star", "sum", "avg", "mean", "stddev", "stddev_samp", "stddev_pop", "variance",
		"var_samp", "var_pop", "min", "max", "median"}
	minMax = []string{"min", "max", "median"}
	// dpAggregates have a contribution-bounded, noised form.
	dpAggregates = []string{"count", "count_star", "sum", "avg", "mean"}
	// windows are the ranking and offset window functions; allowed
	// aggregates may be windowed too.
	windows = []string{"row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
		"first_value", "last_value", "nth_value"}
)

func isAggregate(name string) bool { return slices.Contains(aggregates, strings.ToLower(name)) }

// refusedFamilies explain, for the functions people try first, why they are
// not on the allow-list.
var refusedFamilies = []struct {
	prefixes []string
	reason   string
}{
	{[]string{"list", "array_agg", "string_agg", "group_concat", "listagg", "histogram", "mode", "arg_max", "arg_min", "argmax",
		"argmin", "max_by", "min_by", "first", "last", "any_value", "arbitrary", "approx_", "quantile", "reservoir_quantile",
		"bit_", "bitstring_agg", "bool_", "every", "product", "entropy", "kurtosis", "skewness", "fsum", "sumkahan", "kahan_sum",
		"regr_", "corr", "covar_"},
		"it could carry individual rows' values out of an aggregate; use COUNT, SUM, AVG (or MIN/MAX where the grant allows)"},
	{[]string{"json", "to_json", "from_json", "struct", "row", "map", "array_", "list_", "unnest", "union_", "string_split",
		"str_split", "regexp_split", "string_to_array"},
		"JSON, struct, list and map values could carry row values out; select plain columns"},
	{[]string{"read_", "glob", "query", "parquet_", "sniff_csv", "http", "s3", "iceberg", "delta_scan", "sqlite_", "postgres_", "mysql_"},
		"the sandbox has no file or network access"},
	{[]string{"current_", "getenv", "duckdb_", "pragma_", "pg_", "has_", "version", "which_secret", "enable_", "disable_",
		"sql_auto_complete", "json_serialize", "typeof", "alias", "stats", "shobj_description", "col_description", "obj_description",
		"format_type", "txid_", "database_", "schema_"},
		"settings, system catalogs and engine state are not reachable from the sandbox"},
	{[]string{"nextval", "currval", "random", "setseed", "uuid", "gen_random_uuid", "now", "today", "get_current", "transaction_timestamp",
		"epoch_ms", "epoch_us", "epoch_ns"},
		"answers must not depend on the time, chance or sequences: write literal dates and values"},
	{[]string{"error", "assert", "raise"},
		"it raises errors that could depend on the data"},
	{[]string{"hash", "md5", "sha1", "sha256", "crc32", "encode", "decode", "base64", "to_base64", "from_base64", "to_hex", "hex", "unhex", "bin"},
		"encodings and hashes turn identifiers into linkable pseudonyms"},
}

// whyRefused explains why a function is not allowed.
func whyRefused(name string) string {
	n := strings.ToLower(name)
	for _, f := range refusedFamilies {
		for _, p := range f.prefixes {
			if n == p || (strings.HasSuffix(p, "_") && strings.HasPrefix(n, p)) || strings.HasPrefix(n, p+"_") {
				return f.reason
			}
		}
	}
	return "it is not on the sandbox's list of allowed functions (arithmetic, comparisons, CASE, COALESCE, string and date functions, COUNT, SUM, AVG, window ranking)"
}

// scalarTypes are the types a CAST may produce: scalars only, so that a
// cast cannot build a list, struct, map or JSON value.
var scalarTypes = []string{"BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
	"UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL", "VARCHAR", "DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "INTERVAL"}

// numericTypes may be applied to measures.
var numericTypes = []string{"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "DATE"}
