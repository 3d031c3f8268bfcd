-- Catalog entries. Fields are kept as a JSON array: they are always read
-- and written together, and each edit is kept whole in dataset_revisions.
CREATE TABLE datasets (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	description TEXT NOT NULL,
	provider_id TEXT NOT NULL REFERENCES organizations(id),
	frequency TEXT NOT NULL,
	privacy_unit TEXT NOT NULL,
	in_scope BOOLEAN NOT NULL,
	grade TEXT NOT NULL,
	fields TEXT NOT NULL,
	revision INTEGER NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX datasets_provider ON datasets (provider_id);

-- Every edit of an entry, as the entry stood after it.
CREATE TABLE dataset_revisions (
	dataset_id TEXT NOT NULL REFERENCES datasets(id),
	revision INTEGER NOT NULL,
	snapshot TEXT NOT NULL,
	user_id TEXT NOT NULL,
	at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (dataset_id, revision)
);

-- What the sensitive-field detector suggested for each version; shown to
-- the commissioner, applied only by them.
CREATE TABLE dataset_suggestions (
	dataset_id TEXT NOT NULL REFERENCES datasets(id),
	version_id TEXT NOT NULL,
	field TEXT NOT NULL,
	detector TEXT NOT NULL,
	classification TEXT NOT NULL,
	grade TEXT NOT NULL,
	share DOUBLE PRECISION NOT NULL,
	sampled INTEGER NOT NULL,
	PRIMARY KEY (version_id, field)
);
