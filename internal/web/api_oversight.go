package web

import (
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/evaluation"
	"shuyu/internal/fsm"
	"shuyu/internal/inbox"
)

// oversightRoutes are the routes of evaluations, rectifications, exits and
// the inbox.
func (s *Server) oversightRoutes() []route {
	pageQuery := []param{
		{name: "limit", typ: "integer", doc: "page size, 1–500 (default 50)"},
		{name: "after", typ: "string", doc: "cursor: the next value of the previous page"},
	}
	routes := []route{
		{method: "GET", path: "/api/v1/evaluation-templates", tag: "evaluations", summary: "The scoring templates of operator evaluations: the one in force first, then those older evaluations used",
			action: access.EvaluationTemplateRead, out: List[evaluation.TemplateInfo]{}, handle: s.listTemplates},
		{method: "GET", path: "/api/v1/evaluation-templates/{version}", tag: "evaluations", summary: "One scoring template: sections, items with weights (points out of 100) and guidance, grade bands; \"current\" names the one in force",
			action: access.EvaluationTemplateRead, out: evaluation.Template{}, handle: s.getTemplate},

		{method: "POST", path: "/api/v1/operator-evaluations", tag: "evaluations", summary: "Open the annual evaluation of an agreement's operator for a year (Art. 24; the implementing unit's officers); the operator must answer within the configured working days",
			action: access.EvaluationOpen, in: evaluation.OpenInput{}, out: evaluation.Evaluation{}, status: http.StatusCreated, handle: s.openEvaluation},
		{method: "GET", path: "/api/v1/operator-evaluations", tag: "evaluations", summary: "List the operator evaluations the caller may read, newest first, without their items",
			action: access.EvaluationRead, query: append([]param{
				{name: "agreement_id", typ: "string"}, {name: "operator_id", typ: "string"}, {name: "year", typ: "integer"},
				{name: "state", typ: "string", doc: "opened, answered, scored or finalised"},
				{name: "overdue", typ: "boolean", doc: "only those unanswered past the deadline"},
			}, pageQuery...), out: List[evaluation.Evaluation]{}, handle: s.listEvaluations},
		{method: "GET", path: "/api/v1/operator-evaluations/{id}", tag: "evaluations", summary: "One evaluation with its items, answers, evidence, points, history and the steps the caller may take",
			action: access.EvaluationRead, out: evaluation.Evaluation{}, handle: s.getEvaluation},
		{method: "POST", path: "/api/v1/operator-evaluations/{id}/items/{item}/answer", tag: "evaluations",
			summary: "Answer one item (the operator's managers): multipart/form-data with the field answer and up to 10 parts named file (pdf, ofd, png, jpg, txt, docx, xlsx, zip), or JSON without files; files add to those sent before",
			action:  access.EvaluationAnswer, in: answerForm{}, out: evaluation.Evaluation{}, handle: s.answerItem},
		{method: "POST", path: "/api/v1/operator-evaluations/{id}/items/{item}/score", tag: "evaluations",
			summary: "Award one item its points, 0 to its weight (the unit's reviewers); a comment is required when points are taken off",
			action:  access.EvaluationScore, in: evaluation.ScoreInput{}, out: evaluation.Evaluation{}, handle: s.scoreItem},
		{method: "GET", path: "/api/v1/operator-evaluations/{id}/files/{file}", tag: "evaluations", summary: "Download an evidence file of an evaluation; Repr-Digest carries its SHA-256",
			action: access.EvaluationRead, download: "application/octet-stream", handle: s.evaluationFile},
		{method: "POST", path: "/api/v1/operator-evaluations/{id}/rectifications", tag: "rectifications",
			summary: "Turn a finding of a finalised evaluation into a rectification task (整改) due a number of working days from today (the unit's officers)",
			action:  access.RectificationCreate, in: evaluation.FindingInput{}, out: evaluation.Rectification{}, status: http.StatusCreated, handle: s.createRectification},

		{method: "GET", path: "/api/v1/rectifications", tag: "rectifications", summary: "List the rectification tasks the caller may read, newest first",
			action: access.RectificationRead, query: append([]param{
				{name: "agreement_id", typ: "string"}, {name: "evaluation_id", typ: "string"},
				{name: "state", typ: "string", doc: "open, submitted, accepted or cancelled"},
				{name: "overdue", typ: "boolean", doc: "only open tasks past their deadline"},
			}, pageQuery...), out: List[evaluation.Rectification]{}, handle: s.listRectifications},
		{method: "GET", path: "/api/v1/rectifications/{id}", tag: "rectifications", summary: "One rectification task with its reports, evidence, history and the steps the caller may take",
			action: access.RectificationRead, out: evaluation.Rectification{}, handle: s.getRectification},
		{method: "POST", path: "/api/v1/rectifications/{id}/submit", tag: "rectifications",
			summary: "Report what was done (the operator's managers): multipart/form-data with the field report and up to 10 parts named file, or JSON without files",
			action:  evaluation.RectificationStepAction(evaluation.ActSubmit), in: reportForm{}, out: evaluation.Rectification{}, handle: s.submitRectification},
		{method: "GET", path: "/api/v1/rectifications/{id}/files/{file}", tag: "rectifications", summary: "Download an evidence file of a rectification report; Repr-Digest carries its SHA-256",
			action: access.RectificationRead, download: "application/octet-stream", handle: s.rectificationFile},

		{method: "GET", path: "/api/v1/inbox", tag: "inbox", summary: "What waits for the caller, earliest deadline first (none last), overdue marked when read",
			action: access.InboxRead, query: append([]param{{name: "kind", typ: "string", doc: "e.g. evaluation.answer, rectification.review, ticket.answer"},
				{name: "overdue", typ: "boolean", doc: "only items past their deadline"}}, pageQuery...),
			out: List[inbox.Item]{}, handle: s.listInbox},
		{method: "GET", path: "/api/v1/inbox/counts", tag: "inbox", summary: "How many items wait for the caller, by kind, and how many are overdue, for a badge",
			action: access.InboxRead, out: inbox.Counts{}, handle: s.inboxCounts},
	}
	// One route per step of either machine that takes a comment, each
	// needing the action its transitions name.
	for _, a := range evaluation.Steps {
		routes = append(routes, route{method: "POST", path: "/api/v1/operator-evaluations/{id}/" + string(a), tag: "evaluations",
			summary: evaluationSummary[a], action: evaluation.EvaluationStepAction(a), in: evaluation.StepInput{}, out: evaluation.Evaluation{}, handle: s.evaluationStep(a)})
	}
	for _, a := range evaluation.RectificationSteps {
		routes = append(routes, route{method: "POST", path: "/api/v1/rectifications/{id}/" + string(a), tag: "rectifications",
			summary: rectificationSummary[a], action: evaluation.RectificationStepAction(a), in: evaluation.StepInput{}, out: evaluation.Rectification{}, handle: s.rectificationStep(a)})
	}
	return routes
}

