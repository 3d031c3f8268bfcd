package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shuyu/internal/catalog"
	"shuyu/internal/errs"
	"shuyu/internal/ingest"
)

// Scheduled pulls: the source databases an entry is pulled from, for those
// who may add its versions. A DSN carries a password: the page shows the
// service's redacted form only, and a form that failed never sends the DSN
// back.

type sourceValues struct {
	Driver, Table, Columns, Interval string
}

type sourcesPage struct {
	Entry   catalog.Dataset
	Ref     string
	Sources []ingest.Source
	Values  sourceValues
}

func (c *console) loadSourcesPage(r *http.Request, v *view) (sourcesPage, error) {
	d, err := c.Ingest.Authorize(r.Context(), *v.User, r.PathValue("id"))
	if err != nil {
		return sourcesPage{}, err
	}
	page := sourcesPage{Entry: d, Ref: entryRef(d), Values: sourceValues{Driver: ingest.Postgres, Interval: "24h"}}
	page.Sources, err = c.Ingest.Sources(r.Context(), *v.User, d.ID)
	return page, err
}

func (c *console) sourcesShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.sources"
	page, err := c.loadSourcesPage(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "sources", page)
}

// columnsFrom reads "field = column" lines.
func columnsFrom(s string) (map[string]string, error) {
	out := map[string]string{}
	for line := range strings.Lines(s) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		field, col, ok := strings.Cut(line, "=")
		if !ok {
			return nil, &uiError{code: errs.Invalid, key: "sources.error.columns", args: []any{line}, field: "columns"}
		}
		out[strings.TrimSpace(field)] = strings.TrimSpace(col)
	}
	return out, nil
}

func (c *console) sourceCreate(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.sources"
	in := sourceValues{Driver: formValue(r, "driver"), Table: formValue(r, "table"), Columns: formValue(r, "columns"), Interval: formValue(r, "interval")}
	cols, err := columnsFrom(in.Columns)
	if err == nil {
		var src ingest.Source
		src, err = c.Ingest.CreateSource(r.Context(), *v.User, r.PathValue("id"), ingest.SourceInput{Driver: in.Driver,
			DSN: r.PostFormValue("dsn"), Table: in.Table, Columns: cols, Interval: in.Interval})
		if err == nil {
			c.seeOther(w, r, "/console/catalog/"+url.PathEscape(r.PathValue("id"))+"/sources", "flash.source_created", src.Table)
			return
		}
	}
	c.sourcesFailed(w, r, v, err, &in)
}

func (c *console) sourceDelete(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.sources"
	src, err := c.Ingest.DeleteSource(r.Context(), *v.User, r.PathValue("id"), r.PathValue("source"))
	if err != nil {
		c.sourcesFailed(w, r, v, err, nil)
		return
	}
	c.seeOther(w, r, "/console/catalog/"+url.PathEscape(r.PathValue("id"))+"/sources", "flash.source_deleted", src.Table)
}

// sourcePull pulls at once; the new version is shown on the entry page.
func (c *console) sourcePull(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.sources"
	res, err := c.Ingest.PullNow(r.Context(), *v.User, r.PathValue("id"), r.PathValue("source"))
	if err != nil {
		c.sourcesFailed(w, r, v, err, nil)
		return
	}
	ver := res.Version
	c.seeOther(w, r, "/console/catalog/"+url.PathEscape(r.PathValue("id"))+"#versions", "flash.version_stored",
		strconv.Itoa(ver.Seq), formatInt(ver.Rows), ver.SHA256[:min(12, len(ver.SHA256))])
}

// sourcesFailed shows the page again with err, and the create form as typed
// (but for the DSN) when typed is not nil.
func (c *console) sourcesFailed(w http.ResponseWriter, r *http.Request, v *view, err error, typed *sourceValues) {
	page, perr := c.loadSourcesPage(r, v)
	if perr != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	if typed != nil {
		page.Values = *typed
	}
	c.fail(w, r, v, err, "sources", page)
}
