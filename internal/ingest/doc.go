// Package ingest brings providers' data into the domain: uploads through the
// API or the command line, streamed to disk inside the domain while hashed,
// counted and checked for UTF-8 (the file is read once in Go), from CSV
// (UTF-8, UTF-8 with a byte-order mark, GBK/GB18030, detected or declared),
// XLSX or Parquet; and scheduled pulls from a PostgreSQL or MySQL/MariaDB
// source table, streamed as CSV into the same path. Each source becomes a
// version through package domain, which checks every value against the
// catalog's declared types; then the sensitive-field detector looks at a
// sample.
//
// It owns the ingest_sources table: where each entry is pulled from, its
// DSN sealed with a key kept outside the database, and the row lease that
// gives each due pull to one serve process.
//
// It never keeps raw data outside the domain's directory, never shows or
// logs a source's password, and never applies a detector's suggestion: the
// commissioner decides.
package ingest
