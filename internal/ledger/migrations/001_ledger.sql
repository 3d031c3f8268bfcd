-- Entries are never updated. idx is the leaf index in the Merkle tree.
CREATE TABLE ledger_entries (
	idx BIGINT PRIMARY KEY,
	at_us BIGINT NOT NULL,          -- Unix microseconds, UTC; exact on both engines
	actor_id TEXT NOT NULL,
	actor_name TEXT NOT NULL,
	org_id TEXT NOT NULL,
	jurisdiction_id TEXT NOT NULL,
	ip TEXT NOT NULL,
	action TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id TEXT NOT NULL,
	detail TEXT NOT NULL,           -- JSON text, hashed byte for byte
	leaf_hash BYTEA NOT NULL,
	mac BYTEA NOT NULL
);
CREATE INDEX ledger_entries_org ON ledger_entries (org_id, idx);
CREATE INDEX ledger_entries_object ON ledger_entries (object_type, object_id);

-- The one signed tree head, locked by every append.
CREATE TABLE ledger_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	suite TEXT NOT NULL,            -- empty until the first append fixes it
	key_id TEXT NOT NULL,
	origin TEXT NOT NULL,
	size BIGINT NOT NULL,
	root BYTEA NOT NULL,
	range_hashes BYTEA NOT NULL,    -- compact range [0, size), concatenated
	signed_at_us BIGINT NOT NULL,
	signature BYTEA NOT NULL,
	checkpoint_at_us BIGINT NOT NULL, -- when the last checkpoint row was kept
	pruned_size BIGINT NOT NULL,    -- entries [0, pruned_size) were pruned
	pruned_range BYTEA NOT NULL     -- compact range [0, pruned_size), concatenated
);
INSERT INTO ledger_head (id, suite, key_id, origin, size, root, range_hashes, signed_at_us, signature, checkpoint_at_us, pruned_size, pruned_range)
VALUES (1, '', '', '', 0, '', '', 0, '', 0, 0, '');

-- Signed heads kept at intervals, for witnesses and for the verifier.
CREATE TABLE ledger_checkpoints (
	size BIGINT PRIMARY KEY,
	root BYTEA NOT NULL,
	signed_at_us BIGINT NOT NULL,
	key_id TEXT NOT NULL,
	signature BYTEA NOT NULL
);

-- Perfect subtree hashes at every eighth level, so proofs need not read
-- whole subtrees of leaves. A cache: the verifier recomputes and checks it.
CREATE TABLE ledger_nodes (
	level INTEGER NOT NULL,
	idx BIGINT NOT NULL,
	hash BYTEA NOT NULL,
	PRIMARY KEY (level, idx)
);
