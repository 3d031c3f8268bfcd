package web

import (
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
	"shuyu/internal/tender"
)

// governanceRoutes are the routes of implementation plans, announcements,
// applications, selection, publicity and agreements.
func (s *Server) governanceRoutes() []route {
	pageQuery := []param{
		{name: "limit", typ: "integer", doc: "page size, 1–500 (default 50)"},
		{name: "after", typ: "string", doc: "cursor: the next value of the previous page"},
	}
	state := param{name: "state", typ: "string", doc: "only objects in this state"}
	routes := []route{
		{method: "GET", path: "/api/v1/plans", tag: "plans", summary: "List the implementation plans (every version) of the units in reach, newest first; overdue flags a plan not filed in time",
			action: access.PlanRead, query: append([]param{state, {name: "overdue", typ: "boolean", doc: "only approved plans past their filing deadline"}}, pageQuery...),
			out: List[plan.Plan]{}, handle: s.listPlans},
		{method: "POST", path: "/api/v1/plans", tag: "plans", summary: "Draft an implementation plan of the caller's implementing unit (Art. 10)",
			action: access.PlanWrite, in: plan.Input{}, out: plan.Plan{}, status: http.StatusCreated, handle: s.createPlan},
		{method: "GET", path: "/api/v1/plans/{id}", tag: "plans", summary: "One plan version, with its filing deadline and the steps the caller may take",
			action: access.PlanRead, out: plan.Plan{}, handle: s.getPlan},
		{method: "PATCH", path: "/api/v1/plans/{id}", tag: "plans",
			summary: "Edit a draft; after approval, a change of mode, data scope or revenue sharing answers with a new draft version to approve again (Art. 11), and other changes are refused",
			action:  access.PlanWrite, in: plan.Input{}, out: plan.Plan{}, handle: s.updatePlan},
		{method: "GET", path: "/api/v1/plans/{id}/versions", tag: "plans", summary: "Every version of a plan, oldest first",
			action: access.PlanRead, out: List[plan.Plan]{}, handle: s.planVersions},
	}
	for _, step := range plan.Steps {
		routes = append(routes, route{method: "POST", path: "/api/v1/plans/{id}/" + string(step), tag: "plans", summary: planSteps[step],
			action: who(plan.Machine, step), in: plan.StepInput{}, out: plan.Plan{}, handle: s.planStep(step)})
	}
	routes = append(routes,
		route{method: "GET", path: "/api/v1/announcements", tag: "announcements", summary: "List announcements: published ones in reach, and drafts for those who read the unit's plans",
			action: access.AnnouncementRead, query: append([]param{state, {name: "plan_id", typ: "string"}}, pageQuery...),
			out: List[tender.Announcement]{}, handle: s.listAnnouncements},
		route{method: "POST", path: "/api/v1/announcements", tag: "announcements",
			summary: "Draft an announcement under an approved plan: method, scope within the plan's, conditions, criteria with weights summing to 100, deadline",
			action:  access.AnnouncementWrite, in: tender.Input{}, out: tender.Announcement{}, status: http.StatusCreated, handle: s.createAnnouncement},
		route{method: "GET", path: "/api/v1/announcements/{id}", tag: "announcements", summary: "One announcement, with its winner and publicity once awarded",
			action: access.AnnouncementRead, out: tender.Announcement{}, handle: s.getAnnouncement},
		route{method: "PATCH", path: "/api/v1/announcements/{id}", tag: "announcements", summary: "Edit a draft announcement",
			action: access.AnnouncementWrite, in: tender.Input{}, out: tender.Announcement{}, handle: s.updateAnnouncement},
	)
	for _, step := range tender.Steps {
		routes = append(routes, route{method: "POST", path: "/api/v1/announcements/{id}/" + string(step), tag: "announcements",
			summary: announcementSteps[step], action: who(tender.Machine, step), in: tender.StepInput{}, out: tender.Announcement{},
			handle: s.announcementStep(step)})
	}
	routes = append(routes,
		route{method: "GET", path: "/api/v1/announcements/{id}/ranking", tag: "selection",
			summary: "The standing of the applications: eligibility, each criterion's mean score, the weighted total (the unit and its overseers)",
			action:  access.ApplicationRead, out: tender.Ranking{}, handle: s.ranking},
		route{method: "POST", path: "/api/v1/announcements/{id}/applications", tag: "applications",
			summary: "Apply (operators): multipart/form-data with the field declarations (JSON, the seven Art. 13 items) first, then evidence files in fields item1…item7 (PDF, PNG, JPEG, OFD, XLSX); applying again before the deadline replaces the application",
			action:  access.ApplicationSubmit, in: applicationForm{}, out: tender.Application{}, status: http.StatusCreated, handle: s.submitApplication},
		route{method: "POST", path: "/api/v1/announcements/{id}/objections", tag: "selection", summary: "Object to an award under publicity (公示); anyone signed in",
			action: access.ObjectionFile, in: objectionInput{}, out: tender.Objection{}, status: http.StatusCreated, handle: s.fileObjection},
		route{method: "GET", path: "/api/v1/announcements/{id}/objections", tag: "selection", summary: "The objections to an announcement's award the caller may read",
			action: access.ObjectionRead, out: List[tender.Objection]{}, handle: s.listObjections},
		route{method: "GET", path: "/api/v1/public/announcements", tag: "portal", summary: "Published announcements and their results, for the public portal (no sign-in)",
			query: append([]param{state}, pageQuery...), out: List[tender.Announcement]{}, handle: s.publicAnnouncements},
		route{method: "GET", path: "/api/v1/public/announcements/{id}", tag: "portal", summary: "One published announcement, for the public portal",
			out: tender.Announcement{}, handle: s.publicAnnouncement},

		route{method: "GET", path: "/api/v1/applications", tag: "applications", summary: "List applications: an operator's own, or those to the units in reach",
			action: access.ApplicationRead, query: append([]param{{name: "announcement_id", typ: "string"}, state}, pageQuery...),
			out: List[tender.Application]{}, handle: s.listApplications},
		route{method: "GET", path: "/api/v1/applications/{id}", tag: "applications", summary: "One application with its evidence, eligibility findings and (for the unit) scores",
			action: access.ApplicationRead, out: tender.Application{}, handle: s.getApplication},
		route{method: "GET", path: "/api/v1/applications/{id}/files/{file}", tag: "applications", summary: "Download an evidence file of an application; Repr-Digest carries its SHA-256",
			action: access.ApplicationRead, download: "application/octet-stream", handle: s.applicationFile},
		route{method: "POST", path: "/api/v1/applications/{id}/eligibility", tag: "selection",
			summary: "Record the eligibility check of all seven Art. 13 items (a note for each that fails): eligible when all pass",
			action:  access.ApplicationCheck, in: eligibilityInput{}, out: tender.Application{}, handle: s.checkEligibility},
		route{method: "POST", path: "/api/v1/applications/{id}/recheck", tag: "selection", summary: "Reopen an application's eligibility check, with the reason",
			action: access.ApplicationCheck, in: reasonInput{}, out: tender.Application{}, handle: s.recheck},
		route{method: "PUT", path: "/api/v1/applications/{id}/scores", tag: "selection",
			summary: "Score an eligible application, every criterion 0–100 (the unit's evaluators); scoring again replaces the caller's scores",
			action:  access.ApplicationScore, in: scoresInput{}, out: tender.Application{}, handle: s.scoreApplication},

		route{method: "GET", path: "/api/v1/objections/{id}", tag: "selection", summary: "One objection",
			action: access.ObjectionRead, out: tender.Objection{}, handle: s.getObjection},
		route{method: "POST", path: "/api/v1/objections/{id}/uphold", tag: "selection", summary: "Uphold an objection: the award goes back to selection",
			action: access.ObjectionResolve, in: resolutionInput{}, out: tender.Objection{}, handle: s.resolveObjection(tender.Uphold)},
		route{method: "POST", path: "/api/v1/objections/{id}/dismiss", tag: "selection", summary: "Dismiss an objection: the award stands",
			action: access.ObjectionResolve, in: resolutionInput{}, out: tender.Objection{}, handle: s.resolveObjection(tender.Dismiss)},
	)
	return append(routes, s.agreementRoutes(pageQuery, state)...)
}

