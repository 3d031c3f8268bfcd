package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
	"shuyu/internal/identity"
	"shuyu/internal/ingest"
	"shuyu/internal/quality"
	"shuyu/internal/store"
)

// The catalog pages (数据目录): the entries a user may see, each entry with
// its fields, revisions, versions, the detector's suggestions, its quality
// and its tickets. Which entries and which parts is the services' call and
// the policy's; the pages only ask.

const (
	catalogPageSize = 25
	// catalogScanPages bounds the entries a list reads to filter them (the
	// catalog service filters by reader, not by provider): 20 × 500.
	catalogScanPages = 20
)

// entryRef is how the console addresses an entry: by name, which people
// read, unless the name is one of the console's own words.
func entryRef(d catalog.Dataset) string {
	if d.Name == "new" {
		return d.ID
	}
	return d.Name
}

func entryPath(d catalog.Dataset) string { return "/console/catalog/" + url.PathEscape(entryRef(d)) }

// providerOption is a provider in the list's filter.
type providerOption struct{ ID, Name string }

// catalogRow is one line of the catalog list.
type catalogRow struct {
	ingest.Entry
	Ref, Provider string
	// Report is the entry's quality; nil when it could not be read.
	Report *quality.Report
}

type catalogListPage struct {
	Scheme    *catalog.Scheme
	Rows      []catalogRow
	Providers []providerOption
	Provider  string // the provider filtered on
	Next      string
	Paged     bool
	CanCreate bool
}

// visibleEntries reads every entry p may see, in name order, each with its
// current version.
func (c *console) visibleEntries(ctx context.Context, p access.Principal) ([]ingest.Entry, error) {
	var all []ingest.Entry
	page := store.NewPage(store.MaxPageSize, "")
	for range catalogScanPages {
		es, next, err := c.Ingest.Entries(ctx, p, page)
		if err != nil {
			return nil, err
		}
		all = append(all, es...)
		if next == "" {
			break
		}
		page.After = next
	}
	return all, nil
}

// orgNames finds the names of organizations in the reader's language.
type orgNames struct {
	c    *console
	lang string
	seen map[string]identity.Organization
}

func (c *console) orgNames(lang string) *orgNames {
	return &orgNames{c: c, lang: lang, seen: map[string]identity.Organization{}}
}

func (n *orgNames) name(ctx context.Context, id, fallback string) string {
	o, ok := n.seen[id]
	if !ok {
		var err error
		if o, err = n.c.Identity.Lookup(ctx, id); err != nil {
			return fallback
		}
		n.seen[id] = o
	}
	return localName(n.lang, o.Name, o.NameEN)
}

func (c *console) catalogList(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.catalog"
	ctx, p, q := r.Context(), *v.User, r.URL.Query()
	all, err := c.visibleEntries(ctx, p)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	page := catalogListPage{Scheme: c.Catalog.Scheme(), Provider: q.Get("provider"), Paged: q.Get("after") != "",
		CanCreate: access.Check(p, access.CatalogWrite, ownOrg(p)) == nil && p.OrgKind == access.KindProvider}
	names := c.orgNames(v.Lang)
	seen := map[string]bool{}
	var rows []ingest.Entry
	for _, e := range all {
		if !seen[e.ProviderID] {
			seen[e.ProviderID] = true
			page.Providers = append(page.Providers, providerOption{ID: e.ProviderID, Name: names.name(ctx, e.ProviderID, e.ProviderName)})
		}
		if (page.Provider == "" || e.ProviderID == page.Provider) && e.Name > q.Get("after") {
			rows = append(rows, e)
		}
	}
	slices.SortFunc(page.Providers, func(a, b providerOption) int { return strings.Compare(a.Name, b.Name) })
	if len(rows) > catalogPageSize {
		rows = rows[:catalogPageSize]
		page.Next = rows[len(rows)-1].Name
	}
	for _, e := range rows {
		row := catalogRow{Entry: e, Ref: entryRef(e.Dataset), Provider: names.name(ctx, e.ProviderID, e.ProviderName)}
		if rep, err := c.Quality.Report(ctx, p, e.ID, ""); err == nil {
			row.Report = &rep
		} else {
			c.Log.WarnContext(ctx, "console: quality of a catalog entry", "dataset", e.Name, "err", err)
		}
		page.Rows = append(page.Rows, row)
	}
	c.render(w, r, v, http.StatusOK, "catalog", page)
}
