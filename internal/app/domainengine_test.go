package app

import (
	"strings"
	"testing"
)

func TestDomainEngineConfig(t *testing.T) {
	for _, c := range []struct {
		cfg       Config
		dsn, fail string
	}{
		{Config{}, "", ""},
		{Config{DomainEngine: EngineDuckDB}, "", ""},
		{Config{DomainEngine: EngineDuckDB, DomainDB: "postgres://x"}, "", "--domain-engine=postgres"},
		{Config{DomainEngine: EnginePostgres}, "", "--domain-db"},
		{Config{DomainEngine: EnginePostgres, DB: "postgres://control"}, "postgres://control", ""},
		{Config{DomainEngine: EnginePostgres, DB: "postgres://control", DomainDB: "postgres://data"}, "postgres://data", ""},
		{Config{DomainEngine: "sqlite"}, "", "want duckdb or postgres"},
	} {
		dsn, err := c.cfg.domainDB()
		if dsn != c.dsn || (c.fail == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.fail)) {
			t.Errorf("%+v: %q, %v; want %q, %q", c.cfg, dsn, err, c.dsn, c.fail)
		}
		if _, err := c.cfg.withDefaults(); (err == nil) != (c.fail == "") {
			t.Errorf("%+v: withDefaults says %v", c.cfg, err)
		}
	}
}
