package workspace

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/RoaringBitmap/roaring/v2"

	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// Audit is the sandbox's differencing-defence memory in the control-plane
// database: every released set of privacy units, per grant and dataset
// version, with its bitmap once listed (roaring's portable format). It
// lives as long as the grant's history; sets of different versions are
// never compared.
type Audit struct{ db *store.DB }

// NewAudit returns the audit store on db.
func NewAudit(db *store.DB) *Audit { return &Audit{db: db} }

const unitSetColumns = `grant_id, query_id, version_id, def_hash, group_key, group_keys, unit_index, shared, universe, card, low, high, units, extract_sql, at`

// Sets returns grantID's sets over version whose size may be in [lo, hi]:
// known and in it, or bounded by an interval meeting it.
func (a *Audit) Sets(ctx context.Context, grantID, version string, lo, hi int64) ([]*sandbox.UnitSet, error) {
	rows, err := a.db.Query(ctx, `SELECT `+unitSetColumns+` FROM workspace_unit_sets
		WHERE grant_id = $1 AND version_id = $2 AND (card >= $3 AND card <= $4 OR card < 0 AND low <= $4 AND (high < 0 OR high >= $3)) ORDER BY at, id`, grantID, version, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("workspace: unit sets of %s: %w", grantID, err)
	}
	defer rows.Close()
	var out []*sandbox.UnitSet
	for rows.Next() {
		var s sandbox.UnitSet
		var keys string
		var units []byte
		if err := rows.Scan(&s.GrantID, &s.QueryID, &s.Version, &s.Def, &s.Key, &keys, &s.Unit, &s.Shared, &s.Universe, &s.Card,
			&s.Low, &s.High, &units, &s.Extract, &s.At); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(keys), &s.Keys); err != nil {
			return nil, fmt.Errorf("workspace: unit set of query %s: %w", s.QueryID, err)
		}
		if units != nil {
			s.Units = roaring.New()
			if err := s.Units.UnmarshalBinary(units); err != nil {
				return nil, fmt.Errorf("workspace: unit set of query %s: %w", s.QueryID, err)
			}
		}
		out = append(out, &s)
	}
	return out, rows.Err()
}

// Keep stores the sets of an answered query, in one transaction, each once
// per grant: a set kept before (the same Identity) is left as it is, but
// for its units, stored if this run listed them and the earlier did not.
func (a *Audit) Keep(ctx context.Context, sets []*sandbox.UnitSet) error {
	if len(sets) == 0 {
		return nil
	}
	return a.db.InTx(ctx, func(tx *store.Tx) error {
		for _, s := range sets {
			keys, _ := json.Marshal(s.Keys)
			if s.Keys == nil {
				keys = []byte("[]")
			}
			units, err := bitmap(s.Units)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO workspace_unit_sets (id, set_sha256, `+unitSetColumns+`)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
				ON CONFLICT (grant_id, set_sha256) DO UPDATE SET units = excluded.units, card = excluded.card, low = excluded.low, high = excluded.high
				WHERE workspace_unit_sets.units IS NULL AND excluded.units IS NOT NULL`,
				store.NewID(), s.Identity(), s.GrantID, s.QueryID, s.Version, s.Def, s.Key, string(keys), s.Unit, s.Shared, s.Universe, s.Card,
				s.Low, s.High, units, s.Extract, s.At.UTC()); err != nil {
				return fmt.Errorf("workspace: keep the unit sets of query %s: %w", s.QueryID, err)
			}
		}
		return nil
	})
}

// Fill stores the units listed later for kept sets. It matches rows by
// what defines the set, not by Identity, so that rows kept before
// identities were (migration 005) are filled too. Sets not kept yet (those
// of the answer being checked, unless it repeats an earlier one) match no
// row and are stored, with their units, by Keep.
func (a *Audit) Fill(ctx context.Context, sets []*sandbox.UnitSet) error {
	if len(sets) == 0 {
		return nil
	}
	return a.db.InTx(ctx, func(tx *store.Tx) error {
		for _, s := range sets {
			units, err := bitmap(s.Units)
			if err != nil || units == nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE workspace_unit_sets SET units = $1, card = $2, low = $2, high = $2
				WHERE grant_id = $3 AND version_id = $4 AND def_hash = $5 AND group_key = $6 AND unit_index = $7`,
				units, s.Card, s.GrantID, s.Version, s.Def, s.Key, s.Unit); err != nil {
				return fmt.Errorf("workspace: fill the unit sets of query %s: %w", s.QueryID, err)
			}
		}
		return nil
	})
}

func bitmap(b *roaring.Bitmap) ([]byte, error) {
	if b == nil {
		return nil, nil
	}
	b.RunOptimize()
	out, err := b.ToBytes()
	if err != nil {
		return nil, fmt.Errorf("workspace: serialize a unit set: %w", err)
	}
	return out, nil
}
