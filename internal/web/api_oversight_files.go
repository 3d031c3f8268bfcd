package web

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"

	"shuyu/internal/errs"
	"shuyu/internal/evaluation"
)

// evidence decodes a body that carries a text and evidence files: either
// multipart/form-data with the text in the field named field and files in
// parts named file, or JSON (into v) without files. Files beyond 1 MiB wait
// in temporary files, which the server removes when the request ends; done
// closes them.
func (s *Server) evidence(w http.ResponseWriter, r *http.Request, field string, text *string, files *[]evaluation.Upload, v any) (done func(), err error) {
	done = func() {}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return done, decode(w, r, v)
	}
	r.Body = http.MaxBytesReader(w, r.Body, evaluation.MaxFiles*s.Evaluation.MaxFileBytes()+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if errors.Is(err, multipart.ErrMessageTooLarge) {
			return done, errs.E(errs.TooLarge, "body: too large; send at most %d files of %d bytes each", evaluation.MaxFiles, s.Evaluation.MaxFileBytes())
		}
		return done, decodeError(err)
	}
	form := r.MultipartForm
	for k := range form.Value {
		if k != field {
			return done, errs.E(errs.Invalid, "form field %q: send only %s and file", k, field)
		}
	}
	for k := range form.File {
		if k != "file" {
			return done, errs.E(errs.Invalid, "form field %q: files go in parts named file", k)
		}
	}
	switch vals := form.Value[field]; len(vals) {
	case 0:
	case 1:
		*text = vals[0]
	default:
		return done, errs.E(errs.Invalid, "form field %s: give it once", field)
	}
	var opened []multipart.File
	done = func() {
		for _, f := range opened {
			f.Close()
		}
	}
	for _, fh := range form.File["file"] {
		f, err := fh.Open()
		if err != nil {
			return done, errs.E(errs.Invalid, "file %s: %v", fh.Filename, err)
		}
		opened = append(opened, f)
		*files = append(*files, evaluation.Upload{Filename: fh.Filename, Body: f})
	}
	return done, nil
}

// decodeOptional decodes a JSON body into v when there is one.
func decodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decode(w, r, v)
}

// sendFile streams an evaluation's or a rectification's evidence file.
func (s *Server) sendFile(w http.ResponseWriter, r *http.Request, f evaluation.File, body io.ReadCloser) {
	s.sendEvidence(w, r, evidenceFile{id: f.ID, filename: f.Filename, mediaType: f.MediaType, size: f.Size, sha256: f.SHA256}, body)
}

// evidenceFile is what a download of an evidence file is sent with.
type evidenceFile struct {
	id, filename, mediaType, sha256 string
	size                            int64
}

// sendEvidence streams an evidence file, named for saving and with its
// SHA-256 (RFC 9530 Repr-Digest), so that whoever downloads it can check it.
func (s *Server) sendEvidence(w http.ResponseWriter, r *http.Request, f evidenceFile, body io.ReadCloser) {
	defer body.Close()
	h := w.Header()
	h.Set("Content-Type", f.mediaType)
	h.Set("Content-Length", strconv.FormatInt(f.size, 10))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.filename}))
	if sum, err := hex.DecodeString(f.sha256); err == nil {
		h.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum)+":")
	}
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, body); err != nil {
		// The answer has begun; all that is left is to say so in the log.
		s.Log.WarnContext(r.Context(), "evidence download cut short", "file", f.id, "err", err)
	}
}
