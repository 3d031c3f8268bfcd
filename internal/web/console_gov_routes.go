package web

import (
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/evaluation"
	"shuyu/internal/plan"
	"shuyu/internal/tender"
)

// governanceRoutes registers the pages of the authorization procedure
// (Art. 9–16, 24, 27): plans, announcements, applications, selection and
// publicity, agreements and exits, evaluations and rectifications, and the
// inbox. As everywhere in the console, a page is gated on the action it
// needs at all; the services decide for the object at hand. The addresses
// are those the inbox items point to (Item.Path).
func (c *console) governanceRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /console/inbox", c.signedIn(access.InboxRead, c.inboxList))

	handle("GET /console/plans", c.signedIn(access.PlanRead, c.planList))
	handle("GET /console/plans/new", c.signedIn(access.PlanWrite, c.planNewForm))
	handle("POST /console/plans/new", c.signedIn(access.PlanWrite, c.planNewSubmit))
	handle("GET /console/plans/{id}", c.signedIn(access.PlanRead, c.planShow))
	handle("GET /console/plans/{id}/edit", c.signedIn(access.PlanWrite, c.planEditForm))
	handle("POST /console/plans/{id}/edit", c.signedIn(access.PlanWrite, c.planEditSubmit))
	for _, step := range plan.Steps {
		handle("POST /console/plans/{id}/"+string(step), c.signedIn(who(plan.Machine, step), c.planAct(step)))
	}

	handle("GET /console/announcements", c.signedIn(access.AnnouncementRead, c.announcementList))
	handle("GET /console/announcements/new", c.signedIn(access.AnnouncementWrite, c.announcementNewForm))
	handle("POST /console/announcements/new", c.signedIn(access.AnnouncementWrite, c.announcementNewSubmit))
	handle("GET /console/announcements/{id}", c.signedIn(access.AnnouncementRead, c.announcementShow))
	handle("GET /console/announcements/{id}/edit", c.signedIn(access.AnnouncementWrite, c.announcementEdit))
	handle("POST /console/announcements/{id}/edit", c.signedIn(access.AnnouncementWrite, c.announcementEdit))
	for _, step := range tender.Steps {
		handle("POST /console/announcements/{id}/"+string(step), c.signedIn(who(tender.Machine, step), c.announcementAct(step)))
	}
	handle("GET /console/announcements/{id}/apply", c.signedIn(access.ApplicationSubmit, c.applyForm))
	handle("POST /console/announcements/{id}/apply", c.signedInUpload(access.ApplicationSubmit, c.applySubmit))
	handle("POST /console/announcements/{id}/objections", c.signedIn(access.ObjectionFile, c.objectionFile))

	handle("GET /console/applications/{id}", c.signedIn(access.ApplicationRead, c.applicationShow))
	handle("GET /console/applications/{id}/files/{file}", c.signedIn(access.ApplicationRead, c.applicationDownload))
	handle("POST /console/applications/{id}/eligibility", c.signedIn(access.ApplicationCheck, c.eligibilitySubmit))
	handle("POST /console/applications/{id}/recheck", c.signedIn(access.ApplicationCheck, c.recheckSubmit))
	handle("POST /console/applications/{id}/scores", c.signedIn(access.ApplicationScore, c.scoresSubmit))

	handle("GET /console/objections/{id}", c.signedIn(access.ObjectionRead, c.objectionShow))
	handle("POST /console/objections/{id}/{step}", c.signedIn(access.ObjectionResolve, c.objectionResolve))

	handle("GET /console/agreements", c.signedIn(access.AgreementRead, c.agreementList))
	handle("GET /console/agreements/new", c.signedIn(access.AgreementWrite, c.agreementNewForm))
	handle("POST /console/agreements/new", c.signedIn(access.AgreementWrite, c.agreementNewSubmit))
	handle("GET /console/agreements/{id}", c.signedIn(access.AgreementRead, c.agreementShow))
	handle("GET /console/agreements/{id}/edit", c.signedIn(access.AgreementWrite, c.agreementEditForm))
	handle("POST /console/agreements/{id}/edit", c.signedIn(access.AgreementWrite, c.agreementEditSubmit))
	handle("POST /console/agreements/{id}/finance-opinion", c.signedIn(access.AgreementFinance, c.agreementOpinion))
	handle("POST /console/agreements/{id}/sign", c.signedIn(access.AgreementWrite, c.agreementSign))
	handle("POST /console/agreements/{id}/withdraw", c.signedIn(access.AgreementWrite, c.agreementWithdraw))
	handle("POST /console/agreements/{id}/renew", c.signedIn(access.AgreementWrite, c.agreementRenew))
	handle("POST /console/agreements/{id}/terminate", c.signedIn(access.AgreementTerminate, c.agreementEnd(true)))
	handle("POST /console/agreements/{id}/revoke", c.signedIn(access.AgreementRevoke, c.agreementEnd(false)))

	handle("GET /console/evaluations", c.signedIn(access.EvaluationRead, c.evaluationList))
	handle("POST /console/evaluations", c.signedIn(access.EvaluationOpen, c.evaluationOpen))
	handle("GET /console/evaluations/{id}", c.signedIn(access.EvaluationRead, c.evaluationShow))
	handle("POST /console/evaluations/{id}/items/{item}/answer", c.signedInUpload(access.EvaluationAnswer, c.evaluationAnswer))
	handle("POST /console/evaluations/{id}/items/{item}/score", c.signedIn(access.EvaluationScore, c.evaluationScore))
	handle("GET /console/evaluations/{id}/files/{file}", c.signedIn(access.EvaluationRead, c.evaluationDownload))
	for _, step := range evaluation.Steps {
		handle("POST /console/evaluations/{id}/"+string(step), c.signedIn(evaluation.EvaluationStepAction(step), c.evaluationAct(step)))
	}
	handle("POST /console/evaluations/{id}/rectifications", c.signedIn(access.RectificationCreate, c.rectificationCreate))

	handle("GET /console/rectifications", c.signedIn(access.RectificationRead, c.rectificationList))
	handle("GET /console/rectifications/{id}", c.signedIn(access.RectificationRead, c.rectificationShow))
	handle("POST /console/rectifications/{id}/submit", c.signedInUpload(access.RectificationSubmit, c.rectificationSubmit))
	handle("GET /console/rectifications/{id}/files/{file}", c.signedIn(access.RectificationRead, c.rectificationDownload))
	for _, step := range evaluation.RectificationSteps {
		handle("POST /console/rectifications/{id}/"+string(step), c.signedIn(evaluation.RectificationStepAction(step), c.rectificationAct(step)))
	}

	handle("GET /announcements", c.portalAnnouncements)
	handle("GET /announcements/{id}", c.portalAnnouncement)
	handle("GET /operators", c.portalOperators)
}
