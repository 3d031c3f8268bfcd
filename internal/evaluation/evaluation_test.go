package evaluation_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"shuyu/internal/demo/demotest"
	"shuyu/internal/errs"
	"shuyu/internal/evaluation"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestOpenRules refuses to open what should not be evaluated.
func TestOpenRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, small("open"))
		ended := e.ags.add(evaluation.AgreementInfo{OperatorID: e.Orgs["operator"], ImplementingUnitID: e.Orgs["bureau"], JurisdictionID: e.city,
			StartsAt: demotest.Shanghai("2021-01-01 00:00:00"), EndsAt: demotest.Shanghai("2025-12-31 00:00:00")})
		for _, tc := range []struct {
			name, who, agreement string
			year                 int
			want                 errs.Code
		}{
			{"an agreement no longer in force", "bureau", ended, 2025, errs.Conflict},
			{"a year before the agreement", "bureau", e.agreement(), 2023, errs.Invalid},
			{"a year not begun", "bureau", e.agreement(), 2027, errs.Invalid},
			{"an unknown agreement", "bureau", "nope", 2025, errs.NotFound},
			{"the county's bureau, on the city's agreement", "kuiwen", e.agreement(), 2025, errs.Forbidden},
			{"no year", "bureau", e.agreement(), 0, errs.Invalid},
		} {
			if _, err := e.ev.Open(ctx, e.As(t, tc.who), evaluation.OpenInput{AgreementID: tc.agreement, Year: tc.year}); !errs.Is(err, tc.want) {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
			}
		}
	}, migrations()...)
}

