-- rapport schema, version 7: what an import keeps from the system a record came from.
-- external_ref is the source system's id (deals had it already), so a second
-- import of the same export updates instead of duplicating; custom holds the
-- columns that map to no field, as a JSON object of text values.

ALTER TABLE reps ADD COLUMN external_ref TEXT;
ALTER TABLE accounts ADD COLUMN external_ref TEXT;
ALTER TABLE contacts ADD COLUMN external_ref TEXT;
ALTER TABLE activities ADD COLUMN external_ref TEXT;
ALTER TABLE conflicts ADD COLUMN external_ref TEXT;

ALTER TABLE reps ADD COLUMN custom TEXT CHECK (custom IS NULL OR json_valid(custom));
ALTER TABLE accounts ADD COLUMN custom TEXT CHECK (custom IS NULL OR json_valid(custom));
ALTER TABLE contacts ADD COLUMN custom TEXT CHECK (custom IS NULL OR json_valid(custom));
ALTER TABLE deals ADD COLUMN custom TEXT CHECK (custom IS NULL OR json_valid(custom));
ALTER TABLE activities ADD COLUMN custom TEXT CHECK (custom IS NULL OR json_valid(custom));
ALTER TABLE conflicts ADD COLUMN custom TEXT CHECK (custom IS NULL OR json_valid(custom));

CREATE INDEX reps_external_ref ON reps (external_ref) WHERE external_ref IS NOT NULL;
CREATE INDEX accounts_external_ref ON accounts (external_ref) WHERE external_ref IS NOT NULL;
CREATE INDEX contacts_external_ref ON contacts (external_ref) WHERE external_ref IS NOT NULL;
CREATE INDEX deals_external_ref ON deals (external_ref) WHERE external_ref IS NOT NULL;
CREATE INDEX activities_external_ref ON activities (external_ref) WHERE external_ref IS NOT NULL;
CREATE INDEX conflicts_external_ref ON conflicts (external_ref) WHERE external_ref IS NOT NULL;
