-- rapport schema, version 3: indexes for the cockpit's opening queries.

-- Won revenue per period and rep, read from the index alone.
DROP INDEX deals_stage;
CREATE INDEX deals_stage ON deals (stage, closed_on, owner_id, amount) WHERE deleted_at IS NULL;

-- The conflict queue in SLA order, and the count of open conflicts per account.
CREATE INDEX conflicts_open_sla ON conflicts (sla_due_at) WHERE status <> 'resolved' AND deleted_at IS NULL;
CREATE INDEX conflicts_open_account ON conflicts (account_id) WHERE status <> 'resolved' AND deleted_at IS NULL;
