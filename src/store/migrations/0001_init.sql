-- rapport schema, version 1.
-- Every entity row: integer key, UUIDv7 uid, created_at/updated_at (ISO-8601 UTC),
-- deleted_at as a tombstone. Money is INTEGER minor units. Dates are ISO text.

PRAGMA application_id = 1380012116; -- 'RAPT'

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

INSERT INTO settings (key, value) VALUES ('currency', 'USD'), ('fiscal_start_month', '1');

CREATE TABLE reps (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    email       TEXT,
    phone       TEXT,
    role        TEXT NOT NULL DEFAULT 'rep' CHECK (role IN ('manager', 'lead', 'rep')),
    manager_id  INTEGER REFERENCES reps (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT,
    CHECK (manager_id IS NULL OR manager_id <> id)
) STRICT;
CREATE INDEX reps_manager ON reps (manager_id);
CREATE INDEX reps_name ON reps (name COLLATE NOCASE);

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    uid           TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    sector        TEXT,
    tier          TEXT NOT NULL DEFAULT 'standard' CHECK (tier IN ('strategic', 'key', 'standard')),
    status        TEXT NOT NULL DEFAULT 'customer' CHECK (status IN ('prospect', 'customer', 'churned')),
    owner_id      INTEGER REFERENCES reps (id),
    parent_id     INTEGER REFERENCES accounts (id),
    annual_value  INTEGER NOT NULL DEFAULT 0 CHECK (annual_value >= 0),
    renewal_date  TEXT CHECK (renewal_date IS NULL OR renewal_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    website       TEXT,
    phone         TEXT,
    city          TEXT,
    country       TEXT,
    notes         TEXT,
    -- Kept by the activity triggers below, so lists never scan the timeline.
    last_touch_at TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    deleted_at    TEXT,
    CHECK (parent_id IS NULL OR parent_id <> id)
) STRICT;
CREATE INDEX accounts_name ON accounts (name COLLATE NOCASE);
CREATE INDEX accounts_owner ON accounts (owner_id, name COLLATE NOCASE);
CREATE INDEX accounts_parent ON accounts (parent_id);
CREATE INDEX accounts_renewal ON accounts (renewal_date);
CREATE INDEX accounts_value ON accounts (annual_value);
CREATE INDEX accounts_last_touch ON accounts (last_touch_at);

CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    name         TEXT NOT NULL CHECK (length(trim(name)) > 0),
    title        TEXT,
    role         TEXT NOT NULL DEFAULT 'other' CHECK (role IN ('decision_maker', 'champion', 'influencer', 'user', 'finance', 'technical', 'other')),
    email        TEXT,
    phone        TEXT,
    -- The phone number's digits alone, so a caller ID matches whatever the formatting.
    phone_digits TEXT,
    is_primary   INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
    notes        TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    deleted_at   TEXT
) STRICT;
CREATE INDEX contacts_account ON contacts (account_id, is_primary DESC, name);
CREATE INDEX contacts_phone_digits ON contacts (phone_digits);
CREATE INDEX contacts_email ON contacts (email COLLATE NOCASE);

CREATE TABLE deals (
    id                 INTEGER PRIMARY KEY,
    uid                TEXT NOT NULL UNIQUE,
    account_id         INTEGER NOT NULL REFERENCES accounts (id),
    owner_id           INTEGER REFERENCES reps (id),
    name               TEXT NOT NULL CHECK (length(trim(name)) > 0),
    product            TEXT,
    stage              TEXT NOT NULL DEFAULT 'prospecting' CHECK (stage IN ('prospecting', 'qualified', 'proposal', 'negotiation', 'won', 'lost')),
    amount             INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
    probability        INTEGER NOT NULL DEFAULT 10 CHECK (probability BETWEEN 0 AND 100),
    -- 1 when a person set the probability, so stage moves leave it alone.
    probability_manual INTEGER NOT NULL DEFAULT 0 CHECK (probability_manual IN (0, 1)),
    expected_close     TEXT,
    closed_on          TEXT,
    external_ref       TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    deleted_at         TEXT,
    CHECK ((stage IN ('won', 'lost')) = (closed_on IS NOT NULL))
) STRICT;
CREATE INDEX deals_account ON deals (account_id, stage);
CREATE INDEX deals_owner ON deals (owner_id);
CREATE INDEX deals_close ON deals (expected_close);
CREATE INDEX deals_stage ON deals (stage, closed_on);

