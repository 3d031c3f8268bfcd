package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/evaluation"
	"shuyu/internal/fsm"
)

// Annual operator evaluations (Art. 24): the operator answers each item of
// the scoring template with evidence, the implementing unit's reviewers
// award points, an officer finalises; regulators read. A finalised
// evaluation's findings become rectification tasks.

type evaluationListPage struct {
	Evaluations []evaluation.Evaluation
	State       string
	Overdue     bool
	listPage
}

func (c *console) evaluationList(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.evaluations"
	q := r.URL.Query()
	pg, lp := pageOf(q.Get("after"))
	page := evaluationListPage{State: q.Get("state"), Overdue: q.Get("overdue") != "", listPage: lp}
	var err error
	page.Evaluations, page.Next, err = c.Evaluation.Evaluations(r.Context(), *v.User,
		evaluation.EvaluationFilter{State: fsm.State(page.State), Overdue: page.Overdue}, pg)
	if err != nil {
		c.fail(w, r, v, err, "evaluations", page)
		return
	}
	c.render(w, r, v, http.StatusOK, "evaluations", page)
}

type evaluationPage struct {
	E              evaluation.Evaluation
	Rectifications []evaluation.Rectification
	// CanAnswer, CanScore and CanFind offer the forms of each party.
	CanAnswer, CanScore, CanFind bool
	// The forms as typed when one failed: Item names the item, Step the form.
	Step, Item, Text, Points, Comment string
	Finding, Requirement, Days        string
}

func (c *console) loadEvaluationPage(r *http.Request, v *view) (evaluationPage, error) {
	ctx, p := r.Context(), *v.User
	e, err := c.Evaluation.Evaluation(ctx, p, r.PathValue("id"))
	if err != nil {
		return evaluationPage{}, err
	}
	page := evaluationPage{E: e,
		CanAnswer: e.State == evaluation.Opened && p.OrgID == e.OperatorID && access.Permits(p, access.EvaluationAnswer),
		CanScore:  (e.State == evaluation.Answered || e.State == evaluation.Opened && e.Overdue) && c.unitMay(ctx, p, access.EvaluationScore, e.UnitID),
		CanFind:   e.State == evaluation.Finalised && c.unitMay(ctx, p, access.RectificationCreate, e.UnitID)}
	page.Rectifications, _, err = c.Evaluation.Rectifications(ctx, p, evaluation.RectificationFilter{EvaluationID: e.ID}, pageOfAll())
	return page, err
}

func (c *console) evaluationShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.evaluation"
	page, err := c.loadEvaluationPage(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "evaluation", page)
}

func (c *console) evaluationFailed(w http.ResponseWriter, r *http.Request, v *view, err error, typed func(*evaluationPage)) {
	v.Title = "title.evaluation"
	page, perr := c.loadEvaluationPage(r, v)
	if perr != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	typed(&page)
	c.fail(w, r, v, err, "evaluation", page)
}

func evaluationPath(id string) string { return "/console/evaluations/" + url.PathEscape(id) }

// evidenceForm reads an upload form of one text field and evidence files
// (parts named file), in that order. The files wait in temporary files,
// each read to one byte past the largest the service takes, so that it can
// refuse with its own message, and handed over together: the service
// stores all or none. done removes them.
func (c *console) evidenceForm(mr *multipart.Reader, field string) (text string, files []evaluation.Upload, done func(), err error) {
	var temps []*os.File
	done = func() {
		for _, f := range temps {
			f.Close()
			os.Remove(f.Name())
		}
	}
	for len(files) <= evaluation.MaxFiles { // one past the limit, for the service to refuse
		part, perr := mr.NextPart()
		if errors.Is(perr, io.EOF) {
			break
		}
		if perr != nil {
			return text, files, done, decodeError(perr)
		}
		switch {
		case part.FormName() == field:
			b, _ := io.ReadAll(io.LimitReader(part, 64<<10))
			text = strings.TrimSpace(string(b))
		case part.FormName() == "file" && part.FileName() != "":
			f, err := os.CreateTemp("", "shuyu-evidence-*")
			if err != nil {
				return text, files, done, err
			}
			temps = append(temps, f)
			if _, err := io.Copy(f, io.LimitReader(part, c.Evaluation.MaxFileBytes()+1)); err != nil {
				return text, files, done, decodeError(err)
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return text, files, done, err
			}
			files = append(files, evaluation.Upload{Filename: part.FileName(), Body: f})
		}
	}
	return text, files, done, nil
}

