//! The only place with SQL. `Store` owns one connection to one rapport file;
//! each entity has a module with typed functions.

mod accounts;
mod activities;
mod bulk;
mod cards;
mod cascade;
mod changes;
mod conflicts;
mod contacts;
mod deals;
mod health;
mod history;
pub mod imports;
mod info;
mod links;
mod listing;
mod metrics;
pub mod migrations;
mod open;
pub mod record;
mod reps;
mod search;
mod snapshots;
mod sql_types;
mod status;
pub mod sync;
mod targets;
mod workflows;

pub use accounts::{Account, AccountFilter, AccountRow, AccountSort};
pub use activities::{Activity, FollowUp, TimelineItem};
pub use cards::{ContactCard, OpenFollowUp};
pub use cascade::{Hanging, Holdings};
pub use changes::{BulkRows, Change, ChangeOp, Entity};
pub use conflicts::{Conflict, ConflictRow};
pub use contacts::Contact;
pub use deals::Deal;
pub use health::SuggestionMark;
pub use history::Undone;
pub use info::{DbInfo, Problem};
pub use listing::{list_columns, Cmp, Condition, ListColumn, ListKind, ListQuery, ListRow};
pub use open::{OpenMode, OpenReport};
pub use record::{Meta, Record};
pub use reps::{Rep, RepRow};
pub use search::SearchRow;
pub use snapshots::{ForecastSnapshot, SNAPSHOT_SESSION};
pub use targets::Target;
pub use workflows::{default_follow_up_text, LogEntry};

use crate::domain::time::Zone;
use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use std::cell::Cell;
use std::path::{Path, PathBuf};

/// Where "now" comes from: the system clock, or a fixed instant in tests.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => t,
        }
    }
}

/// The store's clock seen from the user's time zone: the one place "now" and
/// "today" come from. Instants stay UTC; "today" is the local day.
#[derive(Debug, Clone, Copy)]
pub struct LocalClock {
    pub source: Clock,
    pub zone: Zone,
}

impl LocalClock {
    pub fn now(self) -> DateTime<Utc> {
        self.source.now()
    }

    /// The day it is now where the user is.
    pub fn today(self) -> NaiveDate {
        crate::domain::time::today_in(self.now(), self.zone)
    }

    pub fn zone(self) -> Zone {
        self.zone
    }
}

pub use crate::domain::time::timestamp;

pub struct Store {
    conn: Connection,
    path: PathBuf,
    clock: Clock,
    /// The user's time zone, in which days begin and times are read and shown.
    zone: Zone,
    /// Identifies this process's changes in the change log, for undo.
    session: String,
    /// Depth of nested `write` calls; inner ones use savepoints.
    depth: Cell<u32>,
    /// The change-log batch of the running write: one user action, one undo step.
    batch: Cell<Option<i64>>,
    /// Whether writes now are an undo or redo of another batch.
    replay: Cell<history::Replay>,
    /// Whether a person asked for a name that another record has already.
    allow_duplicate: Cell<bool>,
    /// Held by a read-only store that reads a closed WAL file directly (see `open.rs`).
    read_lock: Option<std::fs::File>,
    /// A private copy read in place of a file whose log lost its index (see `open.rs`).
    scratch: Option<tempfile::TempDir>,
    /// What the config file says, which wins over the database's settings.
    prefs: Prefs,
    /// Where phone numbers of accounts without a country are read (config).
    default_region: Cell<Option<crate::domain::phone::Region>>,
}

/// The user's choices from the config file that the data is read with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prefs {
    /// The rep the user is (`me = "NAME"`).
    pub me: Option<String>,
    /// The fiscal year's first month, 1 to 12.
    pub fiscal_year_start: Option<u32>,
    /// When conflict SLAs count; calendar hours without it.
    pub business_hours: Option<crate::domain::sla::BusinessHours>,
    /// Cadences, weights and thresholds of account health (`[health]`).
    pub health: crate::domain::health::HealthConfig,
}

impl Store {
    /// Opens (or with `OpenMode::Create`, creates) a rapport database and
    /// brings its schema up to date. See `open.rs` for the checks made first.
    pub fn open(path: &Path, mode: OpenMode) -> Result<(Store, OpenReport)> {
        open::open(path, mode)
    }

