// Package ingest brings providers' data into the domain: uploads through the
// API or the command line, streamed to disk inside the domain while hashed
// and counted, from CSV (UTF-8, UTF-8 with a byte-order mark, GBK/GB18030,
// detected or declared), XLSX or Parquet; and scheduled pulls from a
// PostgreSQL or MySQL/MariaDB source table. Each source becomes a version
// through package domain, which checks every value against the catalog's
// declared types; then the sensitive-field detector looks at a sample.
//
// It never keeps raw data outside the domain's directory and never applies a
// detector's suggestion: the commissioner decides.
package ingest
