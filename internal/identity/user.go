package identity

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// User is a person with an account in one organization.
type User struct {
	ID          string        `json:"id"`
	OrgID       string        `json:"org_id"`
	Username    string        `json:"username"`
	DisplayName string        `json:"display_name"`
	Roles       []access.Role `json:"roles"`
	// TrainingDate and NDADate record the pre-job security training and the
	// signed confidentiality agreement (Art. 30), as YYYY-MM-DD, or "".
	TrainingDate      string    `json:"training_date"`
	NDADate           string    `json:"nda_date"`
	Disabled          bool      `json:"disabled"`
	DemoPassword      bool      `json:"demo_password"`
	PasswordChangedAt time.Time `json:"password_changed_at"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// SandboxReady reports whether the user may enter the sandbox as far as
// Art. 30 is concerned: trained and bound by a confidentiality agreement.
func (u User) SandboxReady() bool { return u.TrainingDate != "" && u.NDADate != "" }

// UserInput is what creating or updating a user takes. On update, nil fields
// stay as they are; Password is only for creation.
type UserInput struct {
	OrgID        *string        `json:"org_id"`
	Username     *string        `json:"username"`
	DisplayName  *string        `json:"display_name"`
	Password     *string        `json:"password"`
	Roles        *[]access.Role `json:"roles"`
	TrainingDate *string        `json:"training_date"`
	NDADate      *string        `json:"nda_date"`
	Disabled     *bool          `json:"disabled"`
	// demo marks a password seeded by shuyu demo; never from clients.
	demo bool
}

var usernamePattern = regexp.MustCompile(`^[a-z][a-z0-9._-]{1,39}$`)

const userColumns = `id, org_id, username, display_name, training_date, nda_date, disabled, demo_password, password_changed_at, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.OrgID, &u.Username, &u.DisplayName, &u.TrainingDate, &u.NDADate, &u.Disabled,
		&u.DemoPassword, &u.PasswordChangedAt, &u.CreatedAt, &u.UpdatedAt)
	u.PasswordChangedAt, u.CreatedAt, u.UpdatedAt = u.PasswordChangedAt.UTC(), u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, err
}

func getUser(ctx context.Context, q store.Querier, id string) (User, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if store.IsNoRows(err) {
		return u, errs.E(errs.NotFound, "no user %q", id)
	}
	if err != nil {
		return u, err
	}
	u.Roles, err = rolesOf(ctx, q, id)
	return u, err
}

