package identity

import (
	"embed"

	"shuyu/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is identity's schema.
var Migrations = store.Embedded("identity", migrationFiles, "migrations")
