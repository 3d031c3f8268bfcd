package web

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/tender"
)

// An application as the unit, its overseers and the applicant see it: the
// answers to Art. 13 with their evidence (name, size, SHA-256), the
// eligibility findings item by item, and the evaluators' scores per
// criterion. The unit's forms record the check and the scores.

type applicationPage struct {
	Ap           tender.Application
	A            tender.Announcement
	Requirements []tender.Requirement
	// CanScore: the reader is an evaluator and the application awaits scores.
	CanScore bool
	// Step names the form that failed; Checks and Scores hold it as typed.
	Step   string
	Checks map[int]checkValues
	Scores map[int]scoreValues
	Reason string
}

type checkValues struct{ Pass, Note string }
type scoreValues struct{ Score, Note string }

// Answer returns the declaration of item n.
func (p applicationPage) Answer(n int) tender.Declaration {
	for _, d := range p.Ap.Declarations {
		if d.Item == n {
			return d
		}
	}
	return tender.Declaration{}
}

// Criterion returns the name of criterion i.
func (p applicationPage) Criterion(i int) string {
	if i < len(p.A.Criteria) {
		return p.A.Criteria[i].Name
	}
	return ""
}

// FilesOf returns the evidence of item n.
func (p applicationPage) FilesOf(n int) []tender.File {
	var out []tender.File
	for _, f := range p.Ap.Files {
		if f.Item == n {
			out = append(out, f)
		}
	}
	return out
}

// CheckOf returns the finding on item n, if any.
func (p applicationPage) CheckOf(n int) *tender.Check {
	for i := range p.Ap.Checks {
		if p.Ap.Checks[i].Item == n {
			return &p.Ap.Checks[i]
		}
	}
	return nil
}

func (c *console) loadApplicationPage(r *http.Request, v *view) (applicationPage, error) {
	ap, err := c.Tender.Application(r.Context(), *v.User, r.PathValue("id"))
	if err != nil {
		return applicationPage{}, err
	}
	a, err := c.Tender.Get(r.Context(), *v.User, ap.AnnouncementID)
	if err != nil {
		return applicationPage{}, err
	}
	return applicationPage{Ap: ap, A: a, Requirements: tender.Requirements, Checks: map[int]checkValues{}, Scores: map[int]scoreValues{},
		CanScore: ap.State == tender.Eligible && a.State == tender.Selection && c.unitMay(r.Context(), *v.User, access.ApplicationScore, a.UnitID)}, nil
}

func (c *console) applicationShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.application"
	page, err := c.loadApplicationPage(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "application", page)
}

func (c *console) applicationFailed(w http.ResponseWriter, r *http.Request, v *view, err error, typed func(*applicationPage)) {
	v.Title = "title.application"
	page, perr := c.loadApplicationPage(r, v)
	if perr != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	typed(&page)
	c.fail(w, r, v, err, "application", page)
}

// eligibilitySubmit records the check of all seven items: pass.N is
// "pass" or "fail", note.N the note a failed item needs.
func (c *console) eligibilitySubmit(w http.ResponseWriter, r *http.Request, v *view) {
	typed := map[int]checkValues{}
	var items []tender.CheckInput
	for _, req := range tender.Requirements {
		cv := checkValues{Pass: formValue(r, fmt.Sprintf("pass.%d", req.Item)), Note: formValue(r, fmt.Sprintf("note.%d", req.Item))}
		typed[req.Item] = cv
		items = append(items, tender.CheckInput{Item: req.Item, Pass: cv.Pass == "pass", Note: cv.Note})
	}
	ap, err := c.Tender.CheckEligibility(r.Context(), *v.User, r.PathValue("id"), items)
	if err == nil {
		c.seeOther(w, r, "/console/applications/"+url.PathEscape(ap.ID), "flash.application_"+string(ap.State))
		return
	}
	c.applicationFailed(w, r, v, err, func(p *applicationPage) { p.Step, p.Checks = "eligibility", typed })
}

func (c *console) recheckSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	reason := formValue(r, "reason")
	ap, err := c.Tender.Recheck(r.Context(), *v.User, r.PathValue("id"), reason)
	if err == nil {
		c.seeOther(w, r, "/console/applications/"+url.PathEscape(ap.ID), "flash.application_recheck")
		return
	}
	c.applicationFailed(w, r, v, err, func(p *applicationPage) { p.Step, p.Reason = "recheck", reason })
}

// scoresSubmit records the caller's score of every criterion: score.I and
// note.I for criterion I.
func (c *console) scoresSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	typed := map[int]scoreValues{}
	var in []tender.ScoreInput
	var bad error
	for i := 0; i < 20 && r.PostForm.Has(fmt.Sprintf("score.%d", i)); i++ {
		sv := scoreValues{Score: formValue(r, fmt.Sprintf("score.%d", i)), Note: formValue(r, fmt.Sprintf("note.%d", i))}
		typed[i] = sv
		n, err := strconv.Atoi(sv.Score)
		if err != nil && bad == nil {
			bad = &uiError{code: errs.Invalid, key: "application.error.score", args: []any{i + 1}, field: fmt.Sprintf("score.%d", i)}
		}
		in = append(in, tender.ScoreInput{Criterion: i, Score: n, Note: sv.Note})
	}
	err := bad
	if err == nil {
		var ap tender.Application
		if ap, err = c.Tender.Score(r.Context(), *v.User, r.PathValue("id"), in); err == nil {
			c.seeOther(w, r, "/console/applications/"+url.PathEscape(ap.ID), "flash.application_scored")
			return
		}
	}
	c.applicationFailed(w, r, v, err, func(p *applicationPage) { p.Step, p.Scores = "scores", typed })
}

// applicationDownload sends an evidence file, as the API does.
func (c *console) applicationDownload(w http.ResponseWriter, r *http.Request, v *view) {
	f, rc, err := c.Tender.OpenFile(r.Context(), *v.User, r.PathValue("id"), r.PathValue("file"))
	if err != nil {
		v.Title = "title.application"
		c.fail(w, r, v, err, "error", nil)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", f.MediaType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Filename}))
	w.Header().Set("Content-Length", strconv.FormatInt(f.Bytes, 10))
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil {
		c.Log.WarnContext(r.Context(), "console: evidence download cut short", "file", f.ID, "err", err)
	}
}