func rolesOf(ctx context.Context, q store.Querier, userID string) ([]access.Role, error) {
	rows, err := q.Query(ctx, `SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	roles := []access.Role{}
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		roles = append(roles, access.Role(r))
	}
	return roles, rows.Err()
}

// userResource describes u, a member of o, for access checks.
func userResource(u User, o Organization) access.Resource {
	r := o.Resource()
	r.UserID = u.ID
	return r
}

// CreateUser adds a user to an organization.
func (s *Service) CreateUser(ctx context.Context, p access.Principal, in UserInput) (User, error) {
	var u User
	if in.OrgID == nil {
		return u, errs.E(errs.Invalid, "org_id: required")
	}
	// Authorize before validating, so that a caller without the right learns nothing from our checks.
	o, err := getOrg(ctx, s.db, *in.OrgID)
	if errs.Is(err, errs.NotFound) {
		return u, errs.E(errs.Invalid, "org_id: no organization %q", *in.OrgID)
	}
	if err != nil {
		return u, err
	}
	if err := access.Check(p, access.UserCreate, o.Resource()); err != nil {
		return u, err
	}
	switch {
	case in.Username == nil || in.Password == nil:
		return u, errs.E(errs.Invalid, "username and password are required")
	case !usernamePattern.MatchString(*in.Username):
		return u, errs.E(errs.Invalid, "username: %q must be 2–40 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter", *in.Username)
	}
	if err := CheckPasswordStrength(*in.Username, *in.Password); err != nil {
		return u, err
	}
	now := s.db.Now()
	u = User{ID: store.NewID(), OrgID: o.ID, Username: *in.Username, DisplayName: *in.Username, Roles: []access.Role{},
		DemoPassword: in.demo, PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now}
	if err := applyUserInput(&u, in, o, p); err != nil {
		return u, err
	}
	hash, err := s.hasher.hash(ctx, *in.Password)
	if err != nil {
		return u, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO users (id, org_id, username, display_name, password_hash, password_changed_at, demo_password,
			training_date, nda_date, disabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			u.ID, u.OrgID, u.Username, u.DisplayName, hash, u.PasswordChangedAt, u.DemoPassword, u.TrainingDate, u.NDADate, u.Disabled, u.CreatedAt, u.UpdatedAt)
		if store.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "username: %q is taken", u.Username)
		}
		if err != nil {
			return err
		}
		if err := setRoles(ctx, tx, u); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "user.create", "user", u.ID, map[string]any{"username": u.Username, "org_id": u.OrgID, "roles": u.Roles})
	})
	return u, err
}

// UpdateUser changes a user's name, roles, Art. 30 records or status.
func (s *Service) UpdateUser(ctx context.Context, p access.Principal, id string, in UserInput) (User, error) {
	var u User
	if in.Password != nil || in.Username != nil || in.OrgID != nil {
		return u, errs.E(errs.Invalid, "username, org_id and password cannot be changed here (passwords: POST /api/v1/users/{id}/password)")
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = getUser(ctx, tx, id); err != nil {
			return err
		}
		o, err := getOrg(ctx, tx, u.OrgID)
		if err != nil {
			return err
		}
		if err := access.Check(p, access.UserUpdate, userResource(u, o)); err != nil {
			return err
		}
		before := u
		before.Roles = slices.Clone(u.Roles)
		if err := applyUserInput(&u, in, o, p); err != nil {
			return err
		}
		if u.ID == p.UserID && (u.Disabled || (slices.Contains(before.Roles, access.RoleAdmin) && !slices.Contains(u.Roles, access.RoleAdmin))) {
			return errs.E(errs.Conflict, "you cannot disable yourself or drop your own administrator role; ask another administrator")
		}
		u.UpdatedAt = s.db.Now()
		if _, err := tx.Exec(ctx, `UPDATE users SET display_name = $1, training_date = $2, nda_date = $3, disabled = $4, updated_at = $5 WHERE id = $6`,
			u.DisplayName, u.TrainingDate, u.NDADate, u.Disabled, u.UpdatedAt, u.ID); err != nil {
			return err
		}
		if err := setRoles(ctx, tx, u); err != nil {
			return err
		}
		if u.Disabled && !before.Disabled {
			// A disabled account loses its sessions at once.
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, p, "user.update", "user", u.ID, ledger.Diff(before, u))
	})
	return u, err
}

// applyUserInput validates the changeable fields of in and copies them onto u,
// a member of o. Granting a role needs the right to manage o's users and the
// role must fit o's kind; only administrators grant the administrator role.
func applyUserInput(u *User, in UserInput, o Organization, p access.Principal) error {
	if in.DisplayName != nil {
		u.DisplayName = strings.TrimSpace(*in.DisplayName)
		if u.DisplayName == "" || len([]rune(u.DisplayName)) > 60 {
			return errs.E(errs.Invalid, "display_name: required, at most 60 characters")
		}
	}
	if in.Roles != nil {
		roles := slices.Clone(*in.Roles)
		slices.Sort(roles)
		roles = slices.Compact(roles)
		for _, r := range roles {
			if !slices.Contains(access.Roles, r) {
				return errs.E(errs.Invalid, "roles: %q is not a role (one of %v)", r, access.Roles)
			}
			if !access.RoleFits(r, o.Kind) {
				return errs.E(errs.Invalid, "roles: a member of a %s cannot hold %s (allowed: %v)", o.Kind, r, access.RolesFor(o.Kind))
			}
			if r == access.RoleAdmin && !p.Has(access.RoleAdmin) {
				return errs.E(errs.Forbidden, "roles: only a platform administrator grants %s", r)
			}
		}
		u.Roles = roles
	}
	for _, f := range []struct {
		name string
		in   *string
		out  *string
	}{{"training_date", in.TrainingDate, &u.TrainingDate}, {"nda_date", in.NDADate, &u.NDADate}} {
		if f.in == nil {
			continue
		}
		if *f.in != "" {
			if _, err := time.Parse(time.DateOnly, *f.in); err != nil {
				return errs.E(errs.Invalid, "%s: %q is not a date (want YYYY-MM-DD, or empty to clear)", f.name, *f.in)
			}
		}
		*f.out = *f.in
	}
	if in.Disabled != nil {
		u.Disabled = *in.Disabled
	}
	return nil
}

func setRoles(ctx context.Context, tx *store.Tx, u User) error {
	if _, err := tx.Exec(ctx, `DELETE FROM user_roles WHERE user_id = $1`, u.ID); err != nil {
		return err
	}
	for _, r := range u.Roles {
		if _, err := tx.Exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, u.ID, string(r)); err != nil {
			return err
		}
	}
	return nil
}

// User returns one user if p may see them.
func (s *Service) User(ctx context.Context, p access.Principal, id string) (User, error) {
	u, err := getUser(ctx, s.db, id)
	if err != nil {
		return u, err
	}
	o, err := getOrg(ctx, s.db, u.OrgID)
	if err != nil {
		return u, err
	}
	return u, access.Check(p, access.UserRead, userResource(u, o))
}

// Users lists the members of an organization, by username.
func (s *Service) Users(ctx context.Context, p access.Principal, orgID string, page store.Page) ([]User, string, error) {
	o, err := getOrg(ctx, s.db, orgID)
	if err != nil {
		return nil, "", err
	}
	if err := access.Check(p, access.UserRead, o.Resource()); err != nil {
		return nil, "", err
	}
	rows, err := s.db.Query(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = $1 AND username > $2 ORDER BY username LIMIT `+fmt.Sprint(page.Limit+1), orgID, page.After)
	if err != nil {
		return nil, "", fmt.Errorf("identity: list users: %w", err)
	}
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, "", err
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	for i := range out {
		if out[i].Roles, err = rolesOf(ctx, s.db, out[i].ID); err != nil {
			return nil, "", err
		}
	}
	out, next := store.Trim(out, page, func(u User) string { return u.Username })
	return out, next, nil
}

