package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"shuyu/internal/catalog"
	"shuyu/internal/domain"
	"shuyu/internal/errs"
	"shuyu/internal/ingest"
)

// The upload form stores a new version of an entry. The file is streamed
// from the request into the domain, as the API's upload is: the console
// never holds it in memory (see signedInUpload).

type uploadPage struct {
	Entry    ingest.Entry
	Ref      string
	Format   string
	Encoding string
	Filename string
	MaxBytes int64
	// Problems are why the file was refused, when it was for its values.
	Problems []domain.Problem
	More     bool // there were more problems than listed
}

// errNoFile: the form came without a file.
var errNoFile = &uiError{code: errs.Invalid, key: "upload.error.no_file", field: "file"}

func (c *console) loadUploadPage(r *http.Request, v *view) (uploadPage, error) {
	if _, err := c.Ingest.Authorize(r.Context(), *v.User, r.PathValue("id")); err != nil {
		return uploadPage{}, err
	}
	e, err := c.Ingest.Entry(r.Context(), *v.User, r.PathValue("id"))
	return uploadPage{Entry: e, Ref: entryRef(e.Dataset), MaxBytes: c.Ingest.MaxUploadBytes()}, err
}

func (c *console) uploadForm(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.upload"
	page, err := c.loadUploadPage(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "upload", page)
}

// uploadSubmit reads the form's parts in order (format, encoding, then the
// file) and streams the file into a new version. Success goes back to the
// entry, which shows the version and what the detector suggests; a refusal
// shows the problems found, line by line.
func (c *console) uploadSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.upload"
	page, err := c.loadUploadPage(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	u := ingest.Upload{Dataset: page.Entry.ID}
	var res ingest.Result
	for {
		part, perr := v.parts.NextPart()
		if errors.Is(perr, io.EOF) {
			err = errNoFile
			break
		}
		if perr != nil {
			err = decodeError(perr)
			break
		}
		if part.FormName() != "file" {
			b, _ := io.ReadAll(io.LimitReader(part, 64))
			switch part.FormName() {
			case "format":
				u.Format, page.Format = strings.TrimSpace(string(b)), strings.TrimSpace(string(b))
			case "encoding":
				u.Encoding, page.Encoding = strings.TrimSpace(string(b)), strings.TrimSpace(string(b))
			}
			continue
		}
		if part.FileName() == "" {
			err = errNoFile
			break
		}
		u.Body, u.Filename, page.Filename = part, part.FileName(), part.FileName()
		res, err = c.Ingest.Upload(r.Context(), *v.User, u)
		break
	}
	if err != nil {
		// Read a little of what is left, so that the browser, still
		// sending, sees the answer rather than a reset connection.
		io.CopyN(io.Discard, r.Body, 1<<20)
		if _, _, details := errs.Public(err); details != nil {
			if m, ok := details.(map[string]any); ok {
				page.Problems, _ = m["problems"].([]domain.Problem)
				page.More = len(page.Problems) >= domain.MaxProblems
			}
		}
		c.fail(w, r, v, err, "upload", page)
		return
	}
	ver := res.Version
	c.seeOther(w, r, entryPath(catalog.Dataset{ID: page.Entry.ID, Name: page.Entry.Name})+"#versions", "flash.version_stored",
		strconv.Itoa(ver.Seq), formatInt(ver.Rows), ver.SHA256[:min(12, len(ver.SHA256))])
}
