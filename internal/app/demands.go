package app

import (
	"context"
	"fmt"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/demand"
	"shuyu/internal/demo"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// seedDemands files, for the demo operator's analyst, the demo's demand
// applications (demo.DemoDemands) under the demo agreement, for the rest
// of its term, and has the bureau's reviewer and each provider's
// commissioner approve them, which creates their grants: all through the
// services. Run again, it finds what it made and completes what is missing.
func (a *App) seedDemands(ctx context.Context) error {
	as := func(name string) (access.Principal, error) { return a.Identity.PrincipalOf(ctx, name) }
	analyst, err := as("analyst")
	if err != nil {
		return err
	}
	ags, _, err := a.Agreements.List(ctx, analyst, agreement.Filter{State: agreement.Active}, store.NewPage(store.MaxPageSize, ""))
	if err != nil {
		return err
	}
	if len(ags) != 1 {
		return fmt.Errorf("demo demands: the demo operator holds %d active agreements, want 1", len(ags))
	}
	have, _, err := a.Demands.List(ctx, analyst, demand.Filter{AgreementID: ags[0].ID}, store.NewPage(store.MaxPageSize, ""))
	if err != nil {
		return err
	}
	// The bureau's reviewer and each provider's commissioner, by organization.
	reviewers := map[string]access.Principal{}
	for _, name := range []string{"bureau", "provider-hrss", "provider-amr", "provider-tax"} {
		p, err := as(name)
		if err != nil {
			return err
		}
		reviewers[p.OrgID] = p
	}
	for _, spec := range demo.DemoDemands {
		var d demand.Application
		for _, h := range have {
			if h.Request.Title == spec.Title && (h.State == demand.Reviewing || h.State == demand.Approved) {
				d = h
			}
		}
		if d.ID == "" {
			if d, err = a.Demands.File(ctx, analyst, demandInput(spec, ags[0])); err != nil {
				return fmt.Errorf("demo demand %s: %w", spec.Title, err)
			}
		}
		for _, p := range d.Parties {
			if p.Decision != "" || d.State != demand.Reviewing {
				continue
			}
			if d, err = a.Demands.Decide(ctx, reviewers[p.OrgID], d.ID, demand.Approve, "符合最小必要原则，同意。"); err != nil {
				return fmt.Errorf("demo demand %s: approval of %s: %w", spec.Title, p.Name, err)
			}
		}
	}
	return nil
}

// demandInput is a demo demand as filed under agreement g.
func demandInput(spec demo.DemandSpec, g agreement.Agreement) demand.Input {
	in := demand.Input{AgreementID: g.ID, Title: spec.Title, Scenario: spec.Scenario, Purpose: spec.Purpose, EndsOn: g.EndsOn,
		Rule: sandbox.Rule(spec.Rule), K: sandbox.DefaultK}
	if spec.Epsilon > 0 {
		in.DP = &sandbox.DPSpec{Epsilon: spec.Epsilon, Delta: 1e-5, Bounds: map[string]sandbox.Bound{}}
		for m, b := range spec.Bounds {
			in.DP.Bounds[m] = sandbox.Bound{Lower: b[0], Upper: b[1]}
		}
	}
	for _, d := range spec.Datasets {
		ds := demand.DatasetInput{Dataset: d.Dataset}
		for _, f := range d.Fields {
			ds.Fields = append(ds.Fields, demand.FieldInput{Name: f[0], Role: sandbox.Role(f[1]), Justification: f[2]})
		}
		in.Datasets = append(in.Datasets, ds)
	}
	return in
}
