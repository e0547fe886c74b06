//! The rows the metrics read: a period's deals and conflicts, and counts
//! per rep, each from indexed queries.

use super::Store;
use crate::domain::metrics::{ConflictFact, DealFact};
use crate::domain::scope::{year_targets, TargetRow};
use crate::domain::time::parse_timestamp;
use crate::domain::{Money, Period, TargetMetric};
use anyhow::Result;
use chrono::NaiveDate;
use rusqlite::{params, Row};

const DEAL_COLUMNS: &str = "SELECT d.id, d.owner_id, d.account_id, a.name, a.sector, d.product, d.name, d.stage,
        d.amount, d.probability, d.forecast_category, d.opened_on, d.expected_close, d.closed_on
    FROM deals d JOIN accounts a ON a.id = d.account_id";

fn deal_fact(r: &Row<'_>) -> rusqlite::Result<DealFact> {
    Ok(DealFact {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        account_id: r.get(2)?,
        account: r.get(3)?,
        sector: r.get(4)?,
        product: r.get(5)?,
        name: r.get(6)?,
        stage: r.get(7)?,
        amount: r.get(8)?,
        probability: r.get(9)?,
        forecast_category: r.get(10)?,
        opened_on: r.get(11)?,
        expected_close: r.get(12)?,
        closed_on: r.get(13)?,
    })
}

fn bad_time(column: usize, text: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("'{text}' is not a timestamp like 2026-11-26T14:03:00Z").into(),
    )
}

pub(super) fn conflict_fact(r: &Row<'_>) -> rusqlite::Result<ConflictFact> {
    let time = |i: usize| -> rusqlite::Result<chrono::NaiveDateTime> {
        let text: String = r.get(i)?;
        parse_timestamp(&text).ok_or_else(|| bad_time(i, &text))
    };
    let resolved: Option<String> = r.get(6)?;
    Ok(ConflictFact {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        severity: r.get(2)?,
        status: r.get(3)?,
        opened_at: time(4)?,
        sla_due_at: time(5)?,
        resolved_at: match resolved {
            Some(t) => Some(parse_timestamp(&t).ok_or_else(|| bad_time(6, &t))?),
            None => None,
        },
        paused_since: match r.get::<_, Option<String>>(7)? {
            Some(t) => parse_timestamp(&t),
            None => None,
        },
    })
}

