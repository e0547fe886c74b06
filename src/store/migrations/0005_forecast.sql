-- rapport schema, version 5: when a deal was opened, and a forecast category
-- a person can set over the one its stage gives.

ALTER TABLE deals ADD COLUMN opened_on TEXT
    CHECK (opened_on IS NULL OR opened_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
ALTER TABLE deals ADD COLUMN forecast_category TEXT
    CHECK (forecast_category IS NULL OR forecast_category IN ('pipeline', 'best_case', 'commit', 'closed', 'omitted'));

-- Deals made before this version were opened, as far as anyone knows, when
-- they were entered (or on their close date, for history entered later).
UPDATE deals SET opened_on = min(substr(created_at, 1, 10), coalesce(closed_on, '9999-12-31'));

-- A deal written without an opening date was opened the day it was entered.
CREATE TRIGGER deals_opened_on AFTER INSERT ON deals
WHEN NEW.opened_on IS NULL
BEGIN
    UPDATE deals SET opened_on = min(substr(NEW.created_at, 1, 10), coalesce(NEW.closed_on, '9999-12-31'))
    WHERE id = NEW.id;
END;

-- Deals opened in a period, for the sales cycle and new-deal counts.
CREATE INDEX deals_opened ON deals (opened_on) WHERE deleted_at IS NULL;
