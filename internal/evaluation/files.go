package evaluation

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"shuyu/internal/errs"
)

// Upload is an evidence file as it arrives.
type Upload struct {
	Filename string
	Body     io.Reader
}

// File is a stored evidence file, attached to an item of an evaluation or
// to a rectification report.
type File struct {
	ID         string    `json:"id"`
	ItemKey    string    `json:"item_key,omitempty"`
	Filename   string    `json:"filename"`
	MediaType  string    `json:"media_type"`
	Size       int64     `json:"size"`
	SHA256     string    `json:"sha256"`
	UploadedBy string    `json:"uploaded_by"`
	UploadedAt time.Time `json:"uploaded_at"`
}

// evidenceTypes are the file types accepted as evidence: by extension, the
// media type stored and what content sniffing must find. Office documents
// and OFD (the Chinese electronic document format) are ZIP containers.
var evidenceTypes = map[string]struct{ media, sniffed string }{
	".pdf":  {"application/pdf", "application/pdf"},
	".ofd":  {"application/ofd", "application/zip"},
	".png":  {"image/png", "image/png"},
	".jpg":  {"image/jpeg", "image/jpeg"},
	".jpeg": {"image/jpeg", "image/jpeg"},
	".txt":  {"text/plain; charset=utf-8", "text/plain; charset=utf-8"},
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"},
	".zip":  {"application/zip", "application/zip"},
}

const acceptedTypes = "pdf, ofd, png, jpg, txt (UTF-8), docx, xlsx, zip"

// fileStore keeps evidence files under dir, each named by its SHA-256, so
// that a file sent twice is stored once and its name proves its content.
type fileStore struct {
	dir string
	max int64
}

// staged is a received file written to a temporary name, not yet kept.
type staged struct {
	File
	tmp string
}

// stage receives one upload: it checks the name and type, counts the size
// against the limit and hashes the content while writing it to a
// temporary file.
func (fs *fileStore) stage(u Upload) (staged, error) {
	name := filepath.Base(strings.ReplaceAll(strings.TrimSpace(u.Filename), `\`, "/"))
	if name == "." || name == "/" || name == "" || utf8.RuneCountInString(name) > 200 || strings.ContainsFunc(name, unicode.IsControl) {
		return staged{}, errs.E(errs.Invalid, "file %q: give a file name of at most 200 characters, without control characters", u.Filename)
	}
	kind, ok := evidenceTypes[strings.ToLower(filepath.Ext(name))]
	if !ok {
		return staged{}, errs.E(errs.Invalid, "file %q: this type is not accepted as evidence; send one of %s", name, acceptedTypes)
	}
	if err := os.MkdirAll(fs.dir, 0o700); err != nil {
		return staged{}, fmt.Errorf("evaluation: evidence directory: %w", err)
	}
	f, err := os.CreateTemp(fs.dir, "upload-*")
	if err != nil {
		return staged{}, fmt.Errorf("evaluation: evidence: %w", err)
	}
	st := staged{tmp: f.Name(), File: File{Filename: name, MediaType: kind.media}}
	h := sha256.New()
	head := &headWriter{limit: 512}
	n, err := io.Copy(io.MultiWriter(f, h, head), io.LimitReader(u.Body, fs.max+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		err = errs.E(errs.Invalid, "file %s: could not be received: %v", name, err)
	case n > fs.max:
		err = errs.E(errs.TooLarge, "file %s: larger than %d bytes; split it or send a smaller scan", name, fs.max)
	case n == 0:
		err = errs.E(errs.Invalid, "file %s: empty", name)
	case http.DetectContentType(head.buf) != kind.sniffed:
		err = errs.E(errs.Invalid, "file %s: its content is not what its name says (%s); send the document itself", name, strings.TrimPrefix(filepath.Ext(name), "."))
	}
	if err != nil {
		os.Remove(st.tmp)
		return staged{}, err
	}
	st.Size, st.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	return st, nil
}

// keep moves a staged file to its place. Called inside the transaction
// that records it: should the commit then fail, the file stays unreferenced,
// which is harmless (its name is its content).
func (fs *fileStore) keep(st staged) error {
	dst := fs.path(st.SHA256)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("evaluation: evidence: %w", err)
	}
	if _, err := os.Stat(dst); err == nil {
		return os.Remove(st.tmp)
	}
	if err := os.Rename(st.tmp, dst); err != nil {
		return fmt.Errorf("evaluation: evidence: %w", err)
	}
	return nil
}

// discard removes the temporary files of staged uploads; for those kept
// already the name is gone and Remove fails harmlessly.
func (fs *fileStore) discard(sts []staged) {
	for _, st := range sts {
		os.Remove(st.tmp)
	}
}

func (fs *fileStore) path(sum string) string { return filepath.Join(fs.dir, sum[:2], sum) }

// open returns a stored file for reading.
func (fs *fileStore) open(sum string) (*os.File, error) {
	f, err := os.Open(fs.path(sum))
	if err != nil {
		return nil, fmt.Errorf("evaluation: evidence file %s: %w", sum, err)
	}
	return f, nil
}

// headWriter keeps the first bytes written, for content sniffing.
type headWriter struct {
	buf   []byte
	limit int
}

func (w *headWriter) Write(p []byte) (int, error) {
	if room := w.limit - len(w.buf); room > 0 {
		w.buf = append(w.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
