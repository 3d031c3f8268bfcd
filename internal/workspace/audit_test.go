package workspace_test

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/duckdb/duckdb-go/v2"

	"shuyu/internal/errs"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
	"shuyu/internal/workspace"
)

// people writes a version file of 200 people: 4 districts, ages 20–69,
// exactly one of them aged 33, eleven under 23.
func people(t *testing.T) sandbox.Version {
	t.Helper()
	path := filepath.Join(t.TempDir(), "people.parquet")
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	_, err = db.Exec(fmt.Sprintf(`COPY (SELECT printf('P%%05d', i) AS id_number,
		(['奎文区', '潍城区', '寒亭区', '坊子区'])[i %% 4 + 1] AS district,
		CASE WHEN i = 0 THEN 33 ELSE 20 + i %% 50 + CASE WHEN i %% 50 = 13 THEN 1 ELSE 0 END END AS age
		FROM range(200) t(i)) TO '%s' (FORMAT parquet)`, path))
	if err != nil {
		t.Fatal(err)
	}
	return sandbox.Version{ID: "v-people", Path: path}
}

func peopleGrant(v sandbox.Version, id string) sandbox.Grant {
	return sandbox.Grant{ID: id, OrgID: "op1", Rule: sandbox.Aggregate, K: 10, Datasets: []sandbox.Dataset{{
		Name: "people", PrivacyUnit: "id_number", Version: v,
		Columns: []sandbox.Column{{Name: "id_number", Type: "text", Role: sandbox.PrivacyUnit},
			{Name: "district", Type: "text", Role: sandbox.Dimension}, {Name: "age", Type: "integer", Role: sandbox.Dimension}},
	}}}
}

// The differencing defence remembers across a restart: a total answered by
// one sandbox, then the total without one person asked of a new sandbox on
// the same database, is refused.
func TestAuditSurvivesRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v := people(t)
		g := peopleGrant(v, "g-"+string(db.Dialect()))
		open := func() *sandbox.Sandbox {
			sb, err := sandbox.Open(ctx, sandbox.Config{Dir: t.TempDir(), Audit: workspace.NewAudit(db)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { sb.Close() })
			return sb
		}
		first := open()
		if _, err := first.Query(ctx, g, sandbox.Request{SQL: "SELECT COUNT(*) AS n FROM people"}); err != nil {
			t.Fatal(err)
		}
		first.Close()
		second := open()
		_, err := second.Query(ctx, g, sandbox.Request{SQL: "SELECT COUNT(*) AS n FROM people WHERE age <> 33"})
		if !errs.Is(err, errs.Forbidden) || sandbox.RuleOf(err) != "differencing" {
			t.Fatalf("the total without one person after a restart: %v", err)
		}
		// The same pair in another grant is another history.
		if _, err := second.Query(ctx, peopleGrant(v, "other"), sandbox.Request{SQL: "SELECT COUNT(*) AS n FROM people WHERE age <> 33"}); err != nil {
			t.Fatal(err)
		}
		// Two answers of near sizes (189 and 188 units, 23 apart) have their
		// units listed and stored: a later process finds them without
		// listing again.
		for _, q := range []string{"SELECT COUNT(*) AS n FROM people WHERE age >= 23", "SELECT COUNT(*) AS n FROM people WHERE age <= 66"} {
			if _, err := second.Query(ctx, g, sandbox.Request{SQL: q}); err != nil {
				t.Fatal(err)
			}
		}
		sets, err := workspace.NewAudit(db).Sets(ctx, g.ID, v.ID, 0, 1000)
		if err != nil || len(sets) == 0 {
			t.Fatalf("sets %d, %v", len(sets), err)
		}
		listed := 0
		for _, s := range sets {
			if s.Units == nil {
				continue
			}
			listed++
			if int64(s.Units.GetCardinality()) != s.Card {
				t.Fatalf("set of query %s: card %d, units %v", s.QueryID, s.Card, s.Units)
			}
		}
		if listed != 2 {
			t.Fatalf("%d sets of %d have their units stored, want the two near answers'", listed, len(sets))
		}
	}, workspace.Migrations)
}

