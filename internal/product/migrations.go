package product

import (
	"embed"

	"shuyu/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the product schema; it needs identity's.
var Migrations = store.Embedded("product", migrationFiles, "migrations")
