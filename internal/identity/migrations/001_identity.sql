-- Jurisdictions (Art. 5): a city and its county-level divisions.
CREATE TABLE jurisdictions (
	id TEXT PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,              -- GB/T 2260 division code, e.g. 370700
	name TEXT NOT NULL,
	name_en TEXT NOT NULL,
	level TEXT NOT NULL CHECK (level IN ('city', 'county')),
	parent_id TEXT REFERENCES jurisdictions(id),
	created_at TIMESTAMPTZ NOT NULL,
	CHECK ((level = 'city') = (parent_id IS NULL))
);

CREATE TABLE organizations (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	name_en TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('platform', 'implementing_unit', 'provider', 'operator', 'app_unit', 'regulator')),
	sector TEXT NOT NULL,                    -- regulators and industry authorities: finance, cyberspace, …
	uscc TEXT,                               -- 统一社会信用代码, when known
	jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
	disabled BOOLEAN NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	UNIQUE (jurisdiction_id, name)
);
CREATE UNIQUE INDEX organizations_uscc ON organizations (uscc);

CREATE TABLE users (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organizations(id),
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	password_changed_at TIMESTAMPTZ NOT NULL,
	demo_password BOOLEAN NOT NULL,          -- still the password the demo seeded
	training_date TEXT NOT NULL,             -- pre-job security training (Art. 30), YYYY-MM-DD or ''
	nda_date TEXT NOT NULL,                  -- confidentiality agreement signed (Art. 30), YYYY-MM-DD or ''
	disabled BOOLEAN NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE user_roles (
	user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	role TEXT NOT NULL,
	PRIMARY KEY (user_id, role)
);

-- Console sessions and API bearer tokens; only a hash of the token is kept.
CREATE TABLE sessions (
	id TEXT PRIMARY KEY,
	token_hash BYTEA NOT NULL UNIQUE,
	user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('console', 'api')),
	created_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL,
	ip TEXT NOT NULL,
	user_agent TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Application units' API keys; the key is shown once, only its hash is kept.
CREATE TABLE api_keys (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organizations(id),
	name TEXT NOT NULL,
	prefix TEXT NOT NULL,                    -- the first characters, to tell keys apart
	key_hash BYTEA NOT NULL UNIQUE,
	created_by TEXT NOT NULL REFERENCES users(id),
	created_at TIMESTAMPTZ NOT NULL,
	revoked_at TIMESTAMPTZ,
	revoked_by TEXT
);
CREATE INDEX api_keys_org ON api_keys (org_id);

-- Failed-login counters per account and per address, shared by all processes.
CREATE TABLE login_throttle (
	key TEXT PRIMARY KEY,                    -- "user:<name>" or "addr:<ip>"
	failures INTEGER NOT NULL,
	window_start TIMESTAMPTZ NOT NULL,
	locked_until TIMESTAMPTZ
);
