package app

import (
	"context"
	"path/filepath"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/calendar"
	"shuyu/internal/demo"
	"shuyu/internal/errs"
	"shuyu/internal/evaluation"
	"shuyu/internal/identity"
	"shuyu/internal/inbox"
	"shuyu/internal/ledger"
	"shuyu/internal/quality"
	"shuyu/internal/store"
)

// oversight builds the evaluation service, installs the scoring template
// in force and registers the inbox sources of evaluation and quality. The
// returned link tells evaluation about agreements once app has built the
// agreement service (see agreementLink).
func oversight(ctx context.Context, cfg Config, db *store.DB, led *ledger.Ledger, ids *identity.Service, cal *calendar.Calendar,
	in *inbox.Service, qual *quality.Service) (*evaluation.Service, *agreementLink, error) {
	tpl := evaluation.DefaultTemplate()
	if cfg.EvaluationTemplate != "" {
		var err error
		if tpl, err = evaluation.LoadTemplate(cfg.EvaluationTemplate); err != nil {
			return nil, nil, err
		}
	}
	link := &agreementLink{}
	ev := evaluation.New(db, led, ids, cal, link, evaluation.Options{Template: tpl, AnswerDays: cfg.EvaluationAnswerDays,
		RectificationDays: cfg.RectificationDays, EvidenceDir: filepath.Join(cfg.DataDir, "evidence"), MaxFileBytes: cfg.MaxEvidenceBytes,
		Changed: in.Touch})
	if err := ev.Install(ctx); err != nil {
		return nil, nil, err
	}
	in.Register("evaluation", ev.InboxItems)
	in.Register("quality.tickets", qual.InboxItems)
	return ev, link, nil
}

// agreementLink is evaluation's view of the agreement package. The two
// need each other (evaluation reads agreements; terminating one asks
// evaluation whether rectification failed), so evaluation is built with the
// link and app sets svc once the agreement service exists. Until then no
// agreement is known.
type agreementLink struct{ svc *agreement.Service }

func (l *agreementLink) Lookup(ctx context.Context, id string) (evaluation.AgreementInfo, error) {
	if l.svc == nil {
		return evaluation.AgreementInfo{}, errs.E(errs.NotFound, "no agreement %q", id)
	}
	g, err := l.svc.Lookup(ctx, id)
	if err != nil {
		return evaluation.AgreementInfo{}, err
	}
	return evaluation.AgreementInfo{ID: g.ID, Title: g.Title, OperatorID: g.OperatorID, ImplementingUnitID: g.UnitID,
		JurisdictionID: g.JurisdictionID, Active: g.State == agreement.Active, StartsAt: g.StartsAt, EndsAt: g.EndsAt}, nil
}

// seedEvaluation gives the demo operator's agreement in force the demo's
// evaluation and rectification task (demo.SeedEvaluation).
func (a *App) seedEvaluation(ctx context.Context, operatorID string) error {
	ags, _, err := a.Agreements.List(ctx, access.System("demo"), agreement.Filter{State: agreement.Active, OperatorID: operatorID}, store.NewPage(1, ""))
	if err != nil || len(ags) == 0 {
		return err
	}
	return demo.SeedEvaluation(ctx, a.Identity, a.Evaluation, ags[0].ID, calendar.DateOf(ags[0].StartsAt).Year())
}
