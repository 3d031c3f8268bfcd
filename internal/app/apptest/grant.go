package apptest

import (
	"context"
	"testing"

	"shuyu/internal/demand"
)

// reviewers are the demo accounts that review demands for each demo
// organization.
var reviewers = map[string]string{"bureau": "bureau", "kuiwen": "kuiwen", "hrss": "provider-hrss", "amr": "provider-amr", "tax": "provider-tax"}

// Grant files in as the demo operator's demand, has every party approve
// it, and returns the grant it creates.
func (e *Env) Grant(tb testing.TB, in demand.Input) string {
	tb.Helper()
	ctx := context.Background()
	operator, err := e.App.Identity.PrincipalOf(ctx, "operator")
	if err != nil {
		tb.Fatal(err)
	}
	a, err := e.App.Demands.File(ctx, operator, in)
	if err != nil {
		tb.Fatalf("file the demand %q: %v", in.Title, err)
	}
	for _, party := range a.Parties {
		who := ""
		for key, id := range e.Demo.Orgs {
			if id == party.OrgID {
				who = reviewers[key]
			}
		}
		p, err := e.App.Identity.PrincipalOf(ctx, who)
		if err != nil {
			tb.Fatalf("the reviewer of %s: %v", party.Name, err)
		}
		if a, err = e.App.Demands.Decide(ctx, p, a.ID, demand.Approve, "同意"); err != nil {
			tb.Fatalf("%s approves %q: %v", who, in.Title, err)
		}
	}
	if a.GrantID == "" {
		tb.Fatalf("demand %q is %s with no grant", in.Title, a.State)
	}
	return a.GrantID
}
