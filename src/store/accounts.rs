//! Accounts: the companies in the book of business.

use super::record::{columns, Meta, Record};
use super::{Entity, Store};
use crate::domain::rules::{self, Refusal, Rule};
use crate::domain::{sanitize, AccountStatus, Money, Tier};
use anyhow::{bail, Result};
use chrono::NaiveDate;
use compact_str::CompactString;
use rusqlite::{params, Row};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Account {
    #[serde(flatten)]
    pub meta: Meta,
    pub name: String,
    pub sector: Option<String>,
    pub tier: Tier,
    pub status: AccountStatus,
    pub owner_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub annual_value: Money,
    pub renewal_date: Option<NaiveDate>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub notes: Option<String>,
    /// Kept by the database from the timeline; never written directly.
    #[serde(default)]
    pub last_touch_at: Option<String>,
}

impl Record for Account {
    const ENTITY: Entity = Entity::Account;
    const TABLE: &'static str = "accounts";
    const DEPENDENTS: &'static [(&'static str, &'static str)] = &[
        ("contacts", "SELECT count(*) FROM contacts WHERE account_id = ?1 AND deleted_at IS NULL"),
        ("deals", "SELECT count(*) FROM deals WHERE account_id = ?1 AND deleted_at IS NULL"),
        ("conflicts", "SELECT count(*) FROM conflicts WHERE account_id = ?1 AND deleted_at IS NULL"),
        ("activities", "SELECT count(*) FROM activities WHERE account_id = ?1 AND deleted_at IS NULL"),
        ("subsidiaries", "SELECT count(*) FROM accounts WHERE parent_id = ?1 AND deleted_at IS NULL"),
        ("targets", "SELECT count(*) FROM targets WHERE account_id = ?1 AND deleted_at IS NULL"),
    ];
    columns! {
        name,
        sector,
        tier,
        status,
        owner_id,
        parent_id,
        annual_value,
        renewal_date,
        website,
        phone,
        city,
        country,
        notes;
        // Kept by the database from the timeline.
        read: last_touch_at,
    }
    fn prepare(&mut self) -> Result<()> {
        self.name = self.name.trim().to_string();
        if self.name.is_empty() {
            bail!("an account needs a name");
        }
        if self.annual_value.cents() < 0 {
            bail!("annual value of {} cannot be negative", self.name);
        }
        Ok(())
    }
    fn after_update(&self, store: &Store) -> Result<()> {
        // Its contacts' numbers are read in its country's region.
        store.refresh_phones_of(self.meta.id)
    }
    fn describe(&self) -> String {
        format!("account {}", self.name)
    }
    fn check(&self, store: &Store, before: Option<&Self>) -> Result<()> {
        let id = self.meta.id;
        if store.refuses_duplicates() && before.is_none_or(|b| b.name != self.name) {
            if let Some(other) = store.account_named(&self.name, id)? {
                return Err(rules::duplicate("name", "an account", &self.name, other).into());
            }
        }
        if let Some(parent) = self.parent_id.filter(|_| before.is_none_or(|b| b.parent_id != self.parent_id)) {
            if parent == id {
                return Err(Refusal::new("parent", Rule::Cycle, "an account cannot be its own parent").into());
            }
            // No account may end up above itself.
            if id != 0 && rules::reaches(parent, id, |a| store.account_parent(a))? {
                let above = store.get_any::<Account>(parent)?.map(|p| p.name).unwrap_or_default();
                return Err(Refusal::new(
                    "parent",
                    Rule::Cycle,
                    format!(
                        "{} belongs under {} already, so it cannot be its parent",
                        sanitize::line(&above),
                        sanitize::line(&self.name)
                    ),
                )
                .into());
            }
        }
        Ok(())
    }
}

/// An account as the portfolio and lookups show it: compact, one query for
/// all. The portfolio keeps 100,000 of them, so the text many share (sector,
/// owner) is held once for all of them, and the last touch (20 bytes) inline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: i64,
    pub name: String,
    pub sector: Option<Arc<str>>,
    pub tier: Tier,
    pub status: AccountStatus,
    pub owner_id: Option<i64>,
    pub owner: Option<Arc<str>>,
    pub annual_value: Money,
    pub last_touch_at: Option<CompactString>,
    pub renewal_date: Option<NaiveDate>,
    pub open_conflicts: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccountSort {
    #[default]
    Name,
    ValueDesc,
    Renewal,
    LastTouch,
    Owner,
    Conflicts,
}

