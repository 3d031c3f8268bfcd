package demand

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"shuyu/internal/agreement"
	"shuyu/internal/calendar"
	"shuyu/internal/catalog"
	"shuyu/internal/errs"
	"shuyu/internal/plan"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// MinK is the least group size a demand may ask for.
const MinK = sandbox.DefaultK

// MaxEpsilon is the largest total privacy budget a dp demand may ask for.
const MaxEpsilon = 10

// checked is a demand validated against its agreement and the catalog: the
// request as normalized, its scope, the grant it would create (without
// versions) and when that grant would expire.
type checked struct {
	in       Input
	ag       agreement.Agreement
	datasets []plan.Dataset
	spec     sandbox.Grant
	expires  time.Time
}

// rolesOf are the roles each rule lets a field play.
var rolesOf = map[sandbox.Rule][]sandbox.Role{
	sandbox.Aggregate: {sandbox.Dimension, sandbox.Measure, sandbox.Filter, sandbox.Join, sandbox.PrivacyUnit},
	sandbox.DP:        {sandbox.Dimension, sandbox.Measure, sandbox.Filter, sandbox.Join, sandbox.PrivacyUnit},
	sandbox.List:      {sandbox.Output, sandbox.Dimension, sandbox.Measure, sandbox.Filter, sandbox.Join, sandbox.PrivacyUnit},
	sandbox.Review:    {sandbox.Output, sandbox.Dimension, sandbox.Measure, sandbox.Filter, sandbox.Join, sandbox.PrivacyUnit},
}

// check validates in as a demand of operatorID, now: inside one of the
// operator's active agreements, within its scope and term, on catalogued
// fields that are not core data, with a rule the sandbox can run. Every
// error names the part of the request at fault.
func (s *Service) check(ctx context.Context, operatorID string, in Input) (checked, error) {
	c := checked{in: in}
	var err error
	if c.ag, err = s.agreementOf(ctx, operatorID, in.AgreementID); err != nil {
		return c, err
	}
	c.in.AgreementID = c.ag.ID
	if err := texts(&c.in); err != nil {
		return c, err
	}
	if c.expires, err = s.period(&c.in, c.ag); err != nil {
		return c, err
	}
	if err := params(&c.in); err != nil {
		return c, err
	}
	c.spec = sandbox.Grant{ID: "request", OrgID: operatorID, Rule: c.in.Rule, K: c.in.K, AllowMinMax: c.in.AllowMinMax, DP: c.in.DP}
	if len(c.in.Datasets) == 0 || len(c.in.Datasets) > 20 {
		return c, errs.E(errs.Invalid, "datasets: name 1–20 datasets of agreement %s, each with the fields wanted", c.ag.ID)
	}
	for i := range c.in.Datasets {
		d, g, err := s.dataset(ctx, c.ag, c.in.Rule, i, &c.in.Datasets[i])
		if err != nil {
			return c, err
		}
		if slices.ContainsFunc(c.datasets, func(x plan.Dataset) bool { return x.ID == d.ID }) {
			return c, errs.E(errs.Invalid, "datasets[%d].dataset: %s is named twice; ask for all its fields once", i, d.Name)
		}
		c.datasets = append(c.datasets, d)
		c.spec.Datasets = append(c.spec.Datasets, g)
	}
	if c.in.Rule == sandbox.List && !slices.ContainsFunc(c.spec.Datasets, func(d sandbox.Dataset) bool {
		return slices.ContainsFunc(d.Columns, func(col sandbox.Column) bool { return col.Role == sandbox.Output })
	}) {
		return c, errs.E(errs.Invalid, "datasets: a list demand names at least one field with role output")
	}
	// The sandbox's own checks, on the grant as it would be with any version.
	probe := c.spec
	probe.Datasets = slices.Clone(c.spec.Datasets)
	for i := range probe.Datasets {
		probe.Datasets[i].Version = sandbox.Version{ID: "current", Path: "current"}
	}
	if err := probe.Validate(); err != nil {
		return c, err
	}
	return c, nil
}

