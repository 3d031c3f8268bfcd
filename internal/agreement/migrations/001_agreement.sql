-- Authorized-operation agreements (授权运营协议, Art. 12–15). The terms of
-- Art. 14 other than the scope and the term are kept as one JSON document:
-- they are read and written together, and never queried.
CREATE TABLE agreements (
	id TEXT PRIMARY KEY,
	announcement_id TEXT NOT NULL REFERENCES announcements(id),
	application_id TEXT NOT NULL,
	plan_id TEXT NOT NULL REFERENCES plans(id),        -- the plan version in force when drafted
	renews_id TEXT REFERENCES agreements(id),         -- the agreement this one renews
	unit_id TEXT NOT NULL REFERENCES organizations(id),
	operator_id TEXT NOT NULL REFERENCES organizations(id),
	finance_org_id TEXT NOT NULL REFERENCES organizations(id), -- the finance department asked (Art. 15)
	state TEXT NOT NULL,
	starts_on TEXT NOT NULL,                          -- YYYY-MM-DD, Asia/Shanghai
	ends_on TEXT NOT NULL,                            -- the last day, included
	starts_at TIMESTAMPTZ NOT NULL,                   -- the start of starts_on
	ends_at TIMESTAMPTZ NOT NULL,                     -- the end of ends_on
	terms TEXT NOT NULL,
	decision_meeting TEXT NOT NULL,                   -- the unit's 三重一大 decision to sign
	decision_number TEXT NOT NULL,
	decision_date TEXT NOT NULL,
	signed_at TIMESTAMPTZ,
	signed_by TEXT NOT NULL,
	activated_at TIMESTAMPTZ,
	ended_at TIMESTAMPTZ,
	end_code TEXT NOT NULL,                           -- the Art. 27 reason of an exit
	end_reason TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX agreements_operator ON agreements (operator_id, state);
CREATE INDEX agreements_unit ON agreements (unit_id);
CREATE INDEX agreements_state ON agreements (state);

-- The data scope: entries of the plan's scope, as they stood when written.
-- RequireActive reads it on every query and call, through the primary key.
CREATE TABLE agreement_datasets (
	agreement_id TEXT NOT NULL REFERENCES agreements(id),
	dataset_id TEXT NOT NULL REFERENCES datasets(id),
	name TEXT NOT NULL,
	title TEXT NOT NULL,
	provider_id TEXT NOT NULL,
	provider TEXT NOT NULL,
	PRIMARY KEY (agreement_id, dataset_id)
);

-- The finance department's opinions on the revenue sharing (Art. 15), each
-- on the text it was given: a changed rule needs a new opinion.
CREATE TABLE agreement_opinions (
	id TEXT PRIMARY KEY,
	agreement_id TEXT NOT NULL REFERENCES agreements(id),
	concurs BOOLEAN NOT NULL,
	text TEXT NOT NULL,
	revenue_sharing_sha256 TEXT NOT NULL,
	by_id TEXT NOT NULL,
	by_name TEXT NOT NULL,
	org_id TEXT NOT NULL,
	at TIMESTAMPTZ NOT NULL
);
CREATE INDEX agreement_opinions_agreement ON agreement_opinions (agreement_id, at);

-- Exits (Art. 24, 27): the deletion record of each ended agreement. The row
-- is written with the state change (the intent); the files deleted from the
-- domain are added when the deletion completes.
CREATE TABLE agreement_exits (
	id TEXT PRIMARY KEY,
	agreement_id TEXT NOT NULL UNIQUE REFERENCES agreements(id),
	operator_id TEXT NOT NULL,
	kind TEXT NOT NULL,                 -- expire, terminate or revoke
	reason_code TEXT NOT NULL,
	reason TEXT NOT NULL,
	by_id TEXT NOT NULL,
	by_name TEXT NOT NULL,
	state TEXT NOT NULL,                -- deleting, complete
	revoked TEXT NOT NULL,              -- JSON: what the exit hooks stopped (keys, grants, access)
	files TEXT NOT NULL,                -- JSON: the files deleted, with sizes and SHA-256
	continuing TEXT NOT NULL,           -- JSON: the operator's agreements still in force
	started_at TIMESTAMPTZ NOT NULL,
	completed_at TIMESTAMPTZ,
	lease_holder TEXT NOT NULL,
	lease_until TIMESTAMPTZ
);
CREATE INDEX agreement_exits_state ON agreement_exits (state);
