package demand_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"shuyu/internal/demand"
	"shuyu/internal/errs"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestRowFilter: a demand asks for rows of one district with salaries in a
// range; the filter is stored normalized, the reviewers read it, the grant
// carries it (GET grants, and the spec the sandbox runs, with the salary
// field it reads but does not grant made invisible).
func TestRowFilter(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		in := e.people()
		in.Datasets[0].Fields = in.Datasets[0].Fields[:2] // district, gender
		in.Datasets[0].RowFilter = []sandbox.Condition{{Column: " district ", Op: "IN", Values: []string{"奎文区", "潍城区"}},
			{Column: "salary", Op: "between", Values: []string{"03000", "9000"}}}
		a := e.file(t, in)
		want := []sandbox.Condition{{Column: "district", Op: "in", Values: []string{"奎文区", "潍城区"}},
			{Column: "salary", Op: "between", Values: []string{"3000", "9000"}}}
		seen, err := e.svc.Get(ctx, e.As(t, "provider-hrss"), a.ID)
		if err != nil || !slices.EqualFunc(seen.Request.Datasets[0].RowFilter, want, sameCondition) {
			t.Fatalf("the provider reviewing reads the filter %+v (%v); want %+v", seen.Request.Datasets[0].RowFilter, err, want)
		}
		a = e.approved(t, in)
		g, err := e.svc.GetGrant(ctx, e.As(t, "operator"), a.GrantID)
		if err != nil || !slices.EqualFunc(g.RowFilters["people"], want, sameCondition) {
			t.Fatalf("grant row filters %+v (%v); want %+v", g.RowFilters, err, want)
		}
		if slices.ContainsFunc(g.Columns, func(c demand.Column) bool { return c.Name == "salary" }) {
			t.Errorf("the grant's schema shows salary, which only its filter reads")
		}
		h, err := e.svc.Held(ctx, a.GrantID)
		if err != nil {
			t.Fatal(err)
		}
		d := h.Spec.Datasets[0]
		if !slices.EqualFunc(d.RowFilter, want, sameCondition) || !slices.ContainsFunc(d.Columns, func(c sandbox.Column) bool {
			return c.Name == "salary" && c.Role == sandbox.None && c.Type == "integer"
		}) {
			t.Errorf("the spec the sandbox runs: filter %+v, columns %+v", d.RowFilter, d.Columns)
		}
	}, migrations()...)
}

// TestRowFilterRefused: each wrong condition is refused at filing with the
// place and the reason, and nothing is filed.
func TestRowFilterRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		for _, c := range []struct {
			cond sandbox.Condition
			want string
		}{
			{sandbox.Condition{Column: "county", Op: "=", Values: []string{"奎文区"}}, `datasets[0].row_filter[0].column: people has no field "county"`},
			{sandbox.Condition{Column: "id_number", Op: "=", Values: []string{"370702199001011234"}}, "row_filter[0].column: a row filter names a population"},
			{sandbox.Condition{Column: "name", Op: "=", Values: []string{"张三"}}, "never people or units by people.name"},
			{sandbox.Condition{Column: "salary", Op: ">", Values: []string{"5000; DROP TABLE grants"}}, `row_filter[0].values[0]: "5000; DROP TABLE grants" is not an integer (people.salary is integer)`},
			{sandbox.Condition{Column: "district", Op: "like", Values: []string{"%区"}}, `row_filter[0].op: "like" is not an operator of row filters`},
			{sandbox.Condition{Column: "district", Op: ">", Values: []string{"a"}}, "row_filter[0].op: > compares by order"},
			{sandbox.Condition{Column: "salary", Op: "between", Values: []string{"9000", "3000"}}, "the first value is the lowest"},
			{sandbox.Condition{Column: "gender", Op: "in"}, "row_filter[0].values: in takes 1 to 100 values; 0 given"},
		} {
			in := e.people()
			in.Datasets[0].RowFilter = []sandbox.Condition{c.cond}
			_, err := e.svc.File(ctx, e.As(t, "operator"), in)
			if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("filter %+v: %v; want invalid saying %q", c.cond, err, c.want)
			}
		}
		if ids, err := store.Strings(ctx, db, `SELECT id FROM demands`); err != nil || len(ids) != 0 {
			t.Errorf("demands filed: %v (%v); want none", ids, err)
		}
	}, migrations()...)
}

func sameCondition(a, b sandbox.Condition) bool {
	return a.Column == b.Column && a.Op == b.Op && slices.Equal(a.Values, b.Values)
}
