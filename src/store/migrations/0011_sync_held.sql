-- rapport schema 11 (0011_sync_held): records pulled from the team that could not be
-- applied here (a reference to a record this laptop has not got yet, a rule
-- no repair settles). They are kept, as the server sent them, and tried again
-- at every pull until they apply: a pull never silently drops a record.
CREATE TABLE sync_held (
    entity TEXT NOT NULL,
    uid    TEXT NOT NULL,
    data   TEXT NOT NULL CHECK (json_valid(data)),
    clocks TEXT NOT NULL CHECK (json_valid(clocks)),
    reason TEXT NOT NULL,
    at     TEXT NOT NULL,
    PRIMARY KEY (entity, uid)
) STRICT, WITHOUT ROWID;
