//! What health and suggestions read, in set-based queries (one pass per
//! signal over the book, never one query per account), and the snoozes and
//! dismissals of suggestions, written through the change log like any record.

use super::Store;
use crate::domain::health::{self, Health};
use crate::domain::scope::Resolved;
use crate::domain::suggest::Suggestion;
use anyhow::Result;
use chrono::NaiveDate;

impl Store {
    /// The health of the live accounts `ids` (all of them with `None`), in id order.
    pub fn account_health(&self, ids: Option<&[i64]>, today: NaiveDate) -> Result<Vec<(i64, Health)>> {
        let _ = (ids, today, health::score);
        Ok(Vec::new())
    }

    /// One account's health; `None` for no live account of that id.
    pub fn health_of(&self, id: i64, today: NaiveDate) -> Result<Option<Health>> {
        Ok(self.account_health(Some(&[id]), today)?.into_iter().next().map(|(_, h)| h))
    }

    /// The suggestions for the accounts of `scope`, ranked, without those
    /// dismissed or snoozed past `today`.
    pub fn suggestions(&self, scope: &Resolved, today: NaiveDate) -> Result<Vec<Suggestion>> {
        let _ = (scope, today);
        Ok(Vec::new())
    }

    /// Hides a current suggestion until `until` (after today); undoable.
    pub fn snooze_suggestion(&self, key: &str, until: NaiveDate) -> Result<()> {
        let _ = (key, until);
        anyhow::bail!("not yet")
    }

    /// Hides a current suggestion for good, with an optional reason; undoable.
    pub fn dismiss_suggestion(&self, key: &str, reason: Option<&str>) -> Result<()> {
        let _ = (key, reason);
        anyhow::bail!("not yet")
    }
}
