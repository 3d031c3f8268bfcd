package app

import (
	"context"
	"path/filepath"

	"shuyu/internal/agreement"
	"shuyu/internal/demand"
	"shuyu/internal/plan"
	"shuyu/internal/tender"
)

// governance builds the plan, tender, agreement and demand services,
// registers the exit hooks of what exists (the operator's API keys; the
// record of whose sandbox access ends; the agreement's grants) and the inbox
// sources, and tells evaluation about agreements. Later packages register
// their own exit hooks on a.Agreements (product keys) the same way.
func (a *App) governance() {
	cfg := a.Config
	a.Plans = plan.New(a.DB, a.Ledger, a.Identity, a.Catalog, a.Calendar, plan.Options{Changed: a.Inbox.Touch})
	a.Tender = tender.New(a.DB, a.Ledger, a.Identity, a.Plans, a.Calendar,
		tender.Options{FileDir: filepath.Join(cfg.DataDir, "applications"), MaxFileBytes: cfg.MaxEvidenceBytes, PublicityDays: cfg.PublicityDays,
			Changed: a.Inbox.Touch})
	a.Agreements = agreement.New(a.DB, a.Ledger, a.Identity, a.Plans, a.Tender, a.Domain,
		agreement.Options{RectificationFailed: a.Evaluation.RectificationFailed, Changed: a.Inbox.Touch})
	a.Agreements.OnExit(agreement.RevokeKeys(a.Identity))
	a.Agreements.OnExit(agreement.SandboxAccess(a.Identity))
	a.agreements.svc = a.Agreements
	a.Demands = demand.New(a.DB, a.Ledger, a.Identity, a.Catalog, a.Agreements, a.Domain, a.Calendar,
		demand.Options{ReviewDays: cfg.DemandReviewDays, Changed: a.Inbox.Touch})
	a.Agreements.OnExit(a.Demands.Exit())
	a.Inbox.Register("plans", a.Plans.Pending)
	a.Inbox.Register("tender", a.Tender.Pending)
	a.Inbox.Register("agreements", a.Agreements.Pending)
	a.Inbox.Register("demands", a.Demands.Pending)
}

// tickGovernance takes the steps dates trigger: announcements closing and
// publicity ending, agreements coming into force and expiring (with their
// exits), exits a crash interrupted, and grants whose period is over. Safe in several processes at once.
func (a *App) tickGovernance(ctx context.Context) {
	if _, err := a.Tender.Tick(ctx); err != nil && ctx.Err() == nil {
		a.Config.Log.Error("announcements due", "err", err)
	}
	if _, err := a.Agreements.Tick(ctx); err != nil && ctx.Err() == nil {
		a.Config.Log.Error("agreements due", "err", err)
	}
	if _, err := a.Demands.Tick(ctx); err != nil && ctx.Err() == nil {
		a.Config.Log.Error("grants due", "err", err)
	}
}
