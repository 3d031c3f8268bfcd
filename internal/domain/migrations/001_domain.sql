-- Versions of catalog entries stored in the domain. Never updated: a new
-- upload or sync is a new version; the current one is the highest seq.
CREATE TABLE dataset_versions (
	id TEXT PRIMARY KEY,
	dataset_id TEXT NOT NULL REFERENCES datasets(id),
	seq INTEGER NOT NULL,
	rows BIGINT NOT NULL,
	bytes BIGINT NOT NULL,          -- size of the stored Parquet file
	sha256 TEXT NOT NULL,           -- of the stored Parquet file
	source_bytes BIGINT NOT NULL,
	source_sha256 TEXT NOT NULL,    -- of the file as the provider sent it
	source_format TEXT NOT NULL,
	source_encoding TEXT NOT NULL,
	columns TEXT NOT NULL,          -- JSON: the declared columns it was checked against
	created_by TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	UNIQUE (dataset_id, seq)
);
