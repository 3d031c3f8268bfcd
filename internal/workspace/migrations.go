package workspace

import (
	"embed"

	"shuyu/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the schema of the workspace: budgets, released unit sets,
// engine use, queries and releases. Grants are referred to by ID only: the
// demand package owns them.
var Migrations = store.Embedded("workspace", migrationFiles, "migrations")
