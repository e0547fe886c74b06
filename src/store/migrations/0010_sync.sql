-- rapport schema, version 11: team sync through PostgreSQL.
--
-- Every change-log row carries the hybrid logical clock of its change, set by
-- the one change-log writer (`Store::log_change`); `sync_clock` keeps the last
-- clock issued or seen, so clocks only go forward across processes.
ALTER TABLE change_log ADD COLUMN hlc INTEGER;
CREATE TABLE sync_clock (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    hlc INTEGER NOT NULL
) STRICT;
INSERT INTO sync_clock (id, hlc) VALUES (1, 0);

-- Per record, the clock of each field's value as the server had it when this
-- laptop last pushed or pulled it: {"field": [hlc, "device"]}. A field not
-- named is still the value the team started from. It is the "base" a local
-- edit is made on, so the server can tell an overwrite of an unseen value.
CREATE TABLE sync_clocks (
    entity TEXT NOT NULL,
    uid    TEXT NOT NULL,
    clocks TEXT NOT NULL CHECK (json_valid(clocks)),
    PRIMARY KEY (entity, uid)
) STRICT, WITHOUT ROWID;

-- Overwrites of a value its writer had not seen, as the server recorded them.
CREATE TABLE sync_conflicts (
    id            INTEGER PRIMARY KEY,
    entity        TEXT NOT NULL,
    uid           TEXT NOT NULL,
    field         TEXT NOT NULL,
    winner_value  TEXT,
    loser_value   TEXT,
    winner_hlc    INTEGER NOT NULL,
    loser_hlc     INTEGER NOT NULL,
    winner_device TEXT NOT NULL,
    loser_device  TEXT NOT NULL,
    winner_login  TEXT,
    loser_login   TEXT,
    at            TEXT NOT NULL,
    resolved_at   TEXT
) STRICT;
