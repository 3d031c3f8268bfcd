package tender

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// Upload is an evidence file as it arrives, for one item of Art. 13.
type Upload struct {
	Item     int
	Filename string
	Body     io.Reader
}

// evidence are the accepted types: by extension, the media type kept and
// the first bytes the content must start with. OFD (the Chinese fixed-layout
// document format) and XLSX are ZIP containers.
var evidence = map[string]struct {
	media string
	magic []byte
}{
	".pdf":  {"application/pdf", []byte("%PDF-")},
	".png":  {"image/png", []byte("\x89PNG\r\n\x1a\n")},
	".jpg":  {"image/jpeg", []byte("\xff\xd8\xff")},
	".jpeg": {"image/jpeg", []byte("\xff\xd8\xff")},
	".ofd":  {"application/ofd", []byte("PK\x03\x04")},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []byte("PK\x03\x04")},
}

const evidenceTypes = "PDF, PNG, JPEG, OFD, XLSX"

// fileStore keeps evidence under dir, each file under its own ID (its
// SHA-256 is recorded with it), so that replacing an application removes
// its files without asking who else sent the same bytes.
type fileStore struct {
	dir string
	max int64
}

// staged is a received file under a temporary name, not yet kept.
type staged struct {
	File
	tmp string
}

// stage receives u, streaming it to a temporary file while it counts and
// hashes it, and refuses a name, type or size outside the limits.
func (fs fileStore) stage(u Upload) (staged, error) {
	name := filepath.Base(strings.ReplaceAll(strings.TrimSpace(u.Filename), `\`, "/"))
	if name == "." || name == "/" || utf8.RuneCountInString(name) > 200 {
		return staged{}, errs.E(errs.Invalid, "item %d: file %q: give a file name of at most 200 characters", u.Item, u.Filename)
	}
	kind, ok := evidence[strings.ToLower(filepath.Ext(name))]
	if !ok {
		return staged{}, errs.E(errs.Invalid, "item %d: file %s: this type is not accepted; send %s", u.Item, name, evidenceTypes)
	}
	if err := os.MkdirAll(fs.dir, 0o700); err != nil {
		return staged{}, fmt.Errorf("tender: evidence directory: %w", err)
	}
	f, err := os.CreateTemp(fs.dir, "upload-*")
	if err != nil {
		return staged{}, fmt.Errorf("tender: evidence: %w", err)
	}
	h, head := sha256.New(), &prefix{n: 8}
	n, err := io.Copy(io.MultiWriter(f, h, head), io.LimitReader(u.Body, fs.max+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		err = errs.E(errs.Invalid, "item %d: file %s could not be received: %v", u.Item, name, err)
	case n > fs.max:
		err = errs.E(errs.TooLarge, "item %d: file %s is larger than %d bytes; send a smaller scan or split it", u.Item, name, fs.max)
	case n == 0:
		err = errs.E(errs.Invalid, "item %d: file %s is empty", u.Item, name)
	case !bytes.HasPrefix(head.b, kind.magic):
		err = errs.E(errs.Invalid, "item %d: file %s is not the %s its name says; send the document itself", u.Item, name,
			strings.ToUpper(strings.TrimPrefix(filepath.Ext(name), ".")))
	}
	if err != nil {
		os.Remove(f.Name())
		return staged{}, err
	}
	return staged{tmp: f.Name(), File: File{ID: store.NewID(), Item: u.Item, Filename: name, MediaType: kind.media, Bytes: n,
		SHA256: hex.EncodeToString(h.Sum(nil))}}, nil
}

// keep moves a staged file to its place. Called in the transaction that
// records it: should the commit fail, the caller removes it again.
func (fs fileStore) keep(st staged) error {
	dst := fs.path(st.ID)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("tender: evidence: %w", err)
	}
	if err := os.Rename(st.tmp, dst); err != nil {
		return fmt.Errorf("tender: evidence: %w", err)
	}
	return nil
}

// discard removes files staged or kept for a transaction that failed.
func (fs fileStore) discard(sts []staged) {
	for _, st := range sts {
		os.Remove(st.tmp)
		os.Remove(fs.path(st.ID))
	}
}

// remove deletes kept files; one already gone is no error.
func (fs fileStore) remove(ids []string) error {
	for _, id := range ids {
		if err := os.Remove(fs.path(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("tender: evidence %s: %w", id, err)
		}
	}
	return nil
}

// path places a file by its ID; IDs begin with the time, so the last two
// characters spread the files over subdirectories.
func (fs fileStore) path(id string) string { return filepath.Join(fs.dir, id[len(id)-2:], id) }

func (fs fileStore) open(id string) (*os.File, error) {
	f, err := os.Open(fs.path(id))
	if err != nil {
		return nil, fmt.Errorf("tender: evidence %s: %w", id, err)
	}
	return f, nil
}

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