// agreementOf finds the active agreement of operatorID a demand falls
// under: id, or the operator's only one.
func (s *Service) agreementOf(ctx context.Context, operatorID, id string) (agreement.Agreement, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		list, _, err := s.agreements.List(ctx, s.system, agreement.Filter{State: agreement.Active, OperatorID: operatorID}, store.NewPage(store.MaxPageSize, ""))
		if err != nil {
			return agreement.Agreement{}, err
		}
		switch len(list) {
		case 0:
			return agreement.Agreement{}, errs.E(errs.Conflict, "your organization holds no active authorized-operation agreement; a demand is filed inside one")
		case 1:
			id = list[0].ID
		default:
			return agreement.Agreement{}, errs.E(errs.Invalid, "agreement_id: required: your organization holds %d active agreements; name the one this demand falls under", len(list))
		}
	}
	a, err := s.agreements.Lookup(ctx, id)
	if errs.Is(err, errs.NotFound) || (err == nil && a.OperatorID != operatorID) {
		return a, errs.E(errs.Invalid, "agreement_id: %q is no agreement of your organization", id)
	}
	if err != nil {
		return a, err
	}
	if a.State != agreement.Active {
		return a, errs.E(errs.Conflict, "agreement %s is %s, not in force: demands are filed and approved only inside an active agreement", a.ID, a.State)
	}
	if !s.now().Before(a.EndsAt) {
		return a, errs.E(errs.Conflict, "agreement %s's term ended with %s: demands are filed and approved only inside an agreement in force", a.ID, a.EndsOn)
	}
	return a, nil
}

func texts(in *Input) error {
	for _, t := range []struct {
		field string
		v     *string
		max   int
		hint  string
	}{
		{"title", &in.Title, 200, "a short name of the scenario"},
		{"scenario", &in.Scenario, 4000, "the application scenario (应用场景): who uses the results, for what"},
		{"purpose", &in.Purpose, 2000, "what the analysis is for"},
	} {
		if err := plan.Text(t.field, t.v, t.max, t.hint); err != nil {
			return err
		}
	}
	return nil
}

// period checks the last day of use against today and the agreement's
// term, and returns when the grant would expire.
func (s *Service) period(in *Input, a agreement.Agreement) (time.Time, error) {
	end, err := calendar.ParseDate(strings.TrimSpace(in.EndsOn))
	if err != nil {
		return time.Time{}, errs.E(errs.Invalid, "ends_on: %q is not a date YYYY-MM-DD (the last day of use)", in.EndsOn)
	}
	in.EndsOn = end.String()
	if today := calendar.DateOf(s.now()); end.Before(today) {
		return time.Time{}, errs.E(errs.Invalid, "ends_on: %s has passed; the period of use ends today (%s) at the earliest", end, today)
	}
	if agEnd, _ := calendar.ParseDate(a.EndsOn); end.After(agEnd) {
		return time.Time{}, errs.E(errs.Invalid, "ends_on: %s lies after the end of agreement %s (%s); a grant never outlasts its agreement",
			end, a.ID, a.EndsOn)
	}
	next := end.AddDays(1)
	expires := time.Date(next.Year(), next.Month(), next.Day(), 0, 0, 0, 0, calendar.Shanghai()).UTC()
	if a.EndsAt.Before(expires) {
		expires = a.EndsAt
	}
	return expires, nil
}

// params checks the rule and its parameters, filling defaults.
func params(in *Input) error {
	if _, ok := rolesOf[in.Rule]; !ok {
		return errs.E(errs.Invalid, "rule: %q is not one of aggregate, dp, list, review", in.Rule)
	}
	if in.K == 0 {
		in.K = MinK
	}
	if in.K < MinK || in.K > 1_000_000 {
		return errs.E(errs.Invalid, "k: %d; groups cover at least %d privacy units on this platform (at most 1,000,000)", in.K, MinK)
	}
	if in.AllowMinMax && in.Rule != sandbox.Aggregate && in.Rule != sandbox.DP {
		return errs.E(errs.Invalid, "allow_min_max: only the aggregate and dp rules compute MIN and MAX")
	}
	if in.Rule != sandbox.DP {
		if in.DP != nil {
			return errs.E(errs.Invalid, "dp: only a dp demand has a privacy budget; remove it or ask for rule dp")
		}
		return nil
	}
	dp := in.DP
	if dp == nil || !(dp.Epsilon > 0 && dp.Epsilon <= MaxEpsilon) {
		return errs.E(errs.Invalid, "dp.epsilon: a dp demand asks for a total budget ε in (0, %d]", MaxEpsilon)
	}
	if dp.Delta == 0 {
		dp.Delta = 1e-5
	}
	if dp.QueryEpsilon == 0 {
		dp.QueryEpsilon = min(0.5, dp.Epsilon)
	}
	if dp.QueryDelta == 0 {
		dp.QueryDelta = dp.Delta / 10
	}
	return nil
}

