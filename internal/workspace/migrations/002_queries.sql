-- Every query an analyst ran in a grant, answered or refused: the
-- workspace's history. The SQL text is the analyst's own and is shown to
-- the operator's staff; the ledger keeps only its hash.
CREATE TABLE workspace_queries (
	id TEXT PRIMARY KEY,
	grant_id TEXT NOT NULL,
	agreement_id TEXT NOT NULL,
	operator_id TEXT NOT NULL,
	user_id TEXT NOT NULL,
	username TEXT NOT NULL,
	rule TEXT NOT NULL,
	status TEXT NOT NULL,            -- answered, refused, failed
	sql_text TEXT NOT NULL,
	sql_sha256 TEXT NOT NULL,
	broke TEXT NOT NULL,             -- the sandbox rule a refused query broke
	message TEXT NOT NULL,           -- the refusal as the analyst saw it
	rows_out INTEGER NOT NULL,
	suppressed INTEGER NOT NULL,
	micro_epsilon BIGINT NOT NULL,
	femto_delta BIGINT NOT NULL,
	result_sha256 TEXT NOT NULL,     -- of the result kept in the domain
	at TIMESTAMPTZ NOT NULL
);
CREATE INDEX workspace_queries_grant ON workspace_queries (grant_id, id);
CREATE INDEX workspace_queries_agreement ON workspace_queries (agreement_id);

-- Releases (出域): a result leaving the domain. Automatic for aggregate
-- and dp answers; requested and decided by a reviewer of the implementing
-- unit otherwise. One per query.
CREATE TABLE workspace_releases (
	id TEXT PRIMARY KEY,
	query_id TEXT NOT NULL UNIQUE REFERENCES workspace_queries(id),
	grant_id TEXT NOT NULL,
	agreement_id TEXT NOT NULL,
	operator_id TEXT NOT NULL,
	unit_id TEXT NOT NULL,
	jurisdiction_id TEXT NOT NULL,   -- the unit's, for reviewers' reach
	state TEXT NOT NULL,             -- pending, released, refused, void
	automatic BOOLEAN NOT NULL,
	reason TEXT NOT NULL,            -- why the operator asks for it
	requested_by TEXT NOT NULL,
	requested_at TIMESTAMPTZ NOT NULL,
	decided_by TEXT NOT NULL,
	decided_at TIMESTAMPTZ,
	comment TEXT NOT NULL,           -- the reviewer's
	result_sha256 TEXT NOT NULL,     -- of the kept result
	csv_sha256 TEXT NOT NULL,        -- of its CSV rendering, what a download sends
	rows_out INTEGER NOT NULL
);
CREATE INDEX workspace_releases_state ON workspace_releases (state, jurisdiction_id);
CREATE INDEX workspace_releases_agreement ON workspace_releases (agreement_id, state);
