package ingest

import (
	"context"
	"crypto/tls"
	"database/sql"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"shuyu/internal/errs"
)

// Drivers of source databases.
const (
	Postgres = "postgres"
	MySQL    = "mysql" // MySQL and MariaDB
)

// dsn is a source database address, taken apart. A DSN is hostile input:
// only a URL to a TCP host is accepted, with no parameter that would make
// the platform read its own files (certificates, password and service
// files), use a socket, or carry options into the session.
type dsn struct {
	driver, user, password, host, database string
	port                                   int
	tls                                    string // postgres: disable, require, verify-full; mysql: false, true, skip-verify
}

// tlsModes lists each driver's accepted TLS settings, the default first.
var tlsModes = map[string][]string{
	Postgres: {"require", "verify-full", "disable"},
	MySQL:    {"true", "skip-verify", "false"},
}

// parseDSN reads postgres://user:password@host:port/database?sslmode=… or
// mysql://user:password@host:port/database?tls=… for driver.
func parseDSN(driver, raw string) (dsn, error) {
	bad := func(format string, args ...any) (dsn, error) {
		return dsn{}, errs.E(errs.Invalid, "dsn: "+format, args...)
	}
	schemes := map[string][]string{Postgres: {"postgres", "postgresql"}, MySQL: {"mysql", "mariadb"}}[driver]
	if schemes == nil {
		return bad("driver %q: want postgres or mysql", driver)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" {
		return bad("want a URL such as %s://user:password@db.example.gov.cn:%d/name", schemes[0], defaultPort(driver))
	}
	if !slices.Contains(schemes, u.Scheme) {
		return bad("a %s source needs a %s:// URL, not %s://", driver, schemes[0], u.Scheme)
	}
	d := dsn{driver: driver, user: u.User.Username(), host: u.Hostname(), database: strings.TrimPrefix(u.Path, "/"), port: defaultPort(driver)}
	d.password, _ = u.User.Password()
	if d.user == "" || d.database == "" || strings.Contains(d.database, "/") {
		return bad("name the user and the database: %s://user:password@host/database", schemes[0])
	}
	if strings.ContainsAny(d.host, "/@%") || d.host == "" {
		return bad("host %q: only a TCP host name or address is accepted, no socket", d.host)
	}
	if p := u.Port(); p != "" {
		if d.port, err = strconv.Atoi(p); err != nil || d.port < 1 || d.port > 65535 {
			return bad("port %q is not a TCP port", p)
		}
	}
	modes := tlsModes[driver]
	d.tls = modes[0]
	param := map[string]string{Postgres: "sslmode", MySQL: "tls"}[driver]
	for k, v := range u.Query() {
		if k != param || len(v) != 1 {
			return bad("parameter %q is not accepted; the only one is %s (%s)", k, param, strings.Join(modes, ", "))
		}
		if !slices.Contains(modes, v[0]) {
			return bad("%s=%s: want one of %s", param, v[0], strings.Join(modes, ", "))
		}
		d.tls = v[0]
	}
	return d, nil
}

func defaultPort(driver string) int {
	if driver == MySQL {
		return 3306
	}
	return 5432
}

// redacted is the DSN without its password, for people and logs.
func (d dsn) redacted() string {
	param := map[string]string{Postgres: "sslmode", MySQL: "tls"}[d.driver]
	return fmt.Sprintf("%s://%s@%s/%s?%s=%s", d.driver, url.User(d.user).String(), net.JoinHostPort(d.host, strconv.Itoa(d.port)),
		url.PathEscape(d.database), param, d.tls)
}

// scrub removes the password from a message about the source, in case a
// driver quotes it.
func (d dsn) scrub(msg string) string {
	if d.password == "" {
		return msg
	}
	return strings.ReplaceAll(msg, d.password, "xxxxx")
}

// limits bound what a connection to a source database may do.
type limits struct {
	allow     []netip.Prefix
	statement time.Duration
}

// connectTimeout bounds reaching a source database.
const connectTimeout = 10 * time.Second

