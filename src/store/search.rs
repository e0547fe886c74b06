//! What lookups match against: every account name and every contact's name,
//! e-mail and phone number (by its match key), streamed so the caller can pack them compactly;
//! and the search log (schema 9), which says which of them changed since an
//! index was made, so the index catches up by reading those rows alone.

use super::Store;
use anyhow::Result;
use rusqlite::OptionalExtension;

/// One searchable row, borrowed from the database row being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchRow<'a> {
    /// `live`: not deleted.
    Account {
        id: i64,
        name: &'a str,
        live: bool,
    },
    /// `phone_key`: the digits the number is matched by (`domain::phone::match_key`).
    /// `live`: the contact is not deleted (its account may be: the index asks the account).
    Contact {
        id: i64,
        account_id: i64,
        name: &'a str,
        email: Option<&'a str>,
        phone_key: Option<&'a str>,
        live: bool,
    },
    /// A row named by the search log that no longer exists at all.
    GoneAccount {
        id: i64,
    },
    GoneContact {
        id: i64,
    },
}

/// Where the search log stands: an index made at `seq` is current when
/// nothing came after it, and can catch up while the log still reaches back to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchStamp {
    /// Tells this book's index files from another database's.
    pub token: String,
    /// The last change noted (0 before any).
    pub seq: i64,
    /// The oldest change still kept; older ones were pruned.
    pub oldest: Option<i64>,
}

/// The search log after a mark: where it stands, and the accounts and the
/// contacts it names (each once, in id order).
pub type SearchChanges = (SearchStamp, Vec<i64>, Vec<i64>);

impl SearchStamp {
    /// Whether the log still holds every change after `seq`.
    pub fn reaches_back_to(&self, seq: i64) -> bool {
        seq <= self.seq && self.oldest.is_none_or(|oldest| oldest <= seq + 1)
    }
}

const ACCOUNTS: &str = "SELECT id, name, deleted_at IS NULL FROM accounts";
const CONTACTS: &str = "SELECT id, account_id, name, email, phone_digits, phone_e164, deleted_at IS NULL FROM contacts";

fn account_row<'r>(r: &'r rusqlite::Row<'_>) -> rusqlite::Result<SearchRow<'r>> {
    Ok(SearchRow::Account { id: r.get(0)?, name: r.get_ref(1)?.as_str()?, live: r.get(2)? })
}

fn contact_row<'r>(r: &'r rusqlite::Row<'_>) -> rusqlite::Result<SearchRow<'r>> {
    let e164 = r.get_ref(5)?.as_str_or_null()?;
    Ok(SearchRow::Contact {
        id: r.get(0)?,
        account_id: r.get(1)?,
        name: r.get_ref(2)?.as_str()?,
        email: r.get_ref(3)?.as_str_or_null()?,
        phone_key: r.get_ref(4)?.as_str_or_null()?.map(|digits| crate::domain::phone::match_key(e164, digits)),
        live: r.get(6)?,
    })
}

