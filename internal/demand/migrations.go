package demand

import (
	"embed"

	"shuyu/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the schema of demands and grants; it needs the agreements'
// and the catalog's.
var Migrations = store.Embedded("demand", migrationFiles, "migrations")
