//! What the account status report reads beyond the metrics: the accounts of
//! the portfolio, status moves from the change log, and conflicts with the
//! names a reader needs.

use super::metrics::conflict_fact;
use super::Store;
use crate::domain::status::{AccountFact, ConflictEntry, StatusChange};
use crate::domain::time::parse_timestamp;
use crate::domain::Money;
use anyhow::Result;
use chrono::NaiveDate;
use rusqlite::params;

impl Store {
    /// Every live account, with what the portfolio and renewal tables show.
    pub fn status_accounts(&self) -> Result<Vec<AccountFact>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, name, tier, status, owner_id, annual_value, renewal_date
             FROM accounts WHERE deleted_at IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AccountFact {
                id: r.get(0)?,
                name: r.get(1)?,
                tier: r.get(2)?,
                status: r.get(3)?,
                owner_id: r.get(4)?,
                annual_value: r.get(5)?,
                renewal_date: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Account status moves logged in `start..end`, oldest first. Changes
    /// taken back by an undo, and the log rows an undo or redo writes, are
    /// left out: what remains is each move that stands, once.
    pub fn account_status_changes(&self, start: NaiveDate, end: NaiveDate) -> Result<Vec<StatusChange>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT entity_id, at, json_extract(before, '$.status'), json_extract(after, '$.status')
             FROM change_log
             WHERE entity = 'account' AND op = 'update' AND undone = 0
               AND reverts IS NULL AND replays IS NULL
               AND at >= ?1 AND at < ?2
               AND json_extract(before, '$.status') IS NOT json_extract(after, '$.status')
             ORDER BY id",
        )?;
        let rows = stmt.query_map(params![start.to_string(), end.to_string()], |r| {
            let at: String = r.get(1)?;
            let from: String = r.get(2)?;
            let to: String = r.get(3)?;
            Ok((r.get::<_, i64>(0)?, at, from, to))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (account_id, at, from, to) = row?;
            // A log row this build cannot read (a status from a newer
            // schema) is left out rather than failing the whole report.
            let (Some(at), Ok(from), Ok(to)) = (parse_timestamp(&at), from.parse(), to.parse()) else { continue };
            out.push(StatusChange { account_id, at, from, to });
        }
        Ok(out)
    }

    /// Like `conflict_facts`, with each conflict's account name and title.
    pub fn conflict_entries(&self, start: NaiveDate, end: NaiveDate) -> Result<Vec<ConflictEntry>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.owner_id, c.severity, c.status, c.opened_at, c.sla_due_at, c.resolved_at,
                    CASE WHEN c.status = 'waiting' THEN json_extract(c.sla_pauses, '$[#-1].from') END,
                    a.name, c.title
             FROM conflicts c JOIN accounts a ON a.id = c.account_id
             WHERE c.deleted_at IS NULL AND a.deleted_at IS NULL
               AND (c.status <> 'resolved'
                    OR (c.opened_at >= ?1 AND c.opened_at < ?2)
                    OR (c.resolved_at >= ?1 AND c.resolved_at < ?2)
                    OR (c.sla_due_at >= ?1 AND c.sla_due_at < ?2))
             ORDER BY c.id",
        )?;
        let rows = stmt.query_map(params![start.to_string(), end.to_string()], |r| {
            Ok(ConflictEntry { fact: conflict_fact(r)?, account: r.get(8)?, title: r.get(9)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Won revenue with `start <= closed_on < end` per owner (`None` for
    /// unowned deals): the chart's bars, without reading every deal's row
    /// and account.
    pub fn won_by_owner(&self, start: NaiveDate, end: NaiveDate) -> Result<Vec<(Option<i64>, Money)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT owner_id, sum(amount) FROM deals
             WHERE deleted_at IS NULL AND stage = 'won' AND closed_on >= ?1 AND closed_on < ?2
             GROUP BY owner_id",
        )?;
        let rows = stmt.query_map(params![start, end], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
