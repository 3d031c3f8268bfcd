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
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// Service brings sources into the domain.
type Service struct {
	catalog *catalog.Service
	domain  *domain.Domain
	ids     *identity.Service
	pulls   pullConfig
}

// New returns the ingest service.
func New(c *catalog.Service, d *domain.Domain, ids *identity.Service, o Options) *Service {
	return &Service{catalog: c, domain: d, ids: ids, pulls: o.pullConfig()}
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
	// Step, when set, hears what happens once the bytes are in, for people
	// watching a large file.
	Step func(string)

	// origin, for a pull, is the database kind recorded as the source format.
	origin string
	// record, for a pull, runs in the transaction that records the version.
	record func(context.Context, *store.Tx, domain.Version) error
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
	return s.ingest(ctx, p.Actor(), d, u)
}

// ingest turns u into the next version of d: the one path of uploads, the
// command line and pulls. The source is read once, into the domain, while
// being hashed and checked for UTF-8.
func (s *Service) ingest(ctx context.Context, by ledger.Actor, d catalog.Dataset, u Upload) (Result, error) {
	step := u.Step
	if step == nil {
		step = func(string) {}
	}
	raw, err := s.domain.TempFile("upload-*")
	if err != nil {
		return Result{}, err
	}
	defer os.Remove(raw.Name())
	sp, err := spool(ctx, u.Body, raw, s.domain.MaxSourceBytes(), u.Progress)
	if err != nil {
		return Result{}, err
	}
	f, err := format(u.Format, u.Filename, sp.head)
	if err != nil {
		return Result{}, err
	}
	in := domain.Input{DatasetID: d.ID, Columns: columnsOf(d), Path: sp.path, Parquet: f == Parquet, Record: u.record,
		Source: domain.Source{Format: f, Bytes: sp.bytes, SHA256: sp.sha256}}
	if u.origin != "" {
		in.Source.Format = u.origin
	}
	if in.Path, in.Source.Encoding, err = s.prepare(f, u.Encoding, sp, in.Columns, step); err != nil {
		return Result{}, err
	}
	if in.Path != sp.path {
		defer os.Remove(in.Path)
	}
	step("checking every value against the declared types and writing Parquet")
	v, err := s.domain.Store(ctx, by, in)
	if err != nil {
		return Result{}, err
	}
	if s.pulls.AfterVersion != nil {
		s.pulls.AfterVersion(ctx, v)
	}
	step("looking for sensitive fields in a sample")
	sample, err := s.domain.Sample(ctx, v, textColumns(d), 1000)
	if err != nil {
		return Result{Version: v}, fmt.Errorf("ingest: sample for detection: %w", err)
	}
	suggestions, err := s.catalog.Suggest(ctx, d.ID, v.ID, catalog.Detect(sample))
	if suggestions == nil {
		suggestions = []catalog.Suggestion{} // a list in JSON, even when empty
	}
	return Result{Version: v, Suggestions: suggestions}, err
}

// prepare turns a spooled source into what the engine reads: UTF-8 CSV or
// Parquet. It returns the path to read and the source's encoding.
func (s *Service) prepare(f, declared string, sp spooled, columns []domain.Column, step func(string)) (string, string, error) {
	switch f {
	case Parquet:
		return sp.path, "", nil
	case XLSX:
		step("converting the first worksheet")
		path, err := s.converted("xlsx-*.csv", func(out *os.File) error { return xlsxToCSV(sp.path, out, columns) })
		return path, "", err
	}
	enc, err := encoding(declared, sp)
	if err != nil || enc == UTF8 {
		return sp.path, enc, err
	}
	step("converting from GB18030 to UTF-8")
	path, err := s.converted("utf8-*.csv", func(out *os.File) error { return transcode(sp, out, declared != "") })
	return path, enc, err
}

// converted writes a converted copy of a source into the domain, removing
// it when the conversion fails.
func (s *Service) converted(pattern string, convert func(*os.File) error) (string, error) {
	out, err := s.domain.TempFile(pattern)
	if err != nil {
		return "", err
	}
	if err := convert(out); err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
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
