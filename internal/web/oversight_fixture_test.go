package web_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/app/apptest"
	"shuyu/internal/errs"
	"shuyu/internal/evaluation"
	"shuyu/internal/store"
)

// oversight prepares what the oversight paths name. The demo gives the
// operator's agreement in force ("agreement") its evaluation, finalised
// ("final"), with an open rectification task ("rectification"); here a
// second task from it is reported with a file ("reported",
// "reported-file"). An evaluation still open for answers ("evaluation",
// with an answered item's file "evaluation-file") needs another agreement:
// the demo's was signed today, so this year is the only one it can be
// evaluated for, and the demo has. It is a made-up agreement of the same
// operator and bureau, opened through a second evaluation service that
// knows it; everything after opening goes through the app's service.
func oversight(t *testing.T, env *apptest.Env, ids map[string]string) {
	t.Helper()
	ctx := context.Background()
	a, admin := env.App, access.System("test")
	evs, _, err := a.Evaluation.Evaluations(ctx, admin, evaluation.EvaluationFilter{OperatorID: env.Demo.Orgs["operator"]}, store.NewPage(1, ""))
	if err != nil || len(evs) != 1 || evs[0].State != evaluation.Finalised {
		t.Fatalf("the demo's evaluation: %+v, %v", evs, err)
	}
	ids["agreement"], ids["final"] = evs[0].AgreementID, evs[0].ID
	tasks, _, err := a.Evaluation.Rectifications(ctx, admin, evaluation.RectificationFilter{EvaluationID: evs[0].ID}, store.NewPage(1, ""))
	if err != nil || len(tasks) != 1 {
		t.Fatalf("the demo's rectification task: %+v, %v", tasks, err)
	}
	ids["rectification"] = tasks[0].ID

	as := func(name string) access.Principal {
		p, err := a.Identity.PrincipalOf(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	bureau, operator := as("bureau"), as("operator")
	r, err := a.Evaluation.CreateRectification(ctx, bureau, evs[0].ID, evaluation.FindingInput{Finding: "披露材料迟报", Requirement: "补报并建立报送台账"})
	if err != nil {
		t.Fatal(err)
	}
	if r, err = a.Evaluation.SubmitRectification(ctx, operator, r.ID, evaluation.ReportInput{Report: "已补报",
		Files: []evaluation.Upload{{Filename: "台账.txt", Body: strings.NewReader("报送台账")}}}); err != nil {
		t.Fatal(err)
	}
	ids["reported"], ids["reported-file"] = r.ID, r.Files[0].ID

	made := evaluation.AgreementInfo{ID: store.NewID(), Title: "授权运营协议（测试）", OperatorID: env.Demo.Orgs["operator"],
		ImplementingUnitID: env.Demo.Orgs["bureau"], JurisdictionID: ids["city"], Active: true, StartsAt: evs[0].OpenedAt.AddDate(-2, 0, 0)}
	opener := evaluation.New(a.DB, a.Ledger, a.Identity, a.Calendar, fixedAgreement(made), evaluation.Options{EvidenceDir: filepath.Join(a.Config.DataDir, "evidence")})
	open, err := opener.Open(ctx, bureau, evaluation.OpenInput{AgreementID: made.ID, Year: evs[0].Year - 1})
	if err != nil {
		t.Fatal(err)
	}
	if open, err = a.Evaluation.Answer(ctx, operator, open.ID, "scope", evaluation.AnswerInput{Answer: "未超范围",
		Files: []evaluation.Upload{{Filename: "清单.txt", Body: strings.NewReader("数据使用清单")}}}); err != nil {
		t.Fatal(err)
	}
	ids["evaluation"], ids["evaluation-file"] = open.ID, open.Items[0].Files[0].ID
}

// fixedAgreement knows one agreement.
type fixedAgreement evaluation.AgreementInfo

func (f fixedAgreement) Lookup(_ context.Context, id string) (evaluation.AgreementInfo, error) {
	if id != f.ID {
		return evaluation.AgreementInfo{}, errs.E(errs.NotFound, "no agreement %q", id)
	}
	return evaluation.AgreementInfo(f), nil
}
