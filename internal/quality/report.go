package quality

import (
	"context"
	"strconv"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
	"shuyu/internal/domain"
	"shuyu/internal/errs"
)

// VersionInfo is what a report says of the version it is about.
type VersionInfo struct {
	ID        string    `json:"id"`
	Seq       int       `json:"seq"`
	Rows      int64     `json:"rows"`
	CreatedAt time.Time `json:"created_at"`
	Current   bool      `json:"current"`
}

// TicketCounts are an entry's tickets waiting for the provider.
type TicketCounts struct {
	Open    int `json:"open"`    // not answered yet
	Overdue int `json:"overdue"` // of those, past their deadline
}

// Report is the quality of a catalog entry: a version's results, the
// current version's timeliness and the tickets waiting.
type Report struct {
	DatasetID  string `json:"dataset_id"`
	Dataset    string `json:"dataset"`
	Title      string `json:"title"`
	ProviderID string `json:"provider_id"`
	Provider   string `json:"provider"`
	// Version and Assessment are null while the entry has no version.
	Version    *VersionInfo `json:"version"`
	Assessment *Assessment  `json:"assessment"`
	Timeliness Timeliness   `json:"timeliness"`
	Tickets    TicketCounts `json:"tickets"`
}

// Report returns the quality of entry ref for a caller who reaches it: of
// its current version, or of versionID (an ID or a sequence number). A
// version not assessed under the rules in force is assessed now.
func (s *Service) Report(ctx context.Context, p access.Principal, ref, versionID string) (Report, error) {
	d, o, err := s.entry(ctx, p, ref, access.QualityRead)
	if err != nil {
		return Report{}, err
	}
	r := Report{DatasetID: d.ID, Dataset: d.Name, Title: d.Title, ProviderID: d.ProviderID, Provider: o.Name}
	versions, err := s.domain.Versions(ctx, d.ID)
	if err != nil {
		return r, err
	}
	var current *time.Time
	if len(versions) > 0 {
		current = &versions[0].CreatedAt
	}
	r.Timeliness = timeliness(d.Frequency, current, s.db.Now())
	if r.Tickets, err = s.ticketCounts(ctx, d.ID); err != nil {
		return r, err
	}
	v, err := pickVersion(d, versions, versionID)
	if err != nil || v == nil {
		return r, err
	}
	r.Version = &VersionInfo{ID: v.ID, Seq: v.Seq, Rows: v.Rows, CreatedAt: v.CreatedAt, Current: v.ID == versions[0].ID}
	rs, err := s.ruleSet(ctx, s.db, d)
	if err != nil {
		return r, err
	}
	a, err := s.assess(ctx, d, *v, rs)
	if err != nil {
		return r, err
	}
	r.Assessment = &a
	return r, nil
}

// pickVersion finds the version a report is about among versions (newest
// first): the current one when want is empty; nil when there is none.
func pickVersion(d catalog.Dataset, versions []domain.Version, want string) (*domain.Version, error) {
	if want == "" {
		if len(versions) == 0 {
			return nil, nil
		}
		return &versions[0], nil
	}
	for i, v := range versions {
		if v.ID == want || strconv.Itoa(v.Seq) == want {
			return &versions[i], nil
		}
	}
	return nil, errs.E(errs.NotFound, "version: %s has no version %q (give a version ID or sequence number from GET /api/v1/datasets/%s/versions)", d.Name, want, d.Name)
}

// ticketCounts counts an entry's tickets not answered yet.
func (s *Service) ticketCounts(ctx context.Context, datasetID string) (TicketCounts, error) {
	var c TicketCounts
	err := s.db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_at < $2 THEN 1 ELSE 0 END), 0)
		FROM quality_tickets WHERE dataset_id = $1 AND state = $3`, datasetID, s.db.Now(), string(Open)).Scan(&c.Open, &c.Overdue)
	return c, err
}
