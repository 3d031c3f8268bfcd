package tender_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shuyu/internal/errs"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
	"shuyu/internal/tender"
	"shuyu/internal/tender/tendertest"
)

// TestApplications: complete applications are taken until the deadline and
// replaced by a resubmission; late, incomplete or disqualifying ones are
// refused with the reason; evidence is limited in type and size and kept
// with its SHA-256.
func TestApplications(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := tendertest.New(t, db)
		ctx := context.Background()
		operator := e.As(t, "operator")
		a := e.AnnouncementIn(t, tender.Published).Announcement
		submit := func(decls []tender.Declaration, ups ...tender.Upload) error {
			_, err := e.Tender.Submit(ctx, operator, a.ID, decls, tendertest.Uploads(ups...))
			return err
		}
		pdf := func(item int) tender.Upload {
			return tender.Upload{Item: item, Filename: "材料.pdf", Body: bytes.NewReader(tendertest.PDF)}
		}
		all := func(extra ...tender.Upload) []tender.Upload {
			ups := []tender.Upload{pdf(1), pdf(2), pdf(3), pdf(4), pdf(5), pdf(6)}
			return append(ups, extra...)
		}
		no := false
		incident := tendertest.Declarations()
		incident[5].NoIncidents = &no
		unanswered := tendertest.Declarations()
		unanswered[6].Answer = " "
		png := []byte("\x89PNG\r\n\x1a\n0000")
		for _, c := range []struct {
			name  string
			decls []tender.Declaration
			ups   []tender.Upload
			code  errs.Code
			want  string
		}{
			{"an unanswered item", unanswered, all(), errs.Invalid, "item 7"},
			{"missing declarations", tendertest.Declarations()[:6], all(), errs.Invalid, "item 7"},
			{"an incident in three years", incident, all(), errs.Invalid, "item 6"},
			{"no evidence for item 5", tendertest.Declarations(), []tender.Upload{pdf(1), pdf(2), pdf(3), pdf(4), pdf(6)}, errs.Invalid, "item 5"},
			{"a Word file", tendertest.Declarations(), all(tender.Upload{Item: 7, Filename: "说明.docx", Body: strings.NewReader("PK\x03\x04")}), errs.Invalid, "not accepted"},
			{"a PNG named PDF", tendertest.Declarations(), all(tender.Upload{Item: 7, Filename: "扫描.pdf", Body: bytes.NewReader(png)}), errs.Invalid, "not the PDF"},
			{"an empty file", tendertest.Declarations(), all(tender.Upload{Item: 7, Filename: "空.png", Body: strings.NewReader("")}), errs.Invalid, "empty"},
			{"a file too large", tendertest.Declarations(), all(tender.Upload{Item: 7, Filename: "大.pdf",
				Body: io.MultiReader(strings.NewReader("%PDF-"), bytes.NewReader(make([]byte, 64<<10)))}), errs.TooLarge, "larger than"},
			{"an unknown item", tendertest.Declarations(), all(tender.Upload{Item: 8, Filename: "x.pdf", Body: bytes.NewReader(tendertest.PDF)}), errs.Invalid, "item 8"},
		} {
			if err := submit(c.decls, c.ups...); !errs.Is(err, c.code) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v; want %s naming %q", c.name, err, c.code, c.want)
			}
		}
		left, _ := filepath.Glob(filepath.Join(e.FileDir, "*", "*"))
		if tmp, _ := filepath.Glob(filepath.Join(e.FileDir, "upload-*")); len(left)+len(tmp) != 0 {
			t.Errorf("refused applications left files behind: %v %v", left, tmp)
		}
		for _, who := range []string{"analyst", "bureau", "appunit"} {
			if _, err := e.Tender.Submit(ctx, e.As(t, who), a.ID, tendertest.Declarations(), tendertest.Evidence()); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s applying: %v, want forbidden", who, err)
			}
		}
		// A complete application, with a PNG and an XLSX besides.
		xlsx := append([]byte("PK\x03\x04"), make([]byte, 100)...)
		if err := submit(tendertest.Declarations(), all(tender.Upload{Item: 7, Filename: "附表.xlsx", Body: bytes.NewReader(xlsx)},
			tender.Upload{Item: 3, Filename: "团队.png", Body: bytes.NewReader(png)})...); err != nil {
			t.Fatal(err)
		}
		first, _, _ := e.Tender.Applications(ctx, operator, tender.ApplicationFilter{AnnouncementID: a.ID}, store.NewPage(10, ""))
		if len(first) != 1 || len(first[0].Files) != 8 || first[0].State != tender.Submitted {
			t.Fatalf("the application: %+v", first)
		}
		for _, f := range first[0].Files {
			_, rc, err := e.Tender.OpenFile(ctx, operator, first[0].ID, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			content, _ := io.ReadAll(rc)
			rc.Close()
			sum := sha256.Sum256(content)
			if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(content)) != f.Bytes {
				t.Errorf("file %s: stored %d bytes hashing to %x; recorded %d, %s", f.Filename, len(content), sum, f.Bytes, f.SHA256)
			}
		}
		// Resubmitting replaces it, files included.
		if err := submit(tendertest.Declarations(), all()...); err != nil {
			t.Fatal(err)
		}
		again, _, _ := e.Tender.Applications(ctx, e.As(t, "bureau"), tender.ApplicationFilter{AnnouncementID: a.ID}, store.NewPage(10, ""))
		if len(again) != 1 || again[0].ID != first[0].ID || len(again[0].Files) != 6 {
			t.Fatalf("after resubmitting: %+v", again)
		}
		if kept, _ := filepath.Glob(filepath.Join(e.FileDir, "*", "*")); len(kept) != 6 {
			t.Errorf("%d files kept after the replacement, want 6", len(kept))
		}
		// Nobody else reads it.
		if _, err := e.Tender.Application(ctx, e.As(t, "operator2"), first[0].ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("another operator reading the application: %v, want forbidden", err)
		}
		// After the deadline, nothing is taken.
		e.Advance(a.DeadlineAt.Sub(e.Clock()) + time.Second)
		if err := submit(tendertest.Declarations(), all()...); !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "closed at") {
			t.Errorf("applying after the deadline: %v; want a conflict giving the deadline", err)
		}
	}, tendertest.Migrations()...)
}

// TestInvitedTender: only invited operators apply to an invited tender;
// a public tender invites nobody.
func TestInvitedTender(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := tendertest.New(t, db)
		ctx := context.Background()
		bureau := e.As(t, "bureau")
		in := e.Input()
		invited := []string{e.Orgs["operator2"]}
		in.Invited = &invited
		if _, err := e.Tender.Create(ctx, bureau, in); !errs.Is(err, errs.Invalid) {
			t.Errorf("a public tender with invitations: %v, want invalid", err)
		}
		method := tender.InvitedTender
		in.Method = &method
		a, err := e.Tender.Create(ctx, bureau, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Tender.Act(ctx, bureau, a.ID, tender.Publish, tender.StepInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Tender.Submit(ctx, e.As(t, "operator"), a.ID, tendertest.Declarations(), tendertest.Evidence()); !errs.Is(err, errs.Forbidden) {
			t.Errorf("an operator not invited: %v, want forbidden", err)
		}
		e.Apply(t, "operator2", a.ID)
		none := []string{}
		in.Invited = &none
		if _, err := e.Tender.Create(ctx, bureau, in); !errs.Is(err, errs.Invalid) {
			t.Errorf("an invited tender inviting nobody: %v, want invalid", err)
		}
	}, tendertest.Migrations()...)
}
