package web

import (
	"net/http"
	"net/url"
	"strconv"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/calendar"
	"shuyu/internal/evaluation"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// Agreements (授权运营协议, Art. 14, 15, 27): the list, and each agreement
// with its clauses, the finance department's opinion, the decision it was
// signed with, its evaluations, and, once ended, the deletion record of
// its exit. The forms are the steps the reader may take.

type agreementListPage struct {
	Agreements []agreement.Agreement
	States     []fsm.State
	State      string
	listPage
}

func (c *console) agreementList(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.agreements"
	q := r.URL.Query()
	pg, lp := pageOf(q.Get("after"))
	page := agreementListPage{States: agreement.States, State: q.Get("state"), listPage: lp}
	var err error
	page.Agreements, page.Next, err = c.Agreements.List(r.Context(), *v.User, agreement.Filter{State: fsm.State(page.State)}, pg)
	if err != nil {
		c.fail(w, r, v, err, "agreements", page)
		return
	}
	c.render(w, r, v, http.StatusOK, "agreements", page)
}

type agreementPage struct {
	G agreement.Agreement
	// Record is the deletion record of an ended agreement.
	Record      *agreement.Record
	Evaluations []evaluation.Evaluation
	// TerminateCodes and RevokeCodes are the Art. 27 reasons of each way out.
	TerminateCodes, RevokeCodes []agreement.ReasonCode
	CanEdit, CanOpinion         bool
	CanRenew, CanEvaluate       bool
	// The forms as typed when one failed (Step names it).
	Step               string
	Decision           decisionValues
	Concurs, Opinion   string
	EndCode, EndReason string
	Year               string
	// RenewStarts and RenewEnds are the renewal's term: by default the day
	// after this one ends, for as many years.
	RenewStarts, RenewEnds string
}

func (c *console) loadAgreementPage(r *http.Request, v *view) (agreementPage, error) {
	ctx, p := r.Context(), *v.User
	g, err := c.Agreements.Get(ctx, p, r.PathValue("id"))
	if err != nil {
		return agreementPage{}, err
	}
	page := agreementPage{G: g, TerminateCodes: agreement.Reasons[agreement.Terminate], RevokeCodes: agreement.Reasons[agreement.Revoke],
		CanEdit:     g.State == agreement.Draft && c.unitMay(ctx, p, access.AgreementWrite, g.UnitID),
		CanOpinion:  g.State == agreement.Draft && p.OrgID == g.FinanceOrgID && access.Permits(p, access.AgreementFinance),
		CanRenew:    (g.State == agreement.Signed || g.State == agreement.Active) && c.unitMay(ctx, p, access.AgreementWrite, g.UnitID),
		CanEvaluate: g.State == agreement.Active && c.unitMay(ctx, p, access.EvaluationOpen, g.UnitID)}
	if page.CanRenew {
		page.RenewStarts, page.RenewEnds = renewalTerm(g)
	}
	if g.EndedAt != nil {
		rec, err := c.Agreements.ExitRecord(ctx, p, g.ID)
		if err != nil {
			return page, err
		}
		page.Record = &rec
	}
	if access.Permits(p, access.EvaluationRead) {
		evs, _, err := c.Evaluation.Evaluations(ctx, p, evaluation.EvaluationFilter{AgreementID: g.ID}, store.NewPage(50, ""))
		if err != nil {
			return page, err
		}
		page.Evaluations = evs
	}
	return page, nil
}

func (c *console) agreementShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.agreement"
	page, err := c.loadAgreementPage(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "agreement", page)
}

func (c *console) agreementFailed(w http.ResponseWriter, r *http.Request, v *view, err error, typed func(*agreementPage)) {
	v.Title = "title.agreement"
	page, perr := c.loadAgreementPage(r, v)
	if perr != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	typed(&page)
	c.fail(w, r, v, err, "agreement", page)
}

func agreementPath(id string) string { return "/console/agreements/" + url.PathEscape(id) }

// agreementOpinion records the finance department's opinion on the
// revenue sharing as it stands (Art. 15).
func (c *console) agreementOpinion(w http.ResponseWriter, r *http.Request, v *view) {
	concurs, text := formValue(r, "concurs"), formValue(r, "text")
	g, err := c.Agreements.GiveOpinion(r.Context(), *v.User, r.PathValue("id"), agreement.OpinionInput{Concurs: concurs == "yes", Text: text})
	if err == nil {
		c.seeOther(w, r, agreementPath(g.ID), "flash.agreement_opinion")
		return
	}
	c.agreementFailed(w, r, v, err, func(p *agreementPage) { p.Step, p.Concurs, p.Opinion = "opinion", concurs, text })
}

