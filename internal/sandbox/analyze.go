package sandbox

import (
	"fmt"
	"slices"
	"strings"
)

// analyzer checks a parsed query against a grant and rewrites it in place:
// relations onto the grant's views, every column reference qualified as it
// was resolved, select aliases inlined, privacy-unit ordinals carried
// through row-level steps, and each aggregation recorded for the rewrite
// that thresholds it.
type analyzer struct {
	g      *Grant
	strict bool // every rule but review
	// files are the prepared versions, by dataset: whether each has one
	// row per unit, and whether it has a multi view.
	files map[string]prepared
	aggs  []*aggNode
	// unnamed are select items without alias whose rendering the rewrite
	// changes: they get their original name as alias.
	unnamed []nameFix
	seq     int
}

type nameFix struct{ item, orig node }

// aggNode is a SELECT that aggregates dataset rows: the point where rows
// become groups, and so where the k threshold, the differencing defence
// and the noise apply.
type aggNode struct {
	sel    node
	groups []node // resolved GROUP BY expressions
	calls  []node // the aggregate calls, each once
	units  []unitRef
	ctes   []*cte // the row-level WITH queries its FROM may use
	inner  node   // the grouped statement that is materialized
	// repeats, when set, counts per group the rows of inner that repeat a
	// unit (see unitRef.multi), to be taken from inner's count of rows.
	repeats node
	// multiRows, with repeats, counts per group the rows of units with
	// several rows, which bound its units without counting them.
	multiRows node
	temp      string // the temporary table holding inner's groups
	// rows: it aggregates dataset rows (not aggregated results).
	rows  bool
	scope *scope
}

// unitRef is the privacy-unit ordinal column of one dataset occurrence as
// the aggregation sees it.
type unitRef struct {
	ref     node
	dataset string
	unique  bool
	// single is the reference to the dataset view's single column when
	// the aggregation reads the view alone.
	single node
	// multi is the dataset's multi view when the aggregation reads the
	// dataset's view alone, as its FROM, and the version has one: the
	// units of a group are then its rows less the repeats, which are
	// counted over the multi view only.
	multi string
}

func newAnalyzer(g *Grant, files map[string]prepared) *analyzer {
	return &analyzer{g: g, strict: g.Rule != Review, files: files}
}

// analyze checks the whole query and returns what its answer is.
func (a *analyzer) analyze(root node) (qinfo, error) {
	info, err := a.query(root, nil, nil, true)
	if err != nil {
		return info, err
	}
	switch a.g.Rule {
	case Aggregate, DP:
		if info.level == levelRow {
			return info, refuse("aggregate", "%s grant answers only aggregates: group by dimension columns and use COUNT, SUM or AVG", a.g.Rule.article())
		}
	}
	if a.g.Rule == DP {
		return info, a.checkDP()
	}
	return info, nil
}

func (a *analyzer) name(prefix string) string {
	a.seq++
	return fmt.Sprintf("%s_%s%d", reserved, prefix, a.seq)
}

// query analyzes a query node. outer is the scope its columns may be
// correlated to, ctes the scope its WITH names are looked up in next;
// final says its rows are the answer.
func (a *analyzer) query(n node, outer, ctes *scope, final bool) (qinfo, error) {
	switch str(n, "type") {
	case "SELECT_NODE":
		return a.selectNode(n, outer, ctes, final)
	case "SET_OPERATION_NODE":
		return a.setOperation(n, outer, ctes, final)
	case "RECURSIVE_CTE_NODE":
		return qinfo{}, refuse("query", "recursive WITH queries are not accepted")
	}
	return qinfo{}, refuse("query", "only SELECT queries are accepted")
}

// with analyzes the WITH clause of a query node into s.
func (a *analyzer) with(n node, s *scope) error {
	for _, e := range nodes(obj(n, "cte_map"), "map") {
		name := strings.ToLower(str(e, "key"))
		def := obj(e, "value")
		if strings.HasPrefix(name, reserved) {
			return refuse("with", "names starting with %s are reserved", reserved)
		}
		if a.g.dataset(name) != nil || s.cte(name) != nil {
			return refuse("with", "the WITH query %s shadows a dataset or another WITH query; give it another name", name)
		}
		if !empty(def, "key_targets") {
			return refuse("with", "USING KEY in WITH queries is not accepted")
		}
		info, err := a.query(obj(obj(def, "query"), "node"), nil, s, false)
		if err != nil {
			return err
		}
		if err := renameColumns(&info, strs(def, "aliases"), "WITH query "+name); err != nil {
			return err
		}
		c := &cte{name: name, info: info, def: def}
		s.defs[name] = c
		s.order = append(s.order, c)
	}
	return nil
}

func renameColumns(info *qinfo, names []string, what string) error {
	if len(names) > len(info.cols) {
		return refuse("with", "%s names more columns than it has", what)
	}
	for i, n := range names {
		if strings.HasPrefix(strings.ToLower(n), reserved) {
			return refuse("columns", "names starting with %s are reserved", reserved)
		}
		info.cols[i].name = n
	}
	return nil
}

