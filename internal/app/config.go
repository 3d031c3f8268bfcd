package app

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"path/filepath"
	"time"

	"shuyu/internal/demand"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
)

// Config is everything shuyu can be told. Zero fields take safe defaults.
type Config struct {
	// DataDir holds the embedded database, the ledger key and, later, the
	// data domain. Default ./shuyu-data.
	DataDir string
	// DB is a postgres:// URL for server mode; empty means SQLite in DataDir.
	DB string
	// Addr is where serve listens. Default 127.0.0.1:8080.
	Addr string
	// LedgerSuite is ed25519 (default) or sm2 (SM2 signatures, SM3 hashes).
	LedgerSuite string
	// LedgerKey is the ledger's private key file. Default DataDir/ledger-key.pem.
	LedgerKey string
	// Origin names this deployment's ledger in its checkpoints.
	Origin string
	// Retention is how long ledger entries are kept at least (≥ 180 days).
	Retention time.Duration
	// CalendarFile replaces the built-in holiday table.
	CalendarFile string
	// SchemeFile replaces the built-in classification tree and grading scheme.
	SchemeFile string
	// MaxUploadBytes refuses larger data files; default 2 GiB.
	MaxUploadBytes int64
	// EngineMemory is the data engine's memory limit (e.g. "1GB"); beyond it
	// the engine spills to disk inside the data directory.
	EngineMemory string
	// DomainEngine is where versions are kept and queries run: duckdb
	// (default) or postgres (server mode; see EnginePostgres).
	DomainEngine string
	// DomainDB is the postgres:// URL of the postgres engine's data
	// database; default DB, in its own schemas.
	DomainDB string
	// SourceKey is the file of the key that seals source databases' DSNs.
	// Default DataDir/source-key; every serve process needs the same file.
	SourceKey string
	// PullAllow lists the networks source databases may be in; empty allows
	// any address but loopback, link-local and unspecified ones.
	PullAllow []netip.Prefix
	// PullTimeout bounds one scheduled pull; default 30 minutes.
	PullTimeout time.Duration
	// PullEvery is how often serve looks for due pulls; default 30 seconds.
	PullEvery time.Duration
	// TicketAnswerDays is how many working days a provider has to answer an
	// error-correction or objection ticket (Art. 8); default 5.
	TicketAnswerDays int
	// EvaluationTemplate is a file (JSON) replacing the built-in scoring
	// template of annual operator evaluations (Art. 24).
	EvaluationTemplate string
	// EvaluationAnswerDays is how many working days an operator has to
	// answer its annual evaluation; default 15.
	EvaluationAnswerDays int
	// RectificationDays is how many working days a rectification task gets
	// when its finding names none; default 20.
	RectificationDays int
	// MaxEvidenceBytes bounds one evidence file of an application, an
	// evaluation answer or a rectification report; default 20 MiB.
	MaxEvidenceBytes int64
	// CallsPerSecond is how many product calls a second each API key may
	// make at the gateway (its burst is twice that); default 200.
	CallsPerSecond float64
	// InboxEvery is how often inboxes are gathered anew without any change
	// announced; default 24 hours.
	InboxEvery time.Duration
	// PublicityDays is how many working days a selection's result stays
	// under publicity (公示, Art. 12(4)); default 5.
	PublicityDays int
	// DemandReviewDays is how many working days the implementing unit and
	// the providers have to review a round of a demand application;
	// default 10.
	DemandReviewDays int
	// TrustedProxies may set X-Forwarded-For.
	TrustedProxies []netip.Prefix
	// SecureCookies marks console cookies Secure; set it behind HTTPS.
	SecureCookies bool
	// Argon2 overrides the password-hashing cost (tests make it cheap).
	Argon2 identity.Argon2
	Log    *slog.Logger
	// Now, when set, replaces the clock of the database and of every
	// service (deadlines, terms, publicity). Tests move time on with it;
	// nothing else should set it.
	Now func() time.Time
	// Version is reported by /healthz and the OpenAPI document.
	Version string
}

