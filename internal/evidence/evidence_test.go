package evidence_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shuyu/internal/errs"
	"shuyu/internal/evidence"
)

var pdf = []byte("%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n")

// files lists what lies under dir, temporaries included.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	return out
}

// TestStageRefuses: each limit refuses with its code and a message naming
// the file, and a refused upload leaves nothing behind.
func TestStageRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := evidence.New(dir, 1<<10, ".pdf", ".png", ".txt", ".xlsx")
	for _, c := range []struct {
		name, filename string
		body           io.Reader
		code           errs.Code
		want           string
	}{
		{"a program", "tool.exe", bytes.NewReader(pdf), errs.Invalid, "send PDF, PNG, TXT (UTF-8), XLSX"},
		{"a type not taken here", "说明.docx", strings.NewReader("PK\x03\x04"), errs.Invalid, "not accepted as evidence"},
		{"a PNG named PDF", "扫描.pdf", strings.NewReader("\x89PNG\r\n\x1a\n0000"), errs.Invalid, "not the PDF its name says"},
		{"text named XLSX", "表.xlsx", strings.NewReader("id,name\n"), errs.Invalid, "not the XLSX"},
		{"binary named TXT", "a.txt", bytes.NewReader([]byte{0, 1, 2, 3}), errs.Invalid, "not the TXT"},
		{"an empty file", "空.png", strings.NewReader(""), errs.Invalid, "empty"},
		{"a file too large", "大.pdf", io.MultiReader(bytes.NewReader(pdf), bytes.NewReader(make([]byte, 1<<10))), errs.TooLarge, "larger than 1024 bytes"},
		{"a control character", "a\x07.pdf", bytes.NewReader(pdf), errs.Invalid, "without control characters"},
		{"no name", "  ", bytes.NewReader(pdf), errs.Invalid, "file name"},
		{"a name too long", strings.Repeat("长", 201) + ".pdf", bytes.NewReader(pdf), errs.Invalid, "at most 200 characters"},
	} {
		if _, err := s.Stage(c.filename, c.body); !errs.Is(err, c.code) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want %s naming %q", c.name, err, c.code, c.want)
		}
	}
	if left := files(t, dir); len(left) != 0 {
		t.Errorf("refused uploads left %v", left)
	}
}

// TestKeep: a file kept under an ID is removed by it; kept under its hash,
// the same bytes sent twice are stored once; what is not kept is discarded.
func TestKeep(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := evidence.New(dir, 1<<20, ".pdf", ".txt")
	st, err := s.Stage(`C:\扫描\证明.PDF`, bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	if st.Filename != "证明.PDF" || st.MediaType != "application/pdf" || st.Size != int64(len(pdf)) || len(st.SHA256) != 64 {
		t.Errorf("staged %+v", st)
	}
	if err := s.Keep(st, "0190-a1"); err != nil {
		t.Fatal(err)
	}
	f, err := s.Open("0190-a1")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, pdf) {
		t.Errorf("kept %q, want the PDF sent", got)
	}
	if err := s.Remove("0190-a1", "0190-gone"); err != nil {
		t.Errorf("removing a kept file and one gone: %v", err)
	}
	if _, err := s.Open("0190-a1"); err == nil {
		t.Error("a removed file still opens")
	}
	for range 2 {
		st, err := s.Stage("note.txt", strings.NewReader("整改已完成"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Keep(st, st.SHA256); err != nil {
			t.Fatal(err)
		}
	}
	discarded, err := s.Stage("draft.txt", strings.NewReader("not kept"))
	if err != nil {
		t.Fatal(err)
	}
	s.Discard(discarded)
	if left := files(t, dir); len(left) != 1 {
		t.Errorf("files left: %v; want the one text kept once", left)
	}
}

func TestUnknownTypePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a store accepting .exe was built")
		}
	}()
	evidence.New(t.TempDir(), 1, ".exe")
}
