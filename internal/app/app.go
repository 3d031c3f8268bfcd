package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"shuyu/internal/agreement"
	"shuyu/internal/billing"
	"shuyu/internal/calendar"
	"shuyu/internal/catalog"
	"shuyu/internal/demand"
	"shuyu/internal/disclosure"
	"shuyu/internal/domain"
	"shuyu/internal/evaluation"
	"shuyu/internal/identity"
	"shuyu/internal/inbox"
	"shuyu/internal/ingest"
	"shuyu/internal/ledger"
	"shuyu/internal/plan"
	"shuyu/internal/product"
	"shuyu/internal/quality"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
	"shuyu/internal/tender"
	"shuyu/internal/web"
	"shuyu/internal/workspace"
)

// Migrations lists every package's schema in dependency order.
func Migrations() []store.Migrations {
	return []store.Migrations{ledger.Migrations, identity.Migrations, catalog.Migrations, domain.Migrations, ingest.Migrations, quality.Migrations,
		evaluation.Migrations, inbox.Migrations, plan.Migrations, tender.Migrations, agreement.Migrations, demand.Migrations, workspace.Migrations,
		billing.Migrations, product.Migrations}
}

// App is a running shuyu: its store, services and HTTP server.
type App struct {
	Config   Config
	DB       *store.DB
	Ledger   *ledger.Ledger
	Identity *identity.Service
	Calendar *calendar.Calendar
	Catalog  *catalog.Service
	Domain   *domain.Domain
	Ingest   *ingest.Service
	Quality  *quality.Service
	// Evaluation keeps operator evaluations and rectification tasks; Inbox
	// gathers what waits for whom.
	Evaluation *evaluation.Service
	Inbox      *inbox.Service
	// Plans, Tender and Agreements run the authorization procedure (Art.
	// 9–16) and exits (Art. 24, 27).
	Plans      *plan.Service
	Tender     *tender.Service
	Agreements *agreement.Service
	// Demands keeps demand applications and the grants they create (Art. 18–20).
	Demands *demand.Service
	// Billing keeps maximums, caps, prices, statements and revenue splits.
	Billing *billing.Service
	// Sandbox runs analysts' queries on the domain's data; Workspace keeps
	// their history, budgets and releases.
	Sandbox   *sandbox.Sandbox
	Workspace *workspace.Service
	// Products registers data products, keeps subscriptions and runs the
	// API gateway and its meter.
	Products *product.Service
	Web      *web.Server
	// domainPool is the data database of the postgres engine, or nil.
	domainPool *pgxpool.Pool
	// agreements is evaluation's view of the agreement service: set its
	// svc once that is built (and give that service
	// Options.RectificationFailed = Evaluation.RectificationFailed).
	agreements *agreementLink
}

// products builds a product service over the app's stores and services.
func (a *App) products(o product.Options) *product.Service {
	pr := product.New(a.DB, a.Ledger, a.Identity, a.Agreements, a.Demands, a.Workspace, a.Sandbox, o)
	pr.SetPrices(a.Billing)
	return pr
}