var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// TestEvaluationFlow walks one evaluation: the operator answers with
// evidence and cannot submit with an item unanswered; the deadline passes
// and the evaluation is flagged overdue; reviewers score it anyway, with
// reasons for what they take off; an officer finalises; a regulator reads
// every step but takes none; the operator's analysts and the county's
// bureau see nothing.
func TestEvaluationFlow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, small("flow"))
		operator, bureau, regulator := e.As(t, "operator"), e.As(t, "bureau"), e.As(t, "regulator")
		ev, err := e.ev.Open(ctx, bureau, evaluation.OpenInput{AgreementID: e.agreement(), Year: 2025})
		if err != nil {
			t.Fatal(err)
		}
		// Opened Monday 2026-03-02: 15 working days are 3-3..3-6, 3-9..3-13,
		// 3-16..3-20 and Monday 3-23.
		if ev.AnswerDueDay != "2026-03-23" || ev.TemplateVersion != "flow" || len(ev.Items) != 3 {
			t.Fatalf("opened: due %s, template %s, %d items", ev.AnswerDueDay, ev.TemplateVersion, len(ev.Items))
		}
		ev, err = e.ev.Answer(ctx, operator, ev.ID, "scope", evaluation.AnswerInput{Answer: "全部使用均在授权范围内",
			Files: []evaluation.Upload{{Filename: "数据使用清单.pdf", Body: bytes.NewReader(pdf)}, {Filename: `C:\材料\说明.txt`, Body: strings.NewReader("使用情况说明")}}})
		if err != nil {
			t.Fatal(err)
		}
		files := ev.Items[0].Files
		sum := sha256.Sum256(pdf)
		if len(files) != 2 || files[0].SHA256 != hex.EncodeToString(sum[:]) || files[0].MediaType != "application/pdf" || files[1].Filename != "说明.txt" {
			t.Fatalf("evidence: %+v", files)
		}
		f, body, err := e.ev.EvaluationFile(ctx, regulator, ev.ID, files[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(body)
		body.Close()
		if !bytes.Equal(got, pdf) || f.Size != int64(len(pdf)) {
			t.Errorf("the regulator reads %d bytes, want the PDF sent", len(got))
		}
		for _, tc := range []struct {
			name string
			up   evaluation.Upload
			want errs.Code
		}{
			{"a program", evaluation.Upload{Filename: "tool.exe", Body: bytes.NewReader(pdf)}, errs.Invalid},
			{"text named .pdf", evaluation.Upload{Filename: "fake.pdf", Body: strings.NewReader("not a pdf at all")}, errs.Invalid},
			{"too large", evaluation.Upload{Filename: "big.txt", Body: strings.NewReader(strings.Repeat("大", 1<<15))}, errs.TooLarge},
			{"empty", evaluation.Upload{Filename: "empty.txt", Body: strings.NewReader("")}, errs.Invalid},
		} {
			if _, err := e.ev.Answer(ctx, operator, ev.ID, "staff", evaluation.AnswerInput{Answer: "见附件", Files: []evaluation.Upload{tc.up}}); !errs.Is(err, tc.want) {
				t.Errorf("evidence %s: %v, want %s", tc.name, err, tc.want)
			}
		}
		if _, err := e.ev.Answer(ctx, operator, ev.ID, "nope", evaluation.AnswerInput{Answer: "x"}); !errs.Is(err, errs.NotFound) {
			t.Errorf("answering an unknown item: %v", err)
		}
		if _, err := e.ev.Step(ctx, operator, ev.ID, evaluation.ActSubmit, evaluation.StepInput{}); !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "staff") {
			t.Errorf("submitting with items unanswered: %v; want a conflict naming them", err)
		}
		for _, who := range []string{"analyst", "kuiwen", "provider-hrss", "appunit"} {
			if _, err := e.ev.Evaluation(ctx, e.As(t, who), ev.ID); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s reads the evaluation: %v; want forbidden", who, err)
			}
			if list, _, _ := e.ev.Evaluations(ctx, e.As(t, who), evaluation.EvaluationFilter{}, store.NewPage(0, "")); len(list) != 0 {
				t.Errorf("%s lists %d evaluations", who, len(list))
			}
		}
		pts := 30.0
		if _, err := e.ev.Score(ctx, bureau, ev.ID, "scope", evaluation.ScoreInput{Points: &pts}); !errs.Is(err, errs.Conflict) {
			t.Errorf("scoring before the deadline, unsubmitted: %v; want a conflict", err)
		}

		e.At("2026-03-24 00:00:01")
		if ev, _ = e.ev.Evaluation(ctx, regulator, ev.ID); !ev.Overdue || len(ev.Actions) != 0 {
			t.Errorf("past the deadline, read by a regulator: overdue %v, actions %v; want overdue and no action", ev.Overdue, ev.Actions)
		}
		if list, _, _ := e.ev.Evaluations(ctx, regulator, evaluation.EvaluationFilter{Overdue: true}, store.NewPage(0, "")); len(list) != 1 {
			t.Errorf("overdue evaluations: %d, want 1", len(list))
		}
		for _, it := range []struct {
			key            string
			points, weight float64
		}{{"scope", 30, 30}, {"staff", 12.5, 20}, {"benefit", 40, 50}} {
			key, in := it.key, evaluation.ScoreInput{Points: &it.points}
			if it.points < it.weight {
				if _, err := e.ev.Score(ctx, bureau, ev.ID, key, in); !errs.Is(err, errs.Invalid) {
					t.Errorf("taking points off %s without a reason: %v", key, err)
				}
				in.Comment = "材料不全"
			}
			if _, err := e.ev.Score(ctx, e.As(t, "reviewer-only"), ev.ID, key, in); err != nil {
				t.Fatal(err)
			}
		}
		over := 21.0
		if _, err := e.ev.Score(ctx, bureau, ev.ID, "staff", evaluation.ScoreInput{Points: &over, Comment: "x"}); !errs.Is(err, errs.Invalid) {
			t.Errorf("more points than the weight: %v", err)
		}
		if ev, err = e.ev.Step(ctx, bureau, ev.ID, evaluation.ActGrade, evaluation.StepInput{}); err != nil {
			t.Fatal(err)
		}
		if *ev.Score != 82.5 || ev.Grade != "良好" || ev.State != evaluation.Scored {
			t.Errorf("graded %v %s (%s), want 82.5 良好 (30 + 12.5 + 40)", *ev.Score, ev.Grade, ev.State)
		}
		if _, err := e.ev.Step(ctx, bureau, ev.ID, evaluation.ActFinalise, evaluation.StepInput{}); !errs.Is(err, errs.Invalid) {
			t.Errorf("finalising without a conclusion: %v", err)
		}
		if _, err := e.ev.CreateRectification(ctx, bureau, ev.ID, finding); !errs.Is(err, errs.Conflict) {
			t.Errorf("a rectification from an unfinished evaluation: %v", err)
		}
		if ev, err = e.ev.Step(ctx, e.As(t, "officer-only"), ev.ID, evaluation.ActFinalise, evaluation.StepInput{Comment: "良好；人员管理需整改"}); err != nil {
			t.Fatal(err)
		}
		if ev.Conclusion != "良好；人员管理需整改" || ev.FinalisedAt == nil || ev.SubmittedAt != nil || len(ev.Events) != 7 {
			t.Errorf("finalised: %q at %v, submitted %v, %d events", ev.Conclusion, ev.FinalisedAt, ev.SubmittedAt, len(ev.Events))
		}
		if _, err := e.ev.CreateRectification(ctx, bureau, ev.ID, evaluation.FindingInput{ItemKey: "nope", Finding: "x", Requirement: "y"}); !errs.Is(err, errs.Invalid) {
			t.Errorf("a finding about an unknown item: %v", err)
		}
		if e.changes.Load() < 7 {
			t.Errorf("the inbox was told of %d changes", e.changes.Load())
		}
	}, migrations()...)
}
