-- Source databases a catalog entry is pulled from on a schedule. The DSN is
-- kept sealed (encrypted with the source key, outside the database); only
-- its redacted form, without the password, is ever shown or logged.
CREATE TABLE ingest_sources (
	id TEXT PRIMARY KEY,
	dataset_id TEXT NOT NULL REFERENCES datasets(id),
	driver TEXT NOT NULL,               -- postgres or mysql
	dsn_sealed BYTEA NOT NULL,
	dsn_redacted TEXT NOT NULL,
	source_table TEXT NOT NULL,         -- table or schema.table
	columns TEXT NOT NULL,              -- JSON: field name -> source column
	interval_seconds BIGINT NOT NULL,
	next_run_at TIMESTAMPTZ NOT NULL,   -- the slot of the next pull
	-- The row lease: the process pulling, until when. A pull commits its
	-- version only while it holds the lease, so a slot yields one version.
	lease_owner TEXT,
	lease_until TIMESTAMPTZ,
	last_attempt_at TIMESTAMPTZ,
	last_success_at TIMESTAMPTZ,
	last_error TEXT NOT NULL,
	failures INTEGER NOT NULL,          -- in a row, for the back-off
	last_version_id TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ingest_sources_dataset ON ingest_sources (dataset_id);
CREATE INDEX ingest_sources_due ON ingest_sources (next_run_at);
