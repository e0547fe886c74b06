//! What lookups match against: every account name and every contact's name,
//! e-mail and phone digits, streamed so the caller can pack them compactly.

use super::Store;
use anyhow::Result;

/// One searchable row, borrowed from the database row being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchRow<'a> {
    Account { id: i64, name: &'a str },
    Contact { id: i64, account_id: i64, name: &'a str, email: Option<&'a str>, phone_digits: Option<&'a str> },
}

impl Store {
    /// Calls `f` for every live account (in id order), then every live
    /// contact of a live account (in id order).
    pub fn scan_search(&self, f: &mut dyn FnMut(SearchRow<'_>)) -> Result<()> {
        let mut stmt =
            self.conn().prepare_cached("SELECT id, name FROM accounts WHERE deleted_at IS NULL ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(SearchRow::Account { id: r.get(0)?, name: r.get_ref(1)?.as_str()? });
        }
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.account_id, c.name, c.email, c.phone_digits
             FROM contacts c JOIN accounts a ON a.id = c.account_id
             WHERE c.deleted_at IS NULL AND a.deleted_at IS NULL ORDER BY c.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(SearchRow::Contact {
                id: r.get(0)?,
                account_id: r.get(1)?,
                name: r.get_ref(2)?.as_str()?,
                email: r.get_ref(3)?.as_str_or_null()?,
                phone_digits: r.get_ref(4)?.as_str_or_null()?,
            });
        }
        Ok(())
    }
}