// SetPassword sets another user's password (an administrator's reset). The
// user's sessions end.
func (s *Service) SetPassword(ctx context.Context, p access.Principal, id, password string) error {
	u, err := getUser(ctx, s.db, id)
	if err != nil {
		return err
	}
	o, err := getOrg(ctx, s.db, u.OrgID)
	if err != nil {
		return err
	}
	if err := access.Check(p, access.UserSetPassword, userResource(u, o)); err != nil {
		return err
	}
	return s.storePassword(ctx, p, u, password, "user.password_reset", false)
}

// ChangePassword changes the caller's own password after checking the current one.
func (s *Service) ChangePassword(ctx context.Context, p access.Principal, current, password string) error {
	if err := access.Check(p, access.SelfPassword, access.Resource{UserID: p.UserID}); err != nil {
		return err
	}
	var hash string
	if err := s.db.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, p.UserID).Scan(&hash); err != nil {
		return fmt.Errorf("identity: change password: %w", err)
	}
	ok, err := s.hasher.check(ctx, hash, current)
	if err != nil {
		return err
	}
	if !ok {
		return errs.E(errs.Invalid, "current_password: wrong password")
	}
	if current == password {
		return errs.E(errs.Invalid, "password: the new password must differ from the current one")
	}
	u, err := getUser(ctx, s.db, p.UserID)
	if err != nil {
		return err
	}
	return s.storePassword(ctx, p, u, password, "user.password_change", false)
}

// storePassword replaces u's password and ends u's other sessions; demo
// marks a password that shuyu demo set.
func (s *Service) storePassword(ctx context.Context, p access.Principal, u User, password, action string, demo bool) error {
	if err := CheckPasswordStrength(u.Username, password); err != nil {
		return err
	}
	hash, err := s.hasher.hash(ctx, password)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		now := s.db.Now()
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $1, password_changed_at = $2, demo_password = $3, updated_at = $2 WHERE id = $4`,
			hash, now, demo, u.ID); err != nil {
			return err
		}
		// Other sessions end; a user changing their own password keeps the current one.
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, u.ID, p.SessionID); err != nil {
			return err
		}
		return s.record(ctx, tx, p, action, "user", u.ID, map[string]string{"username": u.Username})
	})
}
