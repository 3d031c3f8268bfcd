-- Implementation plans (实施方案, Art. 10–11). Each version of a plan is a
-- row; versions of one plan share series_id and link to the one before.
CREATE TABLE plans (
	id TEXT PRIMARY KEY,
	series_id TEXT NOT NULL,
	version INTEGER NOT NULL,
	previous_id TEXT REFERENCES plans(id),
	unit_id TEXT NOT NULL REFERENCES organizations(id),  -- the implementing unit
	title TEXT NOT NULL,
	mode TEXT NOT NULL,                 -- whole, domain or scenario
	mode_reason TEXT NOT NULL,          -- why not whole authorization (Art. 9)
	revenue_sharing TEXT NOT NULL,
	security TEXT NOT NULL,
	economic_benefits TEXT NOT NULL,
	social_benefits TEXT NOT NULL,
	consulted TEXT NOT NULL,            -- JSON: the industry authorities consulted and their opinions
	state TEXT NOT NULL,
	return_reason TEXT NOT NULL,
	decision_meeting TEXT NOT NULL,     -- 三重一大 collective decision record
	decision_number TEXT NOT NULL,
	decision_date TEXT NOT NULL,
	approved_at TIMESTAMPTZ,
	filing_due_day TEXT NOT NULL,       -- last working day to file with the province, Asia/Shanghai
	filing_due_at TIMESTAMPTZ,          -- the end of that day
	filing_due_estimated BOOLEAN NOT NULL,
	filing_reference TEXT NOT NULL,
	filing_date TEXT NOT NULL,
	filed_at TIMESTAMPTZ,
	created_by TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	UNIQUE (series_id, version)
);
CREATE INDEX plans_unit ON plans (unit_id);
CREATE INDEX plans_state ON plans (state);

-- The data scope of each version: catalog entries in the operation scope,
-- described as they stood when the version was written (what was approved).
CREATE TABLE plan_datasets (
	plan_id TEXT NOT NULL REFERENCES plans(id),
	dataset_id TEXT NOT NULL REFERENCES datasets(id),
	name TEXT NOT NULL,
	title TEXT NOT NULL,
	provider_id TEXT NOT NULL,
	provider TEXT NOT NULL,
	PRIMARY KEY (plan_id, dataset_id)
);
