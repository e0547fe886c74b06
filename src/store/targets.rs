//! Targets: what the company, a team, a rep or an account should reach in a period.

use super::record::{columns, Meta, Record};
use super::{Entity, Store};
use crate::domain::{Period, TargetMetric, TargetScope};
use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    #[serde(flatten)]
    pub meta: Meta,
    pub scope: TargetScope,
    /// The rep for a rep target, the team lead for a team target.
    pub rep_id: Option<i64>,
    pub account_id: Option<i64>,
    #[serde(with = "period_text")]
    pub period: Period,
    pub metric: TargetMetric,
    /// Minor units for revenue; a count for the other metrics.
    pub amount: i64,
}

pub(crate) mod period_text {
    use crate::domain::Period;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(p: &Period, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(p)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Record for Target {
    const ENTITY: Entity = Entity::Target;
    const TABLE: &'static str = "targets";
    columns! {
        scope,
        rep_id,
        account_id,
        period,
        metric,
        amount,
    }
    fn prepare(&mut self) -> Result<()> {
        let ok = match self.scope {
            TargetScope::Company => self.rep_id.is_none() && self.account_id.is_none(),
            TargetScope::Team | TargetScope::Rep => self.rep_id.is_some() && self.account_id.is_none(),
            TargetScope::Account => self.account_id.is_some() && self.rep_id.is_none(),
        };
        if !ok {
            bail!(
                "a {} target needs {}",
                self.scope,
                match self.scope {
                    TargetScope::Company => "neither a rep nor an account",
                    TargetScope::Team | TargetScope::Rep => "a rep and no account",
                    TargetScope::Account => "an account and no rep",
                }
            );
        }
        if self.amount < 0 {
            bail!("a target cannot be negative");
        }
        Ok(())
    }
    fn describe(&self) -> String {
        format!("{} target for {}", self.scope, self.period)
    }
}

impl Store {
    /// Live targets, of one period or of all, by period then scope.
    pub fn all_targets(&self, period: Option<Period>) -> Result<Vec<Target>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT * FROM targets WHERE deleted_at IS NULL AND (?1 IS NULL OR period = ?1)
             ORDER BY period, scope, rep_id, account_id, metric, id",
        )?;
        let rows = stmt.query_map([period], Target::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Live targets set for exactly this period.
    pub fn targets_for(&self, period: Period) -> Result<Vec<Target>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT * FROM targets WHERE period = ?1 AND deleted_at IS NULL ORDER BY scope, rep_id, account_id, id",
        )?;
        let rows = stmt.query_map([period], Target::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
