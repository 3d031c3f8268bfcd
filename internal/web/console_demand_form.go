package web

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/catalog"
	"shuyu/internal/demand"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// The form of a demand application, for filing and for resubmitting after
// a return. It lists every field of every dataset in the agreement's scope:
// the operator ticks the fields wanted and gives each a role and a
// justification (minimum necessary), so the request can never name a
// dataset outside the scope. Inputs of a field are named by dataset and
// field ("why.social_insurance.district"), which the service's messages
// about "datasets[i].fields[j]" are mapped back to.

// demandRules are the rules a demand may ask for, in the order offered.
var demandRules = []sandbox.Rule{sandbox.Aggregate, sandbox.DP, sandbox.List, sandbox.Review}

// demandRoles are the roles a field may play, in the order offered.
var demandRoles = []sandbox.Role{sandbox.Dimension, sandbox.Measure, sandbox.Filter, sandbox.Join, sandbox.PrivacyUnit, sandbox.Output}

// demandMasks are the masks a text field may take besides the catalog's default.
var demandMasks = []sandbox.MaskKind{sandbox.MaskIDNumber, sandbox.MaskName, sandbox.MaskMobile, sandbox.MaskAddress, sandbox.MaskPartial, sandbox.MaskRedact}

// scopeField is one catalogued field of a dataset in scope, with what the
// form holds for it.
type scopeField struct {
	catalog.Field
	Key                  string // dataset.field, the suffix of its inputs
	Use                  bool
	Role                 sandbox.Role
	Why, Mask, Low, High string
	Err                  string
}

// scopeDataset is a dataset of the agreement's scope with its fields and
// the rows of its row filter (those asked for, and blank ones to add more).
type scopeDataset struct {
	Name, Title, Provider string
	Fields                []scopeField
	Filter                []filterRow
}

// filterRow is one condition of a row filter as the form holds it: the
// values comma-separated.
type filterRow struct{ Column, Op, Values string }

// blankFilterRows are offered below a dataset's conditions.
const blankFilterRows = 2

// demandFormPage is the filing or resubmission page.
type demandFormPage struct {
	Agreements []agreement.Agreement
	Agreement  string // the chosen agreement's ID
	// Demand is the returned demand being resubmitted; nil when filing.
	Demand *demand.Application
	In     demand.Input
	// DP holds the budget as typed; the bounds are on the fields.
	Epsilon, Delta, QueryEpsilon, QueryDelta string
	Scope                                    []scopeDataset
	Rules                                    []sandbox.Rule
	Roles                                    []sandbox.Role
	Masks                                    []sandbox.MaskKind
	Ops                                      []string
	Action                                   string
}

// demandAgreements are the operator's active agreements a demand can fall under.
func (c *console) demandAgreements(ctx context.Context, p access.Principal) ([]agreement.Agreement, error) {
	list, _, err := c.Agreements.List(ctx, p, agreement.Filter{State: agreement.Active, OperatorID: p.OrgID}, store.NewPage(store.MaxPageSize, ""))
	return list, err
}

// newDemandPage builds the form for agreement id (the first active one when
// empty) with in as typed.
func (c *console) newDemandPage(ctx context.Context, p access.Principal, id string, in demand.Input) (demandFormPage, error) {
	page := demandFormPage{In: in, Rules: demandRules, Roles: demandRoles, Masks: demandMasks, Ops: sandbox.Ops, Action: "/console/demands/new"}
	ags, err := c.demandAgreements(ctx, p)
	if err != nil {
		return page, err
	}
	page.Agreements = ags
	i := slices.IndexFunc(ags, func(a agreement.Agreement) bool { return a.ID == id })
	if i < 0 && len(ags) > 0 {
		i = 0
	}
	if i < 0 {
		return page, errs.E(errs.Conflict, "your organization holds no active authorized-operation agreement; a demand is filed inside one")
	}
	page.Agreement = ags[i].ID
	return page, c.fillScope(ctx, p, &page, ags[i])
}

