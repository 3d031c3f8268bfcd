package product

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
	"shuyu/internal/workspace"
)

// PriceCategories are the price categories of a product: government-guided
// paid use under a cap (Art. 21(2)), or free use.
var PriceCategories = []string{"guided", "free"}

// Formats are the parameter formats the gateway checks.
var Formats = []string{"uscc", "id_number", "text"}

// basis is what a product's declaration rests on once checked: its
// agreement and, for an API product, the grant it runs in and the index
// its query builds now.
type basis struct {
	agreementID, unitID, jurisdictionID string
	index                               *sandbox.Index
}

// Register records product in for p's operator, in review: the grants are
// the operator's and active, an API product's query passes the sandbox's
// analysis in its grant and yields its parameter and outputs, a report's
// result was released, and no grant named is a product (Art. 19).
func (s *Service) Register(ctx context.Context, p access.Principal, in Input) (Product, error) {
	if !access.Permits(p, access.ProductRegister) {
		return Product{}, access.Check(p, access.ProductRegister, access.Resource{})
	}
	if err := checkInput(&in); err != nil {
		return Product{}, err
	}
	b, err := s.check(ctx, p, &in)
	if err != nil {
		return Product{}, err
	}
	now := s.now()
	pr := Product{ID: store.NewID(), Name: in.Name, Type: in.Type, OperatorID: p.OrgID, AgreementID: b.agreementID, UnitID: b.unitID,
		JurisdictionID: b.jurisdictionID, Scenario: in.Scenario, PriceCategory: in.PriceCategory, GrantIDs: in.GrantIDs, State: Reviewing,
		Version: 1, API: in.API, ReleaseID: in.ReleaseID, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := insertProduct(ctx, tx, pr); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "product.register", "product", pr.ID, registerDetail(pr))
	})
	if err != nil {
		return Product{}, err
	}
	return s.Get(ctx, p, pr.ID)
}

// registerDetail is what the ledger keeps of a declaration.
func registerDetail(pr Product) map[string]any {
	d := map[string]any{"name": pr.Name, "type": pr.Type, "grant_ids": pr.GrantIDs, "agreement_id": pr.AgreementID, "version": pr.Version}
	if pr.API != nil {
		d["query"], d["param"], d["outputs"] = pr.API.Query, pr.API.Param.Name, pr.API.Outputs
	}
	if pr.ReleaseID != "" {
		d["release_id"] = pr.ReleaseID
	}
	return d
}

func checkInput(in *Input) error {
	in.Name, in.Scenario = strings.TrimSpace(in.Name), strings.TrimSpace(in.Scenario)
	switch {
	case in.Name == "" || utf8.RuneCountInString(in.Name) > 100:
		return errs.E(errs.Invalid, "name: required, at most 100 characters")
	case !slices.Contains(Types, in.Type):
		return errs.E(errs.Invalid, "type: %q; give api, report or model", in.Type)
	case in.Scenario == "" || utf8.RuneCountInString(in.Scenario) > 2000:
		return errs.E(errs.Invalid, "scenario: required, at most 2000 characters: the application scenario the product serves")
	case !slices.Contains(PriceCategories, in.PriceCategory):
		return errs.E(errs.Invalid, "price_category: %q; give guided (paid under the implementing unit's cap) or free", in.PriceCategory)
	case len(in.GrantIDs) == 0 && in.Type != Report:
		return errs.E(errs.Invalid, "grant_ids: name the grants the product draws on")
	case in.Type == API && in.API == nil:
		return errs.E(errs.Invalid, "api: an API product declares its query, parameter and outputs")
	case in.Type != API && in.API != nil:
		return errs.E(errs.Invalid, "api: only an API product declares a query")
	case in.Type == Report && in.ReleaseID == "":
		return errs.E(errs.Invalid, "release_id: a report is a released workspace result; name the release")
	case in.Type != Report && in.ReleaseID != "":
		return errs.E(errs.Invalid, "release_id: only a report is built on a release")
	}
	if in.Type == API {
		return checkAPI(in.API, len(in.GrantIDs))
	}
	return nil
}