// Open builds an App from cfg, migrating the database.
func Open(ctx context.Context, cfg Config) (*App, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.DSN())
	if err != nil {
		return nil, err
	}
	a, err := build(ctx, cfg, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

func build(ctx context.Context, cfg Config, db *store.DB) (*App, error) {
	if cfg.Now != nil {
		db.Now = cfg.Now // before any service copies the clock
	}
	applied, err := db.Migrate(ctx, Migrations()...)
	if err != nil {
		return nil, err
	}
	for _, m := range applied {
		cfg.Log.Info("migrated", "package", m.Package, "migration", m.Name)
	}
	suite, _ := ledger.ParseSuite(cfg.LedgerSuite)
	key, created, err := ledger.LoadOrCreateKey(cfg.LedgerKey, suite)
	if err != nil {
		return nil, err
	}
	if created {
		cfg.Log.Warn("created a new ledger signing key; back it up, and give the same file to every serve process",
			"path", cfg.LedgerKey, "suite", key.Suite, "key_id", key.ID)
	}
	led, err := ledger.New(db, key, cfg.Origin, cfg.Retention)
	if err != nil {
		return nil, err
	}
	cal := calendar.Default()
	if cfg.CalendarFile != "" {
		if cal, err = calendar.Load(cfg.CalendarFile); err != nil {
			return nil, err
		}
	}
	scheme := catalog.DefaultScheme()
	if cfg.SchemeFile != "" {
		if scheme, err = catalog.LoadScheme(cfg.SchemeFile); err != nil {
			return nil, err
		}
	}
	pool, err := openDomainPool(ctx, cfg)
	if err != nil {
		return nil, err
	}
	dom, err := domain.Open(ctx, filepath.Join(cfg.DataDir, "domain"), db, led,
		domain.Limits{MaxSourceBytes: cfg.MaxUploadBytes, Memory: cfg.EngineMemory, Tables: domainTables(pool)})
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		return nil, err
	}
	ident := identity.New(db, led, identity.Options{Argon2: cfg.Argon2})
	cat := catalog.New(db, led, ident, scheme)
	sealer, err := sourceSealer(cfg)
	if err != nil {
		dom.Close()
		return nil, err
	}
	// The inbox comes first: every service that changes what waits for whom
	// touches it (Options.Changed).
	in := inbox.New(db, inbox.Options{Every: cfg.InboxEvery, Log: cfg.Log})
	qual := quality.New(db, led, ident, cat, dom, cal, quality.Options{AnswerDays: cfg.TicketAnswerDays, Log: cfg.Log, Changed: in.Touch})
	a := &App{Config: cfg, DB: db, domainPool: pool, Ledger: led, Identity: ident, Calendar: cal, Catalog: cat, Domain: dom, Quality: qual, Inbox: in,
		Ingest: ingest.New(cat, dom, ident, ingest.Options{DB: db, Ledger: led, Sealer: sealer,
			PullAllow: cfg.PullAllow, PullTimeout: cfg.PullTimeout, Log: cfg.Log, AfterVersion: qual.AssessLater})}
	if a.Evaluation, a.agreements, err = oversight(ctx, cfg, db, led, ident, cal, in, qual); err != nil {
		dom.Close()
		return nil, err
	}
	a.governance()
	a.Billing = billing.New(db, led, ident, a.Agreements)
	if err := a.openWorkspace(ctx); err != nil {
		dom.Close()
		return nil, err
	}
	a.Products = a.products(product.Options{Log: cfg.Log, RatePerSecond: cfg.CallsPerSecond, Burst: int(2 * cfg.CallsPerSecond)})
	a.Billing.SetPublished(a.Products)
	a.Agreements.OnExit(a.Products.ExitHook())
	a.Demands.OnGrantEnd(a.Products.GrantEndHook())
	a.Web = web.New(web.Deps{Identity: ident, Ledger: led, Calendar: cal, Catalog: cat, Ingest: a.Ingest, Quality: a.Quality,
		Evaluation: a.Evaluation, Inbox: a.Inbox, Plans: a.Plans, Tender: a.Tender, Agreements: a.Agreements, Demands: a.Demands, Billing: a.Billing,
		Workspace: a.Workspace, Products: a.Products, Disclosure: disclosure.New(disclosure.Sources{Products: a.Products, Billing: a.Billing,
			Demands: a.Demands, Evaluation: a.Evaluation, Agreements: a.Agreements, Tender: a.Tender, Catalog: cat, Now: db.Now}), Ready: db.Ping, Log: cfg.Log, TrustedProxies: cfg.TrustedProxies, SecureCookies: cfg.SecureCookies, Version: cfg.Version})
	return a, nil
}

// Close stops the data engine and releases the database.
func (a *App) Close() error {
	a.Quality.Wait() // assessments still running need the engine
	// The meter's last batch goes to the database before it closes.
	err := errors.Join(a.Products.Close(), a.Sandbox.Close(), a.Domain.Close(), a.DB.Close())
	if a.domainPool != nil {
		a.domainPool.Close()
	}
	return err
}

// Serve listens on the configured address until ctx ends, then shuts down
// gracefully, letting requests in flight finish for up to 15 seconds. It
// refuses a non-loopback address while demo passwords are in use. ready, when
// not nil, is called with the listening address once requests are accepted.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	if err := a.checkExposure(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Config.Addr, err)
	}
	if err := a.recordStart(ctx, ln.Addr().String()); err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           a.Web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          nil,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	defer background(ctx, a.jobs)()
	defer background(ctx, a.Quality.Run)()
	defer background(ctx, a.Inbox.Run)()
	a.Config.Log.Info("serving", "addr", ln.Addr().String(), "db", a.DB.String())
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Config.Log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// checkExposure refuses to serve beyond this machine while any account
// still has its demo password.
func (a *App) checkExposure(ctx context.Context) error {
	host, _, err := net.SplitHostPort(a.Config.Addr)
	if err != nil {
		return fmt.Errorf("address %q: %w", a.Config.Addr, err)
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	n, err := a.Identity.DemoPasswordsInUse(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("refusing to serve on %s: %d accounts still have their demo password; change them (shuyu user passwd) or listen on 127.0.0.1", a.Config.Addr, n)
	}
	return nil
}

// recordStart puts the start of a serve process and the configuration it
// runs with into the ledger: configuration is security-relevant.
func (a *App) recordStart(ctx context.Context, addr string) error {
	c := a.Config
	years := a.Calendar.Years()
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		return a.Ledger.Append(ctx, tx, ledger.Record{Actor: ledger.System, Action: "system.start", ObjectType: "deployment", ObjectID: c.Origin,
			Detail: map[string]any{"version": c.Version, "addr": addr, "db": string(a.DB.Dialect()), "ledger_suite": a.Ledger.Key().Suite,
				"ledger_key_id": a.Ledger.Key().ID, "retention_days": int(c.Retention.Hours() / 24), "calendar_file": c.CalendarFile,
				"calendar_years": years, "trusted_proxies": len(c.TrustedProxies), "secure_cookies": c.SecureCookies,
				"ticket_answer_days": c.TicketAnswerDays, "evaluation_template_file": c.EvaluationTemplate,
				"evaluation_answer_days": c.EvaluationAnswerDays, "rectification_days": c.RectificationDays,
				"publicity_days": c.PublicityDays, "demand_review_days": c.DemandReviewDays, "max_evidence_bytes": c.MaxEvidenceBytes, "inbox_every": c.InboxEvery.String()}})
	})
}
