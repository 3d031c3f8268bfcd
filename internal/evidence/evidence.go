package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"shuyu/internal/errs"
)

// kind is an accepted type: the name people know it by, the media type
// stored, and what http.DetectContentType must find in its first bytes.
// OFD (the Chinese fixed-layout document format) and Office documents are
// ZIP containers.
type kind struct{ name, media, sniffed string }

var kinds = map[string]kind{
	".pdf":  {"PDF", "application/pdf", "application/pdf"},
	".ofd":  {"OFD", "application/ofd", "application/zip"},
	".png":  {"PNG", "image/png", "image/png"},
	".jpg":  {"JPEG", "image/jpeg", "image/jpeg"},
	".jpeg": {"JPEG", "image/jpeg", "image/jpeg"},
	".txt":  {"TXT (UTF-8)", "text/plain; charset=utf-8", "text/plain; charset=utf-8"},
	".docx": {"DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"},
	".xlsx": {"XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"},
	".zip":  {"ZIP", "application/zip", "application/zip"},
}

// Store keeps evidence files under one directory.
type Store struct {
	dir    string
	max    int64
	accept map[string]kind
	names  string // the accepted types, for messages
}

// New returns a store under dir that accepts files of at most max bytes
// with the given extensions (".pdf", ".png", …). An extension this package
// does not know is a programming error and panics at start.
func New(dir string, max int64, exts ...string) *Store {
	s := &Store{dir: dir, max: max, accept: map[string]kind{}}
	var names []string
	for _, ext := range exts {
		k, ok := kinds[ext]
		if !ok {
			panic(fmt.Sprintf("evidence: unknown type %q", ext))
		}
		s.accept[ext] = k
		if !slices.Contains(names, k.name) {
			names = append(names, k.name)
		}
	}
	s.names = strings.Join(names, ", ")
	return s
}

// Staged is a received file under a temporary name, not yet kept.
type Staged struct {
	Filename  string // the base name sent, cleaned
	MediaType string
	Size      int64
	SHA256    string // hex
	tmp       string
}

// Stage receives one file, streaming it to a temporary file while it counts
// and hashes it, and refuses a name, type, content or size outside the
// limits with an error that says which. Refused, it leaves nothing behind.
func (s *Store) Stage(filename string, body io.Reader) (Staged, error) {
	name := filepath.Base(strings.ReplaceAll(strings.TrimSpace(filename), `\`, "/"))
	if name == "." || name == "/" || utf8.RuneCountInString(name) > 200 || strings.ContainsFunc(name, unicode.IsControl) {
		return Staged{}, errs.E(errs.Invalid, "file %q: give a file name of at most 200 characters, without control characters", filename)
	}
	ext := strings.ToLower(filepath.Ext(name))
	k, ok := s.accept[ext]
	if !ok {
		return Staged{}, errs.E(errs.Invalid, "file %s: this type is not accepted as evidence; send %s", name, s.names)
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return Staged{}, fmt.Errorf("evidence: directory: %w", err)
	}
	f, err := os.CreateTemp(s.dir, "upload-*")
	if err != nil {
		return Staged{}, fmt.Errorf("evidence: %w", err)
	}
	h, head := sha256.New(), &prefix{n: 512} // all DetectContentType reads
	n, err := io.Copy(io.MultiWriter(f, h, head), io.LimitReader(body, s.max+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		err = errs.E(errs.Invalid, "file %s could not be received: %v", name, err)
	case n > s.max:
		err = errs.E(errs.TooLarge, "file %s is larger than %d bytes; send a smaller scan or split it", name, s.max)
	case n == 0:
		err = errs.E(errs.Invalid, "file %s is empty", name)
	case http.DetectContentType(head.b) != k.sniffed:
		err = errs.E(errs.Invalid, "file %s is not the %s its name says; send the document itself", name, strings.ToUpper(ext[1:]))
	}
	if err != nil {
		os.Remove(f.Name())
		return Staged{}, err
	}
	return Staged{Filename: name, MediaType: k.media, Size: n, SHA256: hex.EncodeToString(h.Sum(nil)), tmp: f.Name()}, nil
}

// Keep moves a staged file to its place under key. Called in the
// transaction that records it; should the commit fail, the caller removes
// it again if the key is its own. A file kept already under key (the same
// bytes, when keys are hashes) stays, and the staged copy goes.
func (s *Store) Keep(st Staged, key string) error {
	dst := s.path(key)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	if _, err := os.Stat(dst); err == nil {
		return os.Remove(st.tmp)
	}
	if err := os.Rename(st.tmp, dst); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	return nil
}

// Discard removes the temporary files of staged uploads; for those kept
// already the name is gone and nothing happens.
func (s *Store) Discard(sts ...Staged) {
	for _, st := range sts {
		os.Remove(st.tmp)
	}
}

// Remove deletes kept files; one already gone is no error.
func (s *Store) Remove(keys ...string) error {
	for _, key := range keys {
		if err := os.Remove(s.path(key)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("evidence %s: %w", key, err)
		}
	}
	return nil
}

// Open returns a kept file for reading.
func (s *Store) Open(key string) (*os.File, error) {
	f, err := os.Open(s.path(key))
	if err != nil {
		return nil, fmt.Errorf("evidence %s: %w", key, err)
	}
	return f, nil
}

// path places a file by its key; the last two characters (random in IDs,
// which begin with the time, and in hashes) spread the files over
// subdirectories.
func (s *Store) path(key string) string { return filepath.Join(s.dir, key[len(key)-2:], key) }

// prefix keeps the first n bytes written.
type prefix struct {
	b []byte
	n int
}

func (w *prefix) Write(p []byte) (int, error) {
	if room := w.n - len(w.b); room > 0 {
		w.b = append(w.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
