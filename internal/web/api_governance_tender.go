package web

import (
	"encoding/json"
	"errors"
	"io"
	"iter"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/tender"
)

func (s *Server) listAnnouncements(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	items, next, err := s.Tender.List(r.Context(), p, tender.Filter{State: fsm.State(q.Get("state")), PlanID: q.Get("plan_id")}, pg)
	return list(items, next), err
}

func (s *Server) createAnnouncement(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in tender.Input
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Tender.Create(r.Context(), p, in)
}

func (s *Server) getAnnouncement(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Tender.Get(r.Context(), p, r.PathValue("id"))
}

func (s *Server) updateAnnouncement(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in tender.Input
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Tender.Update(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) announcementStep(step fsm.Action) func(http.ResponseWriter, *http.Request, access.Principal) (any, error) {
	return func(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
		var in tender.StepInput
		if err := decodeOptional(w, r, &in); err != nil {
			return nil, err
		}
		return s.Tender.Act(r.Context(), p, r.PathValue("id"), step, in)
	}
}

func (s *Server) ranking(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Tender.Ranking(r.Context(), p, r.PathValue("id"))
}

func (s *Server) publicAnnouncements(_ http.ResponseWriter, r *http.Request, _ access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	items, next, err := s.Tender.Public(r.Context(), tender.Filter{State: fsm.State(r.URL.Query().Get("state"))}, pg)
	return list(items, next), err
}

func (s *Server) publicAnnouncement(_ http.ResponseWriter, r *http.Request, _ access.Principal) (any, error) {
	return s.Tender.PublicOne(r.Context(), r.PathValue("id"))
}

// applicationForm documents the multipart application for OpenAPI: the
// declarations, then files in item1 to item7 (item2…item6 alike).
type applicationForm struct {
	Declarations []tender.Declaration `json:"declarations"`
	Item1        []byte               `json:"item1"`
	Item7        []byte               `json:"item7,omitempty"`
}

// submitApplication streams a multipart application: the declarations
// first, then each evidence file straight to the tender service, which
// hashes and limits it as it arrives.
func (s *Server) submitApplication(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	id := r.PathValue("id")
	if _, err := s.Tender.AuthorizeSubmit(r.Context(), p, id); err != nil {
		return nil, err
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, errs.E(errs.Invalid, "Content-Type: send multipart/form-data with the field declarations first, then files item1…item7")
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.Tender.MaxUploadBytes())
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errs.E(errs.Invalid, "body: %v", err)
	}
	part, err := mr.NextPart()
	if err != nil || part.FormName() != "declarations" {
		return nil, errs.E(errs.Invalid, "body: the first field must be declarations (JSON: the seven Art. 13 items)")
	}
	var decls []tender.Declaration
	if err := json.NewDecoder(io.LimitReader(part, maxJSONBody)).Decode(&decls); err != nil {
		return nil, errs.E(errs.Invalid, "declarations: not a JSON array of {item, answer, no_incidents}: %v", err)
	}
	return s.Tender.Submit(r.Context(), p, id, decls, evidenceParts(mr))
}

// evidenceParts yields the file fields item1…item7 of a multipart body,
// each read as the service consumes it.
func evidenceParts(mr *multipart.Reader) iter.Seq2[tender.Upload, error] {
	return func(yield func(tender.Upload, error) bool) {
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(tender.Upload{}, decodeError(err))
				return
			}
			item, err := strconv.Atoi(strings.TrimPrefix(part.FormName(), "item"))
			if err != nil || !strings.HasPrefix(part.FormName(), "item") {
				yield(tender.Upload{}, errs.E(errs.Invalid, "body: field %q: evidence files go in fields item1…item7", part.FormName()))
				return
			}
			if !yield(tender.Upload{Item: item, Filename: part.FileName(), Body: part}, nil) {
				return
			}
		}
	}
}

func (s *Server) listApplications(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	items, next, err := s.Tender.Applications(r.Context(), p, tender.ApplicationFilter{AnnouncementID: q.Get("announcement_id"),
		State: fsm.State(q.Get("state"))}, pg)
	return list(items, next), err
}

func (s *Server) getApplication(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Tender.Application(r.Context(), p, r.PathValue("id"))
}

// applicationFile streams an evidence file of an application.
func (s *Server) applicationFile(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	f, rc, err := s.Tender.OpenFile(r.Context(), p, r.PathValue("id"), r.PathValue("file"))
	if err != nil {
		return nil, err
	}
	s.sendEvidence(w, r, evidenceFile{id: f.ID, filename: f.Filename, mediaType: f.MediaType, size: f.Bytes, sha256: f.SHA256}, rc)
	return nil, nil
}

type eligibilityInput struct {
	Items []tender.CheckInput `json:"items"`
}

func (s *Server) checkEligibility(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in eligibilityInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Tender.CheckEligibility(r.Context(), p, r.PathValue("id"), in.Items)
}

type reasonInput struct {
	Reason string `json:"reason"`
}

func (s *Server) recheck(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in reasonInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Tender.Recheck(r.Context(), p, r.PathValue("id"), in.Reason)
}

type scoresInput struct {
	Scores []tender.ScoreInput `json:"scores"`
}

func (s *Server) scoreApplication(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in scoresInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Tender.Score(r.Context(), p, r.PathValue("id"), in.Scores)
}

type objectionInput struct {
	Text string `json:"text"`
}

func (s *Server) fileObjection(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in objectionInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Tender.Object(r.Context(), p, r.PathValue("id"), in.Text)
}

func (s *Server) listObjections(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	items, err := s.Tender.Objections(r.Context(), p, r.PathValue("id"))
	return list(items, ""), err
}

func (s *Server) getObjection(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Tender.Objection(r.Context(), p, r.PathValue("id"))
}

type resolutionInput struct {
	Resolution string `json:"resolution"`
}

func (s *Server) resolveObjection(action fsm.Action) func(http.ResponseWriter, *http.Request, access.Principal) (any, error) {
	return func(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
		var in resolutionInput
		if err := decode(w, r, &in); err != nil {
			return nil, err
		}
		return s.Tender.Resolve(r.Context(), p, r.PathValue("id"), action, in.Resolution)
	}
}
