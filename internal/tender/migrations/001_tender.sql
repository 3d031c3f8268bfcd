-- Announcements (申报公告, Art. 12): the call for applications under an
-- approved implementation plan, and the selection that follows it.
CREATE TABLE announcements (
	id TEXT PRIMARY KEY,
	plan_id TEXT NOT NULL REFERENCES plans(id),   -- the plan version it was drafted under
	unit_id TEXT NOT NULL REFERENCES organizations(id),
	title TEXT NOT NULL,
	method TEXT NOT NULL,                 -- public_tender, invited_tender, negotiation
	invited TEXT NOT NULL,                -- JSON: operator organization IDs (invited tender, negotiation)
	conditions TEXT NOT NULL,
	criteria TEXT NOT NULL,               -- JSON: [{name, weight, description}], weights sum to 100
	deadline_at TIMESTAMPTZ NOT NULL,     -- applications are refused after it
	state TEXT NOT NULL,
	published_at TIMESTAMPTZ,
	winner_id TEXT NOT NULL,              -- the awarded application, '' before the award
	award_reason TEXT NOT NULL,
	publicity_from TIMESTAMPTZ,
	publicity_until TIMESTAMPTZ,          -- end of the last working day of publicity
	publicity_day TEXT NOT NULL,
	agreement_id TEXT NOT NULL,           -- the agreement signed on the result, '' before
	stop_reason TEXT NOT NULL,            -- why it was cancelled, vetoed or reopened
	created_by TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX announcements_unit ON announcements (unit_id);
CREATE INDEX announcements_state ON announcements (state);

-- The scope of an announcement: part of its plan's, as it stood then.
CREATE TABLE announcement_datasets (
	announcement_id TEXT NOT NULL REFERENCES announcements(id),
	dataset_id TEXT NOT NULL REFERENCES datasets(id),
	name TEXT NOT NULL,
	title TEXT NOT NULL,
	provider_id TEXT NOT NULL,
	provider TEXT NOT NULL,
	PRIMARY KEY (announcement_id, dataset_id)
);

-- Applications (Art. 13): one per operator and announcement; resubmitting
-- before the deadline replaces it.
CREATE TABLE applications (
	id TEXT PRIMARY KEY,
	announcement_id TEXT NOT NULL REFERENCES announcements(id),
	operator_id TEXT NOT NULL REFERENCES organizations(id),
	state TEXT NOT NULL,
	declarations TEXT NOT NULL,           -- JSON: the seven Art. 13 items as answered
	check_reason TEXT NOT NULL,           -- why the check was reopened
	submitted_by TEXT NOT NULL,
	submitted_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	UNIQUE (announcement_id, operator_id)
);

-- Evidence attached to an item; the file is kept once under its SHA-256.
CREATE TABLE application_files (
	id TEXT PRIMARY KEY,
	application_id TEXT NOT NULL REFERENCES applications(id),
	item INTEGER NOT NULL,
	filename TEXT NOT NULL,
	media_type TEXT NOT NULL,
	bytes BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX application_files_application ON application_files (application_id);
CREATE INDEX application_files_sha256 ON application_files (sha256);

-- The unit's eligibility check, item by item.
CREATE TABLE application_checks (
	application_id TEXT NOT NULL REFERENCES applications(id),
	item INTEGER NOT NULL,
	pass BOOLEAN NOT NULL,
	note TEXT NOT NULL,
	checked_by TEXT NOT NULL,
	checked_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (application_id, item)
);

-- Each evaluator's score per criterion (0–100).
CREATE TABLE application_scores (
	application_id TEXT NOT NULL REFERENCES applications(id),
	evaluator_id TEXT NOT NULL,
	evaluator TEXT NOT NULL,
	criterion INTEGER NOT NULL,
	score INTEGER NOT NULL,
	note TEXT NOT NULL,
	scored_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (application_id, evaluator_id, criterion)
);

-- Objections (异议) to a result under publicity (公示).
CREATE TABLE objections (
	id TEXT PRIMARY KEY,
	announcement_id TEXT NOT NULL REFERENCES announcements(id),
	state TEXT NOT NULL,
	text TEXT NOT NULL,
	filed_by TEXT NOT NULL,
	filed_by_name TEXT NOT NULL,
	filer_org_id TEXT NOT NULL,
	filed_at TIMESTAMPTZ NOT NULL,
	resolution TEXT NOT NULL,
	resolved_by TEXT NOT NULL,
	resolved_at TIMESTAMPTZ
);
CREATE INDEX objections_announcement ON objections (announcement_id);