// agreementSign signs with the unit's collective decision.
func (c *console) agreementSign(w http.ResponseWriter, r *http.Request, v *view) {
	dec := decisionValues{Meeting: formValue(r, "decision.meeting"), Number: formValue(r, "decision.number"), Date: formValue(r, "decision.date")}
	g, err := c.Agreements.Sign(r.Context(), *v.User, r.PathValue("id"), agreement.SignInput{Decision: &plan.Decision{Meeting: dec.Meeting, Number: dec.Number, Date: dec.Date}})
	if err == nil {
		c.seeOther(w, r, agreementPath(g.ID), "flash.agreement_"+string(g.State))
		return
	}
	c.agreementFailed(w, r, v, err, func(p *agreementPage) { p.Step, p.Decision = "sign", dec })
}

func (c *console) agreementWithdraw(w http.ResponseWriter, r *http.Request, v *view) {
	g, err := c.Agreements.Withdraw(r.Context(), *v.User, r.PathValue("id"))
	if err == nil {
		c.seeOther(w, r, agreementPath(g.ID), "flash.agreement_withdrawn")
		return
	}
	c.agreementFailed(w, r, v, err, func(p *agreementPage) { p.Step = "withdraw" })
}

// renewalTerm proposes the term of g's renewal: from the day after g ends,
// as many years as g ran (the service refuses more than five).
func renewalTerm(g agreement.Agreement) (string, string) {
	start, err1 := calendar.ParseDate(g.StartsOn)
	end, err2 := calendar.ParseDate(g.EndsOn)
	if err1 != nil || err2 != nil {
		return "", ""
	}
	next := end.AddDays(1)
	years := max(1, end.AddDays(1).Year()-start.Year())
	return next.String(), calendar.NewDate(next.Year()+years, next.Month(), next.Day()).AddDays(-1).String()
}

// agreementRenew drafts the renewal with the term given; its clauses, the
// old ones at first, are then edited like any draft's.
func (c *console) agreementRenew(w http.ResponseWriter, r *http.Request, v *view) {
	starts, ends := formValue(r, "starts_on"), formValue(r, "ends_on")
	g, err := c.Agreements.Renew(r.Context(), *v.User, r.PathValue("id"), agreement.Input{StartsOn: &starts, EndsOn: &ends})
	if err == nil {
		c.seeOther(w, r, agreementPath(g.ID)+"/edit", "flash.agreement_renewed")
		return
	}
	c.agreementFailed(w, r, v, err, func(p *agreementPage) { p.Step, p.RenewStarts, p.RenewEnds = "renew", starts, ends })
}

// agreementEnd terminates or revokes with an Art. 27 reason: the exit, in
// one step. The agreement page then shows the deletion record.
func (c *console) agreementEnd(terminate bool) consoleHandler {
	return func(w http.ResponseWriter, r *http.Request, v *view) {
		in := agreement.EndInput{Code: agreement.ReasonCode(formValue(r, "code")), Reason: formValue(r, "reason")}
		var err error
		step := "terminate"
		if terminate {
			_, err = c.Agreements.Terminate(r.Context(), *v.User, r.PathValue("id"), in)
		} else {
			step = "revoke"
			_, err = c.Agreements.Revoke(r.Context(), *v.User, r.PathValue("id"), in)
		}
		if err == nil {
			c.seeOther(w, r, agreementPath(r.PathValue("id"))+"#exit", "flash.agreement_"+step)
			return
		}
		c.agreementFailed(w, r, v, err, func(p *agreementPage) { p.Step, p.EndCode, p.EndReason = step, string(in.Code), in.Reason })
	}
}

// evaluationOpen opens the year's evaluation of an agreement's operator,
// from the agreement page.
func (c *console) evaluationOpen(w http.ResponseWriter, r *http.Request, v *view) {
	id, year := formValue(r, "agreement_id"), formValue(r, "year")
	n, _ := strconv.Atoi(year)
	ev, err := c.Evaluation.Open(r.Context(), *v.User, evaluation.OpenInput{AgreementID: id, Year: n})
	if err == nil {
		c.seeOther(w, r, "/console/evaluations/"+url.PathEscape(ev.ID), "flash.evaluation_opened", ev.AnswerDueDay)
		return
	}
	r.SetPathValue("id", id)
	c.agreementFailed(w, r, v, err, func(p *agreementPage) { p.Step, p.Year = "evaluate", year })
}
