package plan

import (
	"embed"

	"shuyu/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the schema of implementation plans; it needs identity's and
// the catalog's.
var Migrations = store.Embedded("plan", migrationFiles, "migrations")
