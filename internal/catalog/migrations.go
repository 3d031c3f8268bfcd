package catalog

import (
	"embed"

	"shuyu/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the catalog's schema; it needs identity's.
var Migrations = store.Embedded("catalog", migrationFiles, "migrations")
