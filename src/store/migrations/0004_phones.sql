-- rapport schema, version 4: phone numbers in E.164, so a caller ID in any
-- form finds its contact.
--
-- `phone` stays as typed, for display. `phone_e164` is its international form
-- ('+442079460444') when libphonenumber's metadata takes it for a valid number
-- in the region of the account's country (or the config's default_region);
-- else NULL, and lookups match the digits as typed (`phone_digits`). SQL cannot
-- parse phone numbers, so rapport fills this column for existing rows in the
-- same transaction as this file (see `migrations.rs`).
ALTER TABLE contacts ADD COLUMN phone_e164 TEXT;
CREATE INDEX contacts_phone_e164 ON contacts (phone_e164) WHERE phone_e164 IS NOT NULL;
