package evaluation

import (
	"embed"

	"shuyu/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the evaluation schema; it needs identity's.
var Migrations = store.Embedded("evaluation", migrationFiles, "migrations")
