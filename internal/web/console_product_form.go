package web

import (
	"net/http"
	"slices"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/demand"
	"shuyu/internal/errs"
	"shuyu/internal/product"
	"shuyu/internal/store"
)

// The operator registers a product here: an API service (its query is
// analyzed in the grant and its outputs fixed), a statistical report (a
// released result) or a model (registration only). The product then waits
// for the implementing unit's compliance review. The same form changes a
// published or sent-back product (its name and type stay), which goes back
// to review; and the operator may cancel a registration with a reason.

type productFormPage struct {
	// Editing is the product being changed; nil when registering one.
	Editing *product.Product
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

func (c *console) productForm(r *http.Request, p access.Principal, editing *product.Product, values map[string]string) (productFormPage, error) {
	page := productFormPage{Editing: editing, Types: product.Types, Categories: product.PriceCategories, Formats: product.Formats, Values: values}
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
	page, err := c.productForm(r, *v.User, nil, map[string]string{"type": string(product.API), "price_category": "guided", "api.param.format": "uscc"})
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
	c.refillProduct(w, r, v, nil, values, err)
}

// refillProduct shows the form again as typed, with err.
func (c *console) refillProduct(w http.ResponseWriter, r *http.Request, v *view, editing *product.Product, values map[string]string, err error) {
	page, perr := c.productForm(r, *v.User, editing, values)
	if perr != nil {
		c.fail(w, r, v, perr, "error", nil)
		return
	}
	c.fail(w, r, v, err, "product_form", page)
}

// valuesOf is product pr's declaration as the form shows it.
func valuesOf(pr product.Product) map[string]string {
	v := map[string]string{"name": pr.Name, "type": string(pr.Type), "scenario": pr.Scenario, "price_category": pr.PriceCategory,
		"release_id": pr.ReleaseID}
	if len(pr.GrantIDs) > 0 {
		v["grant_ids"] = pr.GrantIDs[0]
	}
	if a := pr.API; a != nil {
		v["api.query"], v["api.param.name"], v["api.param.format"], v["api.param.description"] = a.Query, a.Param.Name, a.Param.Format, a.Param.Description
		v["api.outputs"] = strings.Join(a.Outputs, ", ")
	}
	return v
}

// productEditing reads the product of the path for its operator's change.
func (c *console) productEditing(r *http.Request, v *view) (product.Product, error) {
	pr, err := c.Products.Get(r.Context(), *v.User, r.PathValue("id"))
	if err == nil && !slices.Contains(pr.Actions, product.Change) {
		err = &uiError{code: errs.Conflict, key: "product.error.unchangeable", args: []any{pr.Name}}
	}
	return pr, err
}

func (c *console) productEditForm(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.product_edit"
	pr, err := c.productEditing(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	page, err := c.productForm(r, *v.User, &pr, valuesOf(pr))
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "product_form", page)
}

func (c *console) productEditSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.product_edit"
	pr, err := c.productEditing(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	values := map[string]string{}
	for _, f := range productFields {
		values[f] = formValue(r, f)
	}
	values["name"], values["type"] = pr.Name, string(pr.Type)
	changed, err := c.Products.Change(r.Context(), *v.User, pr.ID, productInput(values))
	if err != nil {
		c.refillProduct(w, r, v, &pr, values, err)
		return
	}
	c.seeOther(w, r, productPath(changed.ID), "flash.product_changed", changed.Name)
}

// productDeregister cancels a product's registration: its calls stop.
func (c *console) productDeregister(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.product"
	reason := formValue(r, "reason")
	pr, err := c.Products.Deregister(r.Context(), *v.User, r.PathValue("id"), reason)
	if err != nil {
		c.renderProduct(w, r, v, err, "deregister", map[string]string{"reason": reason})
		return
	}
	c.seeOther(w, r, productPath(pr.ID), "flash.product_deregistered", pr.Name)
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
