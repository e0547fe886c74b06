//! Reps: the account manager, team leads and account representatives.

use super::record::{columns, Meta, Record};
use super::{Entity, Store};
use crate::domain::rules::{self, Refusal, Rule};
use crate::domain::{sanitize, RepRole};
use anyhow::Result;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rep {
    #[serde(flatten)]
    pub meta: Meta,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: RepRole,
    pub manager_id: Option<i64>,
}

impl Record for Rep {
    const ENTITY: Entity = Entity::Rep;
    const TABLE: &'static str = "reps";
    const DEPENDENTS: &'static [(&'static str, &'static str)] = &[
        ("accounts", "SELECT count(*) FROM accounts WHERE owner_id = ?1 AND deleted_at IS NULL"),
        ("deals", "SELECT count(*) FROM deals WHERE owner_id = ?1 AND deleted_at IS NULL"),
        ("conflicts", "SELECT count(*) FROM conflicts WHERE owner_id = ?1 AND deleted_at IS NULL"),
        ("timeline entries", "SELECT count(*) FROM activities WHERE rep_id = ?1 AND deleted_at IS NULL"),
        ("targets", "SELECT count(*) FROM targets WHERE rep_id = ?1 AND deleted_at IS NULL"),
        ("reports", "SELECT count(*) FROM reps WHERE manager_id = ?1 AND deleted_at IS NULL"),
    ];
    columns! {
        name,
        email,
        phone,
        role,
        manager_id,
    }
    fn describe(&self) -> String {
        format!("rep {}", self.name)
    }
    fn check(&self, store: &Store, before: Option<&Self>) -> Result<()> {
        let id = self.meta.id;
        if store.refuses_duplicates() && before.is_none_or(|b| b.name != self.name) {
            if let Some(other) = store.rep_named(&self.name, id)? {
                return Err(rules::duplicate("name", "a rep", &self.name, other).into());
            }
        }
        if let Some(manager) = self.manager_id.filter(|_| before.is_none_or(|b| b.manager_id != self.manager_id)) {
            // No rep may end up managing themselves, directly or through others.
            if manager == id || (id != 0 && rules::reaches(manager, id, |r| store.rep_manager(r))?) {
                return Err(Refusal::new(
                    "manager",
                    Rule::Cycle,
                    format!(
                        "{} cannot report to themselves, directly or through their own team",
                        sanitize::line(&self.name)
                    ),
                )
                .into());
            }
        }
        Ok(())
    }
}

/// A rep as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepRow {
    pub id: i64,
    pub name: String,
    pub role: RepRole,
    pub manager_id: Option<i64>,
}

impl Store {
    /// Another live rep (not `except`) with this name, case and spacing aside.
    pub fn rep_named(&self, name: &str, except: i64) -> Result<Option<i64>> {
        let mut stmt = self.conn().prepare_cached("SELECT id, name FROM reps WHERE deleted_at IS NULL AND id <> ?1")?;
        let mut rows = stmt.query([except])?;
        while let Some(r) = rows.next()? {
            if rules::same_name(r.get_ref(1)?.as_str()?, name) {
                return Ok(Some(r.get(0)?));
            }
        }
        Ok(None)
    }

    /// The manager of a live rep.
    fn rep_manager(&self, id: i64) -> Result<Option<i64>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .prepare_cached("SELECT manager_id FROM reps WHERE id = ?1 AND deleted_at IS NULL")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .flatten())
    }

    /// Live reps, by name.
    pub fn reps(&self) -> Result<Vec<RepRow>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, name, role, manager_id FROM reps WHERE deleted_at IS NULL ORDER BY name COLLATE NOCASE",
        )?;
        let rows = stmt
            .query_map([], |r| Ok(RepRow { id: r.get(0)?, name: r.get(1)?, role: r.get(2)?, manager_id: r.get(3)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