CREATE TABLE conflicts (
    id               INTEGER PRIMARY KEY,
    uid              TEXT NOT NULL UNIQUE,
    account_id       INTEGER NOT NULL REFERENCES accounts (id),
    contact_id       INTEGER REFERENCES contacts (id),
    owner_id         INTEGER REFERENCES reps (id),
    title            TEXT NOT NULL CHECK (length(trim(title)) > 0),
    description      TEXT,
    severity         TEXT NOT NULL DEFAULT 'normal' CHECK (severity IN ('low', 'normal', 'high', 'critical')),
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'waiting', 'resolved')),
    opened_at        TEXT NOT NULL,
    sla_due_at       TEXT NOT NULL,
    escalation_level INTEGER NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 3),
    escalated_at     TEXT,
    resolved_at      TEXT,
    resolution       TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    deleted_at       TEXT,
    CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
    CHECK (status <> 'resolved' OR length(trim(resolution)) > 0)
) STRICT;
CREATE INDEX conflicts_account ON conflicts (account_id, status);
CREATE INDEX conflicts_contact ON conflicts (contact_id);
CREATE INDEX conflicts_owner ON conflicts (owner_id);
CREATE INDEX conflicts_sla ON conflicts (status, sla_due_at);

CREATE TABLE activities (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    contact_id  INTEGER REFERENCES contacts (id),
    rep_id      INTEGER REFERENCES reps (id),
    deal_id     INTEGER REFERENCES deals (id),
    conflict_id INTEGER REFERENCES conflicts (id),
    kind        TEXT NOT NULL CHECK (kind IN ('call', 'email', 'meeting', 'note', 'follow_up', 'event')),
    occurred_at TEXT NOT NULL,
    summary     TEXT NOT NULL CHECK (length(trim(summary)) > 0),
    body        TEXT,
    -- Follow-ups: when it is due and when it was done.
    due_on      TEXT,
    done_at     TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT,
    CHECK (kind = 'follow_up' OR (due_on IS NULL AND done_at IS NULL)),
    CHECK (kind <> 'follow_up' OR due_on IS NOT NULL)
) STRICT;
CREATE INDEX activities_account_time ON activities (account_id, occurred_at DESC, id DESC);
CREATE INDEX activities_contact ON activities (contact_id);
CREATE INDEX activities_rep ON activities (rep_id, occurred_at);
CREATE INDEX activities_deal ON activities (deal_id);
CREATE INDEX activities_conflict ON activities (conflict_id);
CREATE INDEX activities_due ON activities (due_on) WHERE kind = 'follow_up' AND done_at IS NULL AND deleted_at IS NULL;

-- Last touch: the newest live activity that is contact with the customer.
CREATE TRIGGER activities_touch_insert AFTER INSERT ON activities
WHEN NEW.kind IN ('call', 'email', 'meeting') AND NEW.deleted_at IS NULL
BEGIN
    UPDATE accounts SET last_touch_at = NEW.occurred_at
    WHERE id = NEW.account_id AND (last_touch_at IS NULL OR last_touch_at < NEW.occurred_at);
END;

CREATE TRIGGER activities_touch_update AFTER UPDATE OF occurred_at, deleted_at, kind, account_id ON activities
BEGIN
    UPDATE accounts SET last_touch_at = (
        SELECT max(occurred_at) FROM activities
        WHERE account_id = accounts.id AND deleted_at IS NULL AND kind IN ('call', 'email', 'meeting'))
    WHERE id IN (OLD.account_id, NEW.account_id);
END;

CREATE TABLE targets (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    scope      TEXT NOT NULL CHECK (scope IN ('company', 'team', 'rep', 'account')),
    rep_id     INTEGER REFERENCES reps (id),
    account_id INTEGER REFERENCES accounts (id),
    period     TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]' OR period GLOB '[0-9][0-9][0-9][0-9]Q[1-4]' OR period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    metric     TEXT NOT NULL DEFAULT 'won_revenue' CHECK (metric IN ('won_revenue', 'new_deals', 'activities')),
    amount     INTEGER NOT NULL CHECK (amount >= 0),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    CHECK (
        (scope = 'company' AND rep_id IS NULL AND account_id IS NULL) OR
        (scope IN ('team', 'rep') AND rep_id IS NOT NULL AND account_id IS NULL) OR
        (scope = 'account' AND account_id IS NOT NULL AND rep_id IS NULL))
) STRICT;
CREATE INDEX targets_period ON targets (period, scope);
CREATE INDEX targets_rep ON targets (rep_id);
CREATE INDEX targets_account ON targets (account_id);

-- One row per change: what undo and audit read, and what a later sync ships.
CREATE TABLE change_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    session   TEXT NOT NULL,
    entity    TEXT NOT NULL CHECK (entity IN ('rep', 'account', 'contact', 'deal', 'conflict', 'activity', 'target')),
    entity_id INTEGER NOT NULL,
    op        TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete', 'restore')),
    before    TEXT CHECK (before IS NULL OR json_valid(before)),
    after     TEXT CHECK (after IS NULL OR json_valid(after))
) STRICT;
CREATE INDEX change_log_entity ON change_log (entity, entity_id);
CREATE INDEX change_log_session ON change_log (session, id);
