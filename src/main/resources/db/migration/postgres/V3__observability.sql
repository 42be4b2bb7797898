-- Request audit by X-Request-Id, timings, and what hpprouter/auto saved against the ruleset's most expensive tier.
ALTER TABLE request_log ADD COLUMN request_id TEXT;
ALTER TABLE request_log ADD COLUMN endpoint TEXT NOT NULL DEFAULT 'chat';
ALTER TABLE request_log ADD COLUMN upstream_ms BIGINT;
ALTER TABLE request_log ADD COLUMN baseline_cost_nanos BIGINT;
CREATE INDEX request_log_request_id ON request_log (request_id);
CREATE INDEX request_log_created ON request_log (created_at, id);
ALTER TABLE consumers ADD COLUMN auto_requests BIGINT NOT NULL DEFAULT 0;
ALTER TABLE consumers ADD COLUMN auto_cost_nanos BIGINT NOT NULL DEFAULT 0;
ALTER TABLE consumers ADD COLUMN auto_baseline_nanos BIGINT NOT NULL DEFAULT 0;
