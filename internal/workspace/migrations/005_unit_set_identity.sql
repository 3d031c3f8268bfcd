-- A set's identity (sandbox.UnitSet.Identity): the same statement over the
-- same grant views and dataset version always releases the same set, so a
-- repeated query keeps no second copy. Duplicates kept before are merged
-- into one row, the one whose units are listed if any; the rows left get
-- their own id as identity until the same set is kept again under its
-- computed identity (SQL cannot compute it), which adds at most one row.
DELETE FROM workspace_unit_sets WHERE EXISTS (SELECT 1 FROM workspace_unit_sets o
	WHERE o.grant_id = workspace_unit_sets.grant_id AND o.version_id = workspace_unit_sets.version_id
	AND o.def_hash = workspace_unit_sets.def_hash AND o.group_key = workspace_unit_sets.group_key
	AND o.group_keys = workspace_unit_sets.group_keys AND o.unit_index = workspace_unit_sets.unit_index
	AND (o.units IS NOT NULL AND workspace_unit_sets.units IS NULL
		OR (o.units IS NULL) = (workspace_unit_sets.units IS NULL) AND o.id < workspace_unit_sets.id));
ALTER TABLE workspace_unit_sets ADD COLUMN set_sha256 TEXT NOT NULL DEFAULT '';
UPDATE workspace_unit_sets SET set_sha256 = id;
CREATE UNIQUE INDEX workspace_unit_sets_identity ON workspace_unit_sets (grant_id, set_sha256);
