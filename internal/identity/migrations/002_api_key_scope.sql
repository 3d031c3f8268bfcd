-- An API key's scope: the subscriptions (package product's) it may call,
-- as a JSON array of IDs; '' lets it call every approved subscription of
-- its organization. Fixed at creation, like the key itself.
ALTER TABLE api_keys ADD COLUMN scope TEXT NOT NULL DEFAULT '';
