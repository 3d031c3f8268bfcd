package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"shuyu/internal/errs"
)

// The differencing defence (query auditing), for every rule without noise.
//
// Each answered aggregation releases, per dataset occurrence behind it, one
// set of privacy units per released group, and one set for all its
// released groups together (its coverage). The defence refuses an answer
// if one of its sets X and a set Y released earlier in the same grant over
// the same dataset version (or another set of the same answer) satisfy
//
//	0 < |X Δ Y| < k,   X Δ Y = (X \ Y) ∪ (Y \ X).
//
// Why the symmetric difference: subtracting the two answers' aggregates
// gives an aggregate over X Δ Y with signs (+ for X \ Y, − for Y \ X).
// If X ⊃ Y it is the classic attack — the total, then the total without
// one person — and |X \ Y| < k units are revealed. If both one-sided
// differences are non-empty (two overlapping filters) the difference still
// involves only |X Δ Y| units, e.g. v(a) − v(b), which with knowledge of
// one reveals the other: the pair is a group of fewer than k units. Equal
// sets (|X Δ Y| = 0) reveal nothing new. Coverage sets catch the
// complement: a total and a grouped answer with one small group suppressed
// differ exactly by that group.
//
// Sets are compressed bitmaps of privacy-unit ordinals of the version
// (prepared once per version). Most answers never need them: two sets can
// only be within k of each other if their sizes are, which the group
// counts show (exactly, or as bounds where units with several rows make
// exact counts costly: see rewrite.go, repeats), and an identical
// statement over the same version gives identical sets. Only then are the
// candidates' units listed, by running the statement's extraction (kept
// with the set, so earlier sets are listed on demand too).

// UnitSet is the set of privacy units of one dataset version behind a
// released group (Key set) or behind all released groups of an aggregation
// (Key empty, Keys listing them) of an answered query.
type UnitSet struct {
	GrantID string    `json:"grant_id"`
	QueryID string    `json:"query_id"`
	At      time.Time `json:"at"`
	// Version is the dataset version; ordinals mean nothing across versions.
	Version string `json:"version"`
	// Def identifies the statement and grant views that define the groups:
	// the same Def and Key always denote the same set.
	Def  string   `json:"def"`
	Key  string   `json:"key,omitempty"`
	Keys []string `json:"keys,omitempty"`
	// Shared bounds how many of its units may also be in other groups of
	// the same statement (0 when they are disjoint): two groups of one
	// statement differ by at least |X| + |Y| − 2·min(shared).
	Shared int64 `json:"shared"`
	// Universe is the number of units in the version: a set of that size
	// is all of them.
	Universe int64 `json:"universe"`
	// Card is the number of units, -1 until listed when it is not known
	// exactly; Low and High then bound it (High -1: no upper bound).
	Card int64 `json:"card"`
	Low  int64 `json:"low"`
	High int64 `json:"high"`
	// Units is nil until listed.
	Units *roaring.Bitmap `json:"-"`
	// Extract lists the units of every group, column Unit.
	Extract string `json:"extract"`
	Unit    int    `json:"unit"`
}

// AuditStore keeps the released sets of each grant. The grant store
// implements it persistently (bitmaps serialized with roaring's portable
// format); Keep runs in the transaction that records the answer.
type AuditStore interface {
	// Sets returns the grant's sets over version whose size may be in
	// [lo, hi]: known and in it, or bounded by an interval meeting it.
	Sets(ctx context.Context, grantID, version string, lo, hi int64) ([]*UnitSet, error)
	// Keep stores the sets of an answered query, each once per grant: a
	// set with the Identity of one kept earlier is not stored again.
	Keep(ctx context.Context, sets []*UnitSet) error
	// Fill stores units listed later for kept sets.
	Fill(ctx context.Context, sets []*UnitSet) error
}

// Identity identifies the set within its grant: Def and Key (or Keys)
// determine the units over one version, so a repeated statement's sets
// have the identities of the first run's. Keys are sorted: groups are read
// in no particular order. Its hex SHA-256.
func (s *UnitSet) Identity() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d\x00", s.Version, s.Def, s.Key, s.Unit)
	for _, k := range slices.Sorted(slices.Values(s.Keys)) {
		fmt.Fprintf(h, "%s\x00", k)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// MemoryAudit is an AuditStore in memory.
type MemoryAudit struct {
	mu sync.Mutex
	// sets by grant and version, the only sets a lookup may return
	sets map[[2]string][]*UnitSet
	// kept by grant and Identity
	kept map[[2]string]bool
}

func NewMemoryAudit() *MemoryAudit {
	return &MemoryAudit{sets: map[[2]string][]*UnitSet{}, kept: map[[2]string]bool{}}
}

func (m *MemoryAudit) Sets(_ context.Context, grantID, version string, lo, hi int64) ([]*UnitSet, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*UnitSet
	for _, s := range m.sets[[2]string{grantID, version}] {
		if l, h := s.bounds(); l <= hi && h >= lo {
			out = append(out, s)
		}
	}
	return out, nil
}

func (m *MemoryAudit) Keep(_ context.Context, sets []*UnitSet) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range sets {
		id := [2]string{s.GrantID, s.Identity()}
		if m.kept[id] {
			continue
		}
		m.kept[id] = true
		by := [2]string{s.GrantID, s.Version}
		m.sets[by] = append(m.sets[by], s)
	}
	return nil
}