// fillScope lists the agreement's datasets with their catalogued fields and
// marks those the request asks for.
func (c *console) fillScope(ctx context.Context, p access.Principal, page *demandFormPage, ag agreement.Agreement) error {
	page.Epsilon, page.Delta, page.QueryEpsilon, page.QueryDelta = "", "", "", ""
	if d := page.In.DP; d != nil {
		page.Epsilon, page.Delta = fmtFloat(d.Epsilon), fmtFloat(d.Delta)
		page.QueryEpsilon, page.QueryDelta = fmtFloat(d.QueryEpsilon), fmtFloat(d.QueryDelta)
	}
	for _, d := range ag.Datasets {
		entry, err := c.Catalog.Get(ctx, p, d.ID)
		if err != nil {
			return err
		}
		sd := scopeDataset{Name: entry.Name, Title: entry.Title, Provider: d.Provider}
		var asked []demand.FieldInput
		for _, x := range page.In.Datasets {
			if x.Dataset == entry.Name || x.Dataset == entry.ID {
				asked = x.Fields
				for _, c := range x.RowFilter {
					sd.Filter = append(sd.Filter, filterRow{Column: c.Column, Op: c.Op, Values: strings.Join(c.Values, ", ")})
				}
			}
		}
		for range blankFilterRows {
			sd.Filter = append(sd.Filter, filterRow{})
		}
		for _, f := range entry.Fields {
			sf := scopeField{Field: f, Key: entry.Name + "." + f.Name}
			if j := slices.IndexFunc(asked, func(a demand.FieldInput) bool { return a.Name == f.Name }); j >= 0 {
				a := asked[j]
				sf.Use, sf.Role, sf.Why, sf.Mask = true, a.Role, a.Justification, string(a.Mask.Kind)
			}
			if page.In.DP != nil {
				if b, ok := page.In.DP.Bounds[f.Name]; ok {
					sf.Low, sf.High = strconv.FormatInt(b.Lower, 10), strconv.FormatInt(b.Upper, 10)
				}
			}
			sd.Fields = append(sd.Fields, sf)
		}
		page.Scope = append(page.Scope, sd)
	}
	return nil
}

// demandInputFrom reads the form, over the fields of the scope it was drawn
// with. Numbers that do not parse are refused with the input named.
func demandInputFrom(r *http.Request, scope []scopeDataset) (demand.Input, error) {
	in := demand.Input{AgreementID: formValue(r, "agreement_id"), Title: formValue(r, "title"), Scenario: formValue(r, "scenario"),
		Purpose: formValue(r, "purpose"), EndsOn: formValue(r, "ends_on"), Rule: sandbox.Rule(formValue(r, "rule")),
		AllowMinMax: r.PostFormValue("allow_min_max") != ""}
	var err error
	num := func(name string, set func(float64)) {
		s := formValue(r, name)
		if s == "" || err != nil {
			return
		}
		x, perr := strconv.ParseFloat(s, 64)
		if perr != nil {
			err = errs.E(errs.Invalid, "%s: %q is not a number", name, s)
			return
		}
		set(x)
	}
	num("k", func(x float64) { in.K = int(x) })
	if in.Rule == sandbox.DP {
		in.DP = &sandbox.DPSpec{Bounds: map[string]sandbox.Bound{}}
		num("epsilon", func(x float64) { in.DP.Epsilon = x })
		num("delta", func(x float64) { in.DP.Delta = x })
		num("query_epsilon", func(x float64) { in.DP.QueryEpsilon = x })
		num("query_delta", func(x float64) { in.DP.QueryDelta = x })
	}
	for _, d := range scope {
		di := demand.DatasetInput{Dataset: d.Name}
		for _, f := range d.Fields {
			if r.PostFormValue("use."+f.Key) == "" {
				continue
			}
			fi := demand.FieldInput{Name: f.Name, Role: sandbox.Role(formValue(r, "role."+f.Key)), Justification: formValue(r, "why."+f.Key),
				Mask: sandbox.Mask{Kind: sandbox.MaskKind(formValue(r, "mask."+f.Key))}}
			di.Fields = append(di.Fields, fi)
			if in.DP != nil && fi.Role == sandbox.Measure && (formValue(r, "lo."+f.Key) != "" || formValue(r, "hi."+f.Key) != "") {
				var b sandbox.Bound
				num("lo."+f.Key, func(x float64) { b.Lower = int64(x) })
				num("hi."+f.Key, func(x float64) { b.Upper = int64(x) })
				in.DP.Bounds[f.Name] = b
			}
		}
		di.RowFilter = filterFrom(r, d)
		if len(di.Fields) > 0 || len(di.RowFilter) > 0 {
			in.Datasets = append(in.Datasets, di)
		}
	}
	return in, err
}

// filterFrom reads the row filter of dataset d: the rows drawn (d.Filter)
// whose column is chosen, values split at commas (, or ，). The service
// checks the rest.
func filterFrom(r *http.Request, d scopeDataset) []sandbox.Condition {
	var out []sandbox.Condition
	for i := range d.Filter {
		key := "rf." + d.Name + "." + strconv.Itoa(i) + "."
		col := formValue(r, key+"column")
		if col == "" {
			continue
		}
		c := sandbox.Condition{Column: col, Op: formValue(r, key+"op")}
		for _, v := range strings.FieldsFunc(formValue(r, key+"values"), func(r rune) bool { return r == ',' || r == '，' }) {
			if v = strings.TrimSpace(v); v != "" {
				c.Values = append(c.Values, v)
			}
		}
		out = append(out, c)
	}
	return out
}

