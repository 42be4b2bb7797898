-- Hourly and daily totals of the request log, so that the operators' statistics over a month read thousands of rows,
-- not millions (store/StatsRollup). A day's totals are the sum of its hours', made again whenever one of them is. A missing deployment, basket or tier is kept as ''. Hours are epoch hours (created_at / 3,600,000). An hour is rolled up once it has been
-- closed for 15 minutes; a log row that arrives later (a stream of over 10 minutes, a journal replayed after a crash)
-- marks its hour in stats_dirty in its own transaction, and that hour is summed again.
CREATE TABLE stats_hour_model (
    hour        INTEGER NOT NULL,
    model       TEXT   NOT NULL,
    deployment  TEXT   NOT NULL,
    basket      TEXT   NOT NULL,
    tier        TEXT   NOT NULL,
    requests    INTEGER NOT NULL,
    errors      INTEGER NOT NULL,
    tokens      INTEGER NOT NULL,
    cost_nanos  INTEGER NOT NULL,
    saved_nanos INTEGER NOT NULL,
    PRIMARY KEY (hour, model, deployment, basket, tier)
);
CREATE TABLE stats_hour_key (
    hour        INTEGER NOT NULL,
    consumer_id TEXT   NOT NULL,
    key_id      TEXT   NOT NULL,
    requests    INTEGER NOT NULL,
    errors      INTEGER NOT NULL,
    tokens      INTEGER NOT NULL,
    cost_nanos  INTEGER NOT NULL,
    saved_nanos INTEGER NOT NULL,
    PRIMARY KEY (hour, consumer_id, key_id)
);
CREATE INDEX stats_hour_key_consumer ON stats_hour_key (consumer_id, hour);
CREATE INDEX stats_hour_key_key ON stats_hour_key (key_id, hour);
CREATE TABLE stats_day_model (
    day         INTEGER NOT NULL,
    model       TEXT   NOT NULL,
    deployment  TEXT   NOT NULL,
    basket      TEXT   NOT NULL,
    tier        TEXT   NOT NULL,
    requests    INTEGER NOT NULL,
    errors      INTEGER NOT NULL,
    tokens      INTEGER NOT NULL,
    cost_nanos  INTEGER NOT NULL,
    saved_nanos INTEGER NOT NULL,
    PRIMARY KEY (day, model, deployment, basket, tier)
);
CREATE TABLE stats_day_key (
    day         INTEGER NOT NULL,
    consumer_id TEXT   NOT NULL,
    key_id      TEXT   NOT NULL,
    requests    INTEGER NOT NULL,
    errors      INTEGER NOT NULL,
    tokens      INTEGER NOT NULL,
    cost_nanos  INTEGER NOT NULL,
    saved_nanos INTEGER NOT NULL,
    PRIMARY KEY (day, consumer_id, key_id)
);
CREATE INDEX stats_day_key_consumer ON stats_day_key (consumer_id, day);
CREATE INDEX stats_day_key_key ON stats_day_key (key_id, day);
CREATE TABLE stats_dirty (
    hour INTEGER PRIMARY KEY
);
-- the console's filter of failed requests, without walking the whole log (only failed rows pay for it); a key's
-- requests are found through their consumer's index instead of one of their own (+5 us of CPU per request, round 5)
CREATE INDEX request_log_errors ON request_log (created_at) WHERE status >= 400;
