package identity

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// Jurisdiction is a city or one of its county-level divisions.
type Jurisdiction struct {
	ID        string       `json:"id"`
	Code      string       `json:"code"`
	Name      string       `json:"name"`
	NameEN    string       `json:"name_en"`
	Level     access.Level `json:"level"`
	ParentID  string       `json:"parent_id,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
}

var divisionCode = regexp.MustCompile(`^[1-9][0-9]{5}$`)

// CreateJurisdiction adds a city (no parent) or a county of a city. Only the
// platform administrator does this.
func (s *Service) CreateJurisdiction(ctx context.Context, p access.Principal, j Jurisdiction) (Jurisdiction, error) {
	if err := access.Check(p, access.JurisdictionCreate, access.Resource{}); err != nil {
		return j, err
	}
	j.Name, j.NameEN, j.Code = strings.TrimSpace(j.Name), strings.TrimSpace(j.NameEN), strings.TrimSpace(j.Code)
	switch {
	case !divisionCode.MatchString(j.Code):
		return j, errs.E(errs.Invalid, "code: %q is not a six-digit administrative division code (GB/T 2260), e.g. 370700", j.Code)
	case j.Name == "":
		return j, errs.E(errs.Invalid, "name: required")
	case j.NameEN == "":
		return j, errs.E(errs.Invalid, "name_en: required")
	}
	j.Level = access.LevelCity
	if j.ParentID != "" {
		j.Level = access.LevelCounty
	}
	j.ID, j.CreatedAt = store.NewID(), s.db.Now()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if j.ParentID != "" {
			parent, err := getJurisdiction(ctx, tx, j.ParentID)
			if err != nil {
				return err
			}
			if parent.Level != access.LevelCity {
				return errs.E(errs.Invalid, "parent_id: %s is a county; counties belong to a city", parent.Name)
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO jurisdictions (id, code, name, name_en, level, parent_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, j.ID, j.Code, j.Name, j.NameEN, string(j.Level), nullable(j.ParentID), j.CreatedAt)
		if store.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "code: a jurisdiction with code %s exists already", j.Code)
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, p, "jurisdiction.create", "jurisdiction", j.ID, map[string]string{"code": j.Code, "name": j.Name})
	})
	return j, err
}

const jurisdictionColumns = `id, code, name, name_en, level, COALESCE(parent_id, ''), created_at`

func scanJurisdiction(row interface{ Scan(...any) error }) (Jurisdiction, error) {
	var j Jurisdiction
	var level string
	err := row.Scan(&j.ID, &j.Code, &j.Name, &j.NameEN, &level, &j.ParentID, &j.CreatedAt)
	j.Level, j.CreatedAt = access.Level(level), j.CreatedAt.UTC()
	return j, err
}

func getJurisdiction(ctx context.Context, q store.Querier, id string) (Jurisdiction, error) {
	j, err := scanJurisdiction(q.QueryRow(ctx, `SELECT `+jurisdictionColumns+` FROM jurisdictions WHERE id = $1`, id))
	if store.IsNoRows(err) {
		return j, errs.E(errs.NotFound, "no jurisdiction %q", id)
	}
	return j, err
}

// Jurisdictions lists all jurisdictions, cities first, then counties by code.
// They are public: the portal shows them.
func (s *Service) Jurisdictions(ctx context.Context) ([]Jurisdiction, error) {
	rows, err := s.db.Query(ctx, `SELECT `+jurisdictionColumns+` FROM jurisdictions ORDER BY level, code`)
	if err != nil {
		return nil, fmt.Errorf("identity: list jurisdictions: %w", err)
	}
	defer rows.Close()
	var out []Jurisdiction
	for rows.Next() {
		j, err := scanJurisdiction(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// Jurisdiction returns one jurisdiction.
func (s *Service) Jurisdiction(ctx context.Context, id string) (Jurisdiction, error) {
	return getJurisdiction(ctx, s.db, id)
}

// reach lists the jurisdictions p's jurisdiction scope covers: its own, and a
// city's counties.
func reach(ctx context.Context, q store.Querier, p access.Principal) ([]string, error) {
	ids := []string{p.JurisdictionID}
	if p.JurisdictionLevel != access.LevelCity {
		return ids, nil
	}
	rows, err := q.Query(ctx, `SELECT id FROM jurisdictions WHERE parent_id = $1`, p.JurisdictionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
