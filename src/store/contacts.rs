//! Contacts: the people in an account.

use super::record::{meta_field, Meta, Record};
use super::{Entity, Store};
use crate::domain::rules;
use crate::domain::ContactRole;
use anyhow::{bail, Result};
use rusqlite::types::ToSql;
use rusqlite::Row;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(flatten)]
    pub meta: Meta,
    pub account_id: i64,
    pub name: String,
    pub title: Option<String>,
    pub role: ContactRole,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The digits of `phone`, derived on save.
    #[serde(default)]
    pub phone_digits: Option<String>,
    pub is_primary: bool,
    pub notes: Option<String>,
}

/// Only the digits of a phone number, so `+1 (555) 010-2030` finds `5550102030`.
pub fn phone_digits(phone: &str) -> String {
    phone.chars().filter(|c| c.is_ascii_digit()).collect()
}

impl Record for Contact {
    const ENTITY: Entity = Entity::Contact;
    const TABLE: &'static str = "contacts";
    const DEPENDENTS: &'static [(&'static str, &'static str)] = &[
        ("activities", "SELECT count(*) FROM activities WHERE contact_id = ?1 AND deleted_at IS NULL"),
        ("conflicts", "SELECT count(*) FROM conflicts WHERE contact_id = ?1 AND deleted_at IS NULL"),
    ];
    const COLUMNS: &'static [&'static str] =
        &["account_id", "name", "title", "role", "email", "phone", "phone_digits", "is_primary", "notes"];

    meta_field!();
    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.account_id,
            &self.name,
            &self.title,
            &self.role,
            &self.email,
            &self.phone,
            &self.phone_digits,
            &self.is_primary,
            &self.notes,
        ]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Contact {
            meta: Meta::from_row(r)?,
            account_id: r.get("account_id")?,
            name: r.get("name")?,
            title: r.get("title")?,
            role: r.get("role")?,
            email: r.get("email")?,
            phone: r.get("phone")?,
            phone_digits: r.get("phone_digits")?,
            is_primary: r.get("is_primary")?,
            notes: r.get("notes")?,
        })
    }
    fn prepare(&mut self) -> Result<()> {
        self.name = self.name.trim().to_string();
        if self.name.is_empty() {
            bail!("a contact needs a name");
        }
        self.phone_digits = self.phone.as_deref().map(phone_digits).filter(|d| !d.is_empty());
        Ok(())
    }
    fn describe(&self) -> String {
        format!("contact {}", self.name)
    }
    fn check(&self, store: &Store, before: Option<&Self>) -> Result<()> {
        let moved = before.is_none_or(|b| b.name != self.name || b.account_id != self.account_id);
        if store.refuses_duplicates() && moved {
            if let Some(other) = store.contact_named(self.account_id, &self.name, self.meta.id)? {
                return Err(rules::duplicate("name", "a contact of that account", &self.name, other).into());
            }
        }
        Ok(())
    }
}

impl Store {
    /// Another live contact (not `except`) of the account with this name.
    pub fn contact_named(&self, account_id: i64, name: &str, except: i64) -> Result<Option<i64>> {
        Ok(self
            .contacts_of(account_id)?
            .into_iter()
            .find(|c| c.meta.id != except && rules::same_name(&c.name, name))
            .map(|c| c.meta.id))
    }

    /// An account's live contacts: primary first, then by name.
    pub fn contacts_of(&self, account_id: i64) -> Result<Vec<Contact>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT * FROM contacts WHERE account_id = ?1 AND deleted_at IS NULL ORDER BY is_primary DESC, name",
        )?;
        let rows = stmt.query_map([account_id], Contact::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
