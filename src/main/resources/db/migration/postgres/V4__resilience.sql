-- Fallback models per catalog entry (a JSON array of model ids) and per-consumer rate limits.
ALTER TABLE models ADD COLUMN fallbacks TEXT;
ALTER TABLE consumers ADD COLUMN rate_rpm BIGINT;
ALTER TABLE consumers ADD COLUMN rate_tpm BIGINT;
CREATE TABLE rate_windows (
    consumer_id  TEXT    NOT NULL,
    window_start BIGINT  NOT NULL,
    requests     BIGINT  NOT NULL DEFAULT 0,
    tokens       BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (consumer_id, window_start)
);
