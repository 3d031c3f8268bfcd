package main

import (
	"fmt"
	"log/slog"
	"math"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"shuyu/internal/app"
)

// options are the flags shared by the commands.
type options struct {
	dataDir, db             string
	addr                    string
	ledgerCrypto, ledgerKey string
	origin                  string
	retention               time.Duration
	calendar                string
	trustedProxies          []string
	secureCookies           bool
	logFormat, logLevel     string
	maxUpload, engineMemory string
	domainEngine, domainDB  string
	sourceKey               string
	pullAllow               []string
	pullTimeout             time.Duration
	callsPerSecond          float64
	procedure               *procedure
}

func rootCommand() *cobra.Command {
	var o options
	root := &cobra.Command{
		Use:   "shuyu",
		Short: "shuyu 数域: the public data resource authorized-operation platform",
		Long: `shuyu 数域 is the public data resource authorized-operation platform (公共数据资源授权运营平台):
agencies put their data into one secure domain, authorized operators build products
from it inside the sandbox, and every act is recorded in a tamper-evident ledger.

Every flag can also be set in the environment as SHUYU_<FLAG>, e.g. SHUYU_DATA,
SHUYU_DB, SHUYU_ADDR; a flag on the command line wins.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return fromEnvironment(cmd.Flags())
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&o.dataDir, "data", "shuyu-data", "data directory: the embedded database, the ledger key and the data domain")
	pf.StringVar(&o.db, "db", "", "PostgreSQL URL for server mode (postgres://…); empty keeps everything in --data")
	pf.StringVar(&o.ledgerKey, "ledger-key", "", "ledger signing key file (default DATA/ledger-key.pem)")
	pf.StringVar(&o.sourceKey, "source-key", "", "key file sealing source databases' credentials (default DATA/source-key)")
	pf.StringVar(&o.logFormat, "log-format", "text", "log format: text or json")
	pf.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	root.AddCommand(serveCommand(&o), demoCommand(&o), migrateCommand(&o), ledgerCommand(&o),
		userCommand(&o), orgCommand(&o), ingestCommand(&o), versionCommand())
	return root
}

// serveFlags adds the flags of the commands that run the server.
func serveFlags(fs *pflag.FlagSet, o *options) {
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&o.ledgerCrypto, "ledger-crypto", "ed25519", "ledger cryptography for a new ledger: ed25519 (SHA-256) or sm2 (SM2 signatures, SM3 hashes)")
	fs.StringVar(&o.origin, "origin", "shuyu", "the ledger's name in its signed checkpoints")
	fs.DurationVar(&o.retention, "retention", 180*24*time.Hour, "how long ledger entries are kept at least (180 days or more)")
	fs.StringVar(&o.calendar, "calendar", "", "holiday table file replacing the built-in Chinese official calendar")
	fs.StringSliceVar(&o.trustedProxies, "trusted-proxy", nil, "CIDR of a reverse proxy whose X-Forwarded-For is trusted (repeatable)")
	fs.BoolVar(&o.secureCookies, "secure-cookies", false, "mark console cookies Secure (serve behind HTTPS)")
	fs.StringSliceVar(&o.pullAllow, "pull-allow", nil, "network (CIDR or address) source databases of scheduled pulls may be in (repeatable; default: any but this machine and link-local addresses)")
	fs.DurationVar(&o.pullTimeout, "pull-timeout", 30*time.Minute, "time limit of one scheduled pull and of each statement on the source")
	fs.Float64Var(&o.callsPerSecond, "calls-per-second", 200, "product calls a second each API key may make at the gateway, in this process (its burst is twice that)")
	domainFlags(fs, o)
	procedureFlags(fs, o)
}

// domainFlags adds the limits of the data domain, for the commands that
// store data.
func domainFlags(fs *pflag.FlagSet, o *options) {
	fs.StringVar(&o.maxUpload, "max-upload", "2GiB", "largest data file accepted, in bytes or with a unit (512MiB, 2GiB, 5GB)")
	fs.StringVar(&o.engineMemory, "engine-memory", "1GiB", "memory limit of the data engine (DuckDB); beyond it, it spills to disk inside --data")
	fs.StringVar(&o.domainEngine, "domain-engine", "duckdb", "where versions are kept and sandbox queries run: duckdb (Parquet files, an embedded engine per grant) or postgres (also a table per version in the shuyu_domain schema; queries under a role per grant)")
	fs.StringVar(&o.domainDB, "domain-db", "", "PostgreSQL URL of the postgres domain engine's data database (default --db)")
}

// fromEnvironment sets every flag not given on the command line from
// SHUYU_<NAME> when that is set.
func fromEnvironment(fs *pflag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Changed || err != nil {
			return
		}
		name := "SHUYU_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %w", name, v, e)
			}
		}
	})
	return err
}

// config turns the options into app.Config.
func (o *options) config() (app.Config, error) {
	log, err := o.logger()
	if err != nil {
		return app.Config{}, err
	}
	cfg := app.Config{DataDir: o.dataDir, DB: o.db, Addr: o.addr, LedgerSuite: o.ledgerCrypto, LedgerKey: o.ledgerKey,
		Origin: o.origin, Retention: o.retention, CalendarFile: o.calendar, SecureCookies: o.secureCookies, Log: log, Version: version,
		SourceKey: o.sourceKey, PullTimeout: o.pullTimeout, CallsPerSecond: o.callsPerSecond}
	// Zero is the commands' without the flag: the app's default.
	if o.callsPerSecond < 0 || math.IsInf(o.callsPerSecond, 0) || math.IsNaN(o.callsPerSecond) {
		return cfg, fmt.Errorf("--calls-per-second %g: want the calls a second each API key may make at the gateway, a number above 0 (0 or unset: 200)", o.callsPerSecond)
	}
	if err := o.domainConfig(&cfg); err != nil {
		return cfg, err
	}
	if err := o.procedureConfig(&cfg); err != nil {
		return cfg, err
	}
	for _, s := range o.trustedProxies {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return cfg, fmt.Errorf("--trusted-proxy %q: want a CIDR such as 10.0.0.0/8: %w", s, err)
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, p)
	}
	for _, s := range o.pullAllow {
		p, err := parsePrefix(s)
		if err != nil {
			return cfg, fmt.Errorf("--pull-allow %q: want a CIDR such as 10.20.0.0/16 or an address: %w", s, err)
		}
		cfg.PullAllow = append(cfg.PullAllow, p)
	}
	return cfg, nil
}

// domainConfig reads the domain's limits; unset (commands without the
// flags) they keep the app's defaults.
func (o *options) domainConfig(cfg *app.Config) error {
	if o.maxUpload != "" {
		n, err := humanize.ParseBytes(o.maxUpload)
		if err != nil || n == 0 || n > math.MaxInt64 {
			return fmt.Errorf("--max-upload %q: want a size such as 2GiB, 500MB or 1073741824", o.maxUpload)
		}
		cfg.MaxUploadBytes = int64(n)
	}
	cfg.DomainEngine, cfg.DomainDB = o.domainEngine, o.domainDB
	if o.engineMemory != "" {
		n, err := humanize.ParseBytes(o.engineMemory)
		if err != nil || n < 64<<20 {
			return fmt.Errorf("--engine-memory %q: want a size of at least 64MiB, such as 1GiB or 4GB", o.engineMemory)
		}
		cfg.EngineMemory = fmt.Sprintf("%dMiB", n>>20)
	}
	return nil
}

// parsePrefix reads a CIDR, or an address as a one-address prefix.
func parsePrefix(s string) (netip.Prefix, error) {
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	return netip.ParsePrefix(s)
}

func (o *options) logger() (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", o.logLevel)
	}
	hopts := &slog.HandlerOptions{Level: level}
	switch o.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(os.Stderr, hopts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, hopts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", o.logFormat)
}

func versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), "shuyu", version)
		},
	}
}
