-- Which snapshot of the inbox is current, and who is gathering the next.
-- One row: the gatherers of several processes take turns through its lease.
CREATE TABLE inbox_state (
	id INTEGER PRIMARY KEY,         -- always 1
	snapshot_id TEXT NOT NULL,      -- '' before the first gathering
	started_at TIMESTAMPTZ,         -- when the current snapshot's sources were read
	gathered_at TIMESTAMPTZ,        -- when it became current
	holder TEXT NOT NULL,           -- the process gathering now, '' when none
	lease_until TIMESTAMPTZ         -- after which another process may take over
);
INSERT INTO inbox_state (id, snapshot_id, holder) VALUES (1, '', '');

-- The items of the current snapshot (and, while a gathering commits, of
-- the next one). Readers join inbox_state, so they see one snapshot whole.
CREATE TABLE inbox_items (
	snapshot_id TEXT NOT NULL,
	item_key TEXT NOT NULL,         -- hash of what identifies the item, stable across snapshots
	source TEXT NOT NULL,           -- the registered source that listed it
	kind TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id TEXT NOT NULL,
	title TEXT NOT NULL,
	org_id TEXT NOT NULL,
	roles TEXT NOT NULL,            -- ',officer,reviewer,' or '' for every member
	user_id TEXT NOT NULL,          -- '' for every member holding the roles
	due_us BIGINT NOT NULL,         -- deadline in microseconds since 1970, or a far-future mark for none
	path TEXT NOT NULL,
	PRIMARY KEY (snapshot_id, item_key)
);
CREATE INDEX inbox_items_org ON inbox_items (snapshot_id, org_id, due_us, item_key);
