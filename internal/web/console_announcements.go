package web

import (
	"net/http"
	"net/url"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/tender"
)

// Announcements (申报公告, Art. 12) and the selection that follows: the
// list, and each announcement with the applications, the ranking, the
// objections and the steps the reader may take (Announcement.Actions).

type announcementListPage struct {
	Announcements []tender.Announcement
	States        []fsm.State
	State         string
	CanCreate     bool
	listPage
}

func (c *console) announcementList(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.announcements"
	q := r.URL.Query()
	pg, lp := pageOf(q.Get("after"))
	page := announcementListPage{States: tender.States, State: q.Get("state"), listPage: lp,
		CanCreate: access.Permits(*v.User, access.AnnouncementWrite) && v.User.OrgKind == access.KindImplementingUnit}
	var err error
	page.Announcements, page.Next, err = c.Tender.List(r.Context(), *v.User, tender.Filter{State: fsm.State(page.State)}, pg)
	if err != nil {
		c.fail(w, r, v, err, "announcements", page)
		return
	}
	c.render(w, r, v, http.StatusOK, "announcements", page)
}

// announcementPage is an announcement with what the reader may see of its
// selection, and the step forms as typed when one failed.
type announcementPage struct {
	A            tender.Announcement
	Applications []tender.Application
	// Ranking is the unit's and overseers' view of the selection.
	Ranking    *tender.Ranking
	Objections []tender.Objection
	// CanApply: applications are open and the reader's operator may apply;
	// CanObject: the result is under publicity; CanAgree: the agreement
	// may be drafted on the result.
	CanApply, CanObject, CanAgree bool
	Step, Reason, ApplicationID   string
	Objection                     string
}

func (c *console) loadAnnouncementPage(r *http.Request, v *view) (announcementPage, error) {
	ctx, p := r.Context(), *v.User
	a, err := c.Tender.Get(ctx, p, r.PathValue("id"))
	if err != nil {
		return announcementPage{}, err
	}
	page := announcementPage{A: a}
	if a.State != tender.Draft && access.Permits(p, access.ApplicationRead) {
		if page.Applications, _, err = c.Tender.Applications(ctx, p, tender.ApplicationFilter{AnnouncementID: a.ID}, pageOfAll()); err != nil {
			return page, err
		}
	}
	// The ranking is the unit's and its overseers'; an applicant is refused
	// it, which here only means there is none to show.
	if rk, err := c.Tender.Ranking(ctx, p, a.ID); err == nil {
		page.Ranking = &rk
	} else if !errs.Is(err, errs.Forbidden) {
		return page, err
	}
	if page.Objections, err = c.Tender.Objections(ctx, p, a.ID); err != nil && !errs.Is(err, errs.Forbidden) {
		return page, err
	}
	page.CanApply = a.State == tender.Published && access.Permits(p, access.ApplicationSubmit)
	page.CanObject = a.State == tender.Publicity && access.Permits(p, access.ObjectionFile)
	page.CanAgree = (a.State == tender.Publicity || a.State == tender.Concluded) && a.AgreementID == "" &&
		c.unitMay(ctx, p, access.AgreementWrite, a.UnitID)
	return page, nil
}

func (c *console) announcementShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.announcement"
	page, err := c.loadAnnouncementPage(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "announcement", page)
}

// announcementFailed shows the announcement again with err, keeping what
// was typed into the failed form.
func (c *console) announcementFailed(w http.ResponseWriter, r *http.Request, v *view, err error, typed func(*announcementPage)) {
	v.Title = "title.announcement"
	page, perr := c.loadAnnouncementPage(r, v)
	if perr != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	typed(&page)
	c.fail(w, r, v, err, "announcement", page)
}

// announcementAct takes a step: publish, cancel, evaluate, award (the
// application chosen on the ranking, with a reason when it is not the
// best), reopen or veto (Art. 16, with the reason).
func (c *console) announcementAct(step fsm.Action) consoleHandler {
	return func(w http.ResponseWriter, r *http.Request, v *view) {
		in := tender.StepInput{ApplicationID: formValue(r, "application_id"), Reason: formValue(r, "reason")}
		a, err := c.Tender.Act(r.Context(), *v.User, r.PathValue("id"), step, in)
		if err == nil {
			c.seeOther(w, r, "/console/announcements/"+url.PathEscape(a.ID), "flash.announcement_"+string(step))
			return
		}
		c.announcementFailed(w, r, v, err, func(p *announcementPage) {
			p.Step, p.Reason, p.ApplicationID = string(step), in.Reason, in.ApplicationID
		})
	}
}

// objectionFile objects to a result under publicity.
func (c *console) objectionFile(w http.ResponseWriter, r *http.Request, v *view) {
	text := formValue(r, "text")
	o, err := c.Tender.Object(r.Context(), *v.User, r.PathValue("id"), text)
	if err == nil {
		c.seeOther(w, r, "/console/objections/"+url.PathEscape(o.ID), "flash.objection_filed")
		return
	}
	c.announcementFailed(w, r, v, err, func(p *announcementPage) { p.Step, p.Objection = "object", text })
}
