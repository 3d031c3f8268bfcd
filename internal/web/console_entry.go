package web

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
	"shuyu/internal/domain"
	"shuyu/internal/identity"
	"shuyu/internal/ingest"
	"shuyu/internal/ledger"
	"shuyu/internal/quality"
	"shuyu/internal/store"
)

// entryPage is one catalog entry with everything the reader may see of it.
type entryPage struct {
	Scheme   *catalog.Scheme
	Entry    ingest.Entry
	Ref      string
	Provider string
	// Revisions are the entry's edits, newest first.
	Revisions []revisionView
	Versions  []versionView
	// Suggestions are the detector's on the latest version it suggested
	// anything for; Pending counts those the entry does not follow yet.
	Suggestions []suggestionView
	Pending     int
	Report      *quality.Report
	// QualityFailed says the quality report could not be made just now.
	QualityFailed bool
	Tickets       []quality.Ticket
	MoreTickets   bool
	CanEdit       bool
	CanUpload     bool
	CanFile       bool
	// Ticket is the filing form as typed.
	Ticket ticketValues
}

// versionView is a version with the name of who stored it.
type versionView struct {
	domain.Version
	By string
}

// suggestionView is a suggestion beside the field it concerns.
type suggestionView struct {
	catalog.Suggestion
	Current catalog.Field
	Known   bool // the field is still in the entry
	// Followed says the entry already has the class and at least the grade.
	Followed bool
	// Grade is what applying sets: the suggested grade, unless the field's
	// is higher already (applying never lowers a grade).
	Grade string
}

type ticketValues struct {
	Kind, Field, VersionID, Title, Description string
}

func (c *console) loadEntryPage(ctx context.Context, p access.Principal, lang, ref string) (entryPage, error) {
	e, err := c.Ingest.Entry(ctx, p, ref)
	if err != nil {
		return entryPage{}, err
	}
	d := e.Dataset
	page := entryPage{Scheme: c.Catalog.Scheme(), Entry: e, Ref: entryRef(d), Ticket: ticketValues{Kind: string(quality.Correction)}}
	provider, err := c.Identity.Lookup(ctx, d.ProviderID)
	if err != nil {
		return page, err
	}
	page.Provider = localName(lang, provider.Name, provider.NameEN)
	res := provider.Resource()
	page.CanEdit = access.Check(p, access.CatalogWrite, res) == nil
	page.CanUpload = access.Check(p, access.DatasetUpload, res) == nil
	page.CanFile = access.Check(p, access.TicketFile, res) == nil

	revs, err := c.Catalog.Revisions(ctx, p, d.ID)
	if err != nil {
		return page, err
	}
	versions, err := c.Ingest.Versions(ctx, p, d.ID)
	if err != nil {
		return page, err
	}
	editors, uploaders, err := c.entryActors(ctx, d.ID)
	if err != nil {
		return page, err
	}
	page.Revisions = revisionViews(lang, page.Scheme, revs, editors)
	for _, v := range versions {
		page.Versions = append(page.Versions, versionView{Version: v, By: uploaders[v.ID]})
	}
	if err := c.loadSuggestions(ctx, p, &page); err != nil {
		return page, err
	}
	if access.Check(p, access.QualityRead, res) == nil {
		// The rest of the page does not depend on the assessment: when it
		// fails, the page says so rather than failing whole.
		if rep, err := c.Quality.Report(ctx, p, d.ID, ""); err == nil {
			page.Report = &rep
		} else {
			c.Log.WarnContext(ctx, "console: quality report", "dataset", d.Name, "err", err)
			page.QualityFailed = true
		}
	}
	var next string
	page.Tickets, next, err = c.Quality.Tickets(ctx, p, quality.TicketFilter{Dataset: d.ID}, store.NewPage(20, ""))
	page.MoreTickets = next != ""
	return page, err
}

func (c *console) loadSuggestions(ctx context.Context, p access.Principal, page *entryPage) error {
	d := page.Entry.Dataset
	sgs, err := c.Catalog.Suggestions(ctx, p, d.ID)
	if err != nil {
		return err
	}
	for _, sg := range sgs {
		sv := suggestionView{Suggestion: sg}
		sv.Current, sv.Known = d.Field(sg.Field)
		sv.Grade = page.Scheme.Highest(sv.Current.Grade, sg.Grade)
		sv.Followed = sv.Known && sv.Current.Classification == sg.Classification && sv.Grade == sv.Current.Grade
		if sv.Known && !sv.Followed {
			page.Pending++
		}
		page.Suggestions = append(page.Suggestions, sv)
	}
	return nil
}

// entryActors reads from the ledger who made each catalog revision (the
// revisions themselves record no name) and who stored each version. It is
// the entry's own history, which the reader may see already; entries pruned
// from the ledger leave the names blank.
func (c *console) entryActors(ctx context.Context, datasetID string) (editors []string, uploaders map[string]string, err error) {
	uploaders = map[string]string{}
	edits, err := c.Ledger.Entries(ctx, ledger.Filter{ObjectType: "dataset", ObjectID: datasetID, ActionPrefix: "catalog.", Limit: 500})
	if err != nil {
		return nil, nil, err
	}
	for _, e := range slices.Backward(edits) { // oldest first
		if e.Action == "catalog.create" || e.Action == "catalog.update" { // the acts that make a revision
			editors = append(editors, e.Actor.Name)
		}
	}
	stored, err := c.Ledger.Entries(ctx, ledger.Filter{ObjectType: "dataset", ObjectID: datasetID, ActionPrefix: "dataset.version", Limit: 500})
	if err != nil {
		return nil, nil, err
	}
	for _, e := range stored {
		var detail struct {
			VersionID string `json:"version_id"`
		}
		if json.Unmarshal(e.Detail, &detail) == nil && detail.VersionID != "" {
			uploaders[detail.VersionID] = e.Actor.Name
		}
	}
	return editors, uploaders, nil
}

func (c *console) entryShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.entry"
	page, err := c.loadEntryPage(r.Context(), *v.User, v.Lang, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "entry", page)
}

// entryFailed shows the entry page again with err, keeping the ticket form
// as typed.
func (c *console) entryFailed(w http.ResponseWriter, r *http.Request, v *view, err error, typed *ticketValues) {
	v.Title = "title.entry"
	page, perr := c.loadEntryPage(r.Context(), *v.User, v.Lang, r.PathValue("id"))
	if perr != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	if typed != nil {
		page.Ticket = *typed
	}
	c.fail(w, r, v, err, "entry", page)
}

// entryProvider returns the entry ref and its provider for checks.
func (c *console) entryProvider(ctx context.Context, p access.Principal, ref string) (catalog.Dataset, identity.Organization, error) {
	d, err := c.Catalog.Get(ctx, p, ref)
	if err != nil {
		return d, identity.Organization{}, err
	}
	o, err := c.Identity.Lookup(ctx, d.ProviderID)
	return d, o, err
}
