package plan_test

import (
	"slices"
	"strings"
	"testing"

	"shuyu/internal/errs"
	"shuyu/internal/plan"
)

// TestPickAndOutside: what is drafted under a plan is picked from its
// scope by ID or name, and what a narrower version drops is named.
func TestPickAndOutside(t *testing.T) {
	t.Parallel()
	people := plan.Dataset{ID: "d1", Name: "people"}
	firms := plan.Dataset{ID: "d2", Name: "firms"}
	pl := plan.Plan{Title: "社保", Version: 2, Datasets: []plan.Dataset{people, firms}}
	got, err := pl.Pick([]string{" firms ", "d1"})
	if err != nil || !slices.Equal(plan.IDs(got), []string{"d2", "d1"}) {
		t.Errorf("pick by name and ID: %v %v", got, err)
	}
	for _, c := range []struct {
		refs []string
		want string
	}{
		{[]string{"roads"}, `"roads" is not in the data scope of the plan 社保 (version 2)`},
		{[]string{"people", "d1"}, "people is named twice"},
		{nil, "name at least one"},
	} {
		if _, err := pl.Pick(c.refs); !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("pick %v: %v; want invalid, saying %q", c.refs, err, c.want)
		}
	}
	narrower := plan.Plan{Datasets: []plan.Dataset{firms}}
	if out := narrower.Outside(pl.Datasets); !slices.Equal(out, []string{"people"}) {
		t.Errorf("outside the narrower version: %v, want people", out)
	}
	if out := pl.Outside(narrower.Datasets); out != nil {
		t.Errorf("outside the wider version: %v, want none", out)
	}
}