func newScope(outer, ctes *scope) *scope {
	return &scope{outer: outer, ctes: ctes, defs: map[string]*cte{}, using: map[string]bool{}, aliases: map[string]node{}}
}

func (a *analyzer) setOperation(n node, outer, ctes *scope, final bool) (qinfo, error) {
	if !shapeOK("SET_OPERATION_NODE", n) {
		return qinfo{}, unknownConstruct()
	}
	switch str(n, "setop_type") {
	case "UNION", "EXCEPT", "INTERSECT":
	default:
		return qinfo{}, refuse("query", "UNION BY NAME is not accepted; list the columns in the same order")
	}
	s := newScope(outer, ctes)
	if err := a.with(n, s); err != nil {
		return qinfo{}, err
	}
	left, err := a.query(obj(n, "left"), outer, s, final)
	if err != nil {
		return left, err
	}
	right, err := a.query(obj(n, "right"), outer, s, final)
	if err != nil {
		return right, err
	}
	if len(left.cols) != len(right.cols) {
		return left, refuse("query", "the two sides of %s have different numbers of columns", str(n, "setop_type"))
	}
	info := qinfo{level: max(left.level, right.level), noUnits: true}
	if a.strict && (left.level == levelRow) != (right.level == levelRow) && left.level+right.level > levelRow {
		return info, refuse("levels", "the sides of %s must both be aggregates or both be rows", str(n, "setop_type"))
	}
	if a.strict && info.level == levelRow && a.g.Rule != List {
		return info, refuse("aggregate", "%s of dataset rows is not accepted: aggregate each side", str(n, "setop_type"))
	}
	for i := range left.cols {
		role, err := a.combine(left.cols[i].role, right.cols[i].role)
		if err != nil {
			return info, err
		}
		info.cols = append(info.cols, col{name: left.cols[i].name, role: role})
	}
	// ORDER BY and LIMIT of a set operation see only its output columns.
	outScope := newScope(nil, nil)
	outScope.rels = []*rel{{alias: "", cols: info.cols, level: info.level}}
	if err := a.modifiers(n, outScope, nil, info.level == levelRow); err != nil {
		return info, err
	}
	return info, nil
}

// tableRef analyzes a FROM item, adding its relations to s.
func (a *analyzer) tableRef(t node, s *scope) error {
	switch str(t, "type") {
	case "EMPTY":
		return nil
	case "BASE_TABLE":
		return a.baseTable(t, s)
	case "JOIN":
		return a.join(t, s)
	case "SUBQUERY":
		if !shapeOK("SUBQUERY_REF", t) || !empty(t, "sample") {
			return unknownConstruct()
		}
		info, err := a.query(obj(obj(t, "subquery"), "node"), s.outer, s, false)
		if err != nil {
			return err
		}
		if err := renameColumns(&info, strs(t, "column_name_alias"), "the subquery"); err != nil {
			return err
		}
		t["column_name_alias"] = []any{}
		alias := str(t, "alias")
		if strings.HasPrefix(strings.ToLower(alias), reserved) {
			return refuse("relations", "names starting with %s are reserved", reserved)
		}
		if alias == "" {
			alias = a.name("sq")
			t["alias"] = alias
		}
		return a.addRel(s, &rel{alias: alias, cols: info.cols, level: info.level, units: info.units, noUnits: info.noUnits})
	case "TABLE_FUNCTION":
		return refuse("relations", "table functions are not accepted: the sandbox has no file, network or catalog access; name a dataset of the grant")
	case "EXPRESSION_LIST":
		return refuse("relations", "VALUES lists are not accepted; use CASE for lookups")
	case "SHOW_REF":
		return refuse("relations", "DESCRIBE and SUMMARIZE are not accepted; the grant's schema lists its columns")
	}
	return refuse("relations", "this kind of FROM item (%s) is not accepted", strings.ToLower(str(t, "type")))
}

