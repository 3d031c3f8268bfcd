-- What each dp grant has spent of its privacy budget, in millionths of ε
-- and 10⁻¹⁵ of δ. Never decreases: the budget does not refresh.
CREATE TABLE workspace_budgets (
	grant_id TEXT PRIMARY KEY,
	micro_epsilon BIGINT NOT NULL,
	femto_delta BIGINT NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);

-- The differencing defence's memory: the set of privacy units behind each
-- released group (group_key set) or behind all groups of one aggregation
-- (group_key empty, group_keys listing them), per grant and dataset
-- version. units is the roaring bitmap (portable format) once listed.
CREATE TABLE workspace_unit_sets (
	id TEXT PRIMARY KEY,
	grant_id TEXT NOT NULL,
	query_id TEXT NOT NULL,
	version_id TEXT NOT NULL,
	def_hash TEXT NOT NULL,
	group_key TEXT NOT NULL,
	group_keys TEXT NOT NULL,        -- JSON array
	unit_index INTEGER NOT NULL,
	shared BIGINT NOT NULL,
	universe BIGINT NOT NULL,
	card BIGINT NOT NULL,            -- -1 until listed when unknown
	units BYTEA,
	extract_sql TEXT NOT NULL,
	at TIMESTAMPTZ NOT NULL
);
CREATE INDEX workspace_unit_sets_card ON workspace_unit_sets (grant_id, version_id, card);
CREATE INDEX workspace_unit_sets_query ON workspace_unit_sets (grant_id, query_id);

-- Engine use per grant, for the hourly limits. The row of
-- workspace_limit_locks serializes admissions of one grant across
-- processes.
CREATE TABLE workspace_limit_locks (
	grant_id TEXT PRIMARY KEY
);
CREATE TABLE workspace_usage (
	id TEXT PRIMARY KEY,
	grant_id TEXT NOT NULL,
	at TIMESTAMPTZ NOT NULL,
	engine_us BIGINT NOT NULL,       -- wall time × threads, microseconds
	failed BOOLEAN NOT NULL
);
CREATE INDEX workspace_usage_grant ON workspace_usage (grant_id, at);
