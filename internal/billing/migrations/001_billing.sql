-- Billing keys everything to an agreement; the agreement's operator,
-- implementing unit and jurisdiction are copied in (they never change for
-- an agreement) so that reads and access checks need nothing from package
-- agreement. agreement_id and product_id have no foreign key: agreements
-- and products are other packages' tables.

-- The maximum allowed revenue (最高准许收入) of an agreement's operator for a
-- year, as the implementing unit approved it.
CREATE TABLE billing_maximums (
	agreement_id TEXT NOT NULL,
	year INTEGER NOT NULL,
	operator_id TEXT NOT NULL REFERENCES organizations(id),
	unit_id TEXT NOT NULL REFERENCES organizations(id),
	jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
	cost_fen BIGINT NOT NULL,
	profit_fen BIGINT NOT NULL,
	tax_fen BIGINT NOT NULL,
	approved_fen BIGINT NOT NULL,
	basis TEXT NOT NULL,
	set_by TEXT NOT NULL,
	set_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (agreement_id, year)
);

-- The price cap (上限收费标准) of a product for a year.
CREATE TABLE billing_caps (
	product_id TEXT NOT NULL,
	year INTEGER NOT NULL,
	product_name TEXT NOT NULL,
	agreement_id TEXT NOT NULL,
	operator_id TEXT NOT NULL REFERENCES organizations(id),
	jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
	method TEXT NOT NULL,
	cap_fen BIGINT NOT NULL,
	expected_volume BIGINT NOT NULL,
	basis TEXT NOT NULL,
	set_by TEXT NOT NULL,
	set_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (product_id, year),
	FOREIGN KEY (agreement_id, year) REFERENCES billing_maximums (agreement_id, year)
);
CREATE INDEX billing_caps_agreement ON billing_caps (agreement_id, year);
CREATE INDEX billing_caps_jurisdiction ON billing_caps (jurisdiction_id);

-- The operator's actual price under a cap.
CREATE TABLE billing_prices (
	product_id TEXT NOT NULL,
	year INTEGER NOT NULL,
	price_fen BIGINT NOT NULL,
	trial BOOLEAN NOT NULL,
	basis TEXT NOT NULL,
	set_by TEXT NOT NULL,
	set_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (product_id, year),
	FOREIGN KEY (product_id, year) REFERENCES billing_caps (product_id, year)
);

-- The structured revenue-sharing rule of an agreement, in basis points
-- summing to 10000, resting on the finance opinion it names (Art. 15): the
-- agreement keeps the clause as text, this keeps the numbers.
CREATE TABLE billing_rules (
	agreement_id TEXT PRIMARY KEY,
	operator_id TEXT NOT NULL REFERENCES organizations(id),
	unit_id TEXT NOT NULL REFERENCES organizations(id),
	jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
	government_bp INTEGER NOT NULL,
	operator_bp INTEGER NOT NULL,
	providers_bp INTEGER NOT NULL,
	opinion_id TEXT NOT NULL,
	clause TEXT NOT NULL,           -- the agreement's revenue-sharing clause the opinion was given on
	set_by TEXT NOT NULL,
	set_at TIMESTAMPTZ NOT NULL
);

-- Monthly statements: kind 'app_unit' bills one application unit (party)
-- for the agreement's products; kind 'operator' is the operator's own
-- statement of the month (party = the operator). Issued statements are final.
CREATE TABLE billing_statements (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	month TEXT NOT NULL,
	agreement_id TEXT NOT NULL,
	operator_id TEXT NOT NULL REFERENCES organizations(id),
	party_id TEXT NOT NULL REFERENCES organizations(id),
	jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
	total_fen BIGINT NOT NULL,
	issued_by TEXT NOT NULL,
	issued_at TIMESTAMPTZ NOT NULL,
	UNIQUE (month, agreement_id, kind, party_id)
);
CREATE INDEX billing_statements_party ON billing_statements (party_id, month);
CREATE INDEX billing_statements_jurisdiction ON billing_statements (jurisdiction_id, month);

CREATE TABLE billing_lines (
	statement_id TEXT NOT NULL REFERENCES billing_statements(id),
	n INTEGER NOT NULL,
	product_id TEXT NOT NULL,
	product_name TEXT NOT NULL,
	app_unit_id TEXT NOT NULL REFERENCES organizations(id),
	method TEXT NOT NULL,
	quantity BIGINT NOT NULL,
	unit_price_fen BIGINT NOT NULL,
	amount_fen BIGINT NOT NULL,
	public_welfare BOOLEAN NOT NULL,
	trial BOOLEAN NOT NULL,
	calls BIGINT NOT NULL,
	PRIMARY KEY (statement_id, n)
);

-- The split of an agreement's revenue of a month (Art. 23), with the rule
-- it was made by, and each party's share.
CREATE TABLE billing_splits (
	month TEXT NOT NULL,
	agreement_id TEXT NOT NULL,
	operator_id TEXT NOT NULL REFERENCES organizations(id),
	jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
	total_fen BIGINT NOT NULL,
	government_bp INTEGER NOT NULL,
	operator_bp INTEGER NOT NULL,
	providers_bp INTEGER NOT NULL,
	provider_calls BIGINT NOT NULL,
	issued_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (month, agreement_id)
);

CREATE TABLE billing_shares (
	month TEXT NOT NULL,
	agreement_id TEXT NOT NULL,
	n INTEGER NOT NULL,
	party TEXT NOT NULL,            -- government, operator or provider
	org_id TEXT NOT NULL REFERENCES organizations(id),
	calls BIGINT NOT NULL,          -- providers: paid calls that touched their data
	fen BIGINT NOT NULL,
	PRIMARY KEY (month, agreement_id, n),
	FOREIGN KEY (month, agreement_id) REFERENCES billing_splits (month, agreement_id)
);