func (a *analyzer) baseTable(t node, s *scope) error {
	if !shapeOK("BASE_TABLE", t) || !empty(t, "sample") {
		return refuse("relations", "sampling and other table options are not accepted")
	}
	name := strings.ToLower(str(t, "table_name"))
	if str(t, "schema_name") != "" || str(t, "catalog_name") != "" {
		return refuse("relations", "write datasets by their catalog name alone: schemas, catalogs, system tables and information_schema are not reachable")
	}
	if !empty(t, "at_clause") || !empty(t, "column_name_alias") {
		return refuse("relations", "AT clauses and column aliases on a dataset are not accepted; alias columns in the select list")
	}
	alias := str(t, "alias")
	if strings.HasPrefix(name, reserved) || strings.HasPrefix(strings.ToLower(alias), reserved) {
		return refuse("relations", "names starting with %s are reserved", reserved)
	}
	if alias == "" {
		alias = name
		t["alias"] = alias
	}
	if c := s.cte(name); c != nil {
		return a.addRel(s, &rel{alias: alias, cols: slices.Clone(c.info.cols), level: c.info.level, units: c.info.units, noUnits: c.info.noUnits})
	}
	d := a.g.dataset(name)
	if d == nil {
		names := make([]string, len(a.g.Datasets))
		for i, d := range a.g.Datasets {
			names[i] = d.Name
		}
		return refuse("relations", "%s is not a dataset of this grant nor a WITH query; the grant covers %s", name, strings.Join(names, ", "))
	}
	t["table_name"] = viewPrefix + d.Name
	r := &rel{alias: alias, level: levelRow, units: []unitCol{{name: puColumn, dataset: d.Name, unique: a.files[d.Name].Unique, direct: true}}}
	for _, c := range d.Columns {
		if c.Role == None {
			continue
		}
		role := c.Role
		if !a.strict && (role == Output || role == Dimension || role == Measure || role == Filter) {
			role = roleFree
		}
		r.cols = append(r.cols, col{name: c.Name, role: role, dataset: d.Name})
	}
	return a.addRel(s, r)
}

func (a *analyzer) addRel(s *scope, r *rel) error {
	for _, o := range s.rels {
		if strings.EqualFold(o.alias, r.alias) {
			return refuse("relations", "%s appears twice in the FROM clause; give each occurrence its own alias", r.alias)
		}
	}
	s.rels = append(s.rels, r)
	return nil
}

func (a *analyzer) join(t node, s *scope) error {
	if !shapeOK("JOIN", t) || !empty(t, "sample") || str(t, "alias") != "" || !empty(t, "delim_flipped") || !empty(t, "duplicate_eliminated_columns") {
		return unknownConstruct()
	}
	switch str(t, "ref_type") {
	case "REGULAR", "CROSS":
	case "NATURAL":
		return refuse("joins", "NATURAL joins are not accepted: write JOIN … ON with the join columns")
	default:
		return refuse("joins", "%s joins are not accepted: write JOIN … ON with equal join columns", str(t, "ref_type"))
	}
	switch str(t, "join_type") {
	case "INNER", "LEFT", "RIGHT", "OUTER":
	default:
		return refuse("joins", "%s joins are not accepted: write [LEFT|RIGHT|FULL] JOIN … ON", str(t, "join_type"))
	}
	s.joins++
	before := len(s.rels)
	if err := a.tableRef(obj(t, "left"), s); err != nil {
		return err
	}
	mid := len(s.rels)
	if err := a.tableRef(obj(t, "right"), s); err != nil {
		return err
	}
	if str(t, "ref_type") == "CROSS" {
		if a.strict && anyRow(s.rels[before:mid]) && anyRow(s.rels[mid:]) {
			return refuse("joins", "cross joins of dataset rows are not accepted: join with JOIN … ON equal join columns")
		}
		return nil
	}
	for _, u := range strs(t, "using_columns") {
		if err := a.usingColumn(u, s.rels[before:mid], s.rels[mid:]); err != nil {
			return err
		}
		s.using[strings.ToLower(u)] = true
	}
	if c := obj(t, "condition"); c != nil {
		if err := a.qualify(c, s, false); err != nil {
			return err
		}
		if _, err := a.expr(c, s, ctx{clause: "JOIN ON"}); err != nil {
			return err
		}
	}
	return nil
}

func anyRow(rs []*rel) bool {
	return slices.ContainsFunc(rs, func(r *rel) bool { return r.level == levelRow })
}

// usingColumn checks JOIN … USING (u): an equality of u on both sides.
func (a *analyzer) usingColumn(u string, left, right []*rel) error {
	find := func(rs []*rel) (col, bool) {
		for _, r := range rs {
			for _, c := range r.cols {
				if strings.EqualFold(c.name, u) {
					return c, true
				}
			}
		}
		return col{}, false
	}
	l, ok1 := find(left)
	r, ok2 := find(right)
	if !ok1 || !ok2 {
		return refuse("joins", "USING (%s): the column is not granted on both sides", u)
	}
	if identifier(l.role) != identifier(r.role) || (!identifier(l.role) && (!joinable(l.role) || !joinable(r.role))) {
		return refuse("joins", "USING (%s): join columns join join columns, and dimensions join dimensions", u)
	}
	if identifier(l.role) && (l.dataset == "" || r.dataset == "") {
		return refuse("joins", "join columns may be compared only with join columns of a dataset")
	}
	return nil
}

func identifier(r Role) bool { return r == Join || r == PrivacyUnit }

func joinable(r Role) bool {
	return r == Dimension || r == Output || r == roleFree || r == roleAgg || r == roleConst
}

func unknownConstruct() error {
	return refuse("query", "the query uses a construct the sandbox does not know; simplify it")
}
