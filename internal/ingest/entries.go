package ingest

import (
	"context"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
	"shuyu/internal/domain"
	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// Entry is a catalog entry with its current version, as providers and the
// platform list them.
type Entry struct {
	catalog.Dataset
	CurrentVersion *VersionSummary `json:"current_version"`
}

// VersionSummary is what a listing shows of a version.
type VersionSummary struct {
	ID        string    `json:"id"`
	Seq       int       `json:"seq"`
	Rows      int64     `json:"rows"`
	SHA256    string    `json:"sha256"`
	CreatedAt time.Time `json:"created_at"`
}

func summary(v domain.Version) *VersionSummary {
	return &VersionSummary{ID: v.ID, Seq: v.Seq, Rows: v.Rows, SHA256: v.SHA256, CreatedAt: v.CreatedAt}
}

// Entries lists the catalog entries p may see, each with its current version.
func (s *Service) Entries(ctx context.Context, p access.Principal, page store.Page) ([]Entry, string, error) {
	ds, next, err := s.catalog.List(ctx, p, page)
	if err != nil {
		return nil, "", err
	}
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	current, err := s.domain.CurrentOf(ctx, ids)
	if err != nil {
		return nil, "", err
	}
	out := make([]Entry, len(ds))
	for i, d := range ds {
		out[i] = Entry{Dataset: d}
		if v, ok := current[d.ID]; ok {
			out[i].CurrentVersion = summary(v)
		}
	}
	return out, next, nil
}

// Entry returns one catalog entry with its current version.
func (s *Service) Entry(ctx context.Context, p access.Principal, ref string) (Entry, error) {
	d, err := s.catalog.Get(ctx, p, ref)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Dataset: d}
	v, err := s.domain.Current(ctx, d.ID)
	switch {
	case err == nil:
		e.CurrentVersion = summary(v)
	case !errs.Is(err, errs.NotFound):
		return e, err
	}
	return e, nil
}

// Versions lists the versions of an entry, newest first.
func (s *Service) Versions(ctx context.Context, p access.Principal, ref string) ([]domain.Version, error) {
	d, err := s.catalog.Get(ctx, p, ref)
	if err != nil {
		return nil, err
	}
	vs, err := s.domain.Versions(ctx, d.ID)
	if vs == nil {
		vs = []domain.Version{}
	}
	return vs, err
}
