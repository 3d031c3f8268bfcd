package domain

import (
	"embed"

	"shuyu/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the domain's schema; it needs the catalog's.
var Migrations = store.Embedded("domain", migrationFiles, "migrations")
