package ingest

import (
	"embed"

	"shuyu/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the schema of scheduled pulls; it needs the catalog's.
var Migrations = store.Embedded("ingest", migrationFiles, "migrations")