// evaluationAnswer records the operator's answer to one item, with the
// evidence files chosen (files add to those sent before).
func (c *console) evaluationAnswer(w http.ResponseWriter, r *http.Request, v *view) {
	item := r.PathValue("item")
	text, files, done, err := c.evidenceForm(v.parts, "answer")
	defer done()
	if err == nil {
		in := evaluation.AnswerInput{Answer: text, Files: files}
		var e evaluation.Evaluation
		if e, err = c.Evaluation.Answer(r.Context(), *v.User, r.PathValue("id"), item, in); err == nil {
			c.seeOther(w, r, evaluationPath(e.ID)+"#item-"+url.PathEscape(item), "flash.evaluation_answered")
			return
		}
	}
	io.CopyN(io.Discard, r.Body, 1<<20)
	c.evaluationFailed(w, r, v, err, func(p *evaluationPage) { p.Step, p.Item, p.Text = "answer", item, text })
}

func (c *console) evaluationScore(w http.ResponseWriter, r *http.Request, v *view) {
	item, points, comment := r.PathValue("item"), formValue(r, "points"), formValue(r, "comment")
	in := evaluation.ScoreInput{Comment: comment}
	if f, err := strconv.ParseFloat(points, 64); err == nil {
		in.Points = &f
	}
	e, err := c.Evaluation.Score(r.Context(), *v.User, r.PathValue("id"), item, in)
	if err == nil {
		c.seeOther(w, r, evaluationPath(e.ID)+"#item-"+url.PathEscape(item), "flash.evaluation_scored")
		return
	}
	c.evaluationFailed(w, r, v, err, func(p *evaluationPage) { p.Step, p.Item, p.Points, p.Comment = "score", item, points, comment })
}

// evaluationAct takes a step of the evaluation: submit, return, grade,
// revise, finalise; a comment where the step asks for one.
func (c *console) evaluationAct(step fsm.Action) consoleHandler {
	return func(w http.ResponseWriter, r *http.Request, v *view) {
		comment, days := formValue(r, "comment"), formValue(r, "days")
		n, _ := strconv.Atoi(days)
		e, err := c.Evaluation.Step(r.Context(), *v.User, r.PathValue("id"), step, evaluation.StepInput{Comment: comment, Days: n})
		if err == nil {
			c.seeOther(w, r, evaluationPath(e.ID), "flash.evaluation_"+string(step))
			return
		}
		c.evaluationFailed(w, r, v, err, func(p *evaluationPage) { p.Step, p.Comment, p.Days = string(step), comment, days })
	}
}

// rectificationCreate turns a finding of a finalised evaluation into a task.
func (c *console) rectificationCreate(w http.ResponseWriter, r *http.Request, v *view) {
	in := evaluation.FindingInput{ItemKey: formValue(r, "item_key"), Finding: formValue(r, "finding"), Requirement: formValue(r, "requirement")}
	days := formValue(r, "days")
	in.Days, _ = strconv.Atoi(days)
	t, err := c.Evaluation.CreateRectification(r.Context(), *v.User, r.PathValue("id"), in)
	if err == nil {
		c.seeOther(w, r, "/console/rectifications/"+url.PathEscape(t.ID), "flash.rectification_created", t.DueDay)
		return
	}
	c.evaluationFailed(w, r, v, err, func(p *evaluationPage) {
		p.Step, p.Item, p.Finding, p.Requirement, p.Days = "find", in.ItemKey, in.Finding, in.Requirement, days
	})
}

func (c *console) evaluationDownload(w http.ResponseWriter, r *http.Request, v *view) {
	f, body, err := c.Evaluation.EvaluationFile(r.Context(), *v.User, r.PathValue("id"), r.PathValue("file"))
	if err != nil {
		v.Title = "title.evaluation"
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.sendFile(w, r, f, body)
}
