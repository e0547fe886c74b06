//! What lookups match against: every account name and every contact's name,
//! e-mail and phone, read in one pass.

use super::Store;
use crate::domain::ContactRole;
use anyhow::Result;

/// One searchable thing. `contact` is None for the account itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRecord {
    pub account_id: i64,
    pub account: String,
    pub contact: Option<ContactHit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactHit {
    pub id: i64,
    pub name: String,
    pub title: Option<String>,
    pub role: ContactRole,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub phone_digits: Option<String>,
}

impl Store {
    /// Every live account and contact, accounts first.
    pub fn search_records(&self) -> Result<Vec<SearchRecord>> {
        let mut out = Vec::new();
        let mut stmt =
            self.conn().prepare_cached("SELECT id, name FROM accounts WHERE deleted_at IS NULL ORDER BY id")?;
        for row in
            stmt.query_map([], |r| Ok(SearchRecord { account_id: r.get(0)?, account: r.get(1)?, contact: None }))?
        {
            out.push(row?);
        }
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.account_id, a.name, c.id, c.name, c.title, c.role, c.email, c.phone, c.phone_digits
             FROM contacts c JOIN accounts a ON a.id = c.account_id
             WHERE c.deleted_at IS NULL AND a.deleted_at IS NULL ORDER BY c.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SearchRecord {
                account_id: r.get(0)?,
                account: r.get(1)?,
                contact: Some(ContactHit {
                    id: r.get(2)?,
                    name: r.get(3)?,
                    title: r.get(4)?,
                    role: r.get(5)?,
                    email: r.get(6)?,
                    phone: r.get(7)?,
                    phone_digits: r.get(8)?,
                }),
            })
        })?;
        for row in rows {
            out.push(row?);
        }
        Ok(out)
    }
}
