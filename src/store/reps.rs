//! Reps: the account manager, team leads and account representatives.

use super::record::{meta_field, Meta, Record};
use super::{Entity, Store};
use crate::domain::RepRole;
use anyhow::Result;
use rusqlite::types::ToSql;
use rusqlite::Row;
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
    const COLUMNS: &'static [&'static str] = &["name", "email", "phone", "role", "manager_id"];

    meta_field!();
    fn values(&self) -> Vec<&dyn ToSql> {
        vec![&self.name, &self.email, &self.phone, &self.role, &self.manager_id]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Rep {
            meta: Meta::from_row(r)?,
            name: r.get("name")?,
            email: r.get("email")?,
            phone: r.get("phone")?,
            role: r.get("role")?,
            manager_id: r.get("manager_id")?,
        })
    }
    fn describe(&self) -> String {
        format!("rep {}", self.name)
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
