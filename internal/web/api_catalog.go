package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
	"shuyu/internal/errs"
	"shuyu/internal/ingest"
)

// uploadForm documents the multipart upload for the OpenAPI document.
type uploadForm struct {
	Format   string `json:"format,omitempty"`
	Encoding string `json:"encoding,omitempty"`
	File     []byte `json:"file"`
}

func (s *Server) scheme(http.ResponseWriter, *http.Request, access.Principal) (any, error) {
	return s.Catalog.Scheme(), nil
}

func (s *Server) listDatasets(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	entries, next, err := s.Ingest.Entries(r.Context(), p, pg)
	return list(entries, next), err
}

func (s *Server) createDataset(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in catalog.Input
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Catalog.Create(r.Context(), p, in)
}

func (s *Server) getDataset(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Ingest.Entry(r.Context(), p, r.PathValue("id"))
}

func (s *Server) updateDataset(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in catalog.Input
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Catalog.Update(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) datasetRevisions(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	revs, err := s.Catalog.Revisions(r.Context(), p, r.PathValue("id"))
	return list(revs, ""), err
}

func (s *Server) datasetSuggestions(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	sg, err := s.Catalog.Suggestions(r.Context(), p, r.PathValue("id"))
	return list(sg, ""), err
}

func (s *Server) listVersions(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	vs, err := s.Ingest.Versions(r.Context(), p, r.PathValue("id"))
	return list(vs, ""), err
}

// uploadVersion streams the file part of a multipart upload into the
// domain without holding it in memory.
func (s *Server) uploadVersion(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	if _, err := s.Ingest.Authorize(r.Context(), p, r.PathValue("id")); err != nil {
		return nil, err
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, errs.E(errs.Invalid, "Content-Type: send multipart/form-data with the field file")
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.Ingest.MaxUploadBytes()+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errs.E(errs.Invalid, "body: %v", err)
	}
	u := ingest.Upload{Dataset: r.PathValue("id"), Format: r.URL.Query().Get("format"), Encoding: r.URL.Query().Get("encoding")}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, errs.E(errs.Invalid, "body: no field named file")
		}
		if err != nil {
			return nil, decodeError(err)
		}
		switch part.FormName() {
		case "format", "encoding":
			v, err := io.ReadAll(io.LimitReader(part, 64))
			if err != nil {
				return nil, decodeError(err)
			}
			if part.FormName() == "format" {
				u.Format = strings.TrimSpace(string(v))
			} else {
				u.Encoding = strings.TrimSpace(string(v))
			}
		case "file":
			u.Body, u.Filename = part, part.FileName()
			return s.Ingest.Upload(r.Context(), p, u)
		}
	}
}
