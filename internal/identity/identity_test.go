package identity

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// cheap keeps tests fast; the parameters travel inside each hash.
var cheap = Argon2{MemoryKiB: 1024, Time: 1, Threads: 1}

const pw = "Correct-Horse-9"

type fixture struct {
	s                 *Service
	db                *store.DB
	led               *ledger.Ledger
	root              access.Principal
	city, county      Jurisdiction
	bureau, kuiwen    Organization
	provider, appUnit Organization
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	key, _, err := ledger.LoadOrCreateKey(filepath.Join(t.TempDir(), "k.pem"), ledger.SuiteEd25519)
	if err != nil {
		t.Fatal(err)
	}
	led, err := ledger.New(db, key, "test", ledger.MinRetention)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{s: New(db, led, Options{Argon2: cheap}), db: db, led: led, root: access.System("test")}
	must := func(v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f.city, err = f.s.CreateJurisdiction(ctx, f.root, Jurisdiction{Code: "370700", Name: "潍坊市", NameEN: "Weifang"})
	must(nil, err)
	f.county, err = f.s.CreateJurisdiction(ctx, f.root, Jurisdiction{Code: "370705", Name: "奎文区", NameEN: "Kuiwen", ParentID: f.city.ID})
	must(nil, err)
	org := func(name string, kind access.Kind, j Jurisdiction) Organization {
		o, err := f.s.CreateOrg(ctx, f.root, OrgInput{Name: &name, Kind: &kind, JurisdictionID: &j.ID})
		must(nil, err)
		return o
	}
	f.bureau = org("潍坊市大数据局", access.KindImplementingUnit, f.city)
	f.kuiwen = org("奎文区大数据局", access.KindImplementingUnit, f.county)
	f.provider = org("潍坊市人社局", access.KindProvider, f.city)
	f.appUnit = org("奎文某科技公司", access.KindAppUnit, f.county)
	return f
}

func (f *fixture) user(t *testing.T, o Organization, name string, roles ...access.Role) access.Principal {
	t.Helper()
	ctx := context.Background()
	password := pw
	_, err := f.s.CreateUser(ctx, f.root, UserInput{OrgID: &o.ID, Username: &name, Password: &password, Roles: &roles})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := f.s.Login(ctx, Login{Username: name, Password: pw, Kind: APISession, Addr: "10.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.s.Authenticate(ctx, sess.Token, APISession, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestScopes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		bureau := f.user(t, f.bureau, "bureau", access.RoleOfficer, access.RoleOrgAdmin)
		kuiwen := f.user(t, f.kuiwen, "kuiwen", access.RoleOfficer)
		hrss := f.user(t, f.provider, "hrss", access.RoleCommissioner, access.RoleOrgAdmin)

		names := func(p access.Principal) []string {
			orgs, _, err := f.s.Orgs(ctx, p, store.NewPage(0, ""))
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, o := range orgs {
				out = append(out, o.Name)
			}
			slices.Sort(out)
			return out
		}
		if got := names(bureau); len(got) != 4 {
			t.Errorf("the city bureau sees %v, want all four", got)
		}
		if got := names(kuiwen); !slices.Equal(got, []string{"奎文区大数据局", "奎文某科技公司"}) {
			t.Errorf("the county sees %v, want only its county", got)
		}
		if got := names(hrss); !slices.Equal(got, []string{"潍坊市人社局"}) {
			t.Errorf("a provider sees %v, want only itself", got)
		}
		if _, err := f.s.Org(ctx, kuiwen, f.provider.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("county reading a city organization: %v, want forbidden", err)
		}
		if _, err := f.s.Org(ctx, hrss, f.bureau.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("provider reading another organization: %v, want forbidden", err)
		}

		// The county officer may register an operator in its county, not in the city, and not an implementing unit.
		name, kind := "奎文数据运营公司", access.KindOperator
		if _, err := f.s.CreateOrg(ctx, kuiwen, OrgInput{Name: &name, Kind: &kind, JurisdictionID: &f.county.ID}); err != nil {
			t.Errorf("county officer creating an operator: %v", err)
		}
		name2 := "越权公司"
		if _, err := f.s.CreateOrg(ctx, kuiwen, OrgInput{Name: &name2, Kind: &kind, JurisdictionID: &f.city.ID}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("county officer creating in the city: %v, want forbidden", err)
		}
		iu := access.KindImplementingUnit
		if _, err := f.s.CreateOrg(ctx, bureau, OrgInput{Name: &name2, Kind: &iu, JurisdictionID: &f.city.ID}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("officer creating an implementing unit: %v, want forbidden", err)
		}

		// An organization's administrator manages its own users only, and only with roles that fit.
		u, p := "hrss2", pw
		roles := []access.Role{access.RoleCommissioner}
		if _, err := f.s.CreateUser(ctx, hrss, UserInput{OrgID: &f.provider.ID, Username: &u, Password: &p, Roles: &roles}); err != nil {
			t.Errorf("org admin adding a member: %v", err)
		}
		if _, err := f.s.CreateUser(ctx, hrss, UserInput{OrgID: &f.bureau.ID, Username: &u, Password: &p}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("org admin adding to another organization: %v, want forbidden", err)
		}
		bad := []access.Role{access.RoleAnalyst}
		u3 := "hrss3"
		if _, err := f.s.CreateUser(ctx, hrss, UserInput{OrgID: &f.provider.ID, Username: &u3, Password: &p, Roles: &bad}); !errs.Is(err, errs.Invalid) {
			t.Errorf("analyst role in a provider: %v, want invalid", err)
		}
		admin := []access.Role{access.RoleAdmin}
		if _, err := f.s.UpdateUser(ctx, hrss, hrss.UserID, UserInput{Roles: &admin}); err == nil {
			t.Error("an org admin made itself platform admin")
		}
	}, ledger.Migrations, Migrations)
}

func TestLoginThrottleAndSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		p := f.user(t, f.provider, "hrss", access.RoleCommissioner)

		for i := range 5 {
			_, err := f.s.Login(ctx, Login{Username: "hrss", Password: "wrong-Password-1", Kind: APISession, Addr: "10.0.0.9"})
			if !errs.Is(err, errs.Unauthenticated) {
				t.Fatalf("attempt %d: %v, want unauthenticated", i, err)
			}
		}
		// Locked now, even with the right password.
		if _, err := f.s.Login(ctx, Login{Username: "hrss", Password: pw, Kind: APISession, Addr: "10.0.0.10"}); !errs.Is(err, errs.RateLimited) {
			t.Fatalf("login while locked: %v, want rate limited", err)
		}
		// An unknown name fails the same way as a wrong password.
		if _, err := f.s.Login(ctx, Login{Username: "nobody", Password: pw, Kind: APISession, Addr: "10.0.0.11"}); !errs.Is(err, errs.Unauthenticated) {
			t.Fatalf("unknown user: %v", err)
		}
		// After the window the lock is gone.
		later := time.Now().Add(16 * time.Minute)
		db.Now = func() time.Time { return later.UTC().Truncate(time.Microsecond) }
		sess, err := f.s.Login(ctx, Login{Username: "HRSS", Password: pw, Kind: ConsoleSession, Addr: "10.0.0.10"})
		if err != nil {
			t.Fatalf("login after the lock: %v", err)
		}
		if _, err := f.s.Authenticate(ctx, sess.Token, APISession, ""); err == nil {
			t.Error("a console session was accepted as an API token")
		}
		cp, err := f.s.Authenticate(ctx, sess.Token, ConsoleSession, "")
		if err != nil || cp.UserID != p.UserID {
			t.Fatalf("authenticate: %v", err)
		}
		if err := f.s.Logout(ctx, cp); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Authenticate(ctx, sess.Token, ConsoleSession, ""); !errs.Is(err, errs.Unauthenticated) {
			t.Errorf("after logout: %v, want unauthenticated", err)
		}
		// Disabling a user ends their sessions.
		disabled := true
		if _, err := f.s.UpdateUser(ctx, f.root, p.UserID, UserInput{Disabled: &disabled}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Authenticate(ctx, "sy_s_whatever", APISession, ""); !errs.Is(err, errs.Unauthenticated) {
			t.Errorf("unknown token: %v", err)
		}
		entries, err := f.led.Entries(ctx, ledger.Filter{ActionPrefix: "auth.login_failed"})
		if err != nil || len(entries) != 6 {
			t.Errorf("failed logins in the ledger: %d, %v; want 6", len(entries), err)
		}
		if _, err := ledger.Verify(ctx, db, f.led.Key(), nil); err != nil {
			t.Error(err)
		}
	}, ledger.Migrations, Migrations)
}

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		dev := f.user(t, f.appUnit, "dev", access.RoleAppDeveloper)
		hrss := f.user(t, f.provider, "hrss", access.RoleCommissioner, access.RoleOrgAdmin)
		if _, _, err := f.s.CreateAPIKey(ctx, hrss, "x"); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a provider creating an API key: %v, want forbidden", err)
		}
		k, secret, err := f.s.CreateAPIKey(ctx, dev, "billing system")
		if err != nil {
			t.Fatal(err)
		}
		p, err := f.s.Authenticate(ctx, secret, APISession, "")
		if err != nil || p.APIKeyID != k.ID || p.OrgID != f.appUnit.ID || !p.Has(access.RoleAPIKey) || p.Has(access.RoleMember) {
			t.Fatalf("authenticate key: %+v, %v", p, err)
		}
		if _, err := f.s.Authenticate(ctx, secret, ConsoleSession, ""); err == nil {
			t.Error("an API key opened a console session")
		}
		var stored []byte
		if err := db.QueryRow(ctx, `SELECT key_hash FROM api_keys WHERE id = $1`, k.ID).Scan(&stored); err != nil || string(stored) == secret {
			t.Fatalf("the key is kept in the clear or not at all: %v", err)
		}
		if _, err := f.s.RevokeAPIKey(ctx, hrss, k.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("another organization revoking: %v, want forbidden", err)
		}
		if _, err := f.s.RevokeAPIKey(ctx, dev, k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Authenticate(ctx, secret, APISession, ""); !errs.Is(err, errs.Unauthenticated) {
			t.Errorf("revoked key: %v, want unauthenticated", err)
		}
		if _, err := f.s.RevokeAPIKey(ctx, dev, k.ID); !errs.Is(err, errs.Conflict) {
			t.Errorf("revoking twice: %v, want conflict", err)
		}
	}, ledger.Migrations, Migrations)
}