// who is the access action the transitions of action need in machine m.
func who[T any](m *fsm.Machine[T], action fsm.Action) access.Action {
	for _, t := range m.Transitions() {
		if t.Action == action {
			return t.Who
		}
	}
	return ""
}

var planSteps = map[fsm.Action]string{
	plan.Submit:   "Submit a draft for the government's collective decision",
	plan.Return:   "Record that the plan goes back to draft, with the reason",
	plan.Approve:  "Record the government's approval (三重一大: meeting, number, date); the filing deadline is 20 working days later",
	plan.File:     "Record the filing with the provincial data department (reference, date)",
	plan.Withdraw: "Give up a draft",
}

var announcementSteps = map[fsm.Action]string{
	tender.Publish:  "Publish: open to applications until the deadline, on the portal",
	tender.Cancel:   "Cancel, with the reason",
	tender.Evaluate: "Begin the selection once the deadline has passed: eligibility checks and scoring",
	tender.Award:    "Award an eligible, scored application (a reason when not the best score); publicity (公示) begins",
	tender.Reopen:   "Take an award back to selection, with the reason",
	tender.Veto:     "Stop the selection for national security or the public interest (Art. 16), with the reason",
}

// agreementRoutes are the routes of agreements and exits.
func (s *Server) agreementRoutes(pageQuery []param, state param) []route {
	return []route{
		{method: "GET", path: "/api/v1/agreements", tag: "agreements", summary: "List agreements: an operator's own, or those of the units in reach",
			action: access.AgreementRead, query: append([]param{state, {name: "operator_id", typ: "string"}}, pageQuery...),
			out: List[agreement.Agreement]{}, handle: s.listAgreements},
		{method: "POST", path: "/api/v1/agreements", tag: "agreements",
			summary: "Draft the agreement on an awarded selection: term (at most 5 years), scope within the approved plan's, the Art. 14 clauses",
			action:  access.AgreementWrite, in: agreement.Input{}, out: agreement.Agreement{}, status: http.StatusCreated, handle: s.createAgreement},
		{method: "GET", path: "/api/v1/agreements/{id}", tag: "agreements", summary: "One agreement",
			action: access.AgreementRead, out: agreement.Agreement{}, handle: s.getAgreement},
		{method: "PATCH", path: "/api/v1/agreements/{id}", tag: "agreements", summary: "Edit a draft agreement",
			action: access.AgreementWrite, in: agreement.Input{}, out: agreement.Agreement{}, handle: s.updateAgreement},
		{method: "POST", path: "/api/v1/agreements/{id}/finance-opinion", tag: "agreements",
			summary: "Record the finance department's opinion on the revenue sharing as it stands (Art. 15)",
			action:  access.AgreementFinance, in: agreement.OpinionInput{}, out: agreement.Agreement{}, handle: s.financeOpinion},
		{method: "POST", path: "/api/v1/agreements/{id}/sign", tag: "agreements",
			summary: "Sign with the unit's collective decision, after publicity ended without objection; in force at once when the term has begun",
			action:  access.AgreementWrite, in: agreement.SignInput{}, out: agreement.Agreement{}, handle: s.signAgreement},
		{method: "POST", path: "/api/v1/agreements/{id}/withdraw", tag: "agreements", summary: "Give up a draft agreement",
			action: access.AgreementWrite, out: agreement.Agreement{}, handle: s.withdrawAgreement},
		{method: "POST", path: "/api/v1/agreements/{id}/renew", tag: "agreements",
			summary: "Draft the renewal of a signed or active agreement, through the same checks (by default starting the day after it ends)",
			action:  access.AgreementWrite, in: agreement.Input{}, out: agreement.Agreement{}, status: http.StatusCreated, handle: s.renewAgreement},
		{method: "POST", path: "/api/v1/agreements/{id}/terminate", tag: "agreements",
			summary: "Terminate with a reason of Art. 27 (code early_termination by default): the exit stops every key and grant at once, deletes the operator's workspace and returns the deletion record; asking again returns the same record",
			action:  access.AgreementTerminate, in: agreement.EndInput{}, out: agreement.Record{}, handle: s.endAgreement(true)},
		{method: "POST", path: "/api/v1/agreements/{id}/revoke", tag: "agreements", summary: "Revoke with a reason of Art. 27 or 16, performing the exit; returns the deletion record",
			action: access.AgreementRevoke, in: agreement.EndInput{}, out: agreement.Record{}, handle: s.endAgreement(false)},
		{method: "GET", path: "/api/v1/agreements/{id}/exit", tag: "agreements", summary: "The deletion record of an ended agreement",
			action: access.AgreementRead, out: agreement.Record{}, handle: s.exitRecord},
		{method: "GET", path: "/api/v1/public/agreements", tag: "portal", summary: "Signed agreements for the public portal: operator, data scope, term, state (Art. 25)",
			query: append([]param{state}, pageQuery...), out: List[agreement.Agreement]{}, handle: s.publicAgreements},
	}
}
