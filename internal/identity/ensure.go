package identity

import (
	"context"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// These make seeding idempotent: shuyu demo may run again on the same data
// directory and finds what it made the first time.

// EnsureJurisdiction returns the jurisdiction with j's code, creating it when missing.
func (s *Service) EnsureJurisdiction(ctx context.Context, p access.Principal, j Jurisdiction) (Jurisdiction, error) {
	found, err := s.JurisdictionByCode(ctx, j.Code)
	if !errs.Is(err, errs.NotFound) {
		return found, err
	}
	return s.CreateJurisdiction(ctx, p, j)
}

// EnsureOrg returns the organization named in.Name in in.JurisdictionID,
// creating it when missing.
func (s *Service) EnsureOrg(ctx context.Context, p access.Principal, in OrgInput) (Organization, error) {
	if in.Name == nil || in.JurisdictionID == nil {
		return Organization{}, errs.E(errs.Invalid, "name and jurisdiction_id are required")
	}
	o, err := scanOrg(s.db.QueryRow(ctx, `SELECT `+orgColumns+orgFrom+` WHERE o.name = $1 AND o.jurisdiction_id = $2`, *in.Name, *in.JurisdictionID))
	if err == nil {
		return o, nil
	}
	if !store.IsNoRows(err) {
		return o, err
	}
	return s.CreateOrg(ctx, p, in)
}

// DemoUser is the outcome of EnsureDemoUser.
type DemoUser int

const (
	DemoCreated DemoUser = iota // the account is new, with the demo password
	DemoReset                   // it existed with an earlier demo password, now replaced
	DemoKept                    // its owner changed the password, which stays
)

// EnsureDemoUser creates a demo account with password, marked as a demo
// password. An account that exists and still has a demo password gets the new
// one; an account whose owner chose a password keeps it.
func (s *Service) EnsureDemoUser(ctx context.Context, p access.Principal, in UserInput, password string) (DemoUser, error) {
	if in.Username == nil {
		return 0, errs.E(errs.Invalid, "username: required")
	}
	var (
		id   string
		demo bool
	)
	err := s.db.QueryRow(ctx, `SELECT id, demo_password FROM users WHERE username = $1`, *in.Username).Scan(&id, &demo)
	switch {
	case store.IsNoRows(err):
		in.Password, in.demo = &password, true
		_, err := s.CreateUser(ctx, p, in)
		return DemoCreated, err
	case err != nil:
		return 0, err
	case !demo:
		return DemoKept, nil
	}
	u, err := getUser(ctx, s.db, id)
	if err != nil {
		return 0, err
	}
	return DemoReset, s.storePassword(ctx, p, u, password, "user.password_reset", true)
}
