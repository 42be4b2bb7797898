-- Money is integer nano-dollars (1e-9 USD); prices are integer nano-dollars per 1M tokens; times are epoch millis.
CREATE TABLE consumers (
    id             TEXT PRIMARY KEY,
    username       TEXT,
    custom_id      TEXT UNIQUE,
    quota_nanos    BIGINT NOT NULL DEFAULT 0,
    used_nanos     BIGINT NOT NULL DEFAULT 0,
    reserved_nanos BIGINT NOT NULL DEFAULT 0 CHECK (reserved_nanos >= 0),
    requests       BIGINT NOT NULL DEFAULT 0,
    total_tokens   BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    consumer_id  TEXT   NOT NULL REFERENCES consumers (id),
    secret_hash  BYTEA  NOT NULL,
    name         TEXT,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    last_used_at BIGINT
);
CREATE INDEX api_keys_consumer ON api_keys (consumer_id);

CREATE TABLE models (
    id                 TEXT PRIMARY KEY,
    provider           TEXT    NOT NULL,
    upstream_model     TEXT    NOT NULL,
    owned_by           TEXT    NOT NULL,
    input_price        BIGINT  NOT NULL,
    output_price       BIGINT  NOT NULL,
    cache_write_price  BIGINT,
    cache_read_price   BIGINT,
    max_output_tokens  BIGINT,
    enabled            INTEGER NOT NULL DEFAULT 1,
    kind               TEXT    NOT NULL DEFAULT 'chat',
    updated_at         BIGINT  NOT NULL
);

CREATE TABLE reservations (
    id           TEXT   PRIMARY KEY,
    consumer_id  TEXT   NOT NULL REFERENCES consumers (id),
    amount_nanos BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX reservations_expiry ON reservations (expires_at);

CREATE TABLE request_log (
    id                 TEXT    PRIMARY KEY,
    consumer_id        TEXT    NOT NULL,
    key_id             TEXT    NOT NULL,
    requested_model    TEXT    NOT NULL,
    resolved_model     TEXT,
    basket             TEXT,
    rule_id            TEXT,
    rules_version      BIGINT,
    tier               TEXT,
    prompt_tokens      BIGINT  NOT NULL DEFAULT 0,
    completion_tokens  BIGINT  NOT NULL DEFAULT 0,
    cache_read_tokens  BIGINT  NOT NULL DEFAULT 0,
    cache_write_tokens BIGINT  NOT NULL DEFAULT 0,
    cost_nanos         BIGINT  NOT NULL DEFAULT 0,
    status             INTEGER NOT NULL,
    error_code         TEXT,
    streamed           INTEGER NOT NULL DEFAULT 0,
    latency_ms         BIGINT  NOT NULL,
    ttft_ms            BIGINT,
    created_at         BIGINT  NOT NULL
);
CREATE INDEX request_log_consumer ON request_log (consumer_id, created_at);
