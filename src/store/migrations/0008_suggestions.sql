-- rapport schema, version 8: suggested actions a person snoozed or dismissed.
-- Suggestions themselves are computed, never stored; a mark hides one by its
-- stable key: a snooze until a day (it shows again on that day), a dismissal
-- for good. Marks are records like any other, so undo takes them back.

CREATE TABLE suggestion_marks (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    key        TEXT NOT NULL CHECK (length(trim(key)) > 0),
    action     TEXT NOT NULL CHECK (action IN ('snooze', 'dismiss')),
    until_on   TEXT CHECK (until_on IS NULL OR until_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    reason     TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    CHECK ((action = 'snooze') = (until_on IS NOT NULL))
) STRICT;
CREATE INDEX suggestion_marks_key ON suggestion_marks (key) WHERE deleted_at IS NULL;

-- The change log learns the new entity: SQLite cannot widen a CHECK in
-- place, so the table is rebuilt with the same rows and indexes.
CREATE TABLE change_log_new (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    session   TEXT NOT NULL,
    entity    TEXT NOT NULL CHECK (entity IN ('rep', 'account', 'contact', 'deal', 'conflict', 'activity', 'target', 'snapshot', 'suggestion')),
    entity_id INTEGER NOT NULL,
    op        TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete', 'restore')),
    before    TEXT CHECK (before IS NULL OR json_valid(before)),
    after     TEXT CHECK (after IS NULL OR json_valid(after)),
    batch     INTEGER,
    undone    INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
    reverts   INTEGER,
    replays   INTEGER
) STRICT;
INSERT INTO change_log_new (id, at, session, entity, entity_id, op, before, after, batch, undone, reverts, replays)
    SELECT id, at, session, entity, entity_id, op, before, after, batch, undone, reverts, replays FROM change_log;
DROP TABLE change_log;
ALTER TABLE change_log_new RENAME TO change_log;
CREATE INDEX change_log_entity ON change_log (entity, entity_id);
CREATE INDEX change_log_session ON change_log (session, id);
CREATE INDEX change_log_batch ON change_log (session, batch);
CREATE INDEX change_log_reverts ON change_log (session, reverts);