var evaluationSummary = map[fsm.Action]string{
	evaluation.ActSubmit:   "Hand in every answer (the operator's managers); after the deadline it is marked late",
	evaluation.ActReturn:   "Send the answers back for more (the unit's reviewers): comment says what, days gives a new deadline in working days",
	evaluation.ActGrade:    "Close scoring once every item has its points (the unit's reviewers): the total and its grade band; after the answer deadline also without the operator's answers",
	evaluation.ActRevise:   "Reopen scoring before the result is final (the unit's reviewers); comment says why",
	evaluation.ActFinalise: "Make the result final (the unit's officers); comment is the conclusion",
}

var rectificationSummary = map[fsm.Action]string{
	evaluation.ActAccept: "Accept the report: the task is rectified (the unit's officers and reviewers)",
	evaluation.ActReject: "Reject the report (the unit's officers and reviewers): comment says why, days optionally sets a new deadline; two rejections make the rectification failed",
	evaluation.ActCancel: "Withdraw the task, e.g. a finding made in error (the unit's officers); comment says why",
}

// answerForm and reportForm document the bodies of the evidence routes.
type answerForm struct {
	Answer string   `json:"answer"`
	File   [][]byte `json:"file,omitempty"`
}

type reportForm struct {
	Report string   `json:"report"`
	File   [][]byte `json:"file,omitempty"`
}
