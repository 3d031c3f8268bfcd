package ingest

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
	"shuyu/internal/domain"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// Options configure scheduled pulls from source databases. Without DB and
// Sealer the service takes uploads only.
type Options struct {
	DB     *store.DB
	Ledger *ledger.Ledger
	Sealer *Sealer
	// PullAllow lists the networks source databases may be in. Empty allows
	// every address but this machine's, link-local ones (where cloud
	// metadata services answer) and unspecified ones.
	PullAllow []netip.Prefix
	// PullTimeout bounds one pull, from connecting to committing, and each
	// statement on the source; default 30 minutes.
	PullTimeout time.Duration
	Log         *slog.Logger
	// AfterVersion, when set, hears of every version stored (uploads, the
	// command line and pulls), e.g. to start its quality assessment.
	AfterVersion func(context.Context, domain.Version)
}

type pullConfig struct {
	Options
	owner string // this process in row leases
}

func (o Options) pullConfig() pullConfig {
	if o.PullTimeout == 0 {
		o.PullTimeout = 30 * time.Minute
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return pullConfig{Options: o, owner: store.NewID()}
}

func (c pullConfig) limits() limits { return limits{allow: c.PullAllow, statement: c.PullTimeout} }

// MinInterval is the shortest schedule a source may have.
const MinInterval = time.Minute

// Source is a database table a catalog entry is pulled from on a schedule.
// Its DSN is shown without the password; the full DSN never leaves the
// service.
type Source struct {
	ID        string `json:"id"`
	DatasetID string `json:"dataset_id"`
	Driver    string `json:"driver"`
	DSN       string `json:"dsn"`
	Table     string `json:"table"`
	// Columns maps each field of the entry to its column in the table.
	Columns       map[string]string `json:"columns"`
	Interval      string            `json:"interval"`
	NextRunAt     time.Time         `json:"next_run_at"`
	Running       bool              `json:"running"`
	LastAttemptAt *time.Time        `json:"last_attempt_at"`
	LastSuccessAt *time.Time        `json:"last_success_at"`
	LastError     string            `json:"last_error"`
	Failures      int               `json:"failures"`
	LastVersionID string            `json:"last_version_id"`
	CreatedBy     string            `json:"created_by"`
	CreatedAt     time.Time         `json:"created_at"`

	interval time.Duration
	sealed   []byte
}

// SourceInput configures a source.
type SourceInput struct {
	Driver string `json:"driver"` // postgres or mysql (MySQL and MariaDB)
	// DSN is postgres://user:password@host:port/database?sslmode=require
	// (or verify-full, disable) or mysql://user:password@host:port/database?tls=true
	// (or skip-verify, false).
	DSN   string `json:"dsn"`
	Table string `json:"table"` // table or schema.table
	// Columns names the table's column for a field where the names differ.
	Columns  map[string]string `json:"columns,omitempty"`
	Interval string            `json:"interval"` // e.g. 24h or 30m; at least 1m
}

// CreateSource adds a source to an entry after connecting to it: a table
// whose columns do not fit the entry's fields is refused. The first pull is
// due at once.
func (s *Service) CreateSource(ctx context.Context, p access.Principal, ref string, in SourceInput) (Source, error) {
	d, err := s.pullable(ctx, p, ref)
	if err != nil {
		return Source{}, err
	}
	src := Source{ID: store.NewID(), DatasetID: d.ID, Driver: in.Driver, Table: in.Table, CreatedBy: p.Actor().Name}
	if src.interval, err = time.ParseDuration(in.Interval); err != nil || src.interval < MinInterval {
		return src, errs.E(errs.Invalid, "interval %q: want a duration of at least %s, such as 24h or 30m", in.Interval, MinInterval)
	}
	src.Interval = src.interval.String()
	dn, err := parseDSN(in.Driver, in.DSN)
	if err != nil {
		return src, err
	}
	src.DSN = dn.redacted()
	table, err := parseTable(in.Table)
	if err != nil {
		return src, err
	}
	if src.Columns, err = columnMap(d, in.Columns); err != nil {
		return src, err
	}
	db, err := dn.open(s.pulls.limits())
	if err != nil {
		return src, err
	}
	defer db.Close()
	pctx, cancel := context.WithTimeout(ctx, 2*connectTimeout)
	defer cancel()
	if err := probe(pctx, db, dn.driver, table, src.Columns, d.Fields); err != nil {
		e, _ := errors.AsType[*errs.Error](sourceError(dn, err))
		if e.Code == errs.Unavailable { // here the address or the table given is at fault
			e = errs.E(errs.Invalid, "%s", e.Message)
		}
		return src, e
	}
	src.sealed = s.pulls.Sealer.Seal(in.DSN, src.ID)
	src.NextRunAt = s.pulls.DB.Now()
	src.CreatedAt = src.NextRunAt
	err = s.pulls.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := insertSource(ctx, tx, src); err != nil {
			return err
		}
		return s.pulls.Ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: "dataset.source.create", ObjectType: "dataset", ObjectID: d.ID,
			Detail: map[string]any{"source_id": src.ID, "driver": src.Driver, "dsn": src.DSN, "table": src.Table, "columns": src.Columns, "interval": src.Interval}})
	})
	return src, err
}