func (m *MemoryAudit) Fill(context.Context, []*UnitSet) error { return nil }

// bounds is the least and the greatest number of units the set may have.
func (s *UnitSet) bounds() (lo, hi int64) {
	switch {
	case s.Card >= 0:
		return s.Card, s.Card
	case s.High < 0:
		return s.Low, math.MaxInt64
	}
	return s.Low, s.High
}

// keyHash identifies a group by its key values.
func keyHash(vals []any) string {
	h := sha256.New()
	for _, v := range vals {
		fmt.Fprintf(h, "%T:%v\x00", v, v)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// lister runs extraction statements: per statement, per unit column, the
// units of each group by key.
type lister func(ctx context.Context, stmt string) (map[int]map[string]*roaring.Bitmap, error)

// audit checks fresh sets against each other and against the grant's
// earlier sets, listing units only for pairs whose sizes may be within k.
func audit(ctx context.Context, store AuditStore, fresh []*UnitSet, k int64, list lister) (filled []*UnitSet, err error) {
	type pair struct{ x, y *UnitSet }
	var pairs []pair
	// Pairs that cannot be within k are not listed: |X Δ Y| is at least
	// the difference of their sizes.
	skip := func(x, y *UnitSet) bool {
		xl, xh := x.bounds()
		yl, yh := y.bounds()
		switch {
		case xl == x.Universe && yl == y.Universe && x.Universe > 0:
			return true // both are all units
		case xl-yh >= k || yl-xh >= k:
			return true
		case x.Def != y.Def:
			return false
		case x.Key == y.Key:
			return true // the same statement's same group: the same set
		case x.Key == "" || y.Key == "":
			// coverage against a group of the same statement: a coverage
			// is not released as such (its groups are, and those are
			// compared with each other); it is there for other statements
			return true
		}
		return xl+yl-2*min(x.Shared, y.Shared) >= k
	}
	for i, x := range fresh {
		xl, xh := x.bounds()
		hi := int64(math.MaxInt64)
		if xh < hi-k {
			hi = xh + k - 1
		}
		earlier, err := store.Sets(ctx, x.GrantID, x.Version, xl-k+1, hi)
		if err != nil {
			return nil, err
		}
		for _, y := range earlier {
			if !skip(x, y) {
				pairs = append(pairs, pair{x, y})
			}
		}
		for _, y := range fresh[i+1:] {
			if y.Version == x.Version && !skip(x, y) {
				pairs = append(pairs, pair{x, y})
			}
		}
	}
	if len(pairs) == 0 {
		return nil, nil
	}
	listed := map[string]map[int]map[string]*roaring.Bitmap{}
	units := func(s *UnitSet) (*roaring.Bitmap, error) {
		if s.Units != nil {
			return s.Units, nil
		}
		byUnit, ok := listed[s.Extract]
		if !ok {
			var err error
			if byUnit, err = list(ctx, s.Extract); err != nil {
				return nil, err
			}
			listed[s.Extract] = byUnit
		}
		groups := byUnit[s.Unit]
		if s.Key != "" {
			s.Units = groups[s.Key]
		} else {
			s.Units = roaring.New()
			for _, key := range s.Keys {
				if b := groups[key]; b != nil {
					s.Units.Or(b)
				}
			}
		}
		if s.Units == nil {
			s.Units = roaring.New()
		}
		s.Card = int64(s.Units.GetCardinality())
		s.Low, s.High = s.Card, s.Card
		filled = append(filled, s)
		return s.Units, nil
	}
	for _, p := range pairs {
		x, err := units(p.x)
		if err != nil {
			return nil, err
		}
		y, err := units(p.y)
		if err != nil {
			return nil, err
		}
		d := int64(x.GetCardinality()+y.GetCardinality()) - 2*int64(x.AndCardinality(y))
		if d > 0 && d < k {
			e := errs.E(errs.Forbidden, "refused by the differencing defence: a group of this answer and a group of %s differ by fewer than k = %d privacy units, so together they would reveal those units; widen or drop the condition that separates them",
				describe(p.y, p.x), k)
			e.Details = map[string]any{"rule": "differencing"}
			return nil, e
		}
	}
	return filled, nil
}

func describe(y, x *UnitSet) string {
	if y.QueryID == x.QueryID {
		return "this same answer"
	}
	return "an earlier answer (query " + y.QueryID + ")"
}
