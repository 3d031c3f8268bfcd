package web

import (
	"net/http"
	"net/url"
	"slices"

	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/tender"
)

// Objections to a result under publicity (公示异议): the filer, the unit and
// the overseers read one; the unit upholds it (the award goes back to
// selection) or dismisses it, with the resolution.

type objectionPage struct {
	O tender.Objection
	A tender.Announcement
	// Public: the reader reaches the announcement on the portal only.
	Public     bool
	Step       string
	Resolution string
}

func (c *console) loadObjectionPage(r *http.Request, v *view) (objectionPage, error) {
	o, err := c.Tender.Objection(r.Context(), *v.User, r.PathValue("id"))
	if err != nil {
		return objectionPage{}, err
	}
	// The filer may be outside the unit's jurisdiction, and so not reach
	// the announcement in the console; it is public, as the portal shows it.
	a, err := c.Tender.Get(r.Context(), *v.User, o.AnnouncementID)
	public := errs.Is(err, errs.Forbidden)
	if public {
		a, err = c.Tender.PublicOne(r.Context(), o.AnnouncementID)
	}
	return objectionPage{O: o, A: a, Public: public}, err
}

func (c *console) objectionShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.objection"
	page, err := c.loadObjectionPage(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "objection", page)
}

func (c *console) objectionResolve(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.objection"
	step := fsm.Action(r.PathValue("step"))
	if !slices.Contains([]fsm.Action{tender.Uphold, tender.Dismiss}, step) {
		c.fail(w, r, v, errNoSuchStep, "error", nil)
		return
	}
	resolution := formValue(r, "resolution")
	o, err := c.Tender.Resolve(r.Context(), *v.User, r.PathValue("id"), step, resolution)
	if err == nil {
		c.seeOther(w, r, "/console/objections/"+url.PathEscape(o.ID), "flash.objection_"+string(step))
		return
	}
	page, perr := c.loadObjectionPage(r, v)
	if perr != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	page.Step, page.Resolution = string(step), resolution
	c.fail(w, r, v, err, "objection", page)
}
