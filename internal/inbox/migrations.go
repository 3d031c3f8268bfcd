package inbox

import (
	"embed"

	"shuyu/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the inbox schema; it needs no other package's.
var Migrations = store.Embedded("inbox", migrationFiles, "migrations")
