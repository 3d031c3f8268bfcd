package billing

import (
	"embed"

	"shuyu/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the billing schema; it needs identity's.
var Migrations = store.Embedded("billing", migrationFiles, "migrations")
