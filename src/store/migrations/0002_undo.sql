-- rapport schema, version 2: undo and redo.
-- A batch is one user action (one writing transaction); undo and redo work
-- on whole batches. Rows that an undo or redo writes point at the batch
-- they revert or replay, so the log stays a full audit trail.

ALTER TABLE change_log ADD COLUMN batch INTEGER;
UPDATE change_log SET batch = id;
ALTER TABLE change_log ADD COLUMN undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1));
ALTER TABLE change_log ADD COLUMN reverts INTEGER;
ALTER TABLE change_log ADD COLUMN replays INTEGER;
CREATE INDEX change_log_batch ON change_log (session, batch);
CREATE INDEX change_log_reverts ON change_log (session, reverts);
