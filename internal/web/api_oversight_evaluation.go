package web

import (
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/evaluation"
	"shuyu/internal/fsm"
)

func (s *Server) listTemplates(_ http.ResponseWriter, r *http.Request, _ access.Principal) (any, error) {
	ts, err := s.Evaluation.Templates(r.Context())
	return list(ts, ""), err
}

func (s *Server) getTemplate(_ http.ResponseWriter, r *http.Request, _ access.Principal) (any, error) {
	return s.Evaluation.Template(r.Context(), r.PathValue("version"))
}

func (s *Server) openEvaluation(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in evaluation.OpenInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Evaluation.Open(r.Context(), p, in)
}

func (s *Server) listEvaluations(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	f := evaluation.EvaluationFilter{AgreementID: q.Get("agreement_id"), OperatorID: q.Get("operator_id"), State: fsm.State(q.Get("state"))}
	year, err := queryInt(r, "year", 0, 2000, 2100)
	if err != nil {
		return nil, err
	}
	f.Year = int(year)
	if f.Overdue, err = queryBool(r, "overdue"); err != nil {
		return nil, err
	}
	evs, next, err := s.Evaluation.Evaluations(r.Context(), p, f, pg)
	return list(evs, next), err
}

func (s *Server) getEvaluation(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Evaluation.Evaluation(r.Context(), p, r.PathValue("id"))
}

func (s *Server) answerItem(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in evaluation.AnswerInput
	done, err := s.evidence(w, r, "answer", &in.Answer, &in.Files, &in)
	if err != nil {
		return nil, err
	}
	defer done()
	return s.Evaluation.Answer(r.Context(), p, r.PathValue("id"), r.PathValue("item"), in)
}

func (s *Server) scoreItem(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in evaluation.ScoreInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Evaluation.Score(r.Context(), p, r.PathValue("id"), r.PathValue("item"), in)
}

// evaluationStep handles POST /api/v1/operator-evaluations/{id}/{step};
// the body is optional for steps that need no comment.
func (s *Server) evaluationStep(a fsm.Action) func(http.ResponseWriter, *http.Request, access.Principal) (any, error) {
	return func(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
		var in evaluation.StepInput
		if err := decodeOptional(w, r, &in); err != nil {
			return nil, err
		}
		return s.Evaluation.Step(r.Context(), p, r.PathValue("id"), a, in)
	}
}

func (s *Server) evaluationFile(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	f, body, err := s.Evaluation.EvaluationFile(r.Context(), p, r.PathValue("id"), r.PathValue("file"))
	if err != nil {
		return nil, err
	}
	s.sendFile(w, r, f, body)
	return nil, nil
}

func (s *Server) createRectification(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in evaluation.FindingInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Evaluation.CreateRectification(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) listRectifications(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	f := evaluation.RectificationFilter{AgreementID: q.Get("agreement_id"), EvaluationID: q.Get("evaluation_id"), State: fsm.State(q.Get("state"))}
	if f.Overdue, err = queryBool(r, "overdue"); err != nil {
		return nil, err
	}
	rs, next, err := s.Evaluation.Rectifications(r.Context(), p, f, pg)
	return list(rs, next), err
}

func (s *Server) getRectification(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Evaluation.Rectification(r.Context(), p, r.PathValue("id"))
}

func (s *Server) submitRectification(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in evaluation.ReportInput
	done, err := s.evidence(w, r, "report", &in.Report, &in.Files, &in)
	if err != nil {
		return nil, err
	}
	defer done()
	return s.Evaluation.SubmitRectification(r.Context(), p, r.PathValue("id"), in)
}

// rectificationStep handles POST /api/v1/rectifications/{id}/{step}.
func (s *Server) rectificationStep(a fsm.Action) func(http.ResponseWriter, *http.Request, access.Principal) (any, error) {
	return func(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
		var in evaluation.StepInput
		if err := decodeOptional(w, r, &in); err != nil {
			return nil, err
		}
		return s.Evaluation.RectificationStep(r.Context(), p, r.PathValue("id"), a, in)
	}
}

func (s *Server) rectificationFile(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	f, body, err := s.Evaluation.RectificationFile(r.Context(), p, r.PathValue("id"), r.PathValue("file"))
	if err != nil {
		return nil, err
	}
	s.sendFile(w, r, f, body)
	return nil, nil
}
