package quality

import (
	"cmp"
	"context"
	"slices"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/catalog"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
	"shuyu/internal/store"
)

// Weights say how much each part counts in a provider's overall supply
// score; they sum to 1.
type Weights struct {
	Completeness float64 `json:"completeness"`
	Timeliness   float64 `json:"timeliness"`
	Quality      float64 `json:"quality"`
	Response     float64 `json:"response"`
}

// SupplyWeights are the weights of the supply evaluation: what a provider
// supplies and how well (quality) counts most; that its catalog is
// complete and kept up to date count equally; answering tickets on time
// counts least, as few entries draw tickets.
var SupplyWeights = Weights{Completeness: 0.25, Timeliness: 0.25, Quality: 0.30, Response: 0.20}

// SupplyLine is one provider's evaluation over a period. Scores are 0–100.
type SupplyLine struct {
	Rank           int    `json:"rank"`
	ProviderID     string `json:"provider_id"`
	Provider       string `json:"provider"`
	JurisdictionID string `json:"jurisdiction_id"`
	// Entries are the catalog entries that existed at the end of the
	// period; CompleteEntries those with every field described, classified
	// and graded, and a version by then.
	Entries         int     `json:"entries"`
	CompleteEntries int     `json:"complete_entries"`
	Completeness    float64 `json:"completeness"`
	// Timeliness is the mean share of the period each entry spent with a
	// version within its declared frequency.
	Timeliness float64 `json:"timeliness"`
	// Quality is the mean score of the versions current at the end of the
	// period (under the rules in force now); ScoredEntries had one.
	Quality       float64 `json:"quality"`
	ScoredEntries int     `json:"scored_entries"`
	// Tickets filed in the period: answered on time, overdue (answered
	// late, or unanswered past the deadline), still within their deadline,
	// and withdrawn before it.
	Tickets        int `json:"tickets"`
	AnsweredOnTime int `json:"answered_on_time"`
	Overdue        int `json:"overdue"`
	Pending        int `json:"pending"`
	Withdrawn      int `json:"withdrawn"`
	// Response is 100 × on time / (on time + overdue), 100 without either.
	Response float64 `json:"response"`
	Score    float64 `json:"score"`
}

// SupplyEvaluation is the evaluation of every provider in the caller's
// reach over a period (Art. 7, 24).
type SupplyEvaluation struct {
	From    string       `json:"from"`
	To      string       `json:"to"`
	At      time.Time    `json:"at"`
	Weights Weights      `json:"weights"`
	Items   []SupplyLine `json:"items"`
}

// period turns the dates of a request into [start, end) in Asia/Shanghai;
// to defaults to today, from to the first of January of to's year.
func (s *Service) period(from, to string) (calendar.Date, calendar.Date, time.Time, time.Time, error) {
	var f, t calendar.Date
	var err error
	if to == "" {
		t = calendar.DateOf(s.db.Now())
	} else if t, err = calendar.ParseDate(to); err != nil {
		return f, t, time.Time{}, time.Time{}, errs.E(errs.Invalid, "to: %q is not a date YYYY-MM-DD", to)
	}
	if from == "" {
		f = calendar.NewDate(t.Year(), time.January, 1)
	} else if f, err = calendar.ParseDate(from); err != nil {
		return f, t, time.Time{}, time.Time{}, errs.E(errs.Invalid, "from: %q is not a date YYYY-MM-DD", from)
	}
	if t.Before(f) || t.After(f.AddDays(3660)) {
		return f, t, time.Time{}, time.Time{}, errs.E(errs.Invalid, "from, to: want from ≤ to, at most ten years apart")
	}
	midnight := func(d calendar.Date) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, calendar.Shanghai()).UTC()
	}
	return f, t, midnight(f), midnight(t.AddDays(1)), nil
}

// SupplyEvaluation evaluates, over the days from through to, every provider
// p may evaluate: all in reach for the implementing unit, regulators and
// the administrator; its own for a provider's commissioner.
func (s *Service) SupplyEvaluation(ctx context.Context, p access.Principal, from, to string) (SupplyEvaluation, error) {
	f, t, start, end, err := s.period(from, to)
	if err != nil {
		return SupplyEvaluation{}, err
	}
	if !access.Permits(p, access.SupplyRead) {
		return SupplyEvaluation{}, access.Check(p, access.SupplyRead, access.Resource{})
	}
	providers, err := s.providersFor(ctx, p)
	if err != nil {
		return SupplyEvaluation{}, err
	}
	ev := SupplyEvaluation{From: f.String(), To: t.String(), At: s.db.Now(), Weights: SupplyWeights, Items: []SupplyLine{}}
	entries := map[string][]catalog.Dataset{}
	if len(providers) > 0 {
		all, err := s.allEntries(ctx)
		if err != nil {
			return ev, err
		}
		for _, d := range all {
			entries[d.ProviderID] = append(entries[d.ProviderID], d)
		}
	}
	cutoff := end
	if ev.At.Before(end) {
		cutoff = ev.At
	}
	for _, o := range providers {
		line, err := s.supplyLine(ctx, o, entries[o.ID], start, end, cutoff)
		if err != nil {
			return ev, err
		}
		ev.Items = append(ev.Items, line)
	}
	slices.SortFunc(ev.Items, func(a, b SupplyLine) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Provider, b.Provider))
	})
	for i := range ev.Items {
		ev.Items[i].Rank = i + 1
	}
	return ev, nil
}

// providersFor lists the provider units p may evaluate.
func (s *Service) providersFor(ctx context.Context, p access.Principal) ([]identity.Organization, error) {
	var out []identity.Organization
	page := store.NewPage(store.MaxPageSize, "")
	for {
		orgs, next, err := s.ids.Orgs(ctx, p, page)
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			if o.Kind == access.KindProvider && access.Check(p, access.SupplyRead, o.Resource()) == nil {
				out = append(out, o)
			}
		}
		if next == "" {
			return out, nil
		}
		page.After = next
	}
}
