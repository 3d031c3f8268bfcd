-- The rules a commissioner set for an entry. An entry without a row is
-- checked with the defaults derived from its catalog description.
CREATE TABLE quality_rules (
	dataset_id TEXT PRIMARY KEY REFERENCES datasets(id),
	rules TEXT NOT NULL,            -- JSON array of rules
	revision INTEGER NOT NULL,
	updated_by TEXT NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);

-- Every set of rules an entry had, as it was set.
CREATE TABLE quality_rule_revisions (
	dataset_id TEXT NOT NULL REFERENCES datasets(id),
	revision INTEGER NOT NULL,
	rules TEXT NOT NULL,
	user_id TEXT NOT NULL,
	at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (dataset_id, revision)
);

-- The result of checking one version against one set of rules (named by
-- the SHA-256 of the rules as run), kept so that reads never recompute it.
-- Results hold counts and row numbers, never values.
CREATE TABLE quality_assessments (
	version_id TEXT NOT NULL REFERENCES dataset_versions(id),
	rules_sha256 TEXT NOT NULL,
	dataset_id TEXT NOT NULL REFERENCES datasets(id),
	rows BIGINT NOT NULL,
	score DOUBLE PRECISION,         -- NULL when no rule applies
	results TEXT NOT NULL,          -- JSON array of per-rule results
	defaults BOOLEAN NOT NULL,      -- the rules were the catalog-derived defaults
	duration_ms BIGINT NOT NULL,
	assessed_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (version_id, rules_sha256)
);
CREATE INDEX quality_assessments_dataset ON quality_assessments (dataset_id);

-- Leases of the background assessor, so that several processes sharing one
-- database do not check the same version at once.
CREATE TABLE quality_leases (
	version_id TEXT NOT NULL,
	rules_sha256 TEXT NOT NULL,
	holder TEXT NOT NULL,
	until_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (version_id, rules_sha256)
);

-- Error-correction (纠错) and objection (异议) tickets (Art. 8).
CREATE TABLE quality_tickets (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	state TEXT NOT NULL,
	dataset_id TEXT NOT NULL REFERENCES datasets(id),
	dataset_name TEXT NOT NULL,     -- an entry's name never changes
	provider_id TEXT NOT NULL REFERENCES organizations(id),
	version_id TEXT NOT NULL,       -- '' when the ticket names no version
	field TEXT NOT NULL,            -- '' when it names no field
	title TEXT NOT NULL,
	description TEXT NOT NULL,
	filed_by TEXT NOT NULL,
	filed_by_name TEXT NOT NULL,
	filer_org_id TEXT NOT NULL,
	filed_at TIMESTAMPTZ NOT NULL,
	due_day TEXT NOT NULL,          -- the last working day to answer, Asia/Shanghai
	due_at TIMESTAMPTZ NOT NULL,    -- the end of that day
	due_estimated BOOLEAN NOT NULL, -- counted past the years the holiday table covers
	answer TEXT NOT NULL,
	answered_by TEXT NOT NULL,
	answered_at TIMESTAMPTZ,
	resolution TEXT NOT NULL,       -- the filer's word on accepting or rejecting
	resolved_at TIMESTAMPTZ,
	closed_by TEXT NOT NULL,
	closed_at TIMESTAMPTZ,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX quality_tickets_provider ON quality_tickets (provider_id, filed_at);
CREATE INDEX quality_tickets_dataset ON quality_tickets (dataset_id);
CREATE INDEX quality_tickets_filer ON quality_tickets (filed_by);

-- Every transition of a ticket, for its history.
CREATE TABLE quality_ticket_events (
	ticket_id TEXT NOT NULL REFERENCES quality_tickets(id),
	seq INTEGER NOT NULL,
	action TEXT NOT NULL,
	from_state TEXT NOT NULL,
	to_state TEXT NOT NULL,
	user_id TEXT NOT NULL,
	user_name TEXT NOT NULL,
	comment TEXT NOT NULL,
	at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (ticket_id, seq)
);
