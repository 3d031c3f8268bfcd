package ledger

import (
	"embed"

	"shuyu/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the ledger's schema.
var Migrations = store.Embedded("ledger", migrationFiles, "migrations")
