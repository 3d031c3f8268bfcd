package ingest

import (
	"context"
	"errors"
	"io"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
	"shuyu/internal/domain"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// run pulls from a source whose lease this process holds, for the schedule
// slot given, and records a failure on the source and in the ledger. The
// pull acts for the entry's provider: its entries are the provider's to read.
func (s *Service) run(ctx context.Context, src Source, slot time.Time) (Result, error) {
	pctx, cancel := context.WithTimeout(ctx, s.pulls.PullTimeout)
	defer cancel()
	by := ledger.Actor{Name: "pull " + src.ID}
	d, err := s.catalog.Get(ctx, access.System(by.Name), src.DatasetID)
	if err == nil {
		by.OrgID, by.JurisdictionID = d.ProviderID, d.JurisdictionID
		var res Result
		if res, err = s.pull(pctx, by, d, src, slot); err == nil {
			return res, nil
		}
	}
	if errors.Is(pctx.Err(), context.DeadlineExceeded) {
		err = errs.E(errs.Unavailable, "the pull took longer than %s (the pull time limit) and was stopped", s.pulls.PullTimeout)
	}
	s.failed(ctx, by, src, err)
	return Result{}, err
}

// pull streams the source table as CSV into the one ingest path, as a
// version whose source format is the database's kind. The version commits
// with the source's new state only while the lease is still this process's.
func (s *Service) pull(ctx context.Context, by ledger.Actor, d catalog.Dataset, src Source, slot time.Time) (Result, error) {
	raw, err := s.pulls.Sealer.Open(src.sealed, src.ID)
	if err != nil {
		return Result{}, &errs.Error{Code: errs.Unavailable, Err: err,
			Message: "this server cannot open the source's credentials: its source key differs from the one that sealed them; give every serve process the same key file, or configure the source again"}
	}
	dn, err := parseDSN(src.Driver, raw)
	if err != nil {
		return Result{}, err
	}
	table, err := parseTable(src.Table)
	if err != nil {
		return Result{}, err
	}
	db, err := dn.open(s.pulls.limits())
	if err != nil {
		return Result{}, err
	}
	defer db.Close()
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := read(ctx, db, dn.driver, table, src.Columns, d.Fields, s.pulls.PullTimeout, pw)
		if err != nil {
			err = sourceError(dn, err)
		}
		pw.CloseWithError(err)
	}()
	res, err := s.ingest(ctx, by, d, Upload{Body: pr, Filename: src.Table, Format: CSV, Encoding: UTF8, origin: src.Driver,
		record: s.succeeded(by, src, slot)})
	pr.CloseWithError(errors.New("ingest ended")) // stops the reader if ingesting stopped first
	<-done
	return res, err
}

// succeeded is the step, inside the transaction that records the version,
// that moves the source to its next slot and releases the lease; it
// refuses the version if the lease is no longer this process's (it ran out,
// or the source was deleted), so a slot never yields two versions.
func (s *Service) succeeded(by ledger.Actor, src Source, slot time.Time) func(context.Context, *store.Tx, domain.Version) error {
	return func(ctx context.Context, tx *store.Tx, v domain.Version) error {
		now := tx.DB().Now()
		next := slot.Add(src.interval)
		if !next.After(now) { // slots were missed: start afresh rather than catch up
			next = now.Add(src.interval)
		}
		res, err := tx.Exec(ctx, `UPDATE ingest_sources SET next_run_at = $1, lease_owner = NULL, lease_until = NULL, last_attempt_at = $2,
			last_success_at = $2, last_error = '', failures = 0, last_version_id = $3 WHERE id = $4 AND lease_owner = $5 AND lease_until > $2`,
			next, now, v.ID, src.ID, s.pulls.owner)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, errs.E(errs.Conflict, "the pull from source %s outlived its lease or the source was removed; its rows were not kept", src.ID))
		}
		return s.pulls.Ledger.Append(ctx, tx, ledger.Record{Actor: by, Action: "dataset.pull", ObjectType: "dataset", ObjectID: v.DatasetID,
			Detail: map[string]any{"source_id": src.ID, "version_id": v.ID, "rows": v.Rows, "dsn": src.DSN, "table": src.Table}})
	}
}

// failed records why a pull failed on the source, for its commissioner,
// and in the ledger (the code only: a message may quote the data), and
// releases the lease with a back-off before the next try.
func (s *Service) failed(ctx context.Context, by ledger.Actor, src Source, cause error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	code, msg, _ := errs.Public(cause)
	if code == errs.Internal {
		msg = "internal error; the platform's log has the details"
	}
	s.pulls.Log.Warn("pull failed", "source", src.ID, "dataset", src.DatasetID, "dsn", src.DSN, "table", src.Table, "err", cause)
	err := s.pulls.DB.InTx(ctx, func(tx *store.Tx) error {
		now := s.pulls.DB.Now()
		retry := min(src.interval, time.Minute<<min(src.Failures, 10))
		if _, err := tx.Exec(ctx, `UPDATE ingest_sources SET failures = failures + 1, last_error = $1, last_attempt_at = $2, next_run_at = $3,
			lease_owner = NULL, lease_until = NULL WHERE id = $4 AND lease_owner = $5`, msg, now, now.Add(retry), src.ID, s.pulls.owner); err != nil {
			return err
		}
		return s.pulls.Ledger.Append(ctx, tx, ledger.Record{Actor: by, Action: "dataset.pull.fail",
			ObjectType: "dataset", ObjectID: src.DatasetID, Detail: map[string]any{"source_id": src.ID, "code": code, "failures": src.Failures + 1}})
	})
	if err != nil {
		s.pulls.Log.Error("recording a failed pull", "source", src.ID, "err", err)
	}
}

// sourceError describes a failure of the source database without its
// password: invalid when the platform refused it, unavailable otherwise.
func sourceError(dn dsn, err error) error {
	if e, ok := errors.AsType[*errs.Error](err); ok && !errors.Is(err, context.DeadlineExceeded) {
		if e.Code != errs.Invalid || e.Details != nil {
			return e
		}
	}
	code := errs.Unavailable
	if errs.Is(err, errs.Invalid) {
		code = errs.Invalid
	}
	return errs.E(code, "source %s: %s", dn.redacted(), dn.scrub(firstLine(err.Error())))
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}
