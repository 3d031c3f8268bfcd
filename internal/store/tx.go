package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Tx is a write transaction. Feature packages' public methods open one with
// DB.InTx; their private helpers and the hooks of other packages take it, so a
// change and its ledger entry commit or fail together.
type Tx struct {
	tx *sql.Tx
	db *DB
	// unwatched: see Unwatched.
	unwatched bool
}

// InTx runs fn in a write transaction, committing when fn returns nil and
// rolling back otherwise (also on panic, which is re-raised).
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{tx: sqlTx, db: db}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	if !tx.unwatched {
		db.gen.Add(1)
	}
	return nil
}

// InSnapshot runs fn with read-only queries that all see one committed state
// of the database, whatever writers commit meanwhile: a REPEATABLE READ
// transaction on PostgreSQL, a read transaction (one WAL snapshot) on SQLite.
// Use it when several reads must agree, as a verifier's do.
func (db *DB) InSnapshot(ctx context.Context, fn func(q Querier) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	sqlTx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin snapshot: %w", err)
	}
	defer sqlTx.Rollback() // nothing to commit
	return fn(&Tx{tx: sqlTx, db: db})
}

// DB returns the database the transaction belongs to.
func (tx *Tx) DB() *DB { return tx.db }

// Dialect returns the engine behind the transaction.
func (tx *Tx) Dialect() Dialect { return tx.db.dialect }

// Exec runs a statement inside the transaction.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, tx.db.rebind(query), args...)
}

// Query runs a query inside the transaction.
func (tx *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, tx.db.rebind(query), args...)
}

// QueryRow runs a single-row query inside the transaction.
func (tx *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.db.rebind(query), args...)
}

// Prepare prepares a statement for repeated use inside the transaction.
func (tx *Tx) Prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	return tx.tx.PrepareContext(ctx, tx.db.rebind(query))
}

// ForUpdate is the row-lock clause to append to a SELECT that must serialize
// writers: PostgreSQL needs it; SQLite already holds the database write lock
// from BEGIN IMMEDIATE and has no such clause.
func (tx *Tx) ForUpdate() string {
	if tx.db.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}
