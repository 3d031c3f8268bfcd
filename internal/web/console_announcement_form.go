package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/plan"
	"shuyu/internal/store"
	"shuyu/internal/tender"
)

// The announcement form drafts an announcement under a plan in force:
// method (with the operators invited, if not a public tender), the data
// scope within the plan's, the conditions, the criteria with their weights
// and the deadline, which people give in Beijing time.

// criterionRows is how many criteria the form offers at least.
const criterionRows = 5

type announcementValues struct {
	PlanID, Title, Method, Conditions, Deadline string
	Datasets, Invited                           []string
	Criteria                                    []criterionValues
}

type criterionValues struct{ Name, Weight, Description string }

type announcementFormPage struct {
	// Action is where the form goes; Edit says it edits a draft.
	Action    string
	Edit      bool
	Values    announcementValues
	Plans     []plan.Plan
	Plan      *plan.Plan // the one chosen, whose scope the form offers
	Methods   []tender.Method
	Operators []orgChoice
}

// errBadDeadline: the deadline is not a date and time.
var errBadDeadline = &uiError{code: errs.Invalid, key: "announcement.error.deadline", field: "deadline"}

func (c *console) announcementChoices(ctx context.Context, p access.Principal, page *announcementFormPage) error {
	page.Methods = tender.Methods
	pls, _, err := c.Plans.List(ctx, p, plan.Filter{}, store.NewPage(500, ""))
	if err != nil {
		return err
	}
	chosen := -1
	for _, pl := range pls {
		if pl.InForce && c.unitMay(ctx, p, access.AnnouncementWrite, pl.UnitID) {
			if pl.ID == page.Values.PlanID || (page.Values.PlanID == "" && chosen < 0) {
				chosen = len(page.Plans)
			}
			page.Plans = append(page.Plans, pl)
		}
	}
	if chosen >= 0 {
		page.Plan = &page.Plans[chosen]
		page.Values.PlanID = page.Plan.ID
	}
	orgs, _, err := c.Identity.Orgs(ctx, p, store.NewPage(500, ""))
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if o.Kind == access.KindOperator {
			page.Operators = append(page.Operators, orgChoice{ID: o.ID, Name: o.Name})
		}
	}
	for len(page.Values.Criteria) < criterionRows {
		page.Values.Criteria = append(page.Values.Criteria, criterionValues{})
	}
	return nil
}

func (c *console) announcementNewForm(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.announcement_new"
	page := announcementFormPage{Action: "/console/announcements/new",
		Values: announcementValues{PlanID: r.URL.Query().Get("plan"), Method: string(tender.PublicTender)}}
	if err := c.announcementChoices(r.Context(), *v.User, &page); err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	if page.Plan != nil {
		page.Values.Datasets = page.Plan.DatasetIDs()
	}
	c.render(w, r, v, http.StatusOK, "announcement_form", page)
}

func readAnnouncementForm(r *http.Request) announcementValues {
	vals := announcementValues{PlanID: formValue(r, "plan_id"), Title: formValue(r, "title"), Method: formValue(r, "method"),
		Conditions: formValue(r, "conditions"), Deadline: formValue(r, "deadline"), Datasets: r.PostForm["datasets"], Invited: r.PostForm["invited"]}
	n, _ := strconv.Atoi(formValue(r, "criteria"))
	for i := range min(max(n, criterionRows), 20) {
		k := fmt.Sprintf("criteria[%d].", i)
		vals.Criteria = append(vals.Criteria, criterionValues{Name: formValue(r, k+"name"), Weight: formValue(r, k+"weight"), Description: formValue(r, k+"description")})
	}
	return vals
}

func (c *console) announcementNewSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.announcement_new"
	page := announcementFormPage{Values: readAnnouncementForm(r), Action: "/console/announcements/new"}
	in, err := announcementInput(page.Values)
	var a tender.Announcement
	if err == nil {
		if a, err = c.Tender.Create(r.Context(), *v.User, in); err == nil {
			c.seeOther(w, r, "/console/announcements/"+url.PathEscape(a.ID), "flash.announcement_created", a.Title)
			return
		}
	}
	if cerr := c.announcementChoices(r.Context(), *v.User, &page); cerr != nil {
		c.fail(w, r, v, cerr, "error", nil)
		return
	}
	c.fail(w, r, v, err, "announcement_form", page)
}

// valuesOfAnnouncement is a draft as its form shows it.
func valuesOfAnnouncement(a tender.Announcement) announcementValues {
	vals := announcementValues{PlanID: a.Plan.ID, Title: a.Title, Method: string(a.Method), Conditions: a.Conditions,
		Deadline: a.DeadlineAt.In(calendar.Shanghai()).Format("2006-01-02T15:04")}
	for _, d := range a.Datasets {
		vals.Datasets = append(vals.Datasets, d.ID)
	}
	for _, o := range a.Invited {
		vals.Invited = append(vals.Invited, o.ID)
	}
	for _, cr := range a.Criteria {
		vals.Criteria = append(vals.Criteria, criterionValues{Name: cr.Name, Weight: strconv.Itoa(cr.Weight), Description: cr.Description})
	}
	return vals
}

// announcementEdit shows (GET) and saves (POST) a draft announcement;
// once published it does not change, which the service says.
func (c *console) announcementEdit(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.announcement_edit"
	a, err := c.Tender.Get(r.Context(), *v.User, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	page := announcementFormPage{Values: valuesOfAnnouncement(a), Action: "/console/announcements/" + url.PathEscape(a.ID) + "/edit", Edit: true}
	if r.Method == http.MethodPost {
		page.Values = readAnnouncementForm(r)
		var in tender.Input
		if in, err = announcementInput(page.Values); err == nil {
			if a, err = c.Tender.Update(r.Context(), *v.User, a.ID, in); err == nil {
				c.seeOther(w, r, "/console/announcements/"+url.PathEscape(a.ID), "flash.announcement_saved", a.Title)
				return
			}
		}
	}
	if cerr := c.announcementChoices(r.Context(), *v.User, &page); cerr != nil {
		c.fail(w, r, v, cerr, "error", nil)
		return
	}
	if err != nil {
		c.fail(w, r, v, err, "announcement_form", page)
		return
	}
	c.render(w, r, v, http.StatusOK, "announcement_form", page)
}

// announcementInput is the announcement as the service takes it.
func announcementInput(vals announcementValues) (tender.Input, error) {
	in := tender.Input{PlanID: &vals.PlanID, Title: &vals.Title, Conditions: &vals.Conditions}
	method := tender.Method(vals.Method)
	in.Method = &method
	invited := append([]string{}, vals.Invited...)
	in.Invited = &invited
	if len(vals.Datasets) > 0 {
		ds := vals.Datasets
		in.Datasets = &ds
	}
	if vals.Deadline != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", vals.Deadline, calendar.Shanghai())
		if err != nil {
			return tender.Input{}, errBadDeadline
		}
		in.Deadline = &t
	}
	// Rows left empty are the form's spare rows, not criteria.
	cs := []tender.Criterion{}
	for i, cv := range vals.Criteria {
		if cv.Name == "" && cv.Weight == "" && cv.Description == "" {
			continue
		}
		w, err := strconv.Atoi(cv.Weight)
		if err != nil {
			return tender.Input{}, &uiError{code: errs.Invalid, key: "announcement.error.weight", args: []any{i + 1}, field: fmt.Sprintf("criteria[%d].weight", i)}
		}
		cs = append(cs, tender.Criterion{Name: cv.Name, Weight: w, Description: cv.Description})
	}
	in.Criteria = &cs
	return in, nil
}