// dial connects over TCP only, to an address the limits allow. The check
// runs on the resolved address, as the connection is made, so a name that
// resolves elsewhere later (DNS rebinding) gains nothing.
func (l limits) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if network != "tcp" && network != "tcp4" && network != "tcp6" {
		return nil, errs.E(errs.Invalid, "dsn: only TCP connections are allowed, not %s", network)
	}
	d := net.Dialer{Timeout: connectTimeout, Control: func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return err
		}
		return l.allowed(ap.Addr())
	}}
	return d.DialContext(ctx, network, addr)
}

// allowed says whether a source database may be at a.
func (l limits) allowed(a netip.Addr) error {
	a = a.Unmap()
	if len(l.allow) > 0 {
		for _, p := range l.allow {
			if p.Contains(a) {
				return nil
			}
		}
		return errs.E(errs.Invalid, "dsn: %s is outside the networks allowed for source databases (pull-allow)", a)
	}
	if a.IsLoopback() || a.IsUnspecified() || a.IsLinkLocalUnicast() || a.IsMulticast() {
		return errs.E(errs.Invalid, "dsn: %s is this machine or a link-local address; the platform administrator must allow it (pull-allow)", a)
	}
	return nil
}

// open returns a pool of one connection to the source database. Only the
// settings set here apply: pgx's environment, password-file and
// service-file defaults are overwritten.
func (d dsn) open(l limits) (*sql.DB, error) {
	var db *sql.DB
	switch d.driver {
	case Postgres:
		u := url.URL{Scheme: "postgres", User: url.User(d.user), Host: net.JoinHostPort(d.host, strconv.Itoa(d.port)), Path: "/" + d.database}
		cfg, err := pgx.ParseConfig(u.String() + "?sslmode=disable")
		if err != nil {
			return nil, errs.E(errs.Invalid, "dsn: %s", d.scrub(err.Error()))
		}
		cfg.Host, cfg.Port, cfg.User, cfg.Password, cfg.Database = d.host, uint16(d.port), d.user, d.password, d.database
		cfg.Fallbacks, cfg.ValidateConnect, cfg.AfterConnect = nil, nil, nil
		cfg.ConnectTimeout, cfg.DialFunc = connectTimeout, l.dial
		cfg.TLSConfig = d.tlsConfig()
		cfg.RuntimeParams = map[string]string{
			"application_name":                    "shuyu-pull",
			"default_transaction_read_only":       "on",
			"statement_timeout":                   strconv.FormatInt(l.statement.Milliseconds(), 10),
			"idle_in_transaction_session_timeout": strconv.FormatInt(l.statement.Milliseconds(), 10),
		}
		db = stdlib.OpenDB(*cfg)
	case MySQL:
		cfg := mysql.NewConfig()
		cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName = d.user, d.password, "tcp", net.JoinHostPort(d.host, strconv.Itoa(d.port)), d.database
		cfg.Timeout, cfg.ReadTimeout, cfg.WriteTimeout, cfg.DialFunc = connectTimeout, l.statement, l.statement, l.dial
		cfg.AllowAllFiles, cfg.AllowCleartextPasswords, cfg.AllowOldPasswords, cfg.MultiStatements = false, false, false, false
		cfg.TLS, cfg.Logger = d.tlsConfig(), quiet{}
		connector, err := mysql.NewConnector(cfg)
		if err != nil {
			return nil, errs.E(errs.Invalid, "dsn: %s", d.scrub(err.Error()))
		}
		db = sql.OpenDB(connector)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// tlsConfig is the TLS the DSN asks for, with the system's roots only.
func (d dsn) tlsConfig() *tls.Config {
	switch d.tls {
	case "disable", "false":
		return nil
	case "require", "skip-verify": // encrypted, server not verified (libpq's require)
		return &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}
	}
	return &tls.Config{ServerName: d.host, MinVersion: tls.VersionTLS12}
}

// quiet keeps the MySQL driver from writing to the process's standard error.
type quiet struct{}

func (quiet) Print(...any) {}
