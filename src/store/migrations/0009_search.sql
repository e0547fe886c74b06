-- rapport schema, version 9: what the lookup index must catch up on.
--
-- The lookup (src/lookup.rs) keeps its packed index in a file beside the
-- database, so `rapport find` and the cockpit do not read the whole book to
-- answer. These triggers note every change to a searchable column in the
-- same transaction as the change itself, whatever writes it (the cockpit,
-- the shell, an import, an older session of the e-mail filler): an index that
-- knows the last `seq` it saw reads only the rows named after it.
--
-- `token` tells this book's index files from those of another database.
CREATE TABLE search_state (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    token TEXT NOT NULL
) STRICT;
INSERT INTO search_state (id, token) VALUES (1, lower(hex(randomblob(16))));

-- kind: 0 an account, 1 a contact. AUTOINCREMENT: a seq is never used twice,
-- even after the rows before it are pruned.
CREATE TABLE search_log (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    kind   INTEGER NOT NULL CHECK (kind IN (0, 1)),
    row_id INTEGER NOT NULL
) STRICT;

CREATE TRIGGER search_account_insert AFTER INSERT ON accounts
BEGIN
    INSERT INTO search_log (kind, row_id) VALUES (0, NEW.id);
END;
CREATE TRIGGER search_account_update AFTER UPDATE OF id, name, deleted_at ON accounts
WHEN OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
    INSERT INTO search_log (kind, row_id) VALUES (0, NEW.id);
    INSERT INTO search_log (kind, row_id) SELECT 0, OLD.id WHERE OLD.id IS NOT NEW.id;
END;
CREATE TRIGGER search_account_delete AFTER DELETE ON accounts
BEGIN
    INSERT INTO search_log (kind, row_id) VALUES (0, OLD.id);
END;

CREATE TRIGGER search_contact_insert AFTER INSERT ON contacts
BEGIN
    INSERT INTO search_log (kind, row_id) VALUES (1, NEW.id);
END;
CREATE TRIGGER search_contact_update
AFTER UPDATE OF id, account_id, name, email, phone_digits, phone_e164, deleted_at ON contacts
WHEN OLD.id IS NOT NEW.id OR OLD.account_id IS NOT NEW.account_id OR OLD.name IS NOT NEW.name
    OR OLD.email IS NOT NEW.email OR OLD.phone_digits IS NOT NEW.phone_digits
    OR OLD.phone_e164 IS NOT NEW.phone_e164 OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
    INSERT INTO search_log (kind, row_id) VALUES (1, NEW.id);
    INSERT INTO search_log (kind, row_id) SELECT 1, OLD.id WHERE OLD.id IS NOT NEW.id;
END;
CREATE TRIGGER search_contact_delete AFTER DELETE ON contacts
BEGIN
    INSERT INTO search_log (kind, row_id) VALUES (1, OLD.id);
END;

-- Only the recent past is kept: an index further behind than this is built
-- again from the tables, which costs less than reading so many changes.
CREATE TRIGGER search_log_prune AFTER INSERT ON search_log WHEN NEW.seq % 1000 = 0
BEGIN
    DELETE FROM search_log WHERE seq <= NEW.seq - 20000;
END;
