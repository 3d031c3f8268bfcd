package web

import (
	"errors"
	"io"
	"iter"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shuyu/internal/tender"
)

// The application form (Art. 13): the operator answers each of the seven
// items, declares the absence of incidents where the article asks, and
// attaches evidence. The form puts every answer before every file, so that
// the console reads the answers and then streams the files to the tender
// service, which hashes and limits them as they arrive (the API's way).

type applyItem struct {
	tender.Requirement
	Answer string
	// NoIncidents is "true", "false" or "" (not answered).
	NoIncidents string
}

type applyPage struct {
	A     tender.Announcement
	Items []applyItem
}

func newApplyItems() []applyItem {
	items := make([]applyItem, len(tender.Requirements))
	for i, r := range tender.Requirements {
		items[i] = applyItem{Requirement: r}
	}
	return items
}

func (c *console) loadApplyPage(r *http.Request, v *view) (applyPage, error) {
	a, err := c.Tender.AuthorizeSubmit(r.Context(), *v.User, r.PathValue("id"))
	if err != nil {
		return applyPage{}, err
	}
	if a, err = c.Tender.Get(r.Context(), *v.User, a.ID); err != nil {
		return applyPage{}, err
	}
	return applyPage{A: a, Items: newApplyItems()}, nil
}

func (c *console) applyForm(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.apply"
	page, err := c.loadApplyPage(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "apply", page)
}

// applySubmit reads the answers, then hands the service the file parts as
// they come. A refusal shows the form again with the answers as typed
// (files must be chosen again: browsers do not let a page fill them in).
func (c *console) applySubmit(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.apply"
	page, err := c.loadApplyPage(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	var first *multipart.Part
	for {
		part, perr := v.parts.NextPart()
		if errors.Is(perr, io.EOF) {
			break
		}
		if perr != nil {
			c.fail(w, r, v, decodeError(perr), "apply", page)
			return
		}
		if part.FileName() != "" || strings.HasPrefix(part.FormName(), "item") {
			first = part
			break
		}
		name, item, _ := strings.Cut(part.FormName(), ".")
		n, _ := strconv.Atoi(item)
		b, _ := io.ReadAll(io.LimitReader(part, 16<<10))
		if n < 1 || n > len(page.Items) {
			continue
		}
		switch name {
		case "answer":
			page.Items[n-1].Answer = strings.TrimSpace(string(b))
		case "no_incidents":
			page.Items[n-1].NoIncidents = strings.TrimSpace(string(b))
		}
	}
	decls := make([]tender.Declaration, len(page.Items))
	for i, it := range page.Items {
		decls[i] = tender.Declaration{Item: it.Item, Answer: it.Answer}
		if it.Incidents && it.NoIncidents != "" {
			no := it.NoIncidents == "true"
			decls[i].NoIncidents = &no
		}
	}
	ap, err := c.Tender.Submit(r.Context(), *v.User, page.A.ID, decls, formEvidence(first, v.parts))
	if err != nil {
		io.CopyN(io.Discard, r.Body, 1<<20) // let a browser still sending see the answer
		c.fail(w, r, v, err, "apply", page)
		return
	}
	c.seeOther(w, r, "/console/applications/"+url.PathEscape(ap.ID), "flash.application_submitted", strconv.Itoa(len(ap.Files)))
}

// formEvidence yields the file fields item1…item7 of the application form,
// starting with first (already read), skipping file inputs left empty.
func formEvidence(first *multipart.Part, mr *multipart.Reader) iter.Seq2[tender.Upload, error] {
	return func(yield func(tender.Upload, error) bool) {
		part := first
		for part != nil {
			if part.FileName() != "" {
				item, err := strconv.Atoi(strings.TrimPrefix(part.FormName(), "item"))
				if err != nil {
					item = 0 // the service names the field as unknown
				}
				if !yield(tender.Upload{Item: item, Filename: part.FileName(), Body: part}, nil) {
					return
				}
			}
			var err error
			if part, err = mr.NextPart(); err != nil {
				if !errors.Is(err, io.EOF) {
					yield(tender.Upload{}, decodeError(err))
				}
				return
			}
		}
	}
}
