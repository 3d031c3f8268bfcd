-- Products, their application units' subscriptions and the gateway's
-- meter. agreement_id and grant IDs have no foreign key: agreements and
-- grants are other packages' tables.

-- A data product (数据产品) an operator registers on its grants. spec is
-- the declared query, parameters and outputs (api) or the release (report),
-- as JSON; version counts the changes that went back to review.
CREATE TABLE products (
	id TEXT PRIMARY KEY,
	operator_id TEXT NOT NULL REFERENCES organizations(id),
	agreement_id TEXT NOT NULL,
	unit_id TEXT NOT NULL REFERENCES organizations(id),
	jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
	name TEXT NOT NULL,
	type TEXT NOT NULL,
	scenario TEXT NOT NULL,
	price_category TEXT NOT NULL,
	grant_ids TEXT NOT NULL,
	spec TEXT NOT NULL,
	state TEXT NOT NULL,
	version INTEGER NOT NULL,
	registration_code TEXT,
	registered_at TIMESTAMPTZ,
	valid_until TIMESTAMPTZ,
	exchange TEXT NOT NULL,
	listing_id TEXT NOT NULL,
	review_comment TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	UNIQUE (operator_id, name)
);
CREATE UNIQUE INDEX products_registration ON products (registration_code);
CREATE INDEX products_state ON products (state);

-- An application unit's subscription (Art. 20): its purpose, whether that
-- purpose is public governance or public welfare (free once approved), and
-- the operator's decision.
CREATE TABLE product_subscriptions (
	id TEXT PRIMARY KEY,
	product_id TEXT NOT NULL REFERENCES products(id),
	app_unit_id TEXT NOT NULL REFERENCES organizations(id),
	purpose TEXT NOT NULL,
	public_welfare BOOLEAN NOT NULL,
	state TEXT NOT NULL,
	quota_per_month BIGINT NOT NULL,
	comment TEXT NOT NULL,
	applied_by TEXT NOT NULL,
	applied_at TIMESTAMPTZ NOT NULL,
	decided_by TEXT NOT NULL,
	decided_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX product_subscriptions_unit ON product_subscriptions (product_id, app_unit_id);

-- The meter: calls per subscription, key and month (Asia/Shanghai), added
-- by each batch the gateway flushes.
CREATE TABLE product_usage (
	subscription_id TEXT NOT NULL REFERENCES product_subscriptions(id),
	api_key_id TEXT NOT NULL,
	month TEXT NOT NULL,
	calls BIGINT NOT NULL,
	records BIGINT NOT NULL,
	PRIMARY KEY (subscription_id, api_key_id, month)
);

-- Each flushed batch of call records: the ledger entry carries its hash,
-- the records stay here so that the hash can be recomputed.
CREATE TABLE product_call_batches (
	id TEXT PRIMARY KEY,
	calls TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	flushed_at TIMESTAMPTZ NOT NULL
);
