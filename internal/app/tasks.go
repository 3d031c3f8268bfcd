package app

import (
	"context"
	"fmt"
	"os"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/demo"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// SeedDemo seeds the demo city and accounts with password, and the demo
// datasets with their row counts multiplied by rowsScale.
func (a *App) SeedDemo(ctx context.Context, password string, rowsScale float64) (demo.Result, error) {
	res, err := demo.Seed(ctx, a.Identity, password)
	if err != nil {
		return res, err
	}
	return res, demo.SeedData(ctx, a.Identity, a.Catalog, a.Ingest, rowsScale)
}

// Admin is the principal of the command line: the platform administrator
// acting through direct access to the server, recorded under the OS user.
func Admin() access.Principal {
	name := "cli"
	if u := os.Getenv("USER"); u != "" {
		name = "cli:" + u
	}
	return access.System(name)
}

// VerifyLedger checks the ledger of the configured database offline, with
// the private key file (entry MACs too) or, when publicKeyFile is set, with
// the public key only. It does not migrate or write anything.
func VerifyLedger(ctx context.Context, cfg Config, publicKeyFile string, progress func(done, total int64)) (ledger.Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return ledger.Report{}, err
	}
	var key *ledger.Key
	if publicKeyFile != "" {
		data, err := os.ReadFile(publicKeyFile)
		if err != nil {
			return ledger.Report{}, err
		}
		key, err = ledger.ParsePublicKey(data)
		if err != nil {
			return ledger.Report{}, err
		}
	} else if key, err = ledger.ReadKey(cfg.LedgerKey); err != nil {
		return ledger.Report{}, fmt.Errorf("%w (give --ledger-key, or --public-key to check without MACs)", err)
	}
	if !store.IsPostgres(cfg.DSN()) {
		if _, err := os.Stat(cfg.DSN()); err != nil {
			return ledger.Report{}, fmt.Errorf("no database at %s: %w", cfg.DSN(), err)
		}
	}
	db, err := store.Open(ctx, cfg.DSN())
	if err != nil {
		return ledger.Report{}, err
	}
	defer db.Close()
	return ledger.Verify(ctx, db, key, progress)
}

// PruneLedger removes ledger entries older than before, refusing anything
// inside the retention period.
func (a *App) PruneLedger(ctx context.Context, before time.Time) (int64, error) {
	return a.Ledger.Prune(ctx, before, Admin().Actor())
}
