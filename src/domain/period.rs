//! Reporting periods: `2026` (fiscal year), `2026Q3` (fiscal quarter), `2026-11` (month).

use chrono::NaiveDate;
use std::fmt;

/// When the fiscal year starts. A fiscal year is named after the calendar
/// year in which it ends (start month 7: FY2026 runs 2025-07-01..2026-06-30).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiscalCalendar {
    pub start_month: u32,
}

impl Default for FiscalCalendar {
    fn default() -> Self {
        FiscalCalendar { start_month: 1 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Year(i32),
    Quarter(i32, u8),
    Month(i32, u8),
}

impl Period {
    pub fn parse(s: &str) -> Result<Period, String> {
        let _ = s;
        Err("not yet".into())
    }

    /// First day of the period.
    pub fn start(self, cal: FiscalCalendar) -> NaiveDate {
        let _ = cal;
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
    }

    /// First day after the period.
    pub fn end(self, cal: FiscalCalendar) -> NaiveDate {
        let _ = cal;
        NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
    }

    pub fn contains(self, cal: FiscalCalendar, date: NaiveDate) -> bool {
        self.start(cal) <= date && date < self.end(cal)
    }

    /// The fiscal quarter holding `date`.
    pub fn quarter_of(cal: FiscalCalendar, date: NaiveDate) -> Period {
        let _ = (cal, date);
        Period::Quarter(2026, 1)
    }

    /// The fiscal year holding `date`.
    pub fn year_of(cal: FiscalCalendar, date: NaiveDate) -> Period {
        let _ = (cal, date);
        Period::Year(2026)
    }

    pub fn next(self) -> Period {
        self
    }

    pub fn prev(self) -> Period {
        self
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}

impl std::str::FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> Result<Period, String> {
        Period::parse(s)
    }
}
