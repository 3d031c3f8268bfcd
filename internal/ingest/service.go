package ingest

import (
	"context"
	"fmt"
	"io"
	"os"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
	"shuyu/internal/domain"
	"shuyu/internal/identity"
)

// Service brings sources into the domain.
type Service struct {
	catalog *catalog.Service
	domain  *domain.Domain
	ids     *identity.Service
}

// New returns the ingest service.
func New(c *catalog.Service, d *domain.Domain, ids *identity.Service) *Service {
	return &Service{catalog: c, domain: d, ids: ids}
}

// Upload is a source a provider sends.
type Upload struct {
	Dataset  string // ID or name of the catalog entry
	Body     io.Reader
	Filename string // to guess the format when not declared
	Format   string // csv, xlsx or parquet; guessed when empty
	Encoding string // of CSV: utf-8, gbk or gb18030; detected when empty
	// Progress, when set, hears the bytes read so far.
	Progress func(int64)
}

// Result is a stored version and what the detector suggests about it.
type Result struct {
	Version     domain.Version       `json:"version"`
	Suggestions []catalog.Suggestion `json:"suggestions"`
}

// Authorize returns the entry ref if p may upload versions of it: callers
// ask before they read an upload, so a refusal comes before any parsing.
func (s *Service) Authorize(ctx context.Context, p access.Principal, ref string) (catalog.Dataset, error) {
	d, err := s.catalog.Get(ctx, p, ref)
	if err != nil {
		return d, err
	}
	provider, err := s.ids.Lookup(ctx, d.ProviderID)
	if err != nil {
		return d, err
	}
	return d, access.Check(p, access.DatasetUpload, provider.Resource())
}

// Upload stores a new version of a catalog entry from u.
func (s *Service) Upload(ctx context.Context, p access.Principal, u Upload) (Result, error) {
	d, err := s.Authorize(ctx, p, u.Dataset)
	if err != nil {
		return Result{}, err
	}
	raw, err := s.domain.TempFile("upload-*")
	if err != nil {
		return Result{}, err
	}
	defer os.Remove(raw.Name())
	sp, err := spool(u.Body, raw, s.domain.MaxSourceBytes(), u.Progress)
	if err != nil {
		return Result{}, err
	}
	f, err := format(u.Format, u.Filename, sp.head)
	if err != nil {
		return Result{}, err
	}
	in := domain.Input{DatasetID: d.ID, Columns: columnsOf(d), Path: sp.path, Parquet: f == Parquet,
		Source: domain.Source{Format: f, Bytes: sp.bytes, SHA256: sp.sha256}}
	if in.Path, in.Source.Encoding, err = s.prepare(f, u.Encoding, sp.path, in.Columns); err != nil {
		return Result{}, err
	}
	if in.Path != sp.path {
		defer os.Remove(in.Path)
	}
	v, err := s.domain.Store(ctx, p.Actor(), in)
	if err != nil {
		return Result{}, err
	}
	sample, err := s.domain.Sample(ctx, v, textColumns(d), 1000)
	if err != nil {
		return Result{}, fmt.Errorf("ingest: sample for detection: %w", err)
	}
	suggestions, err := s.catalog.Suggest(ctx, d.ID, v.ID, catalog.Detect(sample))
	return Result{Version: v, Suggestions: suggestions}, err
}

// prepare turns a spooled source into what the engine reads: UTF-8 CSV or
// Parquet. It returns the path to read and the source's encoding.
func (s *Service) prepare(f, declared, path string, columns []domain.Column) (string, string, error) {
	switch f {
	case Parquet:
		return path, "", nil
	case XLSX:
		out, err := s.domain.TempFile("xlsx-*.csv")
		if err != nil {
			return "", "", err
		}
		if err := xlsxToCSV(path, out, columns); err != nil {
			os.Remove(out.Name())
			return "", "", err
		}
		return out.Name(), "", nil
	}
	enc, err := encoding(declared, path)
	if err != nil || enc == UTF8 {
		return path, enc, err
	}
	out, err := s.domain.TempFile("utf8-*.csv")
	if err != nil {
		return "", "", err
	}
	if err := transcode(path, out); err != nil {
		os.Remove(out.Name())
		return "", "", err
	}
	return out.Name(), enc, nil
}

func columnsOf(d catalog.Dataset) []domain.Column {
	out := make([]domain.Column, len(d.Fields))
	for i, f := range d.Fields {
		out[i] = domain.Column{Name: f.Name, Type: string(f.Type)}
	}
	return out
}

// textColumns are the fields the detector looks at: sensitive identifiers
// are stored as text.
func textColumns(d catalog.Dataset) []string {
	var out []string
	for _, f := range d.Fields {
		if f.Type == catalog.Text {
			out = append(out, f.Name)
		}
	}
	return out
}

// MaxUploadBytes is the largest source accepted.
func (s *Service) MaxUploadBytes() int64 { return s.domain.MaxSourceBytes() }
