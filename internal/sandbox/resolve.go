package sandbox

import (
	"strings"
)

// Pseudo-roles of values the analyzer derives; grants never name them.
const (
	// roleConst: built from literals only.
	roleConst Role = "constant"
	// roleAgg: an aggregate, or a group key of an aggregated, thresholded
	// result; anything may be done with it.
	roleAgg Role = "aggregated"
	// roleFree: a granted column under the review rule, usable anywhere.
	roleFree Role = "free"
)

// reserved prefixes the names the rewrite adds (views, hidden columns,
// temporary tables); analysts' names may not start with it.
const reserved = "__shuyu"

// Hidden names the rewrite uses.
const (
	puColumn     = "__shuyu_pu"     // the privacy-unit ordinal in a dataset view
	singleColumn = "__shuyu_single" // whether the row is its unit's only one
	viewPrefix   = "__shuyu_ds_"
	multiPrefix  = "__shuyu_dm_" // the rows of units with several rows
	groupAlias   = "__shuyu_t"
)

// level says what the rows of a relation are.
type level int

const (
	levelConst level = iota // no dataset behind it (SELECT without FROM)
	levelRow                // rows of datasets, each belonging to privacy units
	levelAgg                // groups of an aggregate, thresholded before anyone sees them
)

// col is a column a relation exposes, with its role.
type col struct {
	name string
	role Role
	// dataset is set when the column is a dataset column passed through as
	// is (joins compare those only).
	dataset string
}

// unitCol is a hidden column carrying the privacy-unit ordinal of one
// dataset through a relation.
type unitCol struct {
	name    string
	dataset string
	// unique: each row of the relation is a distinct unit of the dataset
	// (one dataset, no join, the dataset has one row per unit).
	unique bool
	// direct: the relation is the dataset's view, with its single column.
	direct bool
}

// rel is a relation in a FROM clause.
type rel struct {
	alias string
	cols  []col
	level level
	units []unitCol
	// noUnits marks a row-level relation whose rows cannot be traced to
	// privacy units (a set operation of rows): it cannot be aggregated.
	noUnits bool
}

// qinfo describes the output of a query node.
type qinfo struct {
	cols    []col
	level   level
	units   []unitCol
	noUnits bool
}

// cte is a WITH query in scope.
type cte struct {
	name string
	info qinfo
	def  node // the cte_map entry's value
}

// scope is the name space of one SELECT.
type scope struct {
	// outer is the scope columns may be correlated to (subquery
	// expressions); ctes the scope WITH names are looked up in next.
	outer, ctes *scope
	defs        map[string]*cte
	order       []*cte // defs in definition order: a CTE may use those before it
	rels        []*rel
	using       map[string]bool
	// aliases of the select list, for WHERE, GROUP BY and HAVING, which
	// may name them.
	aliases map[string]node
	// agg is set while a SELECT that aggregates is analyzed.
	agg *aggNode
	// joins counts the joins of the FROM clause.
	joins int
}

func (s *scope) cte(name string) *cte {
	for sc := s; sc != nil; sc = sc.ctes {
		if c, ok := sc.defs[strings.ToLower(name)]; ok {
			return c
		}
	}
	return nil
}

// visibleCTEs lists the WITH queries visible from s, outermost first.
func (s *scope) visibleCTEs() []*cte {
	var chain []*scope
	for sc := s; sc != nil; sc = sc.ctes {
		chain = append(chain, sc)
	}
	var out []*cte
	for i := len(chain) - 1; i >= 0; i-- {
		out = append(out, chain[i].order...)
	}
	return out
}

// resolved is a column reference bound to a relation.
type resolved struct {
	rel *rel
	col col
	// alias is set instead when the name is a select-list alias.
	alias node
}

// resolve binds a column reference as the engine's binder would: a
// qualified name to its relation, an unqualified one to the only relation
// of the FROM clause that has it, then to a select alias (where allowed),
// then to an enclosing query.
func (a *analyzer) resolve(s *scope, names []string, aliases bool) (resolved, error) {
	for _, n := range names {
		if strings.HasPrefix(strings.ToLower(n), reserved) {
			return resolved{}, refuse("columns", "names starting with %s are reserved", reserved)
		}
	}
	switch len(names) {
	case 1:
		name := names[0]
		for sc := s; sc != nil; sc = sc.outer {
			var found []resolved
			for _, r := range sc.rels {
				for _, c := range r.cols {
					if strings.EqualFold(c.name, name) {
						found = append(found, resolved{rel: r, col: c})
					}
				}
			}
			if len(found) > 1 && !sc.using[strings.ToLower(name)] {
				return resolved{}, refuse("columns", "column %s is in more than one relation; qualify it (table.%s)", name, name)
			}
			if len(found) > 0 {
				return found[0], nil
			}
			if aliases && sc == s {
				if e, ok := s.aliases[strings.ToLower(name)]; ok {
					return resolved{alias: e}, nil
				}
			}
		}
		return resolved{}, refuse("columns", "column %s is not granted here, or does not exist; the grant's columns are listed in its schema", name)
	case 2:
		for sc := s; sc != nil; sc = sc.outer {
			for _, r := range sc.rels {
				if !strings.EqualFold(r.alias, names[0]) {
					continue
				}
				for _, c := range r.cols {
					if strings.EqualFold(c.name, names[1]) {
						return resolved{rel: r, col: c}, nil
					}
				}
				return resolved{}, refuse("columns", "column %s.%s is not granted here, or does not exist", names[0], names[1])
			}
		}
		return resolved{}, refuse("columns", "%s is not a relation of the FROM clause", names[0])
	}
	return resolved{}, refuse("columns", "write columns as column or table.column; schema- and catalog-qualified names are not accepted")
}
