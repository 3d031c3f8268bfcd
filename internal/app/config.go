package app

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"path/filepath"
	"time"

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
	// TrustedProxies may set X-Forwarded-For.
	TrustedProxies []netip.Prefix
	// SecureCookies marks console cookies Secure; set it behind HTTPS.
	SecureCookies bool
	// Argon2 overrides the password-hashing cost (tests make it cheap).
	Argon2 identity.Argon2
	Log    *slog.Logger
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
