package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"

	"shuyu/internal/access"
	"shuyu/internal/evaluation"
	"shuyu/internal/fsm"
)

// Rectification tasks (整改, Art. 24): each with its working-day deadline,
// overdue and failed marks, the operator's reports with evidence, and the
// unit's review.

type rectificationListPage struct {
	Tasks   []evaluation.Rectification
	State   string
	Overdue bool
	listPage
}

func (c *console) rectificationList(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.rectifications"
	q := r.URL.Query()
	pg, lp := pageOf(q.Get("after"))
	page := rectificationListPage{State: q.Get("state"), Overdue: q.Get("overdue") != "", listPage: lp}
	var err error
	page.Tasks, page.Next, err = c.Evaluation.Rectifications(r.Context(), *v.User,
		evaluation.RectificationFilter{State: fsm.State(page.State), Overdue: page.Overdue}, pg)
	if err != nil {
		c.fail(w, r, v, err, "rectifications", page)
		return
	}
	c.render(w, r, v, http.StatusOK, "rectifications", page)
}

type rectificationPage struct {
	T         evaluation.Rectification
	CanReport bool
	// The forms as typed when one failed.
	Step, Text, Days string
}

func (c *console) loadRectificationPage(r *http.Request, v *view) (rectificationPage, error) {
	t, err := c.Evaluation.Rectification(r.Context(), *v.User, r.PathValue("id"))
	return rectificationPage{T: t, CanReport: t.State == evaluation.Open && v.User.OrgID == t.OperatorID &&
		access.Permits(*v.User, access.RectificationSubmit)}, err
}

func (c *console) rectificationShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.rectification"
	page, err := c.loadRectificationPage(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "rectification", page)
}

func (c *console) rectificationFailed(w http.ResponseWriter, r *http.Request, v *view, err error, typed func(*rectificationPage)) {
	v.Title = "title.rectification"
	page, perr := c.loadRectificationPage(r, v)
	if perr != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	typed(&page)
	c.fail(w, r, v, err, "rectification", page)
}

func rectificationPath(id string) string { return "/console/rectifications/" + url.PathEscape(id) }

// rectificationSubmit reports what was done, with evidence files.
func (c *console) rectificationSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	text, files, done, err := c.evidenceForm(v.parts, "report")
	defer done()
	if err == nil {
		in := evaluation.ReportInput{Report: text, Files: files}
		var t evaluation.Rectification
		if t, err = c.Evaluation.SubmitRectification(r.Context(), *v.User, r.PathValue("id"), in); err == nil {
			c.seeOther(w, r, rectificationPath(t.ID), "flash.rectification_submit")
			return
		}
	}
	io.CopyN(io.Discard, r.Body, 1<<20)
	c.rectificationFailed(w, r, v, err, func(p *rectificationPage) { p.Step, p.Text = "submit", text })
}

// rectificationAct accepts, rejects (optionally with new working days) or
// cancels a task.
func (c *console) rectificationAct(step fsm.Action) consoleHandler {
	return func(w http.ResponseWriter, r *http.Request, v *view) {
		comment, days := formValue(r, "comment"), formValue(r, "days")
		n, _ := strconv.Atoi(days)
		t, err := c.Evaluation.RectificationStep(r.Context(), *v.User, r.PathValue("id"), step, evaluation.StepInput{Comment: comment, Days: n})
		if err == nil {
			c.seeOther(w, r, rectificationPath(t.ID), "flash.rectification_"+string(step))
			return
		}
		c.rectificationFailed(w, r, v, err, func(p *rectificationPage) { p.Step, p.Text, p.Days = string(step), comment, days })
	}
}

func (c *console) rectificationDownload(w http.ResponseWriter, r *http.Request, v *view) {
	f, body, err := c.Evaluation.RectificationFile(r.Context(), *v.User, r.PathValue("id"), r.PathValue("file"))
	if err != nil {
		v.Title = "title.rectification"
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.sendFile(w, r, f, body)
}
