-- Responses API conversation state the router owns (store: true): a consumer's response and the whole input before it,
-- kept until expires_at (epoch milliseconds) for previous_response_id and GET/DELETE /llm/v1/responses/{id}.
CREATE TABLE stored_responses (
    id          TEXT   PRIMARY KEY,
    consumer_id TEXT   NOT NULL REFERENCES consumers (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    input       TEXT   NOT NULL,
    response    TEXT   NOT NULL
);
CREATE INDEX stored_responses_expiry ON stored_responses (expires_at);
CREATE INDEX stored_responses_consumer ON stored_responses (consumer_id);