    /// A fresh database in memory, for tests.
    pub fn in_memory(clock: Clock) -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        open::configure(&conn)?;
        migrations::migrate(&conn)?;
        Ok(Store::wrap(conn, PathBuf::from(":memory:"), clock))
    }

    fn wrap(conn: Connection, path: PathBuf, clock: Clock) -> Store {
        Store {
            conn,
            path,
            clock,
            zone: chrono_tz::UTC,
            session: uuid::Uuid::now_v7().to_string(),
            depth: Cell::new(0),
            batch: Cell::new(None),
            replay: Cell::new(history::Replay::None),
            allow_duplicate: Cell::new(false),
            read_lock: None,
            scratch: None,
            prefs: Prefs::default(),
            default_region: Cell::new(None),
        }
    }

    /// A second, read-only connection to the same file, for work on another
    /// thread (an in-memory store has no file to share and says so).
    pub fn reader(&self) -> Result<Store> {
        if self.path.as_os_str() == ":memory:" {
            anyhow::bail!("an in-memory database has no second connection");
        }
        let conn = Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let reader =
            Store::wrap(conn, self.path.clone(), self.clock).with_prefs(self.prefs.clone()).with_zone(self.zone);
        reader.set_default_region(self.default_region());
        Ok(reader)
    }

    /// Reads with the config file's choices over the database's settings.
    pub fn with_prefs(mut self, prefs: Prefs) -> Store {
        self.prefs = prefs;
        self
    }

    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    /// Sets the clock in place: a test moves a long-lived cockpit's time on.
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    pub fn with_zone(mut self, zone: Zone) -> Store {
        self.zone = zone;
        self
    }

    /// Sets the user's time zone (from the config, `TZ` or the system; UTC until then).
    pub fn set_zone(&mut self, zone: Zone) {
        self.zone = zone;
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn clock(&self) -> LocalClock {
        LocalClock { source: self.clock, zone: self.zone }
    }

    /// The region phone numbers are read in when their account has no country.
    pub fn default_region(&self) -> Option<crate::domain::phone::Region> {
        self.default_region.get()
    }

    /// Sets it for this connection only; `use_default_region` also brings
    /// stored numbers in line.
    pub fn set_default_region(&self, region: Option<crate::domain::phone::Region>) {
        self.default_region.set(region);
    }

    pub fn session(&self) -> &str {
        &self.session
    }

    /// Names whose changes `undo` takes back: the cockpit keeps one per
    /// window; the command line shares one, so `rapport undo` follows `rapport log`.
    pub fn set_session(&mut self, session: &str) {
        self.session = session.to_string();
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn now_text(&self) -> String {
        timestamp(self.clock.now())
    }

    /// Runs `f` inside one writing transaction (`BEGIN IMMEDIATE`, so two
    /// writers queue on the busy timeout instead of failing mid-way). Nested
    /// calls become savepoints, so a caller can group many writes into one.
    pub fn write<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        let depth = self.depth.get();
        let (begin, commit) =
            if depth == 0 { ("BEGIN IMMEDIATE", "COMMIT") } else { ("SAVEPOINT nested", "RELEASE nested") };
        self.conn.execute_batch(begin).context("could not start a write")?;
        if depth == 0 {
            self.batch.set(None);
        }
        // Rolls back and restores the depth on every way out that is not a
        // commit, a panic in `f` included.
        let guard = WriteGuard { store: self, depth };
        self.depth.set(depth + 1);
        let value = f(self)?;
        self.depth.set(depth);
        if let Err(e) = self.conn.execute_batch(commit) {
            // A failed COMMIT (a deferred constraint, a full disk) can leave
            // the transaction open; the guard ends it.
            drop(guard);
            return Err(anyhow::Error::new(e).context("could not commit the write; nothing was saved"));
        }
        std::mem::forget(guard);
        Ok(value)
    }

    /// Runs `f` with the duplicate-name rule lifted when `allow` is set:
    /// the explicit escape (`--allow-duplicate`) for a second record of the
    /// same name. Every other rule still holds.
    pub fn allowing_duplicates<T>(&self, allow: bool, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        let before = self.allow_duplicate.replace(allow);
        let result = f(self);
        self.allow_duplicate.set(before);
        result
    }

    /// Whether the duplicate-name rule holds now.
    pub(crate) fn refuses_duplicates(&self) -> bool {
        !self.allow_duplicate.get() && self.checks_rules()
    }

    /// Rules hold for what a person does, not for an undo or redo, which
    /// puts back a state that was valid when it was written.
    pub(crate) fn checks_rules(&self) -> bool {
        self.replay.get() == history::Replay::None
    }

    /// A value from the settings table.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self.conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.write(|s| {
            s.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )?;
            Ok(())
        })
    }

    /// The book's currency (the `currency` setting; USD in a new book). A
    /// value that is no ISO 4217 code, written by other means, reads as USD.
    pub fn currency(&self) -> Result<crate::domain::Currency> {
        Ok(self.setting("currency")?.and_then(|c| crate::domain::Currency::parse(&c).ok()).unwrap_or_default())
    }

    /// The one answer to when the fiscal year starts: the config file's
    /// `fiscal_year_start`, else the database's `fiscal_start_month`, else January.
    pub fn fiscal_calendar(&self) -> Result<crate::domain::FiscalCalendar> {
        let start = match self.prefs.fiscal_year_start {
            Some(m) => Some(m).filter(|m| (1..=12).contains(m)).unwrap_or(1),
            None => self.book_fiscal_month()?,
        };
        Ok(crate::domain::FiscalCalendar { start_month: start })
    }

    /// The database's own `fiscal_start_month`, for everyone on the book:
    /// January when it is not set or no month.
    pub fn book_fiscal_month(&self) -> Result<u32> {
        let month = self.setting("fiscal_start_month")?.and_then(|v| v.parse::<u32>().ok());
        Ok(month.filter(|m| (1..=12).contains(m)).unwrap_or(1))
    }

    /// The hours conflict SLAs are counted in (none: calendar hours).
    pub fn business_hours(&self) -> Option<&crate::domain::sla::BusinessHours> {
        self.prefs.business_hours.as_ref()
    }

    /// What account health and suggestions are measured with.
    pub fn health_config(&self) -> &crate::domain::health::HealthConfig {
        &self.prefs.health
    }

    /// Who the user is: the config file's `me`, else the database's `me`
    /// setting (the demo names its manager there).
    pub fn me(&self) -> Result<Option<String>> {
        match &self.prefs.me {
            Some(me) => Ok(Some(me.clone())),
            None => Ok(self.setting("me")?.filter(|m| !m.trim().is_empty())),
        }
    }

    /// The database's data version: changes when another connection commits.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }
}

/// Ends an unfinished `write`: rolls back what it started and puts the
/// nesting depth back, so the connection is usable again.
struct WriteGuard<'a> {
    store: &'a Store,
    depth: u32,
}

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        let conn = &self.store.conn;
        if self.depth == 0 {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
        } else {
            let _ = conn.execute_batch("ROLLBACK TO nested; RELEASE nested");
        }
        self.store.depth.set(self.depth);
    }
}

/// A new stable global id.
pub(crate) fn new_uid() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod write_tests;
