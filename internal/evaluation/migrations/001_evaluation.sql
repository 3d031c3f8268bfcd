-- Every scoring template version that was in force, as it was: an
-- evaluation is read with the template it was opened with.
CREATE TABLE evaluation_templates (
	version TEXT PRIMARY KEY,
	sha256 TEXT NOT NULL,
	body TEXT NOT NULL,             -- the template as JSON
	installed_at TIMESTAMPTZ NOT NULL
);

-- Annual operator evaluations (Art. 24), one per agreement and year. The
-- agreement's operator, implementing unit and jurisdiction are copied at
-- opening (they never change for an agreement), so that reads and access
-- checks need nothing from the agreement package. agreement_id has no
-- foreign key: agreements are another package's tables.
CREATE TABLE evaluations (
	id TEXT PRIMARY KEY,
	agreement_id TEXT NOT NULL,
	agreement_title TEXT NOT NULL,
	year INTEGER NOT NULL,
	operator_id TEXT NOT NULL REFERENCES organizations(id),
	unit_id TEXT NOT NULL REFERENCES organizations(id),
	jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
	template_version TEXT NOT NULL REFERENCES evaluation_templates(version),
	state TEXT NOT NULL,
	answer_due_day TEXT NOT NULL,   -- the last working day to answer, Asia/Shanghai
	answer_due_at TIMESTAMPTZ NOT NULL,
	answer_due_estimated BOOLEAN NOT NULL,
	opened_by TEXT NOT NULL,
	opened_at TIMESTAMPTZ NOT NULL,
	submitted_at TIMESTAMPTZ,
	graded_at TIMESTAMPTZ,
	finalised_at TIMESTAMPTZ,
	score DOUBLE PRECISION,         -- NULL until graded
	grade TEXT NOT NULL,
	conclusion TEXT NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	UNIQUE (agreement_id, year)
);
CREATE INDEX evaluations_operator ON evaluations (operator_id);
CREATE INDEX evaluations_jurisdiction ON evaluations (jurisdiction_id);

-- One row per template item of an evaluation: the operator's answer and
-- the reviewer's points.
CREATE TABLE evaluation_items (
	evaluation_id TEXT NOT NULL REFERENCES evaluations(id),
	item_key TEXT NOT NULL,
	answer TEXT NOT NULL,
	answered_by TEXT NOT NULL,
	answered_at TIMESTAMPTZ,
	points DOUBLE PRECISION,        -- NULL until scored
	score_comment TEXT NOT NULL,
	scored_by TEXT NOT NULL,
	scored_at TIMESTAMPTZ,
	PRIMARY KEY (evaluation_id, item_key)
);

-- Rectification tasks (整改) from the findings of a finalised evaluation.
CREATE TABLE rectifications (
	id TEXT PRIMARY KEY,
	evaluation_id TEXT NOT NULL REFERENCES evaluations(id),
	agreement_id TEXT NOT NULL,
	operator_id TEXT NOT NULL REFERENCES organizations(id),
	unit_id TEXT NOT NULL REFERENCES organizations(id),
	jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
	item_key TEXT NOT NULL,         -- the template item the finding is about, '' for none
	finding TEXT NOT NULL,
	requirement TEXT NOT NULL,      -- what the operator must do
	state TEXT NOT NULL,
	days INTEGER NOT NULL,          -- working days given, last counted from
	due_day TEXT NOT NULL,
	due_at TIMESTAMPTZ NOT NULL,
	due_estimated BOOLEAN NOT NULL,
	rejections INTEGER NOT NULL,    -- reports the unit rejected
	report TEXT NOT NULL,           -- the operator's latest report
	submitted_at TIMESTAMPTZ,
	created_by TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	closed_at TIMESTAMPTZ,          -- accepted or cancelled
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX rectifications_agreement ON rectifications (agreement_id, state);
CREATE INDEX rectifications_evaluation ON rectifications (evaluation_id);

-- Evidence files, stored under their SHA-256 in the data directory.
CREATE TABLE evaluation_files (
	id TEXT PRIMARY KEY,
	owner_type TEXT NOT NULL,       -- evaluation or rectification
	owner_id TEXT NOT NULL,
	item_key TEXT NOT NULL,         -- the evaluation item, '' for a rectification report
	filename TEXT NOT NULL,
	media_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	uploaded_by TEXT NOT NULL,
	uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX evaluation_files_owner ON evaluation_files (owner_type, owner_id);

-- The history of evaluations and rectification tasks with the words of
-- each step, which the ledger leaves out (they may quote anything).
CREATE TABLE evaluation_events (
	object_type TEXT NOT NULL,      -- evaluation or rectification
	object_id TEXT NOT NULL,
	seq INTEGER NOT NULL,
	action TEXT NOT NULL,
	from_state TEXT NOT NULL,
	to_state TEXT NOT NULL,
	user_id TEXT NOT NULL,
	user_name TEXT NOT NULL,
	comment TEXT NOT NULL,
	at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (object_type, object_id, seq)
);