// A set whose units are only bounded (groups of people with several rows,
// counted by their rows) is found by every range its bounds meet, and
// once listed by its exact size alone.
func TestAuditBoundedSets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := workspace.NewAudit(db)
		g := "g-bounds-" + string(db.Dialect())
		set := &sandbox.UnitSet{GrantID: g, QueryID: "q1", Version: "v1", Def: "d", Key: "k", Card: -1, Low: 100, High: 120, Extract: "SELECT 1"}
		if err := a.Keep(ctx, []*sandbox.UnitSet{set}); err != nil {
			t.Fatal(err)
		}
		found := func(lo, hi int64) bool {
			sets, err := a.Sets(ctx, g, "v1", lo, hi)
			if err != nil {
				t.Fatal(err)
			}
			if len(sets) == 1 && (sets[0].Card != set.Card || sets[0].Low != set.Low || sets[0].High != set.High) {
				t.Fatalf("kept card %d in [%d, %d], found %d in [%d, %d]", set.Card, set.Low, set.High, sets[0].Card, sets[0].Low, sets[0].High)
			}
			return len(sets) == 1
		}
		for _, c := range []struct {
			lo, hi int64
			want   bool
		}{{0, 99, false}, {90, 100, true}, {105, 110, true}, {120, 200, true}, {121, 200, false}} {
			if got := found(c.lo, c.hi); got != c.want {
				t.Errorf("range [%d, %d]: found %v, want %v", c.lo, c.hi, got, c.want)
			}
		}
		set.Card, set.Low, set.High, set.Units = 2, 2, 2, roaring.BitmapOf(7, 9)
		if err := a.Fill(ctx, []*sandbox.UnitSet{set}); err != nil {
			t.Fatal(err)
		}
		if found(90, 130) || !found(0, 5) {
			t.Error("a listed set is found by its bounds, not by its size")
		}
	}, workspace.Migrations)
}

// A query repeated in a grant releases the same sets again: they are kept
// once, in both stores, and the repeat is still answered.
func TestAuditKeepsRepeatsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v := people(t)
		g := peopleGrant(v, "g-repeat-"+string(db.Dialect()))
		for _, audit := range []sandbox.AuditStore{workspace.NewAudit(db), sandbox.NewMemoryAudit()} {
			sb, err := sandbox.Open(ctx, sandbox.Config{Dir: t.TempDir(), Audit: audit})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { sb.Close() })
			kept := func() int {
				sets, err := audit.Sets(ctx, g.ID, v.ID, 0, math.MaxInt64)
				if err != nil {
					t.Fatal(err)
				}
				return len(sets)
			}
			var first int
			for i := range 5 {
				if _, err := sb.Query(ctx, g, sandbox.Request{SQL: "SELECT district, COUNT(*) AS n FROM people GROUP BY district"}); err != nil {
					t.Fatalf("run %d: %v", i+1, err)
				}
				if i == 0 {
					first = kept()
				}
			}
			// four districts and their coverage
			if n := kept(); first != 5 || n != first {
				t.Fatalf("%T: %d sets after one run, %d after five; want 5 and 5", audit, first, n)
			}
			// The defence still sees the kept sets: a district less one
			// person is refused.
			_, err = sb.Query(ctx, g, sandbox.Request{SQL: "SELECT district, COUNT(*) AS n FROM people WHERE age <> 33 GROUP BY district"})
			if sandbox.RuleOf(err) != "differencing" {
				t.Fatalf("%T: a district less one person after repeats: %v", audit, err)
			}
		}
	}, workspace.Migrations)
}

// Migration 005 merges the copies of a set kept before identities into
// one row, the listed one if any, and leaves other sets alone.
func TestAuditMigrationMergesCopies(t *testing.T) {
	before := fstest.MapFS{}
	for _, name := range []string{"001_workspace.sql", "002_queries.sql", "003_refusal_code.sql", "004_unit_set_bounds.sql"} {
		text, err := fs.ReadFile(workspace.Migrations.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		before[name] = &fstest.MapFile{Data: text}
	}
	listed, err := roaring.BitmapOf(1, 2, 3).ToBytes()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i, c := range []struct {
				key   string
				units []byte
			}{{"a", nil}, {"a", listed}, {"a", nil}, {"b", nil}, {"b", nil}} {
				if _, err := tx.Exec(ctx, `INSERT INTO workspace_unit_sets (id, grant_id, query_id, version_id, def_hash, group_key, group_keys,
					unit_index, shared, universe, card, units, extract_sql, at) VALUES ($1, 'g', $2, 'v', 'd', $3, '[]', 0, 0, 100, 20, $4, 'SELECT 1', $5)`,
					fmt.Sprintf("s%d", i), fmt.Sprintf("q%d", i), c.key, c.units, time.Now().UTC()); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx, workspace.Migrations); err != nil {
			t.Fatal(err)
		}
		sets, err := workspace.NewAudit(db).Sets(ctx, "g", "v", 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range sets {
			got = append(got, fmt.Sprintf("%s:%s:%v", s.Key, s.QueryID, s.Units != nil))
		}
		if want := []string{"a:q1:true", "b:q3:false"}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("sets after the migration %v, want %v", got, want)
		}
	}, store.Migrations{Package: "workspace", FS: before})
}
