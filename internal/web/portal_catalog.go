package web

import (
	"net/http"
	"strings"

	"shuyu/internal/catalog"
	"shuyu/internal/store"
)

// The public catalog (Art. 25): what data the city puts into authorized
// operation, for anyone to read without signing in. It lists the entries in
// the operation scope only, with their names, titles, descriptions,
// providers, update frequency and the titles of their fields, each with the
// broad category of information it holds (personal, enterprise, …).
//
// It never shows data, nor entries out of scope, nor grades: the grade of a
// field is the city's security assessment of it (GB/T 43697; which data
// are important is itself controlled information under the Data Security
// Law), and it says where the most sensitive columns are, which helps no
// reader of the portal and could help an attacker. The category is shown so
// that people can see when personal information is being put to use. Nor
// does it name the privacy-unit column or the fields' identifiers, which
// only operators' analysts need, inside the console.

const portalPageSize = 20

type portalField struct {
	Title, Category string
}

type portalEntry struct {
	Name, Title, Description, Provider string
	Frequency                          catalog.Frequency
	Fields                             []portalField
}

type portalCatalogPage struct {
	Entries []portalEntry
	Next    string
	Paged   bool
}

// portalView starts a public page; a signed-in visitor gets the console's
// header, and then the page must not be cached.
func (c *console) portalView(w http.ResponseWriter, r *http.Request, title string) *view {
	v := c.newView(w, r)
	v.Title = title
	if p, token, err := c.session(r); err == nil {
		w.Header().Set("Cache-Control", "no-store")
		v.User, v.CSRF, v.Nav = &p, csrfToken(token), navFor(p, r.URL.Path)
		setPrincipal(r, p)
	}
	return v
}

func (c *console) portalCatalog(w http.ResponseWriter, r *http.Request) {
	v := c.portalView(w, r, "title.portal_catalog")
	after := r.URL.Query().Get("after")
	page := portalCatalogPage{Paged: after != ""}
	ds, next, err := c.Catalog.Public(r.Context(), store.NewPage(portalPageSize, after))
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	scheme, names := c.Catalog.Scheme(), c.orgNames(v.Lang)
	for _, d := range ds {
		page.Entries = append(page.Entries, c.portalEntry(r, v.Lang, scheme, names, d))
	}
	page.Next = next
	c.render(w, r, v, http.StatusOK, "portal_catalog", page)
}

func (c *console) portalEntry(r *http.Request, lang string, s *catalog.Scheme, names *orgNames, d catalog.Dataset) portalEntry {
	e := portalEntry{Name: d.Name, Title: d.Title, Description: d.Description, Frequency: d.Frequency,
		Provider: names.name(r.Context(), d.ProviderID, d.ProviderName)}
	for _, f := range d.Fields {
		title := f.Title
		if title == "" {
			title = f.Name
		}
		e.Fields = append(e.Fields, portalField{Title: title, Category: topClass(lang, s, f.Classification)})
	}
	return e
}

// topClass names the top-level class of a code: 个人信息 for personal.identity.
func topClass(lang string, s *catalog.Scheme, code string) string {
	top, _, _ := strings.Cut(code, ".")
	if c, ok := s.Class(top); ok {
		return localName(lang, c.Name, c.NameEN)
	}
	return ""
}
