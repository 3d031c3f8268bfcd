package evaluation

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"

	"shuyu/internal/errs"
	"shuyu/internal/store"
)

//go:embed default_template.json
var defaultTemplate []byte

// DefaultTemplate returns the built-in template, derived from Art. 24 and
// the evaluation criteria agreements carry. A broken built-in file is a
// build defect and panics; the tests guard it.
func DefaultTemplate() *Template {
	t, err := ParseTemplate(defaultTemplate)
	if err != nil {
		panic(err)
	}
	return t
}

// LoadTemplate reads a deployment's own template file (JSON, the shape of
// the built-in one).
func LoadTemplate(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("evaluation template: %w", err)
	}
	t, err := ParseTemplate(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// Install records the template in force, so that evaluations opened with
// it can be read with it later, whatever the deployment's file says then.
// A version stored already with another text is refused: a changed
// template needs a new version. Several processes may install at once.
func (s *Service) Install(ctx context.Context) error {
	sum, body := s.current.sha()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO evaluation_templates (version, sha256, body, installed_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (version) DO NOTHING`, s.current.Version, sum, string(body), s.db.Now()); err != nil {
			return fmt.Errorf("evaluation: install template %s: %w", s.current.Version, err)
		}
		var stored string
		if err := tx.QueryRow(ctx, `SELECT sha256 FROM evaluation_templates WHERE version = $1`, s.current.Version).Scan(&stored); err != nil {
			return err
		}
		if stored != sum {
			return fmt.Errorf("evaluation template %q: stored earlier with other content (sha256 %s, now %s): give the changed template a new version", s.current.Version, stored, sum)
		}
		return nil
	})
}

// TemplateInfo names a stored template version.
type TemplateInfo struct {
	Version string `json:"version"`
	Name    string `json:"name"`
	// Current: new evaluations open with it.
	Current bool `json:"current"`
}

// Templates lists every stored template version, the current one first.
func (s *Service) Templates(ctx context.Context) ([]TemplateInfo, error) {
	rows, err := s.db.Query(ctx, `SELECT version FROM evaluation_templates ORDER BY installed_at DESC, version`)
	if err != nil {
		return nil, fmt.Errorf("evaluation: list templates: %w", err)
	}
	var versions []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return nil, err
		}
		versions = append(versions, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []TemplateInfo{{Version: s.current.Version, Name: s.current.Name, Current: true}}
	for _, v := range versions {
		if v == s.current.Version {
			continue
		}
		t, err := s.Template(ctx, v)
		if err != nil {
			return nil, err
		}
		out = append(out, TemplateInfo{Version: v, Name: t.Name})
	}
	return out, nil
}

// Template returns a stored template version ("" or "current": the one in force).
func (s *Service) Template(ctx context.Context, version string) (*Template, error) {
	if version == "" || version == "current" || version == s.current.Version {
		return s.current, nil
	}
	if t, ok := s.templates.Load(version); ok {
		return t.(*Template), nil
	}
	var body string
	err := s.db.QueryRow(ctx, `SELECT body FROM evaluation_templates WHERE version = $1`, version).Scan(&body)
	if store.IsNoRows(err) {
		return nil, errs.E(errs.NotFound, "no evaluation template version %q", version)
	}
	if err != nil {
		return nil, err
	}
	var t Template
	if err := json.Unmarshal([]byte(body), &t); err != nil {
		return nil, fmt.Errorf("evaluation: stored template %s: %w", version, err)
	}
	s.templates.Store(version, &t)
	return &t, nil
}
