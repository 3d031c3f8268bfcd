package tender

import (
	"context"
	"sort"

	"shuyu/internal/access"
	"shuyu/internal/store"
)

// RankRow is an application's standing in its selection.
type RankRow struct {
	ApplicationID string `json:"application_id"`
	Operator      Org    `json:"operator"`
	Eligible      bool   `json:"eligible"`
	// Evaluators counts who scored; Means is each criterion's mean score,
	// Total their sum weighted by the criteria (0–100).
	Evaluators int       `json:"evaluators"`
	Means      []float64 `json:"means"`
	Total      float64   `json:"total"`
}

// Ranking is a selection's standing: eligible, scored applications by
// total, best first, then the others.
type Ranking struct {
	Rows      []RankRow `json:"rows"`
	Unchecked int       `json:"unchecked"` // applications awaiting the eligibility check
}

// position returns where application id stands among the eligible, scored
// applications, or -1.
func (r Ranking) position(id string) int {
	i := r.find(id)
	if i < 0 || !r.Rows[i].Eligible || r.Rows[i].Evaluators == 0 {
		return -1
	}
	return i
}

func (r Ranking) find(id string) int {
	for i, row := range r.Rows {
		if row.ApplicationID == id {
			return i
		}
	}
	return -1
}

// Ranking returns the standing of announcement id's applications, for the
// unit and those overseeing it.
func (s *Service) Ranking(ctx context.Context, p access.Principal, id string) (Ranking, error) {
	a, err := getAnnouncement(ctx, s.db, id, "")
	if err != nil {
		return Ranking{}, err
	}
	u, err := s.unitOf(ctx, a)
	if err != nil {
		return Ranking{}, err
	}
	if err := access.Check(p, access.ApplicationRead, u.Resource()); err != nil {
		return Ranking{}, err
	}
	return s.ranking(ctx, s.db, a)
}

func (s *Service) ranking(ctx context.Context, q store.Querier, a Announcement) (Ranking, error) {
	r := Ranking{Rows: []RankRow{}}
	idx := map[string]int{}
	err := each(ctx, q, `SELECT ap.id, ap.operator_id, o.name, ap.state FROM applications ap JOIN organizations o ON o.id = ap.operator_id
		WHERE ap.announcement_id = $1 ORDER BY ap.id`, a.ID, func(row scanner) error {
		var rr RankRow
		var state string
		if err := row.Scan(&rr.ApplicationID, &rr.Operator.ID, &rr.Operator.Name, &state); err != nil {
			return err
		}
		rr.Eligible, rr.Means = state == string(Eligible), make([]float64, len(a.Criteria))
		if state == string(Submitted) {
			r.Unchecked++
		}
		idx[rr.ApplicationID] = len(r.Rows)
		r.Rows = append(r.Rows, rr)
		return nil
	})
	if err != nil {
		return r, err
	}
	err = each(ctx, q, `SELECT sc.application_id, sc.criterion, CAST(avg(sc.score) AS DOUBLE PRECISION), count(*) FROM application_scores sc
		JOIN applications ap ON ap.id = sc.application_id WHERE ap.announcement_id = $1 GROUP BY sc.application_id, sc.criterion`,
		a.ID, func(row scanner) error {
			var (
				app  string
				c, n int
				mean float64
			)
			if err := row.Scan(&app, &c, &mean, &n); err != nil {
				return err
			}
			if i, ok := idx[app]; ok && c < len(a.Criteria) {
				rr := &r.Rows[i]
				rr.Means[c], rr.Evaluators = mean, n
				rr.Total += mean * float64(a.Criteria[c].Weight) / 100
			}
			return nil
		})
	sort.SliceStable(r.Rows, func(i, j int) bool {
		ri, rj := r.Rows[i], r.Rows[j]
		si, sj := ri.Eligible && ri.Evaluators > 0, rj.Eligible && rj.Evaluators > 0
		if si != sj {
			return si
		}
		return ri.Total > rj.Total
	})
	return r, err
}