// fieldRef finds "datasets[i].fields[j]" at the start of a service message.
var fieldRef = regexp.MustCompile(`^datasets\[([0-9]+)\]\.fields\[([0-9]+)\](?:\.[a-z_]+)?: `)

// placeError puts an error about one requested field on its row of the
// form, and returns the error for the page's headline.
func placeError(page *demandFormPage, err error) {
	_, msg, _ := errs.Public(err)
	m := fieldRef.FindStringSubmatch(msg)
	if m == nil {
		return
	}
	i, _ := strconv.Atoi(m[1])
	j, _ := strconv.Atoi(m[2])
	if i >= len(page.In.Datasets) || j >= len(page.In.Datasets[i].Fields) {
		return
	}
	name, field := page.In.Datasets[i].Dataset, page.In.Datasets[i].Fields[j].Name
	for di := range page.Scope {
		for fi := range page.Scope[di].Fields {
			if f := &page.Scope[di].Fields[fi]; page.Scope[di].Name == name && f.Name == field {
				f.Err = strings.TrimPrefix(msg, m[0])
			}
		}
	}
}

func (c *console) demandNewForm(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.demand_new"
	page, err := c.newDemandPage(r.Context(), *v.User, r.URL.Query().Get("agreement"), demand.Input{Rule: sandbox.Aggregate, K: demand.MinK})
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "demand_form", page)
}

func (c *console) demandNewSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.demand_new"
	page, err := c.newDemandPage(r.Context(), *v.User, formValue(r, "agreement_id"), demand.Input{})
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	in, err := demandInputFrom(r, page.Scope)
	if err == nil {
		var a demand.Application
		if a, err = c.Demands.File(r.Context(), *v.User, in); err == nil {
			c.seeOther(w, r, "/console/demands/"+a.ID, "flash.demand_filed", a.Request.Title)
			return
		}
	}
	c.refill(w, r, v, &page, in, err)
}

// refill shows the form again as typed, with err on it.
func (c *console) refill(w http.ResponseWriter, r *http.Request, v *view, page *demandFormPage, in demand.Input, err error) {
	ag := slices.IndexFunc(page.Agreements, func(a agreement.Agreement) bool { return a.ID == page.Agreement })
	page.In, page.Scope = in, nil
	if ag >= 0 {
		if ferr := c.fillScope(r.Context(), *v.User, page, page.Agreements[ag]); ferr != nil {
			c.fail(w, r, v, ferr, "error", nil)
			return
		}
	}
	placeError(page, err)
	c.fail(w, r, v, err, "demand_form", *page)
}

// resubmitPage is the form of returned demand id, filled with its request.
func (c *console) resubmitPage(ctx context.Context, p access.Principal, id string) (demandFormPage, error) {
	a, err := c.Demands.Get(ctx, p, id)
	if err != nil {
		return demandFormPage{}, err
	}
	if !slices.Contains(a.Actions, fsm.Action(demand.Resubmit)) {
		return demandFormPage{}, errs.E(errs.Conflict, "demand %s is %s: only a returned demand is resubmitted, by its operator", a.ID, a.State)
	}
	ag, err := c.Agreements.Get(ctx, p, a.AgreementID)
	if err != nil {
		return demandFormPage{}, err
	}
	page := demandFormPage{Demand: &a, Agreements: []agreement.Agreement{ag}, Agreement: ag.ID, In: a.Request, Rules: demandRules,
		Roles: demandRoles, Masks: demandMasks, Ops: sandbox.Ops, Action: "/console/demands/" + a.ID + "/resubmit"}
	return page, c.fillScope(ctx, p, &page, ag)
}

func (c *console) demandResubmitForm(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.demand_resubmit"
	page, err := c.resubmitPage(r.Context(), *v.User, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "demand_form", page)
}

func (c *console) demandResubmitSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.demand_resubmit"
	page, err := c.resubmitPage(r.Context(), *v.User, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	in, err := demandInputFrom(r, page.Scope)
	if err == nil {
		var a demand.Application
		if a, err = c.Demands.Resubmit(r.Context(), *v.User, page.Demand.ID, in); err == nil {
			c.seeOther(w, r, "/console/demands/"+a.ID, "flash.demand_resubmitted", a.Request.Title)
			return
		}
	}
	c.refill(w, r, v, &page, in, err)
}

func fmtFloat(x float64) string {
	if x == 0 {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