impl Store {
    /// The live deals that count in `start..end`: won or lost in it (by
    /// `closed_on`), or open and expected to close in it.
    pub fn deal_facts(&self, start: NaiveDate, end: NaiveDate) -> Result<Vec<DealFact>> {
        // Two halves so each reads its own index (deals_stage, deals_close).
        let sql = format!(
            "{DEAL_COLUMNS} WHERE d.deleted_at IS NULL AND d.stage IN ('won', 'lost')
                 AND d.closed_on >= ?1 AND d.closed_on < ?2
             UNION ALL
             {DEAL_COLUMNS} WHERE d.deleted_at IS NULL AND d.stage NOT IN ('won', 'lost')
                 AND d.expected_close >= ?1 AND d.expected_close < ?2"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![start, end], deal_fact)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The live conflicts opened, resolved or due in `start..end`, and every
    /// unresolved one (the queue), on live accounts.
    pub fn conflict_facts(&self, start: NaiveDate, end: NaiveDate) -> Result<Vec<ConflictFact>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.owner_id, c.severity, c.status, c.opened_at, c.sla_due_at, c.resolved_at,
                    CASE WHEN c.status = 'waiting' THEN json_extract(c.sla_pauses, '$[#-1].from') END
             FROM conflicts c JOIN accounts a ON a.id = c.account_id
             WHERE c.deleted_at IS NULL AND a.deleted_at IS NULL
               AND (c.status <> 'resolved'
                    OR (c.opened_at >= ?1 AND c.opened_at < ?2)
                    OR (c.resolved_at >= ?1 AND c.resolved_at < ?2)
                    OR (c.sla_due_at >= ?1 AND c.sla_due_at < ?2))
             ORDER BY c.id",
        )?;
        let rows = stmt.query_map(params![start.to_string(), end.to_string()], conflict_fact)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Activities logged in `start..end` per rep (timeline events by rapport itself not counted).
    pub fn activities_by_rep(&self, start: NaiveDate, end: NaiveDate) -> Result<Vec<(i64, i64)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT rep_id, count(*) FROM activities
             WHERE rep_id IS NOT NULL AND deleted_at IS NULL AND kind <> 'event'
               AND occurred_at >= ?1 AND occurred_at < ?2
             GROUP BY rep_id",
        )?;
        let rows = stmt.query_map(params![start.to_string(), end.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Per owning rep, live accounts with no customer contact since `since`.
    pub fn stale_accounts_by_rep(&self, since: NaiveDate) -> Result<Vec<(i64, i64)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT owner_id, count(*) FROM accounts
             WHERE owner_id IS NOT NULL AND deleted_at IS NULL AND status <> 'churned'
               AND (last_touch_at IS NULL OR last_touch_at < ?1)
             GROUP BY owner_id",
        )?;
        let rows = stmt.query_map([since.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The won-revenue targets that measure `period`; for a fiscal year,
    /// targets set only by quarter count as the sum of the year's quarters.
    pub fn revenue_targets(&self, period: Period) -> Result<Vec<TargetRow>> {
        let rows = |p: Period| -> Result<Vec<TargetRow>> {
            Ok(self
                .targets_for(p)?
                .into_iter()
                .filter(|t| t.metric == TargetMetric::WonRevenue)
                .map(|t| (t.scope, t.rep_id, Money(t.amount)))
                .collect())
        };
        let Period::Year(y) = period else { return rows(period) };
        let mut quarters = Vec::new();
        for q in 1..=4 {
            quarters.extend(rows(Period::Quarter(y, q))?);
        }
        Ok(year_targets(rows(period)?, &quarters))
    }

    /// Open conflicts past their SLA deadline by `now`, per owner: the
    /// header's count for a scope.
    pub fn breached_conflicts_by_owner(&self, now: &str) -> Result<Vec<(Option<i64>, i64)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.owner_id, count(*) FROM conflicts c JOIN accounts a ON a.id = c.account_id
             WHERE c.status <> 'resolved' AND c.deleted_at IS NULL AND a.deleted_at IS NULL AND c.sla_due_at < ?1
             GROUP BY c.owner_id",
        )?;
        let rows = stmt.query_map([now], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every live deal of one account, for its card's targets.
    pub fn account_deal_facts(&self, account_id: i64) -> Result<Vec<DealFact>> {
        let sql = format!("{DEAL_COLUMNS} WHERE d.deleted_at IS NULL AND d.account_id = ?1");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([account_id], deal_fact)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Activities logged on one account in `start..end` (rapport's own events aside).
    pub fn account_activity_count(&self, account_id: i64, start: NaiveDate, end: NaiveDate) -> Result<i64> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT count(*) FROM activities
                 WHERE account_id = ?1 AND deleted_at IS NULL AND kind <> 'event'
                   AND occurred_at >= ?2 AND occurred_at < ?3",
            )?
            .query_row(params![account_id, start.to_string(), end.to_string()], |r| r.get(0))?)
    }

    /// Live deals opened in `start..end` per owner (`None` for unowned): the
    /// actual of a new-deals target.
    pub fn deals_opened_by_rep(&self, start: NaiveDate, end: NaiveDate) -> Result<Vec<(Option<i64>, i64)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT owner_id, count(*) FROM deals
             WHERE deleted_at IS NULL AND opened_on >= ?1 AND opened_on < ?2
             GROUP BY owner_id",
        )?;
        let rows = stmt.query_map(params![start, end], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