impl AccountSort {
    pub const ALL: [AccountSort; 6] = [
        AccountSort::Name,
        AccountSort::ValueDesc,
        AccountSort::Renewal,
        AccountSort::LastTouch,
        AccountSort::Owner,
        AccountSort::Conflicts,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AccountSort::Name => "name",
            AccountSort::ValueDesc => "value",
            AccountSort::Renewal => "renewal",
            AccountSort::LastTouch => "stalest",
            AccountSort::Owner => "owner",
            AccountSort::Conflicts => "conflicts",
        }
    }

    /// Sorts rows in place; ties fall back to the name so the order is stable.
    pub fn apply(self, rows: &mut [AccountRow]) {
        // Case-insensitive without allocating: sorting 100,000 rows stays fast.
        fn name(a: &AccountRow, b: &AccountRow) -> std::cmp::Ordering {
            a.name
                .bytes()
                .map(|c| c.to_ascii_lowercase())
                .cmp(b.name.bytes().map(|c| c.to_ascii_lowercase()))
                .then(a.id.cmp(&b.id))
        }
        match self {
            AccountSort::Name => rows.sort_by_cached_key(|r| (r.name.to_ascii_lowercase(), r.id)),
            AccountSort::ValueDesc => rows.sort_by(|a, b| b.annual_value.cmp(&a.annual_value).then_with(|| name(a, b))),
            // Accounts without a renewal date go last.
            AccountSort::Renewal => rows.sort_by(|a, b| {
                (a.renewal_date.is_none(), a.renewal_date)
                    .cmp(&(b.renewal_date.is_none(), b.renewal_date))
                    .then_with(|| name(a, b))
            }),
            // Never-touched first, then the longest untouched.
            AccountSort::LastTouch => {
                rows.sort_by(|a, b| a.last_touch_at.cmp(&b.last_touch_at).then_with(|| name(a, b)))
            }
            AccountSort::Owner => rows.sort_by(|a, b| a.owner.cmp(&b.owner).then_with(|| name(a, b))),
            AccountSort::Conflicts => {
                rows.sort_by(|a, b| b.open_conflicts.cmp(&a.open_conflicts).then_with(|| name(a, b)))
            }
        }
    }
}

/// Which accounts a list shows. `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountFilter {
    pub owner_id: Option<i64>,
    /// Any of these owners ("my team").
    pub owners: Option<Vec<i64>>,
    pub tier: Option<Tier>,
    pub status: Option<AccountStatus>,
}

impl AccountFilter {
    pub fn matches(&self, row: &AccountRow) -> bool {
        self.owner_id.is_none_or(|o| row.owner_id == Some(o))
            && self.owners.as_ref().is_none_or(|ids| row.owner_id.is_some_and(|o| ids.contains(&o)))
            && self.tier.is_none_or(|t| row.tier == t)
            && self.status.is_none_or(|s| row.status == s)
    }

    pub fn is_empty(&self) -> bool {
        *self == AccountFilter::default()
    }
}

const ROW_SELECT: &str = "
    SELECT a.id, a.name, a.sector, a.tier, a.status, a.owner_id, r.name, a.annual_value,
           a.last_touch_at, a.renewal_date, coalesce(oc.n, 0)
    FROM accounts a
    LEFT JOIN reps r ON r.id = a.owner_id
    LEFT JOIN (SELECT account_id, count(*) AS n FROM conflicts
               WHERE status <> 'resolved' AND deleted_at IS NULL GROUP BY account_id) oc ON oc.account_id = a.id
    WHERE a.deleted_at IS NULL";

/// `ROW_SELECT` for a few rows: each one's open conflicts counted through
/// their partial index, not every account's counted first (5 ms on a large book).
const FEW_ROWS_SELECT: &str = "
    SELECT a.id, a.name, a.sector, a.tier, a.status, a.owner_id, r.name, a.annual_value,
           a.last_touch_at, a.renewal_date,
           (SELECT count(*) FROM conflicts c
            WHERE c.account_id = a.id AND c.status <> 'resolved' AND c.deleted_at IS NULL)
    FROM accounts a
    LEFT JOIN reps r ON r.id = a.owner_id
    WHERE a.deleted_at IS NULL";

/// Text that many rows share (sectors, owners), held once.
#[derive(Default)]
pub(super) struct Shared(HashMap<Box<str>, Arc<str>>);

impl Shared {
    fn get(&mut self, text: Option<&str>) -> Option<Arc<str>> {
        let text = text?;
        if let Some(held) = self.0.get(text) {
            return Some(held.clone());
        }
        let held: Arc<str> = Arc::from(text);
        self.0.insert(text.into(), held.clone());
        Some(held)
    }
}

/// An `AccountRow` from a query whose eleven columns are `ROW_SELECT`'s.
pub(super) fn account_row(r: &Row<'_>) -> rusqlite::Result<AccountRow> {
    account_row_sharing(r, &mut Shared::default())
}

