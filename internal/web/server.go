package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/billing"
	"shuyu/internal/calendar"
	"shuyu/internal/catalog"
	"shuyu/internal/demand"
	"shuyu/internal/disclosure"
	"shuyu/internal/evaluation"
	"shuyu/internal/identity"
	"shuyu/internal/inbox"
	"shuyu/internal/ingest"
	"shuyu/internal/ledger"
	"shuyu/internal/plan"
	"shuyu/internal/product"
	"shuyu/internal/quality"
	"shuyu/internal/tender"
	"shuyu/internal/workspace"
)

// Deps is what the web layer serves.
type Deps struct {
	Identity *identity.Service
	Ledger   *ledger.Ledger
	Calendar *calendar.Calendar
	Catalog  *catalog.Service
	Ingest   *ingest.Service
	// Quality keeps quality rules and results, tickets and the supply evaluation.
	Quality *quality.Service
	// Evaluation keeps annual operator evaluations and rectification tasks.
	Evaluation *evaluation.Service
	// Inbox tells each user what waits for them.
	Inbox *inbox.Service
	// Plans, Tender and Agreements run implementation plans, the selection
	// of operators, agreements and exits.
	Plans      *plan.Service
	Tender     *tender.Service
	Agreements *agreement.Service
	// Demands keeps demand applications and grants.
	Demands *demand.Service
	// Billing keeps maximums, caps, prices, statements and revenue splits.
	Billing *billing.Service
	// Workspace runs analysts' queries in grants and releases results.
	Workspace *workspace.Service
	// Products registers products, keeps subscriptions and answers calls.
	Products *product.Service
	// Disclosure gathers what the public portal and feeds disclose.
	Disclosure *disclosure.Service
	// Ready reports whether the server can take traffic (the database answers).
	Ready func(context.Context) error
	Log   *slog.Logger
	// Registry receives the server's metrics; nil makes a fresh one.
	Registry *prometheus.Registry
	// TrustedProxies may set X-Forwarded-For; from anyone else it is ignored.
	TrustedProxies []netip.Prefix
	// SecureCookies marks cookies Secure (behind HTTPS).
	SecureCookies bool
	Version       string
}

// Server is the HTTP handler of shuyu.
type Server struct {
	Deps
	metrics *metrics
	routes  []route
	handler http.Handler
}

// New builds the server and its routes.
func New(d Deps) *Server {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	s := &Server{Deps: d, metrics: newMetrics(d.Registry)}
	s.routes = s.apiRoutes()
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		mux.Handle(rt.method+" "+rt.path, s.api(rt))
	}
	mux.Handle("GET /api/v1/openapi.json", s.openAPIHandler())
	mux.Handle("/api/", s.api(route{path: "/api/", handle: func(http.ResponseWriter, *http.Request, access.Principal) (any, error) {
		return nil, errNoRoute
	}}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.Version})
	})
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metricsHandler())
	s.consoleRoutes(mux)
	s.handler = s.observe(securityHeaders(mux))
	return s
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if s.Ready != nil {
		if err := s.Ready(ctx); err != nil {
			s.Log.WarnContext(ctx, "not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// securityHeaders sets the headers every answer carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		next.ServeHTTP(w, r)
	})
}
