package app

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"shuyu/internal/domain"
	"shuyu/internal/sandbox"
)

// Domain engines: where dataset versions are kept besides their Parquet
// files, and where the sandbox runs queries.
const (
	// EngineDuckDB keeps versions as Parquet files only and runs each
	// grant's queries on its own embedded DuckDB (the default).
	EngineDuckDB = "duckdb"
	// EnginePostgres (server mode) also loads each version as a table of
	// the data database's shuyu_domain schema and runs queries there,
	// under a role per grant that can read only that grant's views.
	EnginePostgres = "postgres"
)

// domainDB is the data database of the postgres engine: DomainDB, or the
// control plane's database.
func (c Config) domainDB() (string, error) {
	switch c.DomainEngine {
	case "", EngineDuckDB:
		if c.DomainDB != "" {
			return "", fmt.Errorf("domain db is set but the domain engine is %s; give --domain-engine=postgres or leave --domain-db empty", EngineDuckDB)
		}
		return "", nil
	case EnginePostgres:
		if c.DomainDB != "" {
			return c.DomainDB, nil
		}
		if c.DB == "" {
			return "", fmt.Errorf("the postgres domain engine needs a PostgreSQL database: give --domain-db (or --db) a postgres:// URL")
		}
		return c.DB, nil
	}
	return "", fmt.Errorf("domain engine %q: want %s or %s", c.DomainEngine, EngineDuckDB, EnginePostgres)
}

// openDomainPool connects to the data database of the postgres engine; nil
// for the DuckDB engine.
func openDomainPool(ctx context.Context, c Config) (*pgxpool.Pool, error) {
	dsn, err := c.domainDB()
	if err != nil || dsn == "" {
		return nil, err
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		return nil, fmt.Errorf("domain db: %w", err)
	}
	return pool, nil
}

// domainTables is the domain's PostgreSQL storage over pool, if any.
func domainTables(pool *pgxpool.Pool) *domain.Tables {
	if pool == nil {
		return nil
	}
	return &domain.Tables{Pool: pool}
}

// sandboxPostgres is the sandbox's PostgreSQL engine over pool, reading
// the domain's tables, if any.
func sandboxPostgres(pool *pgxpool.Pool, dom *domain.Domain) *sandbox.Postgres {
	if pool == nil {
		return nil
	}
	return &sandbox.Postgres{Pool: pool, Table: func(ctx context.Context, v sandbox.Version) (string, error) {
		return dom.Table(ctx, v.ID)
	}}
}
