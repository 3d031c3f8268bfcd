// Package tendertest extends plantest with the tender service, a second
// operator, and announcements, applications and objections brought to any
// state by legal steps, for the tests of tender and agreement.
package tendertest

import (
	"bytes"
	"context"
	"iter"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/fsm"
	"shuyu/internal/identity"
	"shuyu/internal/plan"
	"shuyu/internal/plan/plantest"
	"shuyu/internal/store"
	"shuyu/internal/tender"
)

// Env is the tender service over plantest's city, with a filed plan.
type Env struct {
	*plantest.Env
	Tender *tender.Service
	// Plan is the bureau's filed plan over the three entries in scope.
	Plan plan.Plan
	// FileDir keeps the applications' evidence.
	FileDir string
}

// Migrations are the schemas the tender service needs.
func Migrations() []store.Migrations {
	return append(plantest.Migrations(), tender.Migrations)
}

// Password is the second operator's.
const Password = "Second-Manager-Passw0rd"

// New builds the environment over db, adding the operator 潍坊第二数据运营有限公司
// (key "operator2") with its manager operator2, and a second evaluator of
// the bureau, reviewer2 (same password).
func New(tb testing.TB, db *store.DB) *Env {
	tb.Helper()
	ctx := context.Background()
	e := &Env{Env: plantest.New(tb, db)}
	sys := access.System("test")
	city := e.cityOf(tb)
	name, kind := "潍坊第二数据运营有限公司", access.KindOperator
	o, err := e.IDs.CreateOrg(ctx, sys, identity.OrgInput{Name: &name, NameEN: &name, Kind: &kind, JurisdictionID: &city})
	if err != nil {
		tb.Fatal(err)
	}
	e.Orgs["operator2"] = o.ID
	user, pw, roles := "operator2", Password, []access.Role{access.RoleOperatorManager}
	if _, err := e.IDs.CreateUser(ctx, sys, identity.UserInput{OrgID: &o.ID, Username: &user, Password: &pw, Roles: &roles}); err != nil {
		tb.Fatal(err)
	}
	bureau, reviewer, evaluator := e.Orgs["bureau"], "reviewer2", []access.Role{access.RoleReviewer}
	if _, err := e.IDs.CreateUser(ctx, sys, identity.UserInput{OrgID: &bureau, Username: &reviewer, Password: &pw, Roles: &evaluator}); err != nil {
		tb.Fatal(err)
	}
	e.FileDir = tb.TempDir()
	e.Tender = tender.New(db, e.Ledger, e.IDs, e.Plans, e.Cal, tender.Options{FileDir: e.FileDir, MaxFileBytes: 64 << 10})
	e.Plan = e.PlanIn(tb, plan.Filed)
	return e
}

func (e *Env) cityOf(tb testing.TB) string {
	o, err := e.IDs.Lookup(context.Background(), e.Orgs["bureau"])
	if err != nil {
		tb.Fatal(err)
	}
	return o.JurisdictionID
}

// Input is a complete public tender over the plan's scope, open for three days.
func (e *Env) Input() tender.Input {
	title, conditions, method := "潍坊市公共数据资源授权运营单位申报公告", "符合《办法》第十三条规定的法人组织", tender.PublicTender
	deadline := e.Clock().Add(72 * time.Hour)
	criteria := []tender.Criterion{{Name: "技术方案", Weight: 60}, {Name: "安全保障", Weight: 40}}
	return tender.Input{PlanID: &e.Plan.ID, Title: &title, Method: &method, Conditions: &conditions, Criteria: &criteria, Deadline: &deadline}
}

// PDF is a small evidence file.
var PDF = []byte("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// Declarations answer all seven items of Art. 13.
func Declarations() []tender.Declaration {
	yes := true
	out := make([]tender.Declaration, len(tender.Requirements))
	for i, r := range tender.Requirements {
		out[i] = tender.Declaration{Item: r.Item, Answer: "符合：" + r.Text}
		if r.Incidents {
			out[i].NoIncidents = &yes
		}
	}
	return out
}

// Evidence yields one PDF for each item that needs evidence.
func Evidence() iter.Seq2[tender.Upload, error] {
	var ups []tender.Upload
	for _, r := range tender.Requirements {
		if r.Evidence {
			ups = append(ups, tender.Upload{Item: r.Item, Filename: "证明材料.pdf", Body: bytes.NewReader(PDF)})
		}
	}
	return Uploads(ups...)
}

// Uploads yields ups.
func Uploads(ups ...tender.Upload) iter.Seq2[tender.Upload, error] {
	return func(yield func(tender.Upload, error) bool) {
		for _, u := range ups {
			if !yield(u, nil) {
				return
			}
		}
	}
}

// Apply submits a complete application of the operator whose manager is who.
func (e *Env) Apply(tb testing.TB, who, announcement string) tender.Application {
	tb.Helper()
	ap, err := e.Tender.Submit(context.Background(), e.As(tb, who), announcement, Declarations(), Evidence())
	if err != nil {
		tb.Fatalf("%s applying: %v", who, err)
	}
	return ap
}

// Selection is an announcement in selection with the demo operator's
// application in it, not yet checked.
type Selection struct {
	Announcement tender.Announcement
	Application  tender.Application
}

// AnnouncementIn makes an announcement of the bureau in state by legal
// steps: the demo operator applies, the bureau checks and scores, the clock
// moves past the deadline and the publicity.
func (e *Env) AnnouncementIn(tb testing.TB, state fsm.State) Selection {
	tb.Helper()
	ctx := context.Background()
	bureau := e.As(tb, "bureau")
	a, err := e.Tender.Create(ctx, bureau, e.Input())
	if err != nil {
		tb.Fatal(err)
	}
	var s Selection
	for _, act := range plantest.PathTo(tender.Machine, tender.Draft, state) {
		who, in := bureau, tender.StepInput{Reason: "依规处理"}
		switch act {
		case tender.Close:
			s.Application = e.Apply(tb, "operator", a.ID)
			e.Advance(a.DeadlineAt.Sub(e.Clock()) + time.Minute)
			who = e.As(tb, "admin")
		case tender.Award:
			s.Application = e.Qualify(tb, s.Application.ID)
			in.ApplicationID = s.Application.ID
		case tender.Conclude:
			e.Advance(a.PublicityUntil.Sub(e.Clock()) + time.Minute)
			who = e.As(tb, "admin")
		}
		if a, err = e.Tender.Act(ctx, who, a.ID, act, in); err != nil {
			tb.Fatalf("bringing an announcement to %s: %s: %v", state, act, err)
		}
	}
	s.Announcement = a
	return s
}

// Qualify passes every item of application id and scores it.
func (e *Env) Qualify(tb testing.TB, id string) tender.Application {
	tb.Helper()
	ctx := context.Background()
	bureau := e.As(tb, "bureau")
	if _, err := e.Tender.CheckEligibility(ctx, bureau, id, AllPass()); err != nil {
		tb.Fatal(err)
	}
	ap, err := e.Tender.Score(ctx, bureau, id, []tender.ScoreInput{{Criterion: 0, Score: 80}, {Criterion: 1, Score: 90}})
	if err != nil {
		tb.Fatal(err)
	}
	return ap
}

// AllPass is a finding that every item of Art. 13 is met.
func AllPass() []tender.CheckInput {
	out := make([]tender.CheckInput, len(tender.Requirements))
	for i, r := range tender.Requirements {
		out[i] = tender.CheckInput{Item: r.Item, Pass: true}
	}
	return out
}
