package identity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// SessionKind says where a session token is accepted: in the console's
// cookie, or as an API bearer token.
type SessionKind string

const (
	ConsoleSession SessionKind = "console"
	APISession     SessionKind = "api"
)

// Login is a sign-in attempt.
type Login struct {
	Username  string
	Password  string
	Kind      SessionKind
	Addr      string // the client's address, for throttling and the ledger
	UserAgent string
}

// Session is a signed-in session; Token is shown to the client once.
type Session struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	UserID    string    `json:"user_id"`
}

var errBadLogin = errs.E(errs.Unauthenticated, "wrong username or password")

// Login checks a username and password and opens a session. Failures are
// counted per account and per address; past the limits, logins are refused
// for a while whatever the password. Every attempt goes to the ledger.
func (s *Service) Login(ctx context.Context, in Login) (Session, error) {
	username := strings.ToLower(strings.TrimSpace(in.Username))
	if username == "" || in.Password == "" {
		return Session{}, errs.E(errs.Invalid, "username and password are required")
	}
	if len(username) > 100 || len(in.Password) > 256 {
		return Session{}, errBadLogin
	}
	if in.Kind != ConsoleSession && in.Kind != APISession {
		return Session{}, fmt.Errorf("identity: login of unknown kind %q", in.Kind)
	}
	if err := s.checkThrottle(ctx, username, in.Addr); err != nil {
		return Session{}, err
	}
	var (
		id, hash                  string
		userDisabled, orgDisabled bool
	)
	err := s.db.QueryRow(ctx, `SELECT u.id, u.password_hash, u.disabled, o.disabled FROM users u JOIN organizations o ON o.id = u.org_id
		WHERE u.username = $1`, username).Scan(&id, &hash, &userDisabled, &orgDisabled)
	found := err == nil
	if err != nil && !store.IsNoRows(err) {
		return Session{}, fmt.Errorf("identity: login: %w", err)
	}
	if !found {
		hash = s.dummyHash
	}
	ok, err := s.hasher.check(ctx, hash, in.Password)
	if err != nil {
		return Session{}, err
	}
	if !found || !ok {
		return Session{}, s.failLogin(ctx, in, username, id)
	}
	if userDisabled || orgDisabled {
		return Session{}, errs.E(errs.Unauthenticated, "this account is disabled; ask your organization's administrator")
	}
	p, err := s.principal(ctx, s.db, `u.id = $1`, id)
	if err != nil {
		return Session{}, err
	}
	p.Addr = in.Addr
	token, tokenHash := newToken(sessionPrefix)
	now := s.db.Now()
	ttl := s.opts.SessionTTL
	if in.Kind == APISession {
		ttl = s.opts.TokenTTL
	}
	sess := Session{Token: token, ExpiresAt: now.Add(ttl), UserID: id}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM login_throttle WHERE key = $1`, accountKey(username)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND expires_at < $2`, id, now); err != nil {
			return err
		}
		sid := store.NewID()
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (id, token_hash, user_id, kind, created_at, expires_at, ip, user_agent)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, sid, tokenHash, id, string(in.Kind), now, sess.ExpiresAt, in.Addr, truncate(in.UserAgent, 200)); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "auth.login", "session", sid, map[string]string{"kind": string(in.Kind), "user_agent": truncate(in.UserAgent, 200)})
	})
	return sess, err
}

func (s *Service) failLogin(ctx context.Context, in Login, username, userID string) error {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := s.countFailure(ctx, tx, accountKey(username), s.opts.AccountLimit); err != nil {
			return err
		}
		if err := s.countFailure(ctx, tx, addressKey(in.Addr), s.opts.AddressLimit); err != nil {
			return err
		}
		return s.ledger.Append(ctx, tx, ledger.Record{Actor: ledger.Actor{UserID: userID, Name: truncate(username, 100), IP: in.Addr},
			Action: "auth.login_failed", ObjectType: "user", ObjectID: userID, Detail: map[string]string{"kind": string(in.Kind)}})
	})
	if err != nil {
		return err
	}
	return errBadLogin
}

// Logout ends the session the principal presented.
func (s *Service) Logout(ctx context.Context, p access.Principal) error {
	if err := access.Check(p, access.SessionEnd, access.Resource{UserID: p.UserID}); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE id = $1`, p.SessionID); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "auth.logout", "session", p.SessionID, nil)
	})
}

// Authenticate turns a presented token into the principal it stands for: a
// session token of the given kind, or (for APISession) an API key.
func (s *Service) Authenticate(ctx context.Context, token string, kind SessionKind, addr string) (access.Principal, error) {
	if kind == APISession && IsAPIKey(token) {
		return s.authenticateKey(ctx, token, addr)
	}
	if !strings.HasPrefix(token, sessionPrefix) {
		return access.Principal{}, errs.E(errs.Unauthenticated, "malformed credentials")
	}
	var (
		sid, sessKind string
		expires       time.Time
	)
	err := s.db.QueryRow(ctx, `SELECT id, kind, expires_at FROM sessions WHERE token_hash = $1`, hashToken(token)).Scan(&sid, &sessKind, &expires)
	if store.IsNoRows(err) || (err == nil && (sessKind != string(kind) || !expires.After(s.db.Now()))) {
		return access.Principal{}, errs.E(errs.Unauthenticated, "the session has expired or ended; sign in again")
	}
	if err != nil {
		return access.Principal{}, fmt.Errorf("identity: authenticate: %w", err)
	}
	p, err := s.principal(ctx, s.db, `u.id = (SELECT user_id FROM sessions WHERE id = $1)`, sid)
	if err != nil {
		return p, err
	}
	p.SessionID, p.Addr = sid, addr
	return p, nil
}

// principal loads the principal of the user matched by cond (with one
// argument), refusing disabled users and organizations.
func (s *Service) principal(ctx context.Context, q store.Querier, cond string, arg any) (access.Principal, error) {
	var (
		p                         access.Principal
		kind, level               string
		userDisabled, orgDisabled bool
	)
	err := q.QueryRow(ctx, `SELECT u.id, u.username, u.display_name, u.disabled, o.id, o.name, o.kind, o.disabled, j.id, j.level
		FROM users u JOIN organizations o ON o.id = u.org_id JOIN jurisdictions j ON j.id = o.jurisdiction_id WHERE `+cond, arg).Scan(
		&p.UserID, &p.Username, &p.DisplayName, &userDisabled, &p.OrgID, &p.OrgName, &kind, &orgDisabled, &p.JurisdictionID, &level)
	if store.IsNoRows(err) {
		return p, errs.E(errs.Unauthenticated, "the account no longer exists")
	}
	if err != nil {
		return p, fmt.Errorf("identity: load principal: %w", err)
	}
	if userDisabled || orgDisabled {
		return access.Principal{}, errs.E(errs.Unauthenticated, "this account is disabled; ask your organization's administrator")
	}
	p.OrgKind, p.JurisdictionLevel = access.Kind(kind), access.Level(level)
	p.Roles, err = rolesOf(ctx, q, p.UserID)
	return p, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
