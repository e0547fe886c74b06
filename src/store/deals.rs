//! Deals: the pipeline and, once won, the revenue.

use super::record::{meta_field, Meta, Record};
use super::{Entity, Store};
use crate::domain::{DealStage, Money};
use anyhow::{bail, Result};
use chrono::NaiveDate;
use rusqlite::types::ToSql;
use rusqlite::{params, Row};
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
}

impl Record for Deal {
    const ENTITY: Entity = Entity::Deal;
    const TABLE: &'static str = "deals";
    const DEPENDENTS: &'static [(&'static str, &'static str)] =
        &[("timeline entries", "SELECT count(*) FROM activities WHERE deal_id = ?1 AND deleted_at IS NULL")];
    const COLUMNS: &'static [&'static str] = &[
        "account_id",
        "owner_id",
        "name",
        "product",
        "stage",
        "amount",
        "probability",
        "probability_manual",
        "expected_close",
        "closed_on",
        "external_ref",
    ];

    meta_field!();
    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.account_id,
            &self.owner_id,
            &self.name,
            &self.product,
            &self.stage,
            &self.amount,
            &self.probability,
            &self.probability_manual,
            &self.expected_close,
            &self.closed_on,
            &self.external_ref,
        ]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Deal {
            meta: Meta::from_row(r)?,
            account_id: r.get("account_id")?,
            owner_id: r.get("owner_id")?,
            name: r.get("name")?,
            product: r.get("product")?,
            stage: r.get("stage")?,
            amount: r.get("amount")?,
            probability: r.get("probability")?,
            probability_manual: r.get("probability_manual")?,
            expected_close: r.get("expected_close")?,
            closed_on: r.get("closed_on")?,
            external_ref: r.get("external_ref")?,
        })
    }
    fn prepare(&mut self) -> Result<()> {
        self.name = self.name.trim().to_string();
        if self.name.is_empty() {
            bail!("a deal needs a name");
        }
        if self.probability > 100 {
            bail!("probability {} is above 100%", self.probability);
        }
        if self.stage.is_closed() != self.closed_on.is_some() {
            bail!("deal {}: a won or lost deal needs a close date, an open one must not have one", self.name);
        }
        Ok(())
    }
    fn describe(&self) -> String {
        format!("deal {}", self.name)
    }
}

/// Won revenue in one quarter, for charts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WonByQuarter {
    pub period: String,
    pub won: Money,
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