func TestPasswords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		user, pw string
		ok       bool
	}{
		{"alice", "short1A!", false},
		{"alice", "alllowercaseonly", true}, // 16 characters suffice
		{"alice", "lowercase12", false},     // two classes, under 16
		{"alice", "Lowercase12", true},
		{"alice", "Alice-2026-ok", false}, // contains the username
		{"alice", "Password123!", false},  // well known
		{"alice", "数据可用不可见Ab12", true},
	} {
		err := CheckPasswordStrength(tc.user, tc.pw)
		if (err == nil) != tc.ok {
			t.Errorf("CheckPasswordStrength(%q, %q) = %v, want ok=%v", tc.user, tc.pw, err, tc.ok)
		}
	}
	for range 20 {
		if err := CheckPasswordStrength("demo", RandomPassword()); err != nil {
			t.Fatalf("a random password is weak: %v", err)
		}
	}
	h := newHasher(cheap)
	ctx := context.Background()
	enc, err := h.hash(ctx, "Correct-Horse-9")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := h.check(ctx, enc, "Correct-Horse-9"); !ok || err != nil {
		t.Errorf("right password rejected: %v", err)
	}
	if ok, _ := h.check(ctx, enc, "Correct-Horse-8"); ok {
		t.Error("wrong password accepted")
	}
}
