package agreement

import (
	"embed"

	"shuyu/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the schema of agreements and exits; it needs the plans' and
// the announcements'.
var Migrations = store.Embedded("agreement", migrationFiles, "migrations")
