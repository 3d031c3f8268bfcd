package ingest

import (
	"bufio"
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
}

// spool copies r into a file of the domain, hashing and counting as it goes
// and refusing more than limit bytes. progress, when set, hears the bytes
// copied so far.
func spool(r io.Reader, f *os.File, limit int64, progress func(int64)) (spooled, error) {
	defer f.Close()
	h := sha256.New()
	w := io.MultiWriter(f, h)
	buf := make([]byte, 1<<20)
	var (
		n    int64
		head []byte
	)
	for {
		k, err := r.Read(buf)
		if k > 0 {
			if n+int64(k) > limit {
				return spooled{}, errs.E(errs.TooLarge, "the file is larger than the limit of %d MiB", limit>>20)
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
			return spooled{}, errs.E(errs.Invalid, "the upload broke off after %d bytes: %v", n, err)
		}
	}
	if n == 0 {
		return spooled{}, errs.E(errs.Invalid, "the file is empty")
	}
	if err := f.Sync(); err != nil {
		return spooled{}, fmt.Errorf("ingest: spool: %w", err)
	}
	return spooled{path: f.Name(), bytes: n, sha256: hex.EncodeToString(h.Sum(nil)), head: head}, nil
}

// format decides the source format: as declared, else by the file's magic
// bytes, else by its name; text is CSV.
func format(declared, filename string, head []byte) (string, error) {
	switch strings.ToLower(declared) {
	case CSV, XLSX, Parquet:
		return strings.ToLower(declared), nil
	case "":
	default:
		return "", errs.E(errs.Invalid, "format: %q is not one of csv, xlsx, parquet", declared)
	}
	switch {
	case bytes.HasPrefix(head, []byte("PAR1")):
		return Parquet, nil
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return XLSX, nil
	}
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".parquet":
		return Parquet, nil
	case ".xlsx":
		return XLSX, nil
	}
	return CSV, nil
}

// encoding decides a CSV source's encoding: as declared, else UTF-8 when the
// whole file is valid UTF-8, else GB18030 (which Chinese agencies' GBK
// exports are a subset of).
func encoding(declared, path string) (string, error) {
	switch strings.ToLower(strings.ReplaceAll(declared, "_", "-")) {
	case UTF8, "utf8":
		return UTF8, nil
	case GBK, "cp936", GB18030, "gb2312":
		return GB18030, nil
	case "":
	default:
		return "", errs.E(errs.Invalid, "encoding: %q is not one of utf-8, gbk, gb18030", declared)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	valid, err := isUTF8(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return "", err
	}
	if valid {
		return UTF8, nil
	}
	return GB18030, nil
}

// isUTF8 reads r to the end and reports whether it is valid UTF-8.
func isUTF8(r *bufio.Reader) (bool, error) {
	buf := make([]byte, 1<<20)
	var carry []byte
	for {
		n, err := r.Read(buf)
		chunk := append(carry, buf[:n]...)
		// Keep an incomplete sequence at the end for the next round.
		cut := len(chunk)
		for i := len(chunk) - 1; i >= 0 && i >= len(chunk)-utf8.UTFMax; i-- {
			if utf8.RuneStart(chunk[i]) {
				if !utf8.FullRune(chunk[i:]) {
					cut = i
				}
				break
			}
		}
		if !utf8.Valid(chunk[:cut]) {
			return false, nil
		}
		carry = append(carry[:0], chunk[cut:]...)
		if errors.Is(err, io.EOF) {
			return len(carry) == 0, nil
		}
		if err != nil {
			return false, err
		}
	}
}
