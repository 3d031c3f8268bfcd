package app

import (
	"context"

	"shuyu/internal/sandbox"
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
	return nil
}
