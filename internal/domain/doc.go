// Package domain is the secure data domain (数据域): the only place where
// raw rows of public data exist. Each dataset version is an immutable Parquet
// file inside the data directory, written by an embedded DuckDB engine and
// recorded, with its row count, size and content hashes, in the control
// plane in the same transaction as its ledger entry. In server mode with
// the postgres engine (Tables) each version is also loaded, before it is
// recorded, as a table of a PostgreSQL schema only the domain's user
// reaches.
//
// It owns the directory layout, the engine, the version records, and the
// guarantee that a failed or interrupted write leaves the previous version
// current and nothing half-written. It runs only SQL it builds itself from
// validated identifiers; outside SQL reaches raw data only through the
// sandbox, and raw rows leave only as a sandbox answer, a release or a
// product call.
package domain
