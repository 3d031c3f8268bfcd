package quality

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// RuleSet is the rules an entry is checked with.
type RuleSet struct {
	DatasetID string `json:"dataset_id"`
	Dataset   string `json:"dataset"`
	Rules     []Rule `json:"rules"`
	// Defaults says no commissioner set rules: these derive from the catalog
	// and follow its changes.
	Defaults bool `json:"defaults"`
	// Revision counts the times rules were set (0: never).
	Revision  int        `json:"revision"`
	UpdatedBy string     `json:"updated_by,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// RulesInput is what a commissioner sends: the entry's whole set of rules,
// or defaults true to go back to the catalog-derived ones.
type RulesInput struct {
	Rules    []Rule `json:"rules"`
	Defaults bool   `json:"defaults,omitempty"`
}

// ruleSet returns the rules in force for an entry.
func (s *Service) ruleSet(ctx context.Context, q store.Querier, d catalog.Dataset) (RuleSet, error) {
	rs := RuleSet{DatasetID: d.ID, Dataset: d.Name}
	var (
		raw string
		at  time.Time
	)
	err := q.QueryRow(ctx, `SELECT rules, revision, updated_by, updated_at FROM quality_rules WHERE dataset_id = $1`, d.ID).
		Scan(&raw, &rs.Revision, &rs.UpdatedBy, &at)
	switch {
	case store.IsNoRows(err):
		rs.Rules, rs.Defaults = Defaults(d), true
		if err := q.QueryRow(ctx, `SELECT COALESCE(MAX(revision), 0) FROM quality_rule_revisions WHERE dataset_id = $1`, d.ID).Scan(&rs.Revision); err != nil {
			return rs, err
		}
	case err != nil:
		return rs, fmt.Errorf("quality: rules of %s: %w", d.Name, err)
	default:
		at = at.UTC()
		rs.UpdatedAt = &at
		if err := json.Unmarshal([]byte(raw), &rs.Rules); err != nil {
			return rs, fmt.Errorf("quality: rules of %s: %w", d.Name, err)
		}
	}
	if rs.Rules == nil {
		rs.Rules = []Rule{}
	}
	return rs, nil
}

// Rules returns the rules of entry ref for a caller who reaches it.
func (s *Service) Rules(ctx context.Context, p access.Principal, ref string) (RuleSet, error) {
	d, _, err := s.entry(ctx, p, ref, access.QualityRead)
	if err != nil {
		return RuleSet{}, err
	}
	return s.ruleSet(ctx, s.db, d)
}

// SetRules replaces the rules of entry ref; only its provider's
// commissioners may (catalog.write). Each set is kept as a revision and
// recorded in the ledger whole. Versions are assessed again under the new
// rules when next read, or by the background assessor.
func (s *Service) SetRules(ctx context.Context, p access.Principal, ref string, in RulesInput) (RuleSet, error) {
	d, _, err := s.entry(ctx, p, ref, access.CatalogWrite)
	if err != nil {
		return RuleSet{}, err
	}
	var rules []Rule
	if in.Defaults {
		if len(in.Rules) > 0 {
			return RuleSet{}, errs.E(errs.Invalid, "rules: give either rules or defaults true, not both")
		}
	} else {
		if in.Rules == nil {
			return RuleSet{}, errs.E(errs.Invalid, "rules: required (an empty list checks nothing; send defaults true for the catalog-derived rules)")
		}
		if rules, err = checkRules(in.Rules, fieldTypes(d)); err != nil {
			return RuleSet{}, err
		}
	}
	var rs RuleSet
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var rev int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(revision), 0) + 1 FROM quality_rule_revisions WHERE dataset_id = $1`, d.ID).Scan(&rev); err != nil {
			return err
		}
		now := s.db.Now()
		raw := "null" // a revision going back to the defaults
		if !in.Defaults {
			b, _ := json.Marshal(rules)
			raw = string(b)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO quality_rule_revisions (dataset_id, revision, rules, user_id, at) VALUES ($1, $2, $3, $4, $5)`,
			d.ID, rev, raw, p.UserID, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM quality_rules WHERE dataset_id = $1`, d.ID); err != nil {
			return err
		}
		if !in.Defaults {
			if _, err := tx.Exec(ctx, `INSERT INTO quality_rules (dataset_id, rules, revision, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)`,
				d.ID, raw, rev, p.Username, now); err != nil {
				return err
			}
		}
		var err error
		if rs, err = s.ruleSet(ctx, tx, d); err != nil {
			return err
		}
		return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: "quality.rules", ObjectType: "dataset", ObjectID: d.ID,
			Detail: map[string]any{"revision": rev, "defaults": in.Defaults, "rules": rs.Rules}})
	})
	return rs, err
}
