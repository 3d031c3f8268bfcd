-- Each publication of a product version: its facts as approved, from its
-- approval until it left published (a change back to review, its
-- deregistration, its operator's exit or the end of a grant it draws on;
-- ended_at NULL while published). The annual disclosure report (Art. 25)
-- reads these, so that a product served in a year stays in that year's
-- report after it ended, as it was published and never as a later draft.
-- spec is products.spec as approved (the public projection is made on
-- reading, as for a product published now).
CREATE TABLE product_publications (
	product_id TEXT NOT NULL REFERENCES products(id),
	version INTEGER NOT NULL,
	name TEXT NOT NULL,
	type TEXT NOT NULL,
	scenario TEXT NOT NULL,
	price_category TEXT NOT NULL,
	spec TEXT NOT NULL,
	registration_code TEXT NOT NULL,
	published_at TIMESTAMPTZ NOT NULL,
	ended_at TIMESTAMPTZ,
	PRIMARY KEY (product_id, version)
);
CREATE INDEX product_publications_period ON product_publications (published_at, ended_at);

-- Products published before this table existed: their current version,
-- published since their registration (registered_at; a later approved
-- change's own date was not kept). Those no longer published left no
-- trace of when they were, and are not backfilled.
INSERT INTO product_publications (product_id, version, name, type, scenario, price_category, spec, registration_code, published_at, ended_at)
	SELECT id, version, name, type, scenario, price_category, spec, registration_code, registered_at, NULL
	FROM products WHERE state = 'published';
