package quality

import (
	"embed"

	"shuyu/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the quality schema; it needs identity's, the catalog's and
// the domain's.
var Migrations = store.Embedded("quality", migrationFiles, "migrations")
