-- Keys as the unit of control: settings, spend in the current budget period, holds of requests in flight, totals,
-- the previous secret during a rotation's grace period. Money is integer nano-dollars; times are epoch millis;
-- period_start is the start of the period spent_nanos belongs to (0 for a budget without a period).
ALTER TABLE api_keys ADD COLUMN expires_at BIGINT;
ALTER TABLE api_keys ADD COLUMN budget_nanos BIGINT;
ALTER TABLE api_keys ADD COLUMN budget_period TEXT;
ALTER TABLE api_keys ADD COLUMN allowed_models TEXT;
ALTER TABLE api_keys ADD COLUMN rate_rpm BIGINT;
ALTER TABLE api_keys ADD COLUMN rate_tpm BIGINT;
ALTER TABLE api_keys ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN metadata TEXT;
ALTER TABLE api_keys ADD COLUMN previous_secret_hash BYTEA;
ALTER TABLE api_keys ADD COLUMN previous_secret_until BIGINT;
ALTER TABLE api_keys ADD COLUMN period_start BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN spent_nanos BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN reserved_nanos BIGINT NOT NULL DEFAULT 0 CHECK (reserved_nanos >= 0);
ALTER TABLE api_keys ADD COLUMN spent_total_nanos BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN requests BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN total_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN updated_at BIGINT;

-- the keys' totals so far, from the log (a key had no period before: all of it is its spend)
UPDATE api_keys SET
    spent_total_nanos = COALESCE((SELECT SUM(cost_nanos) FROM request_log r WHERE r.key_id = api_keys.id), 0),
    requests = (SELECT COUNT(*) FROM request_log r WHERE r.key_id = api_keys.id),
    total_tokens = COALESCE((SELECT SUM(prompt_tokens + completion_tokens) FROM request_log r WHERE r.key_id = api_keys.id), 0);
UPDATE api_keys SET spent_nanos = spent_total_nanos;

-- a hold that also counts against its key's budget names the key
ALTER TABLE reservations ADD COLUMN key_id TEXT;

-- hpprouter/auto: the model the rules chose that the key does not allow, when the request went elsewhere
ALTER TABLE request_log ADD COLUMN rerouted_from TEXT;
-- no index on (key_id, created_at): every log row would pay for it (measured: the writer's CPU +5 µs a request at
-- 1,000 req/s on SQLite), and a key's period is counted again only when an operator changes it, through the
-- consumer's index

CREATE TABLE key_rate_windows (
    key_id       TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    requests     BIGINT NOT NULL DEFAULT 0,
    tokens       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (key_id, window_start)
);

-- every administrative change: what, to what, when, by whom (admin-api or cli)
CREATE TABLE admin_audit (
    id         TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    detail     TEXT NOT NULL
);
CREATE INDEX admin_audit_created ON admin_audit (created_at, id);
CREATE INDEX consumers_created ON consumers (created_at, id);

-- A hold on a key with a budget: the consumer's balance and the key's budget in one atomic step, in one round trip.
-- Rows are locked consumer first, then key, the order settlement batches take them in (no deadlock between the two).
-- The key's spend counts from p_period (the start of its current period): an older period's spend is spent no more.
CREATE FUNCTION hpp_hold_with_key(p_id TEXT, p_consumer TEXT, p_key TEXT, p_amount BIGINT, p_must BIGINT,
                                  p_expires BIGINT, p_period BIGINT) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
BEGIN
    UPDATE consumers SET reserved_nanos = reserved_nanos + p_amount
     WHERE id = p_consumer AND quota_nanos - used_nanos - reserved_nanos >= p_must;
    IF NOT FOUND THEN
        RETURN FALSE;
    END IF;
    UPDATE api_keys SET reserved_nanos = reserved_nanos + p_amount,
                        spent_nanos = CASE WHEN period_start < p_period THEN 0 ELSE spent_nanos END,
                        period_start = GREATEST(period_start, p_period)
     WHERE id = p_key
       AND (budget_nanos IS NULL
            OR budget_nanos - (CASE WHEN period_start < p_period THEN 0 ELSE spent_nanos END) - reserved_nanos >= p_must);
    IF NOT FOUND THEN
        UPDATE consumers SET reserved_nanos = reserved_nanos - p_amount WHERE id = p_consumer;
        RETURN FALSE;
    END IF;
    INSERT INTO reservations (id, consumer_id, key_id, amount_nanos, expires_at) VALUES (p_id, p_consumer, p_key, p_amount, p_expires);
    RETURN TRUE;
END
$$;
