-- Versioned smart-routing rulesets; exactly one is active once the router has started.
CREATE TABLE routing_rulesets (
    version    BIGINT  PRIMARY KEY,
    created_at BIGINT  NOT NULL,
    created_by TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    active     INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX routing_rulesets_one_active ON routing_rulesets (active) WHERE active = 1;
