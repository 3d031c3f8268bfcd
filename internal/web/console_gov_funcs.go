package web

import (
	"context"
	"fmt"
	"slices"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// govFuncs are the template helpers of the governance pages.
func govFuncs(lang string) map[string]any {
	return map[string]any{
		// code names a code in the reader's language: {{code "plan.state" .State}}
		// looks up "plan.state.draft", and shows the code itself if the
		// catalog has no name for it.
		"code": func(prefix string, v any) string {
			s := fmt.Sprint(v)
			if s == "" {
				return "—"
			}
			if k := prefix + "." + s; hasKey(k) {
				return translate(lang, k)
			}
			return s
		},
		// can says whether the caller may take action now (the service
		// lists them on the object it returns).
		"can": func(actions []fsm.Action, a string) bool { return slices.Contains(actions, fsm.Action(a)) },
		"has": func(list []string, s string) bool { return slices.Contains(list, s) },
		// minute writes an instant to the minute, Beijing time.
		"minute": func(t any) string {
			switch t := t.(type) {
			case time.Time:
				if !t.IsZero() {
					return t.In(calendar.Shanghai()).Format("2006-01-02 15:04")
				}
			case *time.Time:
				if t != nil {
					return t.In(calendar.Shanghai()).Format("2006-01-02 15:04")
				}
			}
			return "—"
		},
		"clausesOf": clausesOf,
		"stepOf":    stepOf,
		"list":      func(s ...string) []string { return s },
		// dict builds a map from pairs of key and value, for a range over
		// forms that differ only in their data.
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"isTrue": func(b *bool) bool { return b != nil && *b },
		"pagerOf": func(path, query, next string, paged bool) pagerView {
			return pagerView{Path: path, Query: query, Next: next, Paged: paged}
		},
		"decisionOf": func(v *view, form string, d decisionValues) decisionForm { return decisionForm{V: v, Form: form, D: d} },
	}
}

// clause is an Art. 14 clause of an agreement as the page lists it.
type clause struct{ Name, Text string }

func clausesOf(t agreement.Terms) []clause {
	vals := valuesOfTerms(t)
	out := make([]clause, len(clauseNames))
	for i, n := range clauseNames {
		out[i] = clause{Name: n, Text: vals[n]}
	}
	return out
}

// stepFormView is what the "step-comment" template draws: the form of one
// step of an evaluation or a rectification, with a comment and, for the
// steps that set a new deadline, working days; as typed when it failed.
type stepFormView struct {
	V                  *view
	Action, Step       string
	Typed, Days        bool
	Comment, DaysValue string
}

func stepOf(v *view, action string, step any, failed, comment, days string) stepFormView {
	s := fmt.Sprint(step)
	f := stepFormView{V: v, Action: action, Step: s, Typed: s == failed, Days: s == "return" || s == "reject"}
	if f.Typed {
		f.Comment, f.DaysValue = comment, days
	}
	return f
}

// pagerView is what the "pager" template draws: links to the first page
// and the next of the list at Path filtered by Query.
type pagerView struct {
	Path, Query, Next string
	Paged             bool
}

// decisionForm is what the "decision" template draws: the inputs of a
// decision record in form Form, as typed in D, with the errors of v.
type decisionForm struct {
	V    *view
	Form string
	D    decisionValues
}

// unitMay says whether p may take action on what implementing unit unitID
// runs, as the policy decides: pages use it to offer a form, and the
// services check again when it is sent.
func (c *console) unitMay(ctx context.Context, p access.Principal, action access.Action, unitID string) bool {
	if !access.Permits(p, action) {
		return false
	}
	u, err := c.Identity.Lookup(ctx, unitID)
	return err == nil && access.Check(p, action, u.Resource()) == nil
}

// errNoSuchStep: a step the form names that does not exist.
var errNoSuchStep = &uiError{code: errs.NotFound, key: "error.no_page"}

// listPage is the paging of a governance list.
type listPage struct {
	Next  string
	Paged bool
}

// pageOf reads the cursor of a list page; lists show 30 at a time.
func pageOf(after string) (store.Page, listPage) {
	return store.NewPage(30, after), listPage{Paged: after != ""}
}

// decisionValues is a collective-decision record as typed (三重一大).
type decisionValues struct{ Meeting, Number, Date string }

// pageOfAll reads the lists an object's page shows whole (an announcement's
// applications): the largest page there is.
func pageOfAll() store.Page { return store.NewPage(500, "") }