// dataset checks the i-th dataset asked for: in the agreement's scope and
// the catalog's operation scope, with a privacy-unit column, each field
// catalogued, not core data, justified, in a role the rule allows, masked
// at least as its classification requires when it can appear in results.
func (s *Service) dataset(ctx context.Context, a agreement.Agreement, rule sandbox.Rule, i int, in *DatasetInput) (plan.Dataset, sandbox.Dataset, error) {
	ref := strings.TrimSpace(in.Dataset)
	at := slices.IndexFunc(a.Datasets, func(d plan.Dataset) bool { return d.ID == ref || d.Name == ref })
	if at < 0 {
		names := make([]string, len(a.Datasets))
		for k, d := range a.Datasets {
			names[k] = d.Name
		}
		return plan.Dataset{}, sandbox.Dataset{}, errs.E(errs.Invalid,
			"datasets[%d].dataset: %q is not in the data scope of agreement %s (%s); a grant never exceeds its agreement's scope",
			i, ref, a.ID, strings.Join(names, ", "))
	}
	sd := a.Datasets[at]
	in.Dataset = sd.Name
	entry, err := s.catalog.Get(ctx, s.system, sd.ID)
	if err != nil {
		return sd, sandbox.Dataset{}, err
	}
	g := sandbox.Dataset{Name: entry.Name, PrivacyUnit: entry.PrivacyUnit}
	if len(in.Fields) == 0 {
		return sd, g, errs.E(errs.Invalid, "datasets[%d].fields: name the fields of %s wanted, each with a justification", i, entry.Name)
	}
	for j := range in.Fields {
		col, err := field(entry, rule, &in.Fields[j], fmt.Sprintf("datasets[%d].fields[%d]", i, j))
		if err != nil {
			return sd, g, err
		}
		if slices.ContainsFunc(g.Columns, func(c sandbox.Column) bool { return c.Name == col.Name }) {
			return sd, g, errs.E(errs.Invalid, "datasets[%d].fields[%d].name: %s is named twice", i, j, col.Name)
		}
		g.Columns = append(g.Columns, col)
	}
	if err := rowFilter(entry, in.RowFilter, &g, fmt.Sprintf("datasets[%d].row_filter", i)); err != nil {
		return sd, g, err
	}
	if !entry.InScope {
		return sd, g, errs.E(errs.Invalid, "datasets[%d].dataset: %s has left the authorized-operation scope of the catalog", i, entry.Name)
	}
	if entry.PrivacyUnit == "" {
		return sd, g, errs.E(errs.Invalid, "datasets[%d].dataset: %s has no privacy-unit column in the catalog; its provider must name one before it can be granted", i, entry.Name)
	}
	if !hasField(g.Columns, entry.PrivacyUnit) {
		pu, _ := entry.Field(entry.PrivacyUnit)
		g.Columns = append(g.Columns, sandbox.Column{Name: pu.Name, Type: string(pu.Type), Role: sandbox.None})
	}
	return sd, g, nil
}

// field checks one field asked for and returns its column in the grant.
func field(entry catalog.Dataset, rule sandbox.Rule, in *FieldInput, at string) (sandbox.Column, error) {
	in.Name = strings.TrimSpace(in.Name)
	f, ok := entry.Field(in.Name)
	switch {
	case !ok:
		return sandbox.Column{}, errs.E(errs.Invalid, "%s.name: %s has no field %q in the catalog; only catalogued fields are granted", at, entry.Name, in.Name)
	case f.Grade == catalog.Core:
		return sandbox.Column{}, errs.E(errs.Invalid, "%s.name: %s.%s is graded core data (核心数据), which is never granted", at, entry.Name, f.Name)
	case !slices.Contains(rolesOf[rule], in.Role):
		return sandbox.Column{}, errs.E(errs.Invalid, "%s.role: %q is not a role a %s demand gives a field (one of %v)", at, in.Role, rule, rolesOf[rule])
	case in.Role == sandbox.PrivacyUnit && f.Name != entry.PrivacyUnit:
		return sandbox.Column{}, errs.E(errs.Invalid, "%s.role: only %s's privacy-unit column %s plays privacy_unit", at, entry.Name, entry.PrivacyUnit)
	case in.Role == sandbox.Output && f.Grade == catalog.Important:
		return sandbox.Column{}, errs.E(errs.Invalid, "%s.role: %s.%s is important data (重要数据): it is analysed in aggregate, never output row by row", at, entry.Name, f.Name)
	}
	if err := plan.Text(at+".justification", &in.Justification, 500, "why "+f.Name+" is necessary for the scenario (minimum necessary)"); err != nil {
		return sandbox.Column{}, err
	}
	col := sandbox.Column{Name: f.Name, Type: string(f.Type), Role: in.Role, Mask: in.Mask}
	if def := sandbox.MaskForClass(f.Classification); def.Kind != "" && (in.Role == sandbox.Output || in.Role == sandbox.Dimension) {
		switch in.Mask.Kind {
		case "":
			col.Mask = def
		case def.Kind, sandbox.MaskRedact:
		default:
			return sandbox.Column{}, errs.E(errs.Invalid, "%s.mask: %s.%s is classified %s: it appears in results masked as %s (or redact), never less",
				at, entry.Name, f.Name, f.Classification, def.Kind)
		}
	}
	return col, nil
}