impl Store {
    /// Calls `f` for every account (in id order), then every contact (in id
    /// order), deleted ones included and marked, so that an index can take
    /// back a deletion (an undo) without reading the book again. Returns the
    /// search log's stamp, read in the same transaction as the rows, or None
    /// before schema 9.
    pub fn scan_search(&self, f: &mut dyn FnMut(SearchRow<'_>)) -> Result<Option<SearchStamp>> {
        let conn = self.conn();
        // One read transaction: the rows and the stamp describe the same moment.
        let own = conn.is_autocommit();
        if own {
            conn.execute_batch("BEGIN")?;
        }
        let mut scan = || -> Result<Option<SearchStamp>> {
            let stamp = self.search_stamp()?;
            let mut stmt = conn.prepare_cached(&format!("{ACCOUNTS} ORDER BY id"))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                f(account_row(r)?);
            }
            let mut stmt = conn.prepare_cached(&format!("{CONTACTS} ORDER BY id"))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                f(contact_row(r)?);
            }
            Ok(stamp)
        };
        let result = scan();
        if own {
            conn.execute_batch("COMMIT")?;
        }
        result
    }

    /// Where the search log stands; None before schema 9 (an index then
    /// cannot tell whether it is current, and is built anew).
    pub fn search_stamp(&self) -> Result<Option<SearchStamp>> {
        let token: Option<String> = match self
            .conn()
            .prepare_cached("SELECT token FROM search_state WHERE id = 1")
            .and_then(|mut s| s.query_row([], |r| r.get(0)).optional())
        {
            Ok(t) => t,
            Err(rusqlite::Error::SqliteFailure(_, Some(m))) if m.starts_with("no such table") => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let Some(token) = token else { return Ok(None) };
        let (seq, oldest): (Option<i64>, Option<i64>) = self
            .conn()
            .prepare_cached("SELECT max(seq), min(seq) FROM search_log")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(Some(SearchStamp { token, seq: seq.unwrap_or(0), oldest }))
    }

    /// The accounts and contacts changed after `seq` (each once, in id
    /// order), and the stamp they bring the index to; read in one transaction.
    pub fn search_changes(&self, seq: i64) -> Result<Option<SearchChanges>> {
        let conn = self.conn();
        let own = conn.is_autocommit();
        if own {
            conn.execute_batch("BEGIN")?;
        }
        let read = || -> Result<Option<SearchChanges>> {
            let Some(stamp) = self.search_stamp()? else { return Ok(None) };
            let mut stmt = conn.prepare_cached("SELECT kind, row_id FROM search_log WHERE seq > ?1")?;
            let mut rows = stmt.query([seq])?;
            let (mut accounts, mut contacts) = (Vec::new(), Vec::new());
            while let Some(r) = rows.next()? {
                match r.get::<_, i64>(0)? {
                    0 => accounts.push(r.get(1)?),
                    _ => contacts.push(r.get(1)?),
                }
            }
            for ids in [&mut accounts, &mut contacts] {
                ids.sort_unstable();
                ids.dedup();
            }
            Ok(Some((stamp, accounts, contacts)))
        };
        let result = read();
        if own {
            conn.execute_batch("COMMIT")?;
        }
        result
    }

    /// Calls `f` with the searchable row of each account in `accounts`, then
    /// of each contact in `contacts` (ids in order), or says it is gone.
    pub fn search_rows(&self, accounts: &[i64], contacts: &[i64], f: &mut dyn FnMut(SearchRow<'_>)) -> Result<()> {
        let mut stmt = self.conn().prepare_cached(&format!("{ACCOUNTS} WHERE id = ?1"))?;
        for &id in accounts {
            let mut rows = stmt.query([id])?;
            match rows.next()? {
                Some(r) => f(account_row(r)?),
                None => f(SearchRow::GoneAccount { id }),
            }
        }
        let mut stmt = self.conn().prepare_cached(&format!("{CONTACTS} WHERE id = ?1"))?;
        for &id in contacts {
            let mut rows = stmt.query([id])?;
            match rows.next()? {
                Some(r) => f(contact_row(r)?),
                None => f(SearchRow::GoneContact { id }),
            }
        }
        Ok(())
    }
}

impl Store {
    /// The portfolio row of each found account, in the order given (deleted
    /// ones left out): one indexed read each, open conflicts counted through
    /// their partial index, so a lookup's few hits cost little.
    pub fn found_rows(&self, ids: &[i64]) -> Result<Vec<super::AccountRow>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT a.id, a.name, a.sector, a.tier, a.status, a.owner_id, r.name, a.annual_value,
                    a.last_touch_at, a.renewal_date,
                    (SELECT count(*) FROM conflicts c
                     WHERE c.account_id = a.id AND c.status <> 'resolved' AND c.deleted_at IS NULL)
             FROM accounts a LEFT JOIN reps r ON r.id = a.owner_id
             WHERE a.id = ?1 AND a.deleted_at IS NULL",
        )?;
        let mut found = Vec::with_capacity(ids.len());
        for &id in ids {
            let row = stmt.query_row([id], super::accounts::account_row).optional()?;
            found.extend(row);
        }
        Ok(found)
    }
}
