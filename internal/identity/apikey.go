package identity

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// APIKey is an application unit's key, without the secret.
type APIKey struct {
	ID        string     `json:"id"`
	OrgID     string     `json:"org_id"`
	Name      string     `json:"name"`
	Prefix    string     `json:"prefix"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	// Scope lists the subscriptions the key may call; empty, every
	// approved subscription of its organization.
	Scope []string `json:"subscription_ids,omitempty"`
}

// CreateAPIKey makes a key for p's application unit. The returned secret is
// shown this once; only its hash is kept.
func (s *Service) CreateAPIKey(ctx context.Context, p access.Principal, name string) (APIKey, string, error) {
	return s.CreateScopedAPIKey(ctx, p, name, nil)
}

// CreateScopedAPIKey is CreateAPIKey with the subscriptions the key may
// call; package product checks them before it asks.
func (s *Service) CreateScopedAPIKey(ctx context.Context, p access.Principal, name string, scope []string) (APIKey, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 60 {
		return APIKey{}, "", errs.E(errs.Invalid, "name: required, at most 60 characters (say what the key is for)")
	}
	o, err := getOrg(ctx, s.db, p.OrgID)
	if err != nil {
		return APIKey{}, "", err
	}
	if err := access.Check(p, access.APIKeyCreate, o.Resource()); err != nil {
		return APIKey{}, "", err
	}
	secret, hash := newToken(apiKeyPrefix)
	k := APIKey{ID: store.NewID(), OrgID: o.ID, Name: name, Prefix: secret[:len(apiKeyPrefix)+6], CreatedBy: p.UserID, CreatedAt: s.db.Now(), Scope: scope}
	scopeText := ""
	if len(scope) > 0 {
		b, _ := json.Marshal(scope)
		scopeText = string(b)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO api_keys (id, org_id, name, prefix, key_hash, created_by, created_at, scope) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			k.ID, k.OrgID, k.Name, k.Prefix, hash, k.CreatedBy, k.CreatedAt, scopeText); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "apikey.create", "api_key", k.ID, map[string]any{"name": k.Name, "prefix": k.Prefix, "subscription_ids": scope})
	})
	return k, secret, err
}

const apiKeyColumns = `id, org_id, name, prefix, created_by, created_at, revoked_at, scope`

func scanAPIKey(row interface{ Scan(...any) error }) (APIKey, error) {
	var k APIKey
	var revoked *time.Time
	var scope string
	err := row.Scan(&k.ID, &k.OrgID, &k.Name, &k.Prefix, &k.CreatedBy, &k.CreatedAt, &revoked, &scope)
	if err == nil && scope != "" {
		err = json.Unmarshal([]byte(scope), &k.Scope)
	}
	k.CreatedAt = k.CreatedAt.UTC()
	if revoked != nil {
		r := revoked.UTC()
		k.RevokedAt = &r
	}
	return k, err
}

// APIKeys lists the keys of organization orgID ("" for p's own), newest first.
func (s *Service) APIKeys(ctx context.Context, p access.Principal, orgID string, page store.Page) ([]APIKey, string, error) {
	if orgID == "" {
		orgID = p.OrgID
	}
	o, err := getOrg(ctx, s.db, orgID)
	if err != nil {
		return nil, "", err
	}
	if err := access.Check(p, access.APIKeyRead, o.Resource()); err != nil {
		return nil, "", err
	}
	after := page.After
	if after == "" {
		after = "~" // sorts after every UUID
	}
	rows, err := s.db.Query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE org_id = $1 AND id < $2 ORDER BY id DESC LIMIT `+fmt.Sprint(page.Limit+1), o.ID, after)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, k)
	}
	out, next := store.Trim(out, page, func(k APIKey) string { return k.ID })
	return out, next, rows.Err()
}

// RevokeAPIKey stops a key at once. Revoking a revoked key is a conflict.
func (s *Service) RevokeAPIKey(ctx context.Context, p access.Principal, id string) (APIKey, error) {
	var k APIKey
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		k, err = scanAPIKey(tx.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = $1`, id))
		if store.IsNoRows(err) {
			return errs.E(errs.NotFound, "no API key %q", id)
		}
		if err != nil {
			return err
		}
		o, err := getOrg(ctx, tx, k.OrgID)
		if err != nil {
			return err
		}
		if err := access.Check(p, access.APIKeyRevoke, o.Resource()); err != nil {
			return err
		}
		if k.RevokedAt != nil {
			return errs.E(errs.Conflict, "API key %s was revoked already at %s", k.Prefix, k.RevokedAt.Format(time.RFC3339))
		}
		now := s.db.Now()
		k.RevokedAt = &now
		if _, err := tx.Exec(ctx, `UPDATE api_keys SET revoked_at = $1, revoked_by = $2 WHERE id = $3`, now, p.UserID, id); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "apikey.revoke", "api_key", id, map[string]string{"prefix": k.Prefix})
	})
	return k, err
}

// authenticateKey turns an API key into its organization's principal. A
// key in force is remembered (see Service.keys); an unknown or revoked one
// is not, so that made-up keys cannot fill the memo.
func (s *Service) authenticateKey(ctx context.Context, token, addr string) (access.Principal, error) {
	hash := hashToken(token)
	if p, ok := s.keys.Get(string(hash)); ok {
		p.Addr = addr
		return p, nil
	}
	var (
		p           access.Principal
		kind, level string
		orgDisabled bool
		revoked     *time.Time
	)
	gen := s.db.Generation()
	err := s.db.QueryRow(ctx, `SELECT k.id, k.revoked_at, o.id, o.name, o.kind, o.disabled, j.id, j.level
		FROM api_keys k JOIN organizations o ON o.id = k.org_id JOIN jurisdictions j ON j.id = o.jurisdiction_id
		WHERE k.key_hash = $1`, hash).Scan(&p.APIKeyID, &revoked, &p.OrgID, &p.OrgName, &kind, &orgDisabled, &p.JurisdictionID, &level)
	if store.IsNoRows(err) || (err == nil && (revoked != nil || orgDisabled)) {
		return access.Principal{}, errs.E(errs.Unauthenticated, "the API key is unknown or revoked")
	}
	if err != nil {
		return p, fmt.Errorf("identity: authenticate key: %w", err)
	}
	p.OrgKind, p.JurisdictionLevel = access.Kind(kind), access.Level(level)
	s.keys.Put(string(hash), gen, p, time.Time{})
	p.Addr = addr
	return p, nil
}

// KeyScope returns API key id's scope (nil: its organization's every
// approved subscription). A key's scope never changes, so callers may keep
// it; whether the key still holds is Authenticate's to say.
func (s *Service) KeyScope(ctx context.Context, id string) ([]string, error) {
	k, err := scanAPIKey(s.db.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = $1`, id))
	if store.IsNoRows(err) {
		return nil, errs.E(errs.NotFound, "no API key %q", id)
	}
	return k.Scope, err
}