// columnMap maps every field of d to a source column: the field's own name
// unless given; naming a field d lacks is refused.
func columnMap(d catalog.Dataset, given map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for _, f := range d.Fields {
		out[f.Name] = f.Name
	}
	for field, col := range given {
		if _, ok := out[field]; !ok {
			return nil, errs.E(errs.Invalid, "columns: %q is not a field of %s", field, d.Name)
		}
		if !sourceIdent.MatchString(col) {
			return nil, errs.E(errs.Invalid, "columns: %q for field %s is not a plain column name", col, field)
		}
		out[field] = col
	}
	return out, nil
}

// Sources lists an entry's sources.
func (s *Service) Sources(ctx context.Context, p access.Principal, ref string) ([]Source, error) {
	d, err := s.pullable(ctx, p, ref)
	if err != nil {
		return nil, err
	}
	return listSources(ctx, s.pulls.DB, d.ID)
}

// DeleteSource removes a source; a pull running from it keeps nothing.
func (s *Service) DeleteSource(ctx context.Context, p access.Principal, ref, id string) (Source, error) {
	d, err := s.pullable(ctx, p, ref)
	if err != nil {
		return Source{}, err
	}
	var src Source
	err = s.pulls.DB.InTx(ctx, func(tx *store.Tx) error {
		if src, err = getSource(ctx, tx, s.pulls.DB.Now(), d.ID, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM ingest_sources WHERE id = $1`, id); err != nil {
			return err
		}
		return s.pulls.Ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: "dataset.source.delete", ObjectType: "dataset", ObjectID: d.ID,
			Detail: map[string]any{"source_id": src.ID, "dsn": src.DSN, "table": src.Table}})
	})
	return src, err
}

// PullNow pulls from a source at once, as the next scheduled pull would,
// and answers with the version or why there is none (also recorded on the
// source). A pull already running from it is a conflict.
func (s *Service) PullNow(ctx context.Context, p access.Principal, ref, id string) (Result, error) {
	d, err := s.pullable(ctx, p, ref)
	if err != nil {
		return Result{}, err
	}
	if _, err := getSource(ctx, s.pulls.DB, s.pulls.DB.Now(), d.ID, id); err != nil {
		return Result{}, err
	}
	src, ok, err := s.claim(ctx, id, false)
	if err != nil {
		return Result{}, err
	}
	if !ok {
		return Result{}, errs.E(errs.Conflict, "a pull from source %s is running; try again when it ends", id)
	}
	return s.run(ctx, src, s.pulls.DB.Now())
}

// PullDue runs the pulls whose time has come and returns how many it ran.
// Every serve process calls it; a row lease gives each due pull to one.
// Failed pulls are recorded on their source, not returned.
func (s *Service) PullDue(ctx context.Context) (int, error) {
	if s.pulls.DB == nil {
		return 0, nil
	}
	ids, err := dueSources(ctx, s.pulls.DB, s.pulls.DB.Now())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		src, ok, err := s.claim(ctx, id, true)
		if err != nil {
			return n, err
		}
		if ok {
			s.run(ctx, src, src.NextRunAt)
			n++
		}
	}
	return n, nil
}

// pullable returns the entry if p may manage its pulls: those who may add
// its versions.
func (s *Service) pullable(ctx context.Context, p access.Principal, ref string) (catalog.Dataset, error) {
	if s.pulls.DB == nil || s.pulls.Sealer == nil {
		return catalog.Dataset{}, errs.E(errs.Unavailable, "scheduled pulls are not configured on this server")
	}
	return s.Authorize(ctx, p, ref)
}
