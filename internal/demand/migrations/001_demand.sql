-- Demand applications (数据需求申请, Art. 18–19). What is asked (datasets,
-- fields with roles and justifications, the rule and its parameters) is one
-- JSON document: it is read and written together, and never queried; the
-- datasets are also kept as rows, so that providers find the demands that
-- concern them.
CREATE TABLE demands (
	id TEXT PRIMARY KEY,
	agreement_id TEXT NOT NULL REFERENCES agreements(id),
	operator_id TEXT NOT NULL REFERENCES organizations(id),
	unit_id TEXT NOT NULL REFERENCES organizations(id),
	jurisdiction_id TEXT NOT NULL,           -- the unit's
	state TEXT NOT NULL,
	review_round INTEGER NOT NULL,           -- 1, and one more at each resubmission
	title TEXT NOT NULL,
	scenario TEXT NOT NULL,
	purpose TEXT NOT NULL,
	ends_on TEXT NOT NULL,                   -- the last day of use, included (Asia/Shanghai)
	rule TEXT NOT NULL,
	request TEXT NOT NULL,
	filed_by TEXT NOT NULL,
	filed_by_name TEXT NOT NULL,
	submitted_at TIMESTAMPTZ NOT NULL,       -- of the current round
	due_at TIMESTAMPTZ NOT NULL,             -- the reviews of the current round are due
	decided_at TIMESTAMPTZ,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX demands_operator ON demands (operator_id, state);
CREATE INDEX demands_jurisdiction ON demands (jurisdiction_id);
CREATE INDEX demands_state ON demands (state);

CREATE TABLE demand_datasets (
	demand_id TEXT NOT NULL REFERENCES demands(id),
	dataset_id TEXT NOT NULL REFERENCES datasets(id),
	name TEXT NOT NULL,
	title TEXT NOT NULL,
	provider_id TEXT NOT NULL,
	provider TEXT NOT NULL,
	PRIMARY KEY (demand_id, dataset_id)
);
CREATE INDEX demand_datasets_provider ON demand_datasets (provider_id);

-- Each party's decision in each round: the implementing unit and every
-- provider concerned decide once per round.
CREATE TABLE demand_reviews (
	id TEXT PRIMARY KEY,
	demand_id TEXT NOT NULL REFERENCES demands(id),
	review_round INTEGER NOT NULL,
	party_id TEXT NOT NULL,                  -- the unit's or a provider's organization
	decision TEXT NOT NULL,                  -- approve, reject, return
	comment TEXT NOT NULL,
	by_id TEXT NOT NULL,
	by_name TEXT NOT NULL,
	at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX demand_reviews_once ON demand_reviews (demand_id, review_round, party_id);

-- Grants: what an approved demand lets its operator analyse. The spec is
-- the sandbox's grant without dataset versions, which are resolved anew at
-- every use.
CREATE TABLE grants (
	id TEXT PRIMARY KEY,
	demand_id TEXT NOT NULL UNIQUE REFERENCES demands(id),
	agreement_id TEXT NOT NULL REFERENCES agreements(id),
	operator_id TEXT NOT NULL REFERENCES organizations(id),
	unit_id TEXT NOT NULL REFERENCES organizations(id),
	jurisdiction_id TEXT NOT NULL,
	rule TEXT NOT NULL,
	spec TEXT NOT NULL,
	state TEXT NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	ended_at TIMESTAMPTZ,
	end_reason TEXT NOT NULL,
	ended_by TEXT NOT NULL
);
CREATE INDEX grants_agreement ON grants (agreement_id, state);
CREATE INDEX grants_operator ON grants (operator_id, state);
CREATE INDEX grants_jurisdiction ON grants (jurisdiction_id);
CREATE INDEX grants_due ON grants (state, expires_at);

CREATE TABLE grant_datasets (
	grant_id TEXT NOT NULL REFERENCES grants(id),
	dataset_id TEXT NOT NULL REFERENCES datasets(id),
	name TEXT NOT NULL,
	title TEXT NOT NULL,
	provider_id TEXT NOT NULL,
	provider TEXT NOT NULL,
	PRIMARY KEY (grant_id, dataset_id)
);
CREATE INDEX grant_datasets_provider ON grant_datasets (provider_id);
