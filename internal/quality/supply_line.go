package quality

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"shuyu/internal/catalog"
	"shuyu/internal/identity"
)

// supplyLine evaluates one provider over [start, end); cutoff is the
// earlier of end and now, the last instant anything can have happened.
func (s *Service) supplyLine(ctx context.Context, o identity.Organization, entries []catalog.Dataset, start, end, cutoff time.Time) (SupplyLine, error) {
	l := SupplyLine{ProviderID: o.ID, Provider: o.Name, JurisdictionID: o.JurisdictionID}
	var tsum, qsum float64
	var timed int
	for _, d := range entries {
		if !d.CreatedAt.Before(end) {
			continue
		}
		l.Entries++
		versions, err := s.domain.Versions(ctx, d.ID) // newest first
		if err != nil {
			return l, err
		}
		var times []time.Time
		current := -1
		for i, v := range versions {
			if v.CreatedAt.Before(cutoff) {
				times = append(times, v.CreatedAt)
				if current < 0 {
					current = i
				}
			}
		}
		if described(d) && current >= 0 {
			l.CompleteEntries++
		}
		from := start
		if d.CreatedAt.After(from) {
			from = d.CreatedAt // an entry counts from when it was listed
		}
		if from.Before(cutoff) {
			tsum += freshShare(d.Frequency.Period(), times, from, cutoff)
			timed++
		}
		if current >= 0 {
			score, err := s.versionScore(ctx, d, versions[current])
			if err != nil {
				return l, err
			}
			if score != nil {
				qsum += *score
				l.ScoredEntries++
			}
		}
	}
	if l.Entries > 0 {
		l.Completeness = round(100 * float64(l.CompleteEntries) / float64(l.Entries))
	}
	if timed > 0 {
		l.Timeliness = round(100 * tsum / float64(timed))
	}
	if l.ScoredEntries > 0 {
		l.Quality = round(qsum / float64(l.ScoredEntries))
	}
	if err := s.ticketResponse(ctx, &l, start, end, cutoff); err != nil {
		return l, err
	}
	w := SupplyWeights
	l.Score = round(w.Completeness*l.Completeness + w.Timeliness*l.Timeliness + w.Quality*l.Quality + w.Response*l.Response)
	return l, nil
}

// described reports whether every field of an entry is described (a title
// or a description), classified and graded.
func described(d catalog.Dataset) bool {
	if len(d.Fields) == 0 {
		return false
	}
	for _, f := range d.Fields {
		if (f.Title == "" && f.Description == "") || f.Classification == "" || f.Grade == "" {
			return false
		}
	}
	return true
}

// ticketResponse counts the provider's tickets filed in [start, end) by
// how they were answered.
func (s *Service) ticketResponse(ctx context.Context, l *SupplyLine, start, end, cutoff time.Time) error {
	rows, err := s.db.Query(ctx, `SELECT due_at, answered_at, closed_at FROM quality_tickets
		WHERE provider_id = $1 AND filed_at >= $2 AND filed_at < $3`, l.ProviderID, start, end)
	if err != nil {
		return fmt.Errorf("quality: tickets of %s: %w", l.Provider, err)
	}
	defer rows.Close()
	for rows.Next() {
		var due time.Time
		var answered, closed sql.NullTime
		if err := rows.Scan(&due, &answered, &closed); err != nil {
			return err
		}
		l.Tickets++
		switch {
		case answered.Valid && !answered.Time.After(due):
			l.AnsweredOnTime++
		case answered.Valid:
			l.Overdue++
		case closed.Valid && !closed.Time.After(due):
			l.Withdrawn++
		case due.Before(cutoff):
			l.Overdue++
		default:
			l.Pending++
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	l.Response = 100
	if n := l.AnsweredOnTime + l.Overdue; n > 0 {
		l.Response = round(100 * float64(l.AnsweredOnTime) / float64(n))
	}
	return nil
}