/// `account_row`, with the sector and owner held once across the rows read.
pub(super) fn account_row_sharing(r: &Row<'_>, shared: &mut Shared) -> rusqlite::Result<AccountRow> {
    Ok(AccountRow {
        id: r.get(0)?,
        name: r.get(1)?,
        sector: shared.get(r.get_ref(2)?.as_str_or_null()?),
        tier: r.get(3)?,
        status: r.get(4)?,
        owner_id: r.get(5)?,
        owner: shared.get(r.get_ref(6)?.as_str_or_null()?),
        annual_value: r.get(7)?,
        last_touch_at: r.get_ref(8)?.as_str_or_null()?.map(CompactString::new),
        renewal_date: r.get(9)?,
        open_conflicts: r.get(10)?,
    })
}

impl Store {
    /// Every live account as a compact row, by name. The portfolio keeps
    /// these in memory and sorts and filters them there.
    pub fn account_rows(&self) -> Result<Vec<AccountRow>> {
        // Read in table order (sequential on disk) and sorted here: faster
        // than walking the name index into 100,000 scattered rows.
        let mut stmt = self.conn().prepare_cached(ROW_SELECT)?;
        let mut shared = Shared::default();
        let mut rows = Vec::with_capacity(self.account_count_estimate()?);
        let mut query = stmt.query([])?;
        while let Some(r) = query.next()? {
            rows.push(account_row_sharing(r, &mut shared)?);
        }
        // Kept as long as the cockpit runs: no room to spare.
        rows.shrink_to_fit();
        AccountSort::Name.apply(&mut rows);
        Ok(rows)
    }

    /// The first `limit` accounts by name, through the name index: what the
    /// portfolio shows before the rest has loaded.
    pub fn account_rows_first(&self, limit: usize) -> Result<Vec<AccountRow>> {
        let sql = format!("{FEW_ROWS_SELECT} ORDER BY a.name COLLATE NOCASE, a.id LIMIT ?1");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([limit as i64], account_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Accounts that are not churned and renew from `from` to `until`
    /// (both included), the soonest first.
    pub fn renewals_between(&self, from: NaiveDate, until: NaiveDate) -> Result<Vec<AccountRow>> {
        let sql = format!(
            "{ROW_SELECT} AND a.status <> 'churned' AND a.renewal_date BETWEEN ?1 AND ?2
             ORDER BY a.renewal_date, a.name COLLATE NOCASE, a.id"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![from, until], account_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many accounts there are, deleted ones included: counted through
    /// the smallest index, where counting the live ones reads the whole table.
    pub fn account_count_estimate(&self) -> Result<usize> {
        Ok(self.conn().prepare_cached("SELECT count(*) FROM accounts")?.query_row([], |r| r.get::<_, i64>(0))? as usize)
    }

    /// How many live accounts there are.
    pub fn account_count(&self) -> Result<usize> {
        Ok(self
            .conn()
            .prepare_cached("SELECT count(*) FROM accounts WHERE deleted_at IS NULL")?
            .query_row([], |r| r.get::<_, i64>(0))? as usize)
    }

    /// One account's row, after a change to it.
    pub fn account_row(&self, id: i64) -> Result<Option<AccountRow>> {
        use rusqlite::OptionalExtension;
        let sql = format!("{FEW_ROWS_SELECT} AND a.id = ?1");
        Ok(self.conn().prepare_cached(&sql)?.query_row([id], account_row).optional()?)
    }

    /// Every live account's (id, name, owner's name), in id order: what the
    /// command line resolves a typed account name against.
    pub fn account_names(&self) -> Result<Vec<(i64, String, Option<String>)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT a.id, a.name, r.name FROM accounts a LEFT JOIN reps r ON r.id = a.owner_id
             WHERE a.deleted_at IS NULL ORDER BY a.id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Another live account (not `except`) with this name, case and spacing aside.
    pub fn account_named(&self, name: &str, except: i64) -> Result<Option<i64>> {
        let mut stmt =
            self.conn().prepare_cached("SELECT id, name FROM accounts WHERE deleted_at IS NULL AND id <> ?1")?;
        let mut rows = stmt.query([except])?;
        while let Some(r) = rows.next()? {
            if rules::same_name(r.get_ref(1)?.as_str()?, name) {
                return Ok(Some(r.get(0)?));
            }
        }
        Ok(None)
    }

    /// The parent of a live account.
    fn account_parent(&self, id: i64) -> Result<Option<i64>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .prepare_cached("SELECT parent_id FROM accounts WHERE id = ?1 AND deleted_at IS NULL")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .flatten())
    }

    /// Live accounts whose parent is `id`.
    pub fn child_accounts(&self, id: i64) -> Result<Vec<(i64, String)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, name FROM accounts WHERE parent_id = ?1 AND deleted_at IS NULL ORDER BY name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
