-- A model served by several deployments (provider, upstream model, weight) lists them here as a JSON array; NULL for
-- a model of one deployment, whose provider and upstream_model columns are that deployment. The request log names
-- the deployment that served each request (provider:upstream_model).
ALTER TABLE models ADD COLUMN deployments TEXT;
ALTER TABLE request_log ADD COLUMN deployment TEXT;
