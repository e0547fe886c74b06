-- rapport schema, version 6: conflicts on the clock (pauses while waiting,
-- escalation to a person with a reason), deal terms that set renewals, and
-- daily forecast snapshots.

-- The spans the SLA clock stood still (waiting on the customer, resolved):
-- a JSON array of {"from": ISO, "to": ISO or null}; the last may be open.
ALTER TABLE conflicts ADD COLUMN sla_pauses TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(sla_pauses));
ALTER TABLE conflicts ADD COLUMN escalated_to INTEGER REFERENCES reps (id);
ALTER TABLE conflicts ADD COLUMN escalation_reason TEXT;
CREATE INDEX conflicts_escalated_to ON conflicts (escalated_to);

-- A conflict already waiting or resolved has stood still since it last changed.
UPDATE conflicts SET sla_pauses = json_array(json_object('from', coalesce(resolved_at, updated_at), 'to', NULL))
WHERE status IN ('waiting', 'resolved');

-- Months a won deal runs for; a renewal date follows from it.
ALTER TABLE deals ADD COLUMN term_months INTEGER CHECK (term_months IS NULL OR term_months BETWEEN 1 AND 120);

-- One row per day, open period and rep (rep_id NULL: the company).
CREATE TABLE forecast_snapshots (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    taken_on   TEXT NOT NULL CHECK (taken_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    period     TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]' OR period GLOB '[0-9][0-9][0-9][0-9]Q[1-4]'),
    rep_id     INTEGER REFERENCES reps (id),
    closed     INTEGER NOT NULL CHECK (closed >= 0),
    commit_amount INTEGER NOT NULL CHECK (commit_amount >= 0),
    best_case  INTEGER NOT NULL CHECK (best_case >= 0),
    forecast   INTEGER NOT NULL CHECK (forecast >= 0),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
) STRICT;
CREATE UNIQUE INDEX forecast_snapshots_day ON forecast_snapshots (period, coalesce(rep_id, 0), taken_on)
    WHERE deleted_at IS NULL;
CREATE INDEX forecast_snapshots_rep ON forecast_snapshots (rep_id);

-- The change log learns the new entity: SQLite cannot widen a CHECK in
-- place, so the table is rebuilt with the same rows and indexes.
CREATE TABLE change_log_new (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    session   TEXT NOT NULL,
    entity    TEXT NOT NULL CHECK (entity IN ('rep', 'account', 'contact', 'deal', 'conflict', 'activity', 'target', 'snapshot')),
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
