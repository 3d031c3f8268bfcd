// Package store is shuyu's control-plane database: one handle over either the
// embedded SQLite file (the default, pure Go) or PostgreSQL (server mode), with
// the tiny dialect layer that lets every feature package write one SQL text
// for both: `$1` placeholders, a few type names, and migrations recorded by
// package and name.
//
// It owns the connection pools, transactions, the migration runner and
// Memo, a hot path's cache of what the database says that forgets at the
// process's next commit (memo.go). It
// never knows a feature's tables: each feature package brings its own
// migrations and SQL. It never touches the data plane (raw data lives only in
// package domain).
package store
