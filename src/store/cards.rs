//! What the address-book and calendar writers read: contacts with their
//! account's name and their import extras, and open follow-ups with the
//! names a calendar entry shows. Both are filtered by a scope's owners.

use super::record::Record;
use super::{Contact, Store};
use crate::domain::scope::Resolved;
use anyhow::Result;
use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use std::collections::BTreeMap;

/// A contact as an address book gets it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactCard {
    pub contact: Contact,
    /// The account's name (vCard `ORG`).
    pub account: String,
    /// The account's owner, whose scope the contact is in.
    pub owner_id: Option<i64>,
    /// The id the contact had where it was imported from.
    pub external_ref: Option<String>,
    /// Custom fields, by name.
    pub custom: BTreeMap<String, String>,
}

/// An open follow-up as a calendar gets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenFollowUp {
    pub uid: String,
    pub summary: String,
    pub body: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub account: String,
    pub contact: Option<String>,
    /// The follow-up's rep, else the account's owner.
    pub owner_id: Option<i64>,
}

impl Store {
    /// Live contacts of live accounts in scope (by the account's owner), by account then name.
    pub fn contact_cards(&self, scope: &Resolved) -> Result<Vec<ContactCard>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.*, a.name AS account_name, a.owner_id AS account_owner,
                    c.external_ref AS import_ref, c.custom AS import_custom
             FROM contacts c JOIN accounts a ON a.id = c.account_id
             WHERE c.deleted_at IS NULL AND a.deleted_at IS NULL
             ORDER BY a.name COLLATE NOCASE, a.id, c.name COLLATE NOCASE, c.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let custom: Option<String> = r.get("import_custom")?;
            Ok(ContactCard {
                contact: Contact::from_row(r)?,
                account: r.get("account_name")?,
                owner_id: r.get("account_owner")?,
                external_ref: r.get("import_ref")?,
                // Custom fields are written by imports as a JSON object; anything else is not ours.
                custom: custom.and_then(|c| serde_json::from_str(&c).ok()).unwrap_or_default(),
            })
        })?;
        let mut out = Vec::new();
        for row in rows {
            let card = row?;
            if scope.includes(card.owner_id) {
                out.push(card);
            }
        }
        Ok(out)
    }

    /// Open follow-ups of live accounts in scope, by due day then when they were logged.
    pub fn open_follow_ups(&self, scope: &Resolved) -> Result<Vec<OpenFollowUp>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT f.uid, f.summary, f.body, f.due_on, a.name, c.name, coalesce(f.rep_id, a.owner_id)
             FROM activities f JOIN accounts a ON a.id = f.account_id
             LEFT JOIN contacts c ON c.id = f.contact_id AND c.deleted_at IS NULL
             WHERE f.kind = 'follow_up' AND f.done_at IS NULL AND f.deleted_at IS NULL AND a.deleted_at IS NULL
             ORDER BY f.due_on IS NULL, f.due_on, f.occurred_at, f.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(OpenFollowUp {
                uid: r.get(0)?,
                summary: r.get(1)?,
                body: r.get(2)?,
                due_on: r.get(3)?,
                account: r.get(4)?,
                contact: r.get(5)?,
                owner_id: r.get(6)?,
            })
        })?;
        let mut out = Vec::new();
        for row in rows {
            let f = row?;
            if scope.includes(f.owner_id) {
                out.push(f);
            }
        }
        Ok(out)
    }

    /// The live contact whose rapport uid this is: a card rapport wrote, read back.
    pub fn contact_by_uid(&self, uid: &str) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT id FROM contacts WHERE uid = ?1 AND deleted_at IS NULL")?
            .query_row([uid], |r| r.get(0))
            .optional()?)
    }
}
