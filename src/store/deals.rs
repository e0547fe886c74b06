//! Deals: the pipeline and, once won, the revenue.

use super::record::{columns, Meta, Record};
use super::{Entity, Store};
use crate::domain::{rules, AccountStatus, DealStage, ForecastCategory, Money};
use anyhow::{bail, Result};
use chrono::NaiveDate;
use rusqlite::params;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Deal {
    #[serde(flatten)]
    pub meta: Meta,
    pub account_id: i64,
    pub owner_id: Option<i64>,
    pub name: String,
    pub product: Option<String>,
    pub stage: DealStage,
    pub amount: Money,
    pub probability: u8,
    /// Set by a person, so stage moves keep it.
    pub probability_manual: bool,
    pub expected_close: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub external_ref: Option<String>,
    /// When the deal was opened; a deal written without one was opened the day it was entered.
    #[serde(default)]
    pub opened_on: Option<NaiveDate>,
    /// A person's choice of forecast category over the one the stage gives.
    #[serde(default)]
    pub forecast_category: Option<ForecastCategory>,
    /// Months a won deal runs for (see `rules::renewal_term` for the default).
    #[serde(default)]
    pub term_months: Option<u32>,
}

impl Record for Deal {
    const ENTITY: Entity = Entity::Deal;
    const TABLE: &'static str = "deals";
    const DEPENDENTS: &'static [(&'static str, &'static str)] =
        &[("timeline entries", "SELECT count(*) FROM activities WHERE deal_id = ?1 AND deleted_at IS NULL")];
    columns! {
        account_id,
        owner_id,
        name,
        product,
        stage,
        amount,
        probability,
        probability_manual,
        expected_close,
        closed_on,
        external_ref,
        opened_on,
        forecast_category,
        term_months,
    }
    fn fill_new(&mut self, today: chrono::NaiveDate) {
        if self.opened_on.is_none() {
            // Never after its close: a deal entered closed was opened by then.
            self.opened_on = Some(self.closed_on.map_or(today, |c| c.min(today)));
        }
    }
    fn prepare(&mut self) -> Result<()> {
        self.name = self.name.trim().to_string();
        if self.name.is_empty() {
            bail!("a deal needs a name");
        }
        if self.probability > 100 {
            bail!("probability {} is above 100%", self.probability);
        }
        if let (Some(opened), Some(closed)) = (self.opened_on, self.closed_on) {
            if opened > closed {
                bail!("deal {}: opened on {opened}, after it closed on {closed}", self.name);
            }
        }
        if let Some(m) = self.term_months.filter(|m| !(1..=120).contains(m)) {
            bail!("deal {}: a term of {m} months; expected 1 to 120", self.name);
        }
        if self.stage.is_closed() != self.closed_on.is_some() {
            bail!("deal {}: a won or lost deal needs a close date, an open one must not have one", self.name);
        }
        Ok(())
    }
    fn describe(&self) -> String {
        format!("deal {}", self.name)
    }
    /// Winning makes a prospect a customer and, for a deal with a term, sets
    /// the account's next renewal.
    fn after_write(&self, store: &Store, before: Option<&Self>) -> Result<()> {
        if self.stage != DealStage::Won || before.is_some_and(|b| b.stage == DealStage::Won) {
            return Ok(());
        }
        let mut account = store.require::<super::Account>(self.account_id)?;
        let mut changed = false;
        if account.status == AccountStatus::Prospect {
            account.status = AccountStatus::Customer;
            changed = true;
        }
        let term = rules::renewal_term(&self.name, self.product.as_deref(), self.term_months);
        if let (Some(closed), Some(months)) = (self.closed_on, term) {
            let renewal = rules::renewal_after(closed, months);
            if account.renewal_date != Some(renewal) {
                account.renewal_date = Some(renewal);
                changed = true;
            }
        }
        if changed {
            store.update(&mut account)?;
        }
        Ok(())
    }
}

