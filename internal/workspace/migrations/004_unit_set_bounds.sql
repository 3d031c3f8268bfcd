-- Bounds on the units of a set whose exact number is not known (card -1):
-- groups of units with several rows are bounded by their rows rather than
-- counted (sandbox.UnitSet). high -1: no upper bound, as for sets kept
-- before bounds were.
ALTER TABLE workspace_unit_sets ADD COLUMN low BIGINT NOT NULL DEFAULT 0;
ALTER TABLE workspace_unit_sets ADD COLUMN high BIGINT NOT NULL DEFAULT -1;
