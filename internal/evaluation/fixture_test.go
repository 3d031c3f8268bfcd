package evaluation_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/demo"
	"shuyu/internal/demo/demotest"
	"shuyu/internal/errs"
	"shuyu/internal/evaluation"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// env is the evaluation service over a real store, with the demo city's
// organizations and accounts, agreements the test makes up, and a clock
// the test moves.
type env struct {
	*demotest.City
	ev      *evaluation.Service
	ags     *agreements
	city    string
	changes atomic.Int64
}

func migrations() []store.Migrations {
	return []store.Migrations{ledger.Migrations, identity.Migrations, evaluation.Migrations}
}

// newEnv builds the service with template tpl (nil: the built-in one).
func newEnv(t testing.TB, db *store.DB, tpl *evaluation.Template) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{City: demotest.New(t, db, "2026-03-02 09:00:00"), ags: &agreements{m: map[string]evaluation.AgreementInfo{}}}
	city, err := e.IDs.JurisdictionByCode(ctx, demo.City.Code)
	if err != nil {
		t.Fatal(err)
	}
	e.city = city.ID
	// Members of the city's bureau who hold one of its two roles, so that
	// officers' and reviewers' steps are told apart.
	for _, u := range []struct {
		name string
		role access.Role
	}{{"officer-only", access.RoleOfficer}, {"reviewer-only", access.RoleReviewer}} {
		org, name, pw, roles := e.Orgs["bureau"], u.name, "Only-Passw0rd-1", []access.Role{u.role}
		if _, err := e.IDs.CreateUser(ctx, access.System("test"), identity.UserInput{OrgID: &org, Username: &name, Password: &pw, Roles: &roles}); err != nil {
			t.Fatal(err)
		}
	}
	e.ev = e.service(t, tpl)
	return e
}

// service builds an evaluation service on e's store with template tpl and
// installs the template, as app does at start.
func (e *env) service(t testing.TB, tpl *evaluation.Template) *evaluation.Service {
	t.Helper()
	s := evaluation.New(e.DB, e.Ledger, e.IDs, calendar.Default(), e.ags, evaluation.Options{Template: tpl,
		EvidenceDir: filepath.Join(t.TempDir(), "evidence"), MaxFileBytes: 1 << 16, Changed: func() { e.changes.Add(1) }})
	if err := s.Install(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// agreement makes up an active agreement of the demo operator with the
// city's bureau, in force since 2024.
func (e *env) agreement() string {
	return e.ags.add(evaluation.AgreementInfo{OperatorID: e.Orgs["operator"], ImplementingUnitID: e.Orgs["bureau"], JurisdictionID: e.city,
		Active: true, StartsAt: demotest.Shanghai("2024-01-01 00:00:00"), EndsAt: demotest.Shanghai("2028-12-31 23:59:59")})
}

// agreements stands in for the agreement package.
type agreements struct {
	mu sync.Mutex
	m  map[string]evaluation.AgreementInfo
}

func (a *agreements) add(ag evaluation.AgreementInfo) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	ag.ID = store.NewID()
	ag.Title = fmt.Sprintf("授权运营协议第%d号", len(a.m)+1)
	a.m[ag.ID] = ag
	return ag.ID
}

func (a *agreements) Lookup(_ context.Context, id string) (evaluation.AgreementInfo, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	ag, ok := a.m[id]
	if !ok {
		return ag, errs.E(errs.NotFound, "no agreement %q", id)
	}
	return ag, nil
}

// small is a hand-made template of three items worth 30, 20 and 50 points,
// with the usual bands.
func small(version string) *evaluation.Template {
	t, err := evaluation.ParseTemplate([]byte(`{"version": "` + version + `", "name": "测试评分表", "sections": [
		{"key": "a", "title": "合规", "items": [
			{"key": "scope", "title": "范围", "weight": 30, "guidance": "超范围每处扣 10 分"},
			{"key": "staff", "title": "人员", "weight": 20, "guidance": "每缺一人扣 5 分"}]},
		{"key": "b", "title": "效益", "items": [
			{"key": "benefit", "title": "成效", "weight": 50, "guidance": "按成效评分"}]}],
		"bands": [{"grade": "优秀", "min": 90}, {"grade": "良好", "min": 80}, {"grade": "合格", "min": 60}, {"grade": "不合格", "min": 0}]}`))
	if err != nil {
		panic(err)
	}
	return t
}
