//! Contacts: the people in an account.

use super::record::{columns, Meta, Record};
use super::{Entity, Store};
use crate::domain::phone::{self, Region};
use crate::domain::rules;
use crate::domain::ContactRole;
use anyhow::{bail, Result};
use rusqlite::{params, Connection, OptionalExtension};
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
    /// `phone` in E.164 (`+442079460444`), derived on save when the number
    /// is valid in the region of the account's country or the default one.
    #[serde(default)]
    pub phone_e164: Option<String>,
    pub is_primary: bool,
    pub notes: Option<String>,
}

/// Only the digits of a phone number, its extension left out, so
/// `+1 (555) 010-2030` finds `5550102030`.
pub fn phone_digits(phone: &str) -> String {
    phone::number_digits(phone)
}

impl Record for Contact {
    const ENTITY: Entity = Entity::Contact;
    const TABLE: &'static str = "contacts";
    const DEPENDENTS: &'static [(&'static str, &'static str)] = &[
        ("activities", "SELECT count(*) FROM activities WHERE contact_id = ?1 AND deleted_at IS NULL"),
        ("conflicts", "SELECT count(*) FROM conflicts WHERE contact_id = ?1 AND deleted_at IS NULL"),
    ];
    columns! {
        account_id,
        name,
        title,
        role,
        email,
        phone,
        phone_digits,
        phone_e164,
        is_primary,
        notes,
    }
    fn prepare(&mut self) -> Result<()> {
        self.name = self.name.trim().to_string();
        if self.name.is_empty() {
            bail!("a contact needs a name");
        }
        self.phone_digits = self.phone.as_deref().map(phone_digits).filter(|d| !d.is_empty());
        Ok(())
    }
    fn prepare_in(&mut self, store: &Store) -> Result<()> {
        self.prepare()?;
        self.phone_e164 = match self.phone.as_deref() {
            Some(p) if self.phone_digits.is_some() => phone::e164(p, store.phone_region_of(self.account_id)?),
            _ => None,
        };
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

impl Store {
    /// The region an account's phone numbers are read in: its country's,
    /// else the default region from the config.
    pub fn phone_region_of(&self, account_id: i64) -> Result<Option<Region>> {
        let country: Option<Option<String>> = self
            .conn()
            .prepare_cached("SELECT country FROM accounts WHERE id = ?1")?
            .query_row([account_id], |r| r.get(0))
            .optional()?;
        Ok(country.flatten().as_deref().and_then(phone::region_of).or(self.default_region()))
    }

    /// Sets the region for numbers of accounts without a (known) country,
    /// from the config. When it differs from the one the stored E.164 forms
    /// were made with, those numbers are read again, in one transaction.
    /// Returns how many changed.
    pub fn use_default_region(&self, region: Option<Region>) -> Result<usize> {
        self.set_default_region(region);
        let code = region.map(|r| r.as_ref().to_string()).unwrap_or_default();
        if self.setting(DEFAULT_REGION_SETTING)?.unwrap_or_default() == code {
            return Ok(0);
        }
        self.write(|s| {
            let changed = fill_e164(s.conn(), region, true)?;
            s.set_setting(DEFAULT_REGION_SETTING, &code)?;
            Ok(changed)
        })
    }

    /// Reads again the numbers of one account's contacts, after its country changed.
    pub(crate) fn refresh_phones_of(&self, account_id: i64) -> Result<()> {
        let region = self.phone_region_of(account_id)?;
        let mut read = self
            .conn()
            .prepare_cached("SELECT id, phone FROM contacts WHERE account_id = ?1 AND phone_digits IS NOT NULL")?;
        let rows = read
            .query_map([account_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut write = self.conn().prepare_cached(UPDATE_E164)?;
        for (id, typed) in rows {
            write.execute(params![id, phone::e164(&typed, region)])?;
        }
        Ok(())
    }
}

/// The setting that records which default region the E.164 forms were made with.
const DEFAULT_REGION_SETTING: &str = "phone_default_region";

/// A derived column: written without a change-log row or a new `updated_at`,
/// as `phone_digits` is, since no one changed the record.
const UPDATE_E164: &str = "UPDATE contacts SET phone_e164 = ?2 WHERE id = ?1 AND phone_e164 IS NOT ?2";

/// Fills `phone_e164` (and `phone_digits`) from the typed numbers, each read in the region of its
/// account's country or else `default`; with `only_without_country`, only
/// numbers of accounts whose country names no region. Runs inside the
/// caller's transaction. Returns how many rows changed.
pub(super) fn fill_e164(
    conn: &Connection,
    default: Option<Region>,
    only_without_country: bool,
) -> rusqlite::Result<usize> {
    let rows: Vec<(i64, String, Option<String>)> = {
        let mut stmt = conn.prepare(
            "SELECT c.id, c.phone, a.country FROM contacts c JOIN accounts a ON a.id = c.account_id
             WHERE c.phone_digits IS NOT NULL ORDER BY a.country",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut write = conn.prepare(UPDATE_E164)?;
    // Digits written before version 4 kept an extension's digits too.
    let mut digits = conn.prepare("UPDATE contacts SET phone_digits = ?2 WHERE id = ?1 AND phone_digits IS NOT ?2")?;
    let mut changed = 0;
    // Rows come by country, so each country's name is looked up once.
    let mut last: Option<(Option<String>, Option<Region>)> = None;
    for (id, typed, country) in rows {
        let region = match &last {
            Some((c, r)) if *c == country => *r,
            _ => {
                let r = country.as_deref().and_then(phone::region_of);
                last = Some((country, r));
                r
            }
        };
        if only_without_country && region.is_some() {
            continue;
        }
        let d = phone_digits(&typed);
        digits.execute(params![id, (!d.is_empty()).then_some(d)])?;
        changed += write.execute(params![id, phone::e164(&typed, region.or(default))])?;
    }
    Ok(changed)
}
