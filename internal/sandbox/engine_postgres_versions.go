package sandbox

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// The copies of versions (preparedTable) live as long as a grant's view
// reads them: once no view of any grant depends on a copy (its grants
// moved to newer versions or ended), it is dropped. PostgreSQL's own
// dependencies say which copies views read, across every process sharing
// the database, so no registry of grants is needed.
//
// A grant's views are made in a transaction holding the shared advisory
// lock of each copy it reads (the lock preparedTable takes exclusively to
// make it), having checked the copy is there; a drop takes that lock
// exclusively, without waiting, and checks again under it that no view
// depends on the copy. So a copy is never dropped between a grant finding
// it and its views depending on it, and never while a query reads it: a
// query reads through views, which a drop does not touch. A copy a grant
// found gone is made again (errCopyGone).

// dropGrant removes a grant's views and role, and the copies of versions
// no view reads any more.
func (pg *Postgres) dropGrant(ctx context.Context, grantID string) error {
	n := ident(pg.RoleOf(grantID))
	return pgx.BeginFunc(ctx, pg.Pool, func(tx pgx.Tx) error {
		for _, stmt := range []string{"SELECT pg_advisory_xact_lock(hashtext($1))", "DROP SCHEMA IF EXISTS " + n + " CASCADE", "DROP ROLE IF EXISTS " + n} {
			var args []any
			if strings.Contains(stmt, "$1") {
				args = []any{pg.RoleOf(grantID)}
			}
			if _, err := tx.Exec(ctx, stmt, args...); err != nil {
				return err
			}
		}
		return pg.dropUnusedCopies(ctx, tx)
	})
}

// errCopyGone says that a copy found by preparedTable was dropped before
// the grant's views could depend on it.
var errCopyGone = errors.New("sandbox: a prepared version was dropped meanwhile")

// holdCopies takes the shared locks of the copies the grant's views will
// read, in tx, and checks that they are all there.
func holdCopies(ctx context.Context, tx pgx.Tx, tables []string) error {
	for _, t := range tables {
		var exists bool
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock_shared(hashtext($1))", t); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", t).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return errCopyGone
		}
	}
	return nil
}

// unusedCopies lists the versions' copies (p_ tables, with their m_
// tables of units with several rows) that no view depends on; only
// (when not empty) the copy named.
const unusedCopies = `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname LIKE 'p\_%' AND ($2 = '' OR c.relname = $2)
	AND NOT EXISTS (SELECT 1 FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
		WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
		AND t.relnamespace = n.oid AND t.relname IN (c.relname, 'm_' || substr(c.relname, 3)))`

// dropUnusedCopies drops, in tx, the copies no grant's view reads. A copy
// whose lock another transaction holds (being made, or a grant's views
// being made on it) is left for a later drop.
func (pg *Postgres) dropUnusedCopies(ctx context.Context, tx pgx.Tx) error {
	names, err := copyNames(ctx, tx, pg.schema(), "")
	if err != nil {
		return err
	}
	for _, rel := range names {
		p := ident(pg.schema()) + "." + ident(rel)
		var locked bool
		if err := tx.QueryRow(ctx, "SELECT pg_try_advisory_xact_lock(hashtext($1))", p).Scan(&locked); err != nil || !locked {
			if err != nil {
				return err
			}
			continue
		}
		// a grant's views may have come to read it before the lock
		still, err := copyNames(ctx, tx, pg.schema(), rel)
		if err != nil || len(still) == 0 {
			if err != nil {
				return err
			}
			continue
		}
		m := ident(pg.schema()) + "." + ident("m_"+rel[len("p_"):])
		if _, err := tx.Exec(ctx, "DROP TABLE IF EXISTS "+p+", "+m); err != nil {
			return fmt.Errorf("sandbox: drop the unused copy %s: %w", p, err)
		}
	}
	return nil
}

func copyNames(ctx context.Context, tx pgx.Tx, schema, only string) ([]string, error) {
	rows, err := tx.Query(ctx, unusedCopies, schema, only)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
