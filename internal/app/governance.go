package app

import (
	"context"
	"path/filepath"

	"shuyu/internal/agreement"
	"shuyu/internal/plan"
	"shuyu/internal/tender"
)

// governance builds the plan, tender and agreement services, registers the
// exit hooks of what exists (the operator's API keys; the record of whose
// sandbox access ends) and the inbox sources, and tells evaluation about
// agreements. Later packages register their own exit hooks on
// a.Agreements (grants, product keys) the same way.
func (a *App) governance() {
	cfg := a.Config
	a.Plans = plan.New(a.DB, a.Ledger, a.Identity, a.Catalog, a.Calendar, plan.Options{Changed: a.Inbox.Touch})
	a.Tender = tender.New(a.DB, a.Ledger, a.Identity, a.Plans, a.Calendar,
		tender.Options{FileDir: filepath.Join(cfg.DataDir, "applications"), PublicityDays: cfg.PublicityDays, Changed: a.Inbox.Touch})
	a.Agreements = agreement.New(a.DB, a.Ledger, a.Identity, a.Plans, a.Tender, a.Domain,
		agreement.Options{RectificationFailed: a.Evaluation.RectificationFailed, Changed: a.Inbox.Touch})
	a.Agreements.OnExit(agreement.RevokeKeys(a.Identity))
	a.Agreements.OnExit(agreement.SandboxAccess(a.Identity))
	a.agreements.svc = a.Agreements
	a.Inbox.Register("plans", a.Plans.Pending)
	a.Inbox.Register("tender", a.Tender.Pending)
	a.Inbox.Register("agreements", a.Agreements.Pending)
}

// tickGovernance takes the steps dates trigger: announcements closing and
// publicity ending, agreements coming into force and expiring (with their
// exits), and exits a crash interrupted. Safe in several processes at once.
func (a *App) tickGovernance(ctx context.Context) {
	if _, err := a.Tender.Tick(ctx); err != nil && ctx.Err() == nil {
		a.Config.Log.Error("announcements due", "err", err)
	}
	if _, err := a.Agreements.Tick(ctx); err != nil && ctx.Err() == nil {
		a.Config.Log.Error("agreements due", "err", err)
	}
}
