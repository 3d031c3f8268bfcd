package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/demo"
	"shuyu/internal/ingest"
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
	if err := demo.SeedData(ctx, a.Identity, a.Catalog, a.Ingest, rowsScale); err != nil {
		return res, err
	}
	if err := demo.SeedQuality(ctx, a.Identity, a.Quality); err != nil {
		return res, err
	}
	if err := demo.SeedGovernance(ctx, demo.Governance{IDs: a.Identity, Plans: a.Plans, Tender: a.Tender, Agreements: a.Agreements}); err != nil {
		return res, err
	}
	if err := a.seedDemands(ctx); err != nil {
		return res, err
	}
	if err := a.seedEvaluation(ctx, res.Orgs["operator"]); err != nil {
		return res, err
	}
	if err := a.seedProducts(ctx); err != nil {
		return res, err
	}
	// The inbox shows the demo at once, without waiting for a serve process.
	_, err = a.Inbox.Gather(ctx, "demo")
	return res, err
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
//
// witnessFiles are checkpoints saved from GET /api/v1/ledger/checkpoint
// (JSON); the log must still contain each of them.
func VerifyLedger(ctx context.Context, cfg Config, publicKeyFile string, witnessFiles []string, progress func(done, total int64)) (ledger.Report, error) {
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
	var witnesses []ledger.Checkpoint
	for _, f := range witnessFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			return ledger.Report{}, err
		}
		var cp ledger.Checkpoint
		if err := json.Unmarshal(data, &cp); err != nil {
			return ledger.Report{}, fmt.Errorf("witness %s: not a checkpoint as GET /api/v1/ledger/checkpoint serves it: %w", f, err)
		}
		witnesses = append(witnesses, cp)
	}
	db, err := store.Open(ctx, cfg.DSN())
	if err != nil {
		return ledger.Report{}, err
	}
	defer db.Close()
	return ledger.VerifyWitnessed(ctx, db, key, witnesses, progress)
}

// PruneLedger removes ledger entries older than before, refusing anything
// inside the retention period.
func (a *App) PruneLedger(ctx context.Context, before time.Time) (int64, error) {
	return a.Ledger.Prune(ctx, before, Admin().Actor())
}

// sourceSealer loads (or creates) the key that seals source databases'
// DSNs; SM4 seals them where the ledger uses Chinese commercial cryptography.
func sourceSealer(cfg Config) (*ingest.Sealer, error) {
	key, created, err := ingest.LoadOrCreateKey(cfg.SourceKey)
	if err != nil {
		return nil, err
	}
	if created {
		cfg.Log.Warn("created a new key for source database credentials; back it up, and give the same file to every serve process",
			"path", cfg.SourceKey)
	}
	return ingest.NewSealer(key, cfg.LedgerSuite == "sm2")
}

// background runs run until ctx ends or the returned function is called,
// which waits for it to return: serve stops its jobs before it closes the
// store and the data engine they use.
func background(ctx context.Context, run func(context.Context)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// jobs does the background work of a serve process until ctx ends: due
// pulls, the steps dates trigger in the authorization procedure, and the
// hourly sweep of what interrupted writes left in the domain. Each job is
// safe in several processes at once.
func (a *App) jobs(ctx context.Context) {
	tick := time.NewTicker(a.Config.PullEvery)
	defer tick.Stop()
	swept := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if _, err := a.Ingest.PullDue(ctx); err != nil && ctx.Err() == nil {
			a.Config.Log.Error("scheduled pulls", "err", err)
		}
		a.tickGovernance(ctx)
		// A pull may have brought a new version: API products answer from it.
		if n, err := a.Products.Refresh(ctx); err != nil && ctx.Err() == nil {
			a.Config.Log.Error("refreshing product indexes", "err", err)
		} else if n > 0 {
			a.Config.Log.Info("refreshed product indexes", "products", n)
		}
		if time.Since(swept) > time.Hour {
			if err := a.Domain.Sweep(ctx); err != nil {
				a.Config.Log.Error("sweeping the domain", "err", err)
			}
			swept = time.Now()
		}
	}
}
