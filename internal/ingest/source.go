package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"shuyu/internal/errs"
)

// Formats a source may have.
const (
	CSV     = "csv"
	XLSX    = "xlsx"
	Parquet = "parquet"
)

// Encodings a CSV source may have. GBK text decodes as GB18030, its superset.
const (
	UTF8    = "utf-8"
	GBK     = "gbk"
	GB18030 = "gb18030"
)

// spooled is a source copied into the domain, with what was learned on the way.
type spooled struct {
	path   string
	bytes  int64
	sha256 string
	head   []byte // the first bytes, to sniff the format
	// notUTF8 is the line of the first byte that is not UTF-8; 0 when the
	// whole file is valid UTF-8.
	notUTF8 int64
}

// spool copies r into a file of the domain, hashing, counting and checking
// UTF-8 as it goes, so that nothing reads the file again for that, and
// refusing more than limit bytes and stopping when ctx ends. progress, when
// set, hears the bytes copied so far.
func spool(ctx context.Context, r io.Reader, f *os.File, limit int64, progress func(int64)) (spooled, error) {
	defer f.Close()
	h := sha256.New()
	var check utf8Check
	w := io.MultiWriter(f, h, &check)
	buf := make([]byte, 1<<20)
	var (
		n    int64
		head []byte
	)
	for {
		if err := ctx.Err(); err != nil {
			return spooled{}, err
		}
		k, err := r.Read(buf)
		if k > 0 {
			if n+int64(k) > limit {
				return spooled{}, errs.E(errs.TooLarge, "the file is larger than the limit of %s", size(limit))
			}
			if len(head) < 4096 {
				head = append(head, buf[:min(k, 4096-len(head))]...)
			}
			if _, werr := w.Write(buf[:k]); werr != nil {
				return spooled{}, fmt.Errorf("ingest: spool: %w", werr)
			}
			n += int64(k)
			if progress != nil {
				progress(n)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if e, ok := errors.AsType[*errs.Error](err); ok {
				return spooled{}, e
			}
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok { // the server's cap on a request body
				return spooled{}, errs.E(errs.TooLarge, "the file is larger than the limit of %s", size(limit))
			}
			return spooled{}, errs.E(errs.Invalid, "the upload broke off after %d bytes: %v", n, err)
		}
	}
	if n == 0 {
		return spooled{}, errs.E(errs.Invalid, "the file is empty")
	}
	if err := f.Sync(); err != nil {
		return spooled{}, fmt.Errorf("ingest: spool: %w", err)
	}
	return spooled{path: f.Name(), bytes: n, sha256: hex.EncodeToString(h.Sum(nil)), head: head, notUTF8: check.invalidLine()}, nil
}

// size writes a byte count for people: 2 GiB, 512 MiB, 1000 bytes.
func size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

// format decides the source format: as declared, else by the file's magic
// bytes, else by its name; text is CSV. A declaration the content plainly
// contradicts is refused, so the provider hears what is wrong rather than
// a parser's complaint about the wrong format.
func format(declared, filename string, head []byte) (string, error) {
	sniffed := ""
	switch {
	case bytes.HasPrefix(head, []byte("PAR1")):
		sniffed = Parquet
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		sniffed = XLSX
	}
	switch d := strings.ToLower(declared); d {
	case CSV, XLSX, Parquet:
		if d != sniffed && (sniffed != "" || d != CSV) {
			return "", errs.E(errs.Invalid, "format: declared %s, but the file %s; declare the format it has, or none to have it detected", d, looksLike(sniffed))
		}
		return d, nil
	case "":
	default:
		return "", errs.E(errs.Invalid, "format: %q is not one of csv, xlsx, parquet", declared)
	}
	if sniffed != "" {
		return sniffed, nil
	}
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".parquet", ".xlsx":
		return "", errs.E(errs.Invalid, "format: the file is named %s, but it %s", filepath.Base(filename), looksLike(sniffed))
	}
	return CSV, nil
}

func looksLike(sniffed string) string {
	switch sniffed {
	case Parquet:
		return "is Parquet (it starts with PAR1)"
	case XLSX:
		return "is a ZIP archive such as an XLSX workbook"
	}
	return "is neither Parquet (no PAR1 at its start) nor XLSX (not a ZIP archive)"
}

// encoding decides a CSV source's encoding: as declared, else UTF-8 when the
// whole file is valid UTF-8, else GB18030 (which Chinese agencies' GBK
// exports are a subset of).
func encoding(declared string, sp spooled) (string, error) {
	switch strings.ToLower(strings.ReplaceAll(declared, "_", "-")) {
	case UTF8, "utf8":
		return UTF8, nil
	case GBK, "cp936", GB18030, "gb2312":
		return GB18030, nil
	case "":
	default:
		return "", errs.E(errs.Invalid, "encoding: %q is not one of utf-8, gbk, gb18030", declared)
	}
	if sp.notUTF8 == 0 {
		return UTF8, nil
	}
	return GB18030, nil
}
