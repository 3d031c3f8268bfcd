package quality

import (
	"context"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
	"shuyu/internal/domain"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
)

// The weights of a provider's score: the quality of what it supplies, and
// whether it supplies it when it said it would.
const (
	QualityWeight    = 0.7
	TimelinessWeight = 0.3
)

// EntryQuality is one entry's part in its provider's score.
type EntryQuality struct {
	DatasetID string `json:"dataset_id"`
	Dataset   string `json:"dataset"`
	Title     string `json:"title"`
	// VersionID is the current version; empty without one.
	VersionID  string     `json:"version_id,omitempty"`
	Score      *float64   `json:"score"`
	Timeliness Timeliness `json:"timeliness"`
}

// ProviderQuality is a provider's score over its entries.
type ProviderQuality struct {
	ProviderID string `json:"provider_id"`
	Provider   string `json:"provider"`
	Entries    int    `json:"entries"`
	// Quality is the mean score of the current versions that have one;
	// null when none has.
	Quality *float64 `json:"quality"`
	// Timeliness is the mean timeliness score over all entries (an entry
	// without a version scores 0).
	Timeliness float64 `json:"timeliness"`
	// Score is QualityWeight × quality (0 when null) + TimelinessWeight × timeliness.
	Score   float64            `json:"score"`
	Weights map[string]float64 `json:"weights"`
	Items   []EntryQuality     `json:"items"`
}

// ProviderQuality returns the score of provider providerID over its
// entries, for callers who may read its supply evaluation.
func (s *Service) ProviderQuality(ctx context.Context, p access.Principal, providerID string) (ProviderQuality, error) {
	o, err := s.provider(ctx, p, providerID)
	if err != nil {
		return ProviderQuality{}, err
	}
	all, err := s.allEntries(ctx)
	if err != nil {
		return ProviderQuality{}, err
	}
	var entries []catalog.Dataset
	for _, d := range all {
		if d.ProviderID == o.ID {
			entries = append(entries, d)
		}
	}
	ids := make([]string, len(entries))
	for i, d := range entries {
		ids[i] = d.ID
	}
	current, err := s.domain.CurrentOf(ctx, ids)
	if err != nil {
		return ProviderQuality{}, err
	}
	pq := ProviderQuality{ProviderID: o.ID, Provider: o.Name, Entries: len(entries), Items: []EntryQuality{},
		Weights: map[string]float64{"quality": QualityWeight, "timeliness": TimelinessWeight}}
	now := s.db.Now()
	var qsum, tsum float64
	var scored int
	for _, d := range entries {
		e := EntryQuality{DatasetID: d.ID, Dataset: d.Name, Title: d.Title}
		var at *time.Time
		if v, ok := current[d.ID]; ok {
			at, e.VersionID = &v.CreatedAt, v.ID
			if e.Score, err = s.versionScore(ctx, d, v); err != nil {
				return pq, err
			}
			if e.Score != nil {
				qsum += *e.Score
				scored++
			}
		}
		e.Timeliness = timeliness(d.Frequency, at, now)
		tsum += e.Timeliness.Score
		pq.Items = append(pq.Items, e)
	}
	var q float64
	if scored > 0 {
		q = round(qsum / float64(scored))
		pq.Quality = &q
	}
	if len(entries) > 0 {
		pq.Timeliness = round(tsum / float64(len(entries)))
	}
	pq.Score = round(QualityWeight*q + TimelinessWeight*pq.Timeliness)
	return pq, nil
}

// provider returns organization id if it is a provider p may evaluate.
func (s *Service) provider(ctx context.Context, p access.Principal, id string) (identity.Organization, error) {
	o, err := s.ids.Lookup(ctx, id)
	if err != nil {
		return o, err
	}
	if err := access.Check(p, access.SupplyRead, o.Resource()); err != nil {
		return o, err
	}
	if o.Kind != access.KindProvider {
		return o, errs.E(errs.Invalid, "%s is a %s, not a provider unit; quality scores belong to providers", o.Name, o.Kind)
	}
	return o, nil
}

// versionScore returns the score of v under its entry's rules in force,
// assessing it first when needed.
func (s *Service) versionScore(ctx context.Context, d catalog.Dataset, v domain.Version) (*float64, error) {
	rs, err := s.ruleSet(ctx, s.db, d)
	if err != nil {
		return nil, err
	}
	a, err := s.assess(ctx, d, v, rs)
	return a.Score, err
}
