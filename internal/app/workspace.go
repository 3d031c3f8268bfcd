package app

import (
	"context"

	"shuyu/internal/demand"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
	"shuyu/internal/workspace"
)

// openWorkspace opens the sandbox over the domain directory with the
// workspace's persistent budget, audit and limits, builds the workspace
// service and registers its exit hook (pending releases voided, the
// grants' engines closed).
func (a *App) openWorkspace(ctx context.Context) error {
	cfg := workspace.SandboxConfig(a.DB, a.Domain.Dir())
	cfg.Postgres = sandboxPostgres(a.domainPool, a.Domain)
	sb, err := sandbox.Open(ctx, cfg)
	if err != nil {
		return err
	}
	a.Sandbox = sb
	a.Workspace = workspace.New(a.DB, a.Ledger, a.Identity, a.Agreements, sb, a.Demands, a.Domain.Dir())
	a.Agreements.OnExit(a.Workspace.ExitHook())
	// A grant that ends has its engine closed at once (on PostgreSQL, its
	// views and role dropped); should the ending not commit, its next query
	// opens them again.
	a.Demands.OnGrantEnd(func(_ context.Context, _ *store.Tx, e demand.GrantEnd) error {
		sb.Forget(e.GrantID)
		return nil
	})
	return nil
}