func checkAPI(a *APISpec, grants int) error {
	a.Query = strings.TrimSpace(a.Query)
	switch {
	case grants != 1:
		return errs.E(errs.Invalid, "grant_ids: an API product's query runs in exactly one grant; name one")
	case a.Query == "":
		return errs.E(errs.Invalid, "api.query: required: the SQL in the grant that answers calls")
	case !nameOK(a.Param.Name) || (a.Param.Column != "" && !nameOK(a.Param.Column)):
		return errs.E(errs.Invalid, "api.param.name: a lower-case name of letters, digits and _, like uscc")
	case !slices.Contains(Formats, a.Param.Format):
		return errs.E(errs.Invalid, "api.param.format: %q; give uscc, id_number or text", a.Param.Format)
	case len(a.Outputs) == 0 || len(a.Outputs) > 50:
		return errs.E(errs.Invalid, "api.outputs: name 1 to 50 of the query's columns the answer carries")
	}
	for i, o := range a.Outputs {
		if !nameOK(o) || slices.Contains(a.Outputs[:i], o) || o == a.Param.column() {
			return errs.E(errs.Invalid, "api.outputs[%d]: %q is not a column name, is named twice or is the parameter's column", i, o)
		}
	}
	return nil
}

func nameOK(s string) bool {
	if s == "" || len(s) > 63 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == ""
}

// check verifies in's grants, query and release for p and returns the
// product's agreement and place.
func (s *Service) check(ctx context.Context, p access.Principal, in *Input) (basis, error) {
	var b basis
	if in.Type == Report {
		rel, err := s.releases.Get(ctx, p, in.ReleaseID)
		if err != nil {
			return b, err
		}
		if rel.State != workspace.Released {
			return b, errs.E(errs.Invalid, "release_id: release %s is %s: only a released result may become a report", rel.ID, rel.State)
		}
		if len(in.GrantIDs) == 0 {
			in.GrantIDs = []string{rel.GrantID}
		}
		if !slices.Contains(in.GrantIDs, rel.GrantID) {
			return b, errs.E(errs.Invalid, "grant_ids: release %s is of grant %s; name it", rel.ID, rel.GrantID)
		}
	}
	for i, id := range in.GrantIDs {
		if slices.Contains(in.GrantIDs[:i], id) {
			return b, errs.E(errs.Invalid, "grant_ids[%d]: %s is named twice", i, id)
		}
		if _, err := getProduct(ctx, s.db, id, ""); err == nil {
			return b, errs.E(errs.Invalid, "grant_ids[%d]: %s is a product: Art. 19 forbids building a product on another product; draw on a grant of public data", i, id)
		}
		h, err := s.grants.Held(ctx, id)
		if errs.Is(err, errs.NotFound) {
			return b, errs.E(errs.Invalid, "grant_ids[%d]: there is no grant %s", i, id)
		}
		if err != nil {
			return b, err
		}
		ag, err := s.agreements.Lookup(ctx, h.AgreementID)
		if err != nil {
			return b, err
		}
		r, err := s.ids.Resource(ctx, h.OperatorID, ag.JurisdictionID)
		if err != nil {
			return b, err
		}
		if err := access.Check(p, access.ProductRegister, r); err != nil {
			return b, err
		}
		if h.State != "active" {
			return b, errs.E(errs.Invalid, "grant_ids[%d]: grant %s is %s: a product draws only on active grants", i, id, h.State)
		}
		if b.agreementID != "" && b.agreementID != ag.ID {
			return b, errs.E(errs.Invalid, "grant_ids: the grants belong to different agreements; a product rests on one")
		}
		b.agreementID, b.unitID, b.jurisdictionID = ag.ID, ag.UnitID, ag.JurisdictionID
		if in.Type == API {
			if b.index, err = s.build(ctx, h.Spec, in.API); err != nil {
				return b, err
			}
		}
	}
	return b, nil
}

// build builds an API product's index in grant g and checks that it
// yields the declared outputs.
func (s *Service) build(ctx context.Context, g sandbox.Grant, a *APISpec) (*sandbox.Index, error) {
	ix, err := s.indexer.BuildIndex(ctx, g, sandbox.Request{SQL: a.Query}, a.Param.column())
	if err != nil {
		return nil, err
	}
	for i, o := range a.Outputs {
		if !slices.Contains(ix.Columns, o) {
			return nil, errs.E(errs.Invalid, "api.outputs[%d]: the query's answer has no column %q (it has %s)", i, o, strings.Join(ix.Columns, ", "))
		}
	}
	return ix, nil
}
