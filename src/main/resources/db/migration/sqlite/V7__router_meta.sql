-- Facts about this database itself: its identity (database_id, made once by the first router that asks), which a
-- node's settlement journal names so that it is only ever replayed into the database it was written for.
CREATE TABLE router_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
