//! The only place with SQL. `Store` owns one connection to one rapport file;
//! each entity has a module with typed functions.

mod accounts;
mod activities;
mod bulk;
mod changes;
mod conflicts;
mod contacts;
mod deals;
mod history;
mod info;
pub mod migrations;
mod open;
pub mod record;
mod reps;
mod search;
mod sql_types;
mod targets;
mod workflows;

pub use accounts::{Account, AccountFilter, AccountRow, AccountSort};
pub use activities::{Activity, FollowUp, TimelineItem};
pub use changes::{Change, ChangeOp, Entity};
pub use conflicts::{Conflict, ConflictRow};
pub use contacts::Contact;
pub use deals::{Deal, WonByQuarter};
pub use history::Undone;
pub use info::{DbInfo, Problem};
pub use open::{OpenMode, OpenReport};
pub use record::{Meta, Record};
pub use reps::{Rep, RepRow};
pub use search::SearchRow;
pub use targets::Target;
pub use workflows::LogEntry;

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

    pub fn today(self) -> NaiveDate {
        self.now().date_naive()
    }
}

pub use crate::domain::time::timestamp;

pub struct Store {
    conn: Connection,
    path: PathBuf,
    clock: Clock,
    /// Identifies this process's changes in the change log, for undo.
    session: String,
    /// Depth of nested `write` calls; inner ones use savepoints.
    depth: Cell<u32>,
    /// The change-log batch of the running write: one user action, one undo step.
    batch: Cell<Option<i64>>,
    /// Whether writes now are an undo or redo of another batch.
    replay: Cell<history::Replay>,
    /// Where phone numbers of accounts without a country are read (config).
    default_region: Cell<Option<crate::domain::phone::Region>>,
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
            session: uuid::Uuid::now_v7().to_string(),
            depth: Cell::new(0),
            batch: Cell::new(None),
            replay: Cell::new(history::Replay::None),
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
        let reader = Store::wrap(conn, self.path.clone(), self.clock);
        reader.set_default_region(self.default_region());
        Ok(reader)
    }

    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn clock(&self) -> Clock {
        self.clock
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
        let (begin, commit, rollback) = if depth == 0 {
            ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")
        } else {
            ("SAVEPOINT nested", "RELEASE nested", "ROLLBACK TO nested; RELEASE nested")
        };
        self.conn.execute_batch(begin).context("could not start a write")?;
        if depth == 0 {
            self.batch.set(None);
        }
        self.depth.set(depth + 1);
        let result = f(self);
        self.depth.set(depth);
        match result {
            Ok(v) => {
                self.conn.execute_batch(commit).context("could not commit the write")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch(rollback);
                Err(e)
            }
        }
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

    pub fn fiscal_calendar(&self) -> Result<crate::domain::FiscalCalendar> {
        let start = self
            .setting("fiscal_start_month")?
            .and_then(|v| v.parse::<u32>().ok())
            .filter(|m| (1..=12).contains(m))
            .unwrap_or(1);
        Ok(crate::domain::FiscalCalendar { start_month: start })
    }

    /// The database's data version: changes when another connection commits.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }
}

/// A new stable global id.
pub(crate) fn new_uid() -> String {
    uuid::Uuid::now_v7().to_string()
}
