package web

import (
	"net/http"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/demand"
	"shuyu/internal/product"
	"shuyu/internal/store"
)

// The operator registers a product here: an API service (its query is
// analyzed in the grant and its outputs fixed), a statistical report (a
// released result) or a model (registration only). The product then waits
// for the implementing unit's compliance review.

type productFormPage struct {
	// Grants are the operator's active grants the product may draw on.
	Grants     []demand.Grant
	Types      []product.Type
	Categories []string
	Formats    []string
	Values     map[string]string
}

// productFields are the register form's fields, named as the service
// names them in its errors so that each message lands beside its input.
var productFields = []string{"name", "type", "scenario", "price_category", "grant_ids", "release_id",
	"api.query", "api.param.name", "api.param.format", "api.param.description", "api.outputs"}

func (c *console) productForm(r *http.Request, p access.Principal, values map[string]string) (productFormPage, error) {
	page := productFormPage{Types: product.Types, Categories: product.PriceCategories, Formats: product.Formats, Values: values}
	gs, _, err := c.Demands.Grants(r.Context(), p, store.NewPage(store.MaxPageSize, ""))
	for _, g := range gs {
		if g.State == "active" && g.OperatorID == p.OrgID {
			page.Grants = append(page.Grants, g)
		}
	}
	return page, err
}

func (c *console) productNewForm(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.product_new"
	page, err := c.productForm(r, *v.User, map[string]string{"type": string(product.API), "price_category": "guided", "api.param.format": "uscc"})
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "product_form", page)
}

func (c *console) productNewSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.product_new"
	values := map[string]string{}
	for _, f := range productFields {
		values[f] = formValue(r, f)
	}
	pr, err := c.Products.Register(r.Context(), *v.User, productInput(values))
	if err == nil {
		c.seeOther(w, r, productPath(pr.ID), "flash.product_registered", pr.Name)
		return
	}
	page, perr := c.productForm(r, *v.User, values)
	if perr != nil {
		c.fail(w, r, v, perr, "error", nil)
		return
	}
	c.fail(w, r, v, err, "product_form", page)
}

// productInput reads the form: one grant, and for an API product the
// query, its parameter and the outputs (separated by commas or spaces).
func productInput(f map[string]string) product.Input {
	in := product.Input{Name: f["name"], Type: product.Type(f["type"]), Scenario: f["scenario"], PriceCategory: f["price_category"],
		ReleaseID: f["release_id"]}
	if g := f["grant_ids"]; g != "" {
		in.GrantIDs = []string{g}
	}
	if in.Type == product.API {
		in.API = &product.APISpec{Query: f["api.query"], Outputs: strings.FieldsFunc(f["api.outputs"], func(r rune) bool { return r == ',' || r == ' ' || r == '，' }),
			Param: product.Param{Name: f["api.param.name"], Format: f["api.param.format"], Description: f["api.param.description"]}}
	}
	if in.Type != product.Report {
		in.ReleaseID = ""
	}
	return in
}
