package sandbox

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"shuyu/internal/demo"
	"shuyu/internal/domain"
	"shuyu/internal/store/storetest"
)

// pgWorld is the test domain on the PostgreSQL engine: the same version
// files as the shared world, loaded as the domain loads them into tables
// of a schema of the test database (SHUYU_TEST_POSTGRES), and a sandbox
// whose prepared schema is this run's own.
type pgWorld struct {
	*world
	pool   *pgxpool.Pool
	pg     *Postgres
	tables *domain.Tables
}

var (
	sharedPG     *pgWorld
	sharedPGErr  error
	sharedPGOnce sync.Once
)

// thePGWorld returns the PostgreSQL world, or skips the test when no
// database is given.
func thePGWorld(t testing.TB) *pgWorld {
	t.Helper()
	dsn := os.Getenv(storetest.EnvPostgres)
	if dsn == "" {
		t.Skip(storetest.EnvPostgres + " is not set: the PostgreSQL engine is not tested")
	}
	w := theWorld(t)
	sharedPGOnce.Do(func() { sharedPG, sharedPGErr = newPGWorld(w, dsn) })
	if sharedPGErr != nil {
		t.Fatal(sharedPGErr)
	}
	return sharedPG
}

func newPGWorld(w *world, dsn string) (*pgWorld, error) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, 5)
	rand.Read(nonce)
	suffix := hex.EncodeToString(nonce)
	p := &pgWorld{pool: pool, tables: &domain.Tables{Pool: pool, Schema: "test_domain_" + suffix}}
	if err := p.tables.Open(ctx); err != nil {
		return nil, err
	}
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, err
	}
	duck := sql.OpenDB(connector)
	defer duck.Close()
	for _, d := range demo.Datasets(testScale) {
		var cols []domain.Column
		for _, f := range d.Fields {
			cols = append(cols, domain.Column{Name: f.Name, Type: f.Type})
		}
		if err := p.tables.Load(ctx, duck, w.version(d.Name).ID, w.files[d.Name], cols); err != nil {
			return nil, err
		}
	}
	p.pg = &Postgres{Pool: pool, Schema: "test_sandbox_" + suffix,
		Table: func(_ context.Context, v Version) (string, error) { return p.tables.Name(v.ID), nil }}
	sb, err := Open(ctx, Config{Dir: w.dir + "/domain", Postgres: p.pg})
	if err != nil {
		return nil, err
	}
	p.world = &world{dir: w.dir, files: w.files, sb: sb}
	return p, nil
}

// close drops what the world made in the database: its grants' schemas
// and roles, the prepared copies and the domain's tables.
func (p *pgWorld) close() {
	ctx := context.Background()
	for i := int64(0); i <= p.ids.Load(); i++ {
		for _, prefix := range []string{"agg", "dp", "review", "list"} {
			p.pg.dropGrant(ctx, fmt.Sprintf("%s-%d", prefix, i))
		}
	}
	p.sb.Close()
	p.pool.Exec(ctx, "DROP SCHEMA "+ident(p.pg.Schema)+" CASCADE")
	p.pool.Exec(ctx, "DROP SCHEMA "+ident(p.tables.Schema)+" CASCADE")
	p.pool.Close()
}

// engines runs f on the DuckDB world and, when a database is given, on
// the PostgreSQL one.
func engines(t *testing.T, f func(t *testing.T, w *world)) {
	t.Run("duckdb", func(t *testing.T) { f(t, theWorld(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, thePGWorld(t).world) })
}
