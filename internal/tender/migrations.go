package tender

import (
	"embed"

	"shuyu/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the schema of announcements, applications and objections;
// it needs the plans'.
var Migrations = store.Embedded("tender", migrationFiles, "migrations")