impl Store {
    /// An account's deals that are still open, by expected close.
    pub fn open_deals_of(&self, account_id: i64) -> Result<Vec<Deal>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT * FROM deals WHERE account_id = ?1 AND deleted_at IS NULL AND stage NOT IN ('won', 'lost')
             ORDER BY expected_close IS NULL, expected_close, id",
        )?;
        let rows = stmt.query_map([account_id], Deal::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// All of an account's live deals: open ones by expected close, then closed ones, newest first.
    pub fn deals_of(&self, account_id: i64) -> Result<Vec<Deal>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT * FROM deals WHERE account_id = ?1 AND deleted_at IS NULL
             ORDER BY closed_on IS NOT NULL, expected_close, closed_on DESC, id",
        )?;
        let rows = stmt.query_map([account_id], Deal::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Revenue won with `start <= closed_on < end`, in total.
    pub fn won_total(&self, start: NaiveDate, end: NaiveDate) -> Result<Money> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT coalesce(sum(amount), 0) FROM deals
                 WHERE stage = 'won' AND deleted_at IS NULL AND closed_on >= ?1 AND closed_on < ?2",
            )?
            .query_row(params![start, end], |r| r.get(0))?)
    }

    /// Revenue won with `start <= closed_on < end`, per owning rep.
    pub fn won_by_rep(&self, start: NaiveDate, end: NaiveDate) -> Result<Vec<(i64, Money)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT owner_id, sum(amount) FROM deals
             WHERE stage = 'won' AND deleted_at IS NULL AND owner_id IS NOT NULL
               AND closed_on >= ?1 AND closed_on < ?2
             GROUP BY owner_id",
        )?;
        let rows = stmt.query_map(params![start, end], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrations::MIGRATIONS;
    use crate::store::open::open_with;
    use crate::store::OpenMode;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_schema_4_database_gains_opened_on_and_forecast_category() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.db");
        let at_4: Vec<_> = MIGRATIONS.iter().copied().filter(|m| m.0 <= 4).collect();
        {
            let (old, _) = open_with(&path, OpenMode::Create, &at_4).unwrap();
            old.conn()
                .execute_batch(
                    "INSERT INTO accounts (id, uid, name, created_at, updated_at) VALUES (1, 'a1', 'Acme', 't', 't');
                     INSERT INTO deals (id, uid, account_id, name, stage, amount, expected_close, closed_on, created_at, updated_at)
                     VALUES (1, 'd1', 1, 'Open one', 'proposal', 50000, '2026-12-01', NULL,
                             '2026-03-04T10:00:00Z', '2026-03-04T10:00:00Z'),
                            (2, 'd2', 1, 'History', 'won', 90000, NULL, '2025-06-30',
                             '2026-03-04T10:00:00Z', '2026-03-04T10:00:00Z');",
                )
                .unwrap();
        }
        let (store, report) = open_with(&path, OpenMode::Existing, MIGRATIONS).unwrap();
        assert_eq!(report.migrated_from, Some(4));
        let open: Deal = store.require(1).unwrap();
        assert_eq!(open.opened_on, Some(d(2026, 3, 4)), "backfilled from created_at");
        assert_eq!(open.forecast_category, None);
        let won: Deal = store.require(2).unwrap();
        assert_eq!(won.opened_on, Some(d(2025, 6, 30)), "history entered later opens no later than it closed");

        // A deal written without an opening date was opened the day it was entered.
        let mut new = Deal { account_id: 1, name: "New".into(), ..Default::default() };
        store.insert(&mut new).unwrap();
        let new: Deal = store.require(new.meta.id).unwrap();
        assert_eq!(new.opened_on, Some(store.clock().today()));

        // The override round-trips, and the schema refuses a category it does not know.
        let mut o = open.clone();
        o.forecast_category = Some(ForecastCategory::Commit);
        store.update(&mut o).unwrap();
        assert_eq!(store.require::<Deal>(1).unwrap().forecast_category, Some(ForecastCategory::Commit));
        let err = store.conn().execute("UPDATE deals SET forecast_category = 'maybe' WHERE id = 1", []).unwrap_err();
        assert!(err.to_string().contains("CHECK"), "{err}");
    }

    #[test]
    fn a_deal_cannot_open_after_it_closed() {
        let store = Store::in_memory(crate::store::Clock::System).unwrap();
        let mut a = crate::store::Account { name: "Acme".into(), ..Default::default() };
        store.insert(&mut a).unwrap();
        let mut deal = Deal {
            account_id: a.meta.id,
            name: "Late".into(),
            stage: DealStage::Won,
            closed_on: Some(d(2026, 1, 10)),
            opened_on: Some(d(2026, 2, 1)),
            ..Default::default()
        };
        let err = store.insert(&mut deal).unwrap_err().to_string();
        assert!(err.contains("opened on 2026-02-01, after it closed on 2026-01-10"), "{err}");
    }
}
