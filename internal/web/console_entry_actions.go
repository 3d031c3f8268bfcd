package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"shuyu/internal/catalog"
	"shuyu/internal/errs"
	"shuyu/internal/quality"
)

var (
	// errStale: the entry changed since the form was drawn.
	errStale = &uiError{code: errs.Conflict, key: "error.stale"}
	// errNoSuggestion: the suggestion applied is not among the entry's.
	errNoSuggestion = &uiError{code: errs.Conflict, key: "error.no_suggestion"}
)

// suggestionApply applies one of the detector's suggestions, which the
// commissioner chose on the entry page: the field takes the suggested
// class and the suggested grade, unless its grade is higher already. It is
// an ordinary edit (catalog.Update): a new revision, in the ledger.
func (c *console) suggestionApply(w http.ResponseWriter, r *http.Request, v *view) {
	ctx, p := r.Context(), *v.User
	field, class, grade := formValue(r, "field"), formValue(r, "classification"), formValue(r, "grade")
	d, err := c.Catalog.Get(ctx, p, r.PathValue("id"))
	if err != nil {
		c.entryFailed(w, r, v, err, nil)
		return
	}
	if strconv.Itoa(d.Revision) != formValue(r, "revision") {
		c.entryFailed(w, r, v, errStale, nil)
		return
	}
	sgs, err := c.Catalog.Suggestions(ctx, p, d.ID)
	if err != nil {
		c.entryFailed(w, r, v, err, nil)
		return
	}
	i := slices.IndexFunc(sgs, func(s catalog.Suggestion) bool {
		return s.Field == field && s.Classification == class && s.Grade == grade
	})
	fi := slices.IndexFunc(d.Fields, func(f catalog.Field) bool { return f.Name == field })
	if i < 0 || fi < 0 {
		c.entryFailed(w, r, v, errNoSuggestion, nil)
		return
	}
	fields := slices.Clone(d.Fields)
	fields[fi].Classification = class
	fields[fi].Grade = c.Catalog.Scheme().Highest(fields[fi].Grade, grade)
	if _, err := c.Catalog.Update(ctx, p, d.ID, catalog.Input{Fields: &fields}); err != nil {
		c.entryFailed(w, r, v, err, nil)
		return
	}
	c.seeOther(w, r, entryPath(d)+"#suggestions", "flash.suggestion_applied", field)
}

// ticketFile files a correction or objection ticket from the entry page.
func (c *console) ticketFile(w http.ResponseWriter, r *http.Request, v *view) {
	in := ticketValues{Kind: formValue(r, "kind"), Field: formValue(r, "field"), VersionID: formValue(r, "version_id"),
		Title: formValue(r, "title"), Description: formValue(r, "description")}
	t, err := c.Quality.File(r.Context(), *v.User, r.PathValue("id"), quality.TicketInput{Kind: quality.TicketKind(in.Kind),
		Field: in.Field, VersionID: in.VersionID, Title: in.Title, Description: in.Description})
	if err != nil {
		c.entryFailed(w, r, v, err, &in)
		return
	}
	c.seeOther(w, r, "/console/tickets/"+url.PathEscape(t.ID), "flash.ticket_filed", t.DueDay)
}
