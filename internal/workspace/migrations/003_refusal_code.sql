-- The error code of a refused query (forbidden, invalid, conflict,
-- rate_limited): refusals before the sandbox (the Art. 30 gate, a grant
-- that no longer holds) are in the history too, and their code says which
-- kind of refusal it was.
ALTER TABLE workspace_queries ADD COLUMN code TEXT NOT NULL DEFAULT '';
