//! What lookups match against: every account name and every contact's name,
//! e-mail and phone number (by its match key), streamed so the caller can pack them compactly.

use super::Store;
use anyhow::Result;

/// One searchable row, borrowed from the database row being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchRow<'a> {
    Account {
        id: i64,
        name: &'a str,
    },
    /// `phone_key`: the digits the number is matched by (`domain::phone::match_key`).
    Contact {
        id: i64,
        account_id: i64,
        name: &'a str,
        email: Option<&'a str>,
        phone_key: Option<&'a str>,
    },
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
            "SELECT c.id, c.account_id, c.name, c.email, c.phone_digits, c.phone_e164
             FROM contacts c JOIN accounts a ON a.id = c.account_id
             WHERE c.deleted_at IS NULL AND a.deleted_at IS NULL ORDER BY c.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let e164 = r.get_ref(5)?.as_str_or_null()?;
            f(SearchRow::Contact {
                id: r.get(0)?,
                account_id: r.get(1)?,
                name: r.get_ref(2)?.as_str()?,
                email: r.get_ref(3)?.as_str_or_null()?,
                phone_key: r.get_ref(4)?.as_str_or_null()?.map(|digits| crate::domain::phone::match_key(e164, digits)),
            });
        }
        Ok(())
    }
}