func (c Config) withDefaults() (Config, error) {
	if c.DataDir == "" {
		c.DataDir = "shuyu-data"
	}
	abs, err := filepath.Abs(c.DataDir)
	if err != nil {
		return c, fmt.Errorf("data directory %q: %w", c.DataDir, err)
	}
	c.DataDir = abs
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.LedgerSuite == "" {
		c.LedgerSuite = "ed25519"
	}
	if _, ok := ledger.ParseSuite(c.LedgerSuite); !ok {
		return c, fmt.Errorf("ledger crypto %q: want ed25519 or sm2", c.LedgerSuite)
	}
	if c.LedgerKey == "" {
		c.LedgerKey = filepath.Join(c.DataDir, "ledger-key.pem")
	}
	if c.Origin == "" {
		c.Origin = "shuyu"
	}
	if c.SourceKey == "" {
		c.SourceKey = filepath.Join(c.DataDir, "source-key")
	}
	if c.PullEvery == 0 {
		c.PullEvery = 30 * time.Second
	}
	if c.Retention == 0 {
		c.Retention = ledger.MinRetention
	}
	if c.Retention < ledger.MinRetention {
		return c, errors.New("retention: at least 180 days (4320h); Art. 24 keeps logs six months")
	}
	if c.TicketAnswerDays == 0 {
		c.TicketAnswerDays = 5
	}
	if c.TicketAnswerDays < 1 || c.TicketAnswerDays > 60 {
		return c, fmt.Errorf("ticket answer days: %d; give 1 to 60 working days (default 5)", c.TicketAnswerDays)
	}
	if err := c.oversightDefaults(); err != nil {
		return c, err
	}
	if c.PublicityDays == 0 {
		c.PublicityDays = 5
	}
	if c.PublicityDays < 1 || c.PublicityDays > 30 {
		return c, fmt.Errorf("publicity days: %d; give 1 to 30 working days (default 5)", c.PublicityDays)
	}
	if c.DemandReviewDays == 0 {
		c.DemandReviewDays = demand.ReviewDays
	}
	if c.DemandReviewDays < 1 || c.DemandReviewDays > 60 {
		return c, fmt.Errorf("demand review days: %d; give 1 to 60 working days (default %d)", c.DemandReviewDays, demand.ReviewDays)
	}
	if _, err := c.domainDB(); err != nil {
		return c, err
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	return c, nil
}

// DSN is the database the configuration names.
func (c Config) DSN() string {
	if c.DB != "" {
		return c.DB
	}
	return filepath.Join(c.DataDir, "shuyu.db")
}

// oversightDefaults fills and checks the evaluation and inbox settings.
func (c *Config) oversightDefaults() error {
	if c.EvaluationAnswerDays == 0 {
		c.EvaluationAnswerDays = 15
	}
	if c.RectificationDays == 0 {
		c.RectificationDays = 20
	}
	if c.MaxEvidenceBytes == 0 {
		c.MaxEvidenceBytes = 20 << 20
	}
	if c.InboxEvery == 0 {
		c.InboxEvery = 24 * time.Hour
	}
	switch {
	case c.EvaluationAnswerDays < 1 || c.EvaluationAnswerDays > 60:
		return fmt.Errorf("evaluation answer days: %d; give 1 to 60 working days (default 15)", c.EvaluationAnswerDays)
	case c.RectificationDays < 1 || c.RectificationDays > 120:
		return fmt.Errorf("rectification days: %d; give 1 to 120 working days (default 20)", c.RectificationDays)
	case c.MaxEvidenceBytes < 1<<10:
		return fmt.Errorf("max evidence bytes: %d; give at least 1 KiB (default 20 MiB)", c.MaxEvidenceBytes)
	case c.InboxEvery < time.Minute:
		return fmt.Errorf("inbox every: %s; give at least a minute (default 24h)", c.InboxEvery)
	}
	return nil
}
