//! Reporting periods: `2026` (fiscal year), `2026Q3` (fiscal quarter), `2026-11` (month).
//!
//! Years and quarters follow the [`FiscalCalendar`]; months are plain
//! calendar months. Every period is a half-open range of days
//! `start..end`, so consecutive periods share a boundary and never overlap.

use chrono::{Datelike, NaiveDate};
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

impl FiscalCalendar {
    /// A calendar whose fiscal year starts on the first of `start_month` (1..=12).
    pub fn new(start_month: u32) -> Result<FiscalCalendar, String> {
        if (1..=12).contains(&start_month) {
            Ok(FiscalCalendar { start_month })
        } else {
            Err(format!("the fiscal year must start in month 1 to 12, not {start_month}"))
        }
    }

    /// The start month, with an out-of-range value (the field is public)
    /// pulled into 1..=12 rather than panicking.
    fn first_month(self) -> i64 {
        i64::from(self.start_month.clamp(1, 12))
    }

    /// Months from January of calendar year Y to the first month of FY Y.
    /// 0 when the year starts in January, otherwise negative: FY Y starts in
    /// calendar year Y - 1.
    fn offset(self) -> i64 {
        match self.first_month() {
            1 => 0,
            m => m - 13,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Year(i32),
    Quarter(i32, u8),
    Month(i32, u8),
}

const MONTH_ABBR: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The earliest and latest year `parse` accepts.
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 9999;

/// Months since January of year 0 (month `m` is 1-based).
fn month_index(year: i32, month: i64) -> i64 {
    i64::from(year) * 12 + month - 1
}

fn month_index_of(date: NaiveDate) -> i64 {
    month_index(date.year(), i64::from(date.month()))
}

/// The first day of the month with this index, clamped to the dates chrono
/// can represent.
fn first_of_month(index: i64) -> NaiveDate {
    let year = index.div_euclid(12);
    let month = index.rem_euclid(12) as u32 + 1;
    i32::try_from(year).ok().and_then(|y| NaiveDate::from_ymd_opt(y, month, 1)).unwrap_or(if index < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

/// The quarter or month at `index`, counted from the first of year 0 in units
/// of `per_year` a year, or `None` when its year leaves the i32 range.
fn from_index(index: i64, per_year: i64, make: fn(i32, u8) -> Period) -> Option<Period> {
    let year = i32::try_from(index.div_euclid(per_year)).ok()?;
    Some(make(year, index.rem_euclid(per_year) as u8 + 1))
}

impl Period {
    /// Parses `2026` or `FY2026` (fiscal year), `2026Q3`, `2026q3`, `2026-Q3`,
    /// `FY2026Q3` or `Q3 FY2026` (fiscal quarter) and `2026-11` (calendar
    /// month). Years must lie in 1900..=9999.
    pub fn parse(s: &str) -> Result<Period, String> {
        let text = s.trim();
        let quoted = crate::domain::limits::preview(text);
        let fail = |why: &str| {
            let expected = "expected a fiscal year (2026 or FY2026), a fiscal quarter (2026Q3) \
                            or a calendar month (2026-11)";
            if why.is_empty() {
                Err(format!("'{quoted}' is not a period: {expected}"))
            } else {
                Err(format!("'{quoted}' is not a period: {why}; {expected}"))
            }
        };
        if text.is_empty() {
            return fail("it is empty");
        }
        let upper = text.to_ascii_uppercase();

        // "Q3 2026", "Q3 FY2026".
        if let Some(rest) = upper.strip_prefix('Q') {
            let Some((quarter, year)) = rest.split_once([' ', '-']) else {
                return fail("");
            };
            let year = year.trim_start();
            let year = year.strip_prefix("FY").map(str::trim_start).unwrap_or(year);
            let year = match parse_year(year) {
                Ok(y) => y,
                Err(why) => return fail(why),
            };
            return match parse_quarter(quarter) {
                Ok(q) => Ok(Period::Quarter(year, q)),
                Err(why) => fail(why),
            };
        }

        let (fiscal, rest) = match upper.strip_prefix("FY") {
            Some(rest) => (true, rest.trim_start()),
            None => (false, upper.as_str()),
        };
        let (year, rest) = match rest.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
            Some((i, _)) => rest.split_at(i),
            None => (rest, ""),
        };
        let year = match parse_year(year) {
            Ok(y) => y,
            Err(why) => return fail(why),
        };
        if rest.is_empty() {
            return Ok(Period::Year(year));
        }
        let quarter = rest.strip_prefix('Q').or_else(|| rest.strip_prefix("-Q")).or_else(|| rest.strip_prefix(" Q"));
        if let Some(quarter) = quarter {
            return match parse_quarter(quarter) {
                Ok(q) => Ok(Period::Quarter(year, q)),
                Err(why) => fail(why),
            };
        }
        if let Some(month) = rest.strip_prefix('-') {
            if fiscal {
                return fail("months are calendar months, so they take no FY");
            }
            if month.is_empty() || month.len() > 2 || !month.bytes().all(|b| b.is_ascii_digit()) {
                return fail("a month is one or two digits");
            }
            return match month.parse::<u8>() {
                Ok(m @ 1..=12) => Ok(Period::Month(year, m)),
                _ => fail("months run from 01 to 12"),
            };
        }
        fail("")
    }

    /// First day of the period.
    pub fn start(self, cal: FiscalCalendar) -> NaiveDate {
        first_of_month(self.first_month_index(cal))
    }

    /// First day after the period.
    pub fn end(self, cal: FiscalCalendar) -> NaiveDate {
        first_of_month(self.first_month_index(cal) + self.len_months())
    }

    pub fn contains(self, cal: FiscalCalendar, date: NaiveDate) -> bool {
        self.start(cal) <= date && date < self.end(cal)
    }

    /// Index (months since January of year 0) of the first month.
    fn first_month_index(self, cal: FiscalCalendar) -> i64 {
        match self {
            Period::Year(y) => month_index(y, 1) + cal.offset(),
            Period::Quarter(y, q) => month_index(y, 1) + cal.offset() + 3 * (i64::from(q) - 1),
            Period::Month(y, m) => month_index(y, i64::from(m)),
        }
    }

    fn len_months(self) -> i64 {
        match self {
            Period::Year(_) => 12,
            Period::Quarter(..) => 3,
            Period::Month(..) => 1,
        }
    }

    /// Months since the start of fiscal year 0 for `date`.
    fn fiscal_index(cal: FiscalCalendar, date: NaiveDate) -> i64 {
        month_index_of(date) - cal.offset()
    }

    /// The fiscal quarter holding `date`.
    pub fn quarter_of(cal: FiscalCalendar, date: NaiveDate) -> Period {
        let index = Period::fiscal_index(cal, date);
        // A NaiveDate's year is well inside i32, and so is year ± 1.
        let year = index.div_euclid(12) as i32;
        Period::Quarter(year, (index.rem_euclid(12) / 3) as u8 + 1)
    }

    /// The fiscal year holding `date`.
    pub fn year_of(cal: FiscalCalendar, date: NaiveDate) -> Period {
        Period::Year(Period::fiscal_index(cal, date).div_euclid(12) as i32)
    }

    /// The calendar month holding `date`.
    pub fn month_of(date: NaiveDate) -> Period {
        Period::Month(date.year(), date.month() as u8)
    }

    /// The period of the same kind that follows. Out-of-range quarters or
    /// months (`Quarter(2026, 7)`) are first normalised; at the very ends of
    /// the i32 year range the period is returned unchanged.
    pub fn next(self) -> Period {
        self.step(1)
    }

    /// The period of the same kind that precedes; see [`Period::next`].
    pub fn prev(self) -> Period {
        self.step(-1)
    }

    fn step(self, by: i64) -> Period {
        let moved = match self {
            Period::Year(y) => y.checked_add(by as i32).map(Period::Year),
            Period::Quarter(y, q) => from_index(i64::from(y) * 4 + i64::from(q) - 1 + by, 4, Period::Quarter),
            Period::Month(y, m) => from_index(i64::from(y) * 12 + i64::from(m) - 1 + by, 12, Period::Month),
        };
        moved.unwrap_or(self)
    }

    /// The calendar months in the period, in order.
    pub fn months(self, cal: FiscalCalendar) -> Vec<Period> {
        let first = self.first_month_index(cal);
        (first..first + self.len_months()).filter_map(|i| from_index(i, 12, Period::Month)).collect()
    }

    /// How far through the period `today` is, as `(elapsed_days,
    /// total_days)` for pacing. Today counts as elapsed, so the first day
    /// gives `(1, total)` and the last `(total, total)`; before the period
    /// it is `(0, total)` and after it `(total, total)`.
    pub fn fraction_elapsed(self, cal: FiscalCalendar, today: NaiveDate) -> (i64, i64) {
        let start = self.start(cal);
        let total = (self.end(cal) - start).num_days();
        let elapsed = ((today - start).num_days() + 1).clamp(0, total);
        (elapsed, total)
    }

    /// Human text: `FY2026 (Jul 2025–Jun 2026)`, `Q3 FY2026 (Jan–Mar 2026)`,
    /// `November 2026`.
    pub fn label(self, cal: FiscalCalendar) -> String {
        match self {
            Period::Year(y) => format!("FY{y} ({})", self.month_span(cal)),
            Period::Quarter(y, q) => format!("Q{q} FY{y} ({})", self.month_span(cal)),
            Period::Month(..) => {
                let start = self.start(cal);
                format!("{} {}", MONTH_NAMES[start.month0() as usize], start.year())
            }
        }
    }

    /// `Jan–Mar 2026` or `Dec 2025–Feb 2026`.
    fn month_span(self, cal: FiscalCalendar) -> String {
        let first = self.start(cal);
        let last = self.end(cal).pred_opt().unwrap_or(first);
        let (a, b) = (MONTH_ABBR[first.month0() as usize], MONTH_ABBR[last.month0() as usize]);
        if first.year() == last.year() {
            format!("{a}–{b} {}", last.year())
        } else {
            format!("{a} {}–{b} {}", first.year(), last.year())
        }
    }
}

fn parse_year(s: &str) -> Result<i32, &'static str> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err("a year is four digits");
    }
    match s.parse::<i32>() {
        Ok(y) if (MIN_YEAR..=MAX_YEAR).contains(&y) => Ok(y),
        _ => Err("years run from 1900 to 9999"),
    }
}

fn parse_quarter(s: &str) -> Result<u8, &'static str> {
    match s.as_bytes() {
        [d @ b'1'..=b'4'] => Ok(d - b'0'),
        [b'0'..=b'9'] => Err("quarters run from Q1 to Q4"),
        _ => Err("a quarter is Q1, Q2, Q3 or Q4"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal(start_month: u32) -> FiscalCalendar {
        FiscalCalendar::new(start_month).unwrap()
    }

    #[test]
    fn parses_every_written_form() {
        let cases: &[(&str, Period)] = &[
            ("2026", Period::Year(2026)),
            ("FY2026", Period::Year(2026)),
            ("fy2026", Period::Year(2026)),
            ("FY 2026", Period::Year(2026)),
            ("  2026 ", Period::Year(2026)),
            ("2026Q3", Period::Quarter(2026, 3)),
            ("2026q3", Period::Quarter(2026, 3)),
            ("2026-Q3", Period::Quarter(2026, 3)),
            ("2026-q1", Period::Quarter(2026, 1)),
            ("2026 Q4", Period::Quarter(2026, 4)),
            ("FY2026Q2", Period::Quarter(2026, 2)),
            ("Q3 2026", Period::Quarter(2026, 3)),
            ("Q3 FY2026", Period::Quarter(2026, 3)),
            ("q3-fy2026", Period::Quarter(2026, 3)),
            ("2026-11", Period::Month(2026, 11)),
            ("2026-01", Period::Month(2026, 1)),
            ("2026-1", Period::Month(2026, 1)),
            ("1900", Period::Year(1900)),
            ("9999-12", Period::Month(9999, 12)),
        ];
        for (s, p) in cases {
            assert_eq!(Period::parse(s).as_ref(), Ok(p), "{s:?}");
            assert_eq!(s.parse::<Period>().as_ref(), Ok(p), "{s:?}");
        }
    }

    #[test]
    fn refuses_garbage_with_a_reason() {
        let cases: &[(&str, &str)] = &[
            ("", "empty"),
            ("   ", "empty"),
            ("soon", "expected"),
            ("2026Q0", "Q1 to Q4"),
            ("2026Q5", "Q1 to Q4"),
            ("2026Q", "Q1, Q2, Q3 or Q4"),
            ("2026Q12", "Q1, Q2, Q3 or Q4"),
            ("Q5 2026", "Q1 to Q4"),
            ("Q3", "expected"),
            ("2026-00", "01 to 12"),
            ("2026-13", "01 to 12"),
            ("2026-0", "01 to 12"),
            ("2026-", "one or two digits"),
            ("2026-011", "one or two digits"),
            ("2026-1x", "one or two digits"),
            ("FY2026-11", "calendar months"),
            ("1899", "1900 to 9999"),
            ("0000", "1900 to 9999"),
            ("10000", "four digits"),
            ("202", "four digits"),
            ("-2026", "four digits"),
            ("2026/11", "expected"),
            ("2026-11-26", "one or two digits"),
            ("２０２６", "four digits"),
            ("2026Qé", "Q1, Q2, Q3 or Q4"),
            ("FY", "four digits"),
        ];
        for &(s, reason) in cases {
            let err = Period::parse(s).expect_err(s);
            assert!(err.contains(reason), "{s:?}: {err}");
            assert!(err.contains(&format!("'{}'", s.trim())), "{s:?}: {err}");
        }
    }

    #[test]
    fn displays_compactly() {
        assert_eq!(Period::Year(2026).to_string(), "2026");
        assert_eq!(Period::Quarter(2026, 3).to_string(), "2026Q3");
        assert_eq!(Period::Month(2026, 11).to_string(), "2026-11");
        assert_eq!(Period::Month(2026, 2).to_string(), "2026-02");
    }

    #[test]
    fn fiscal_calendar_validates_its_start_month() {
        assert!(FiscalCalendar::new(0).is_err());
        assert!(FiscalCalendar::new(13).is_err());
        assert_eq!(FiscalCalendar::new(7), Ok(FiscalCalendar { start_month: 7 }));
        assert_eq!(FiscalCalendar::default(), cal(1));
        // A bad value written straight into the field is clamped, not a panic.
        let zero = FiscalCalendar { start_month: 0 };
        assert_eq!(Period::Year(2026).start(zero), d(2026, 1, 1));
        let big = FiscalCalendar { start_month: 99 };
        assert_eq!(Period::Year(2026).start(big), d(2025, 12, 1));
    }

    #[test]
    fn fiscal_year_is_named_after_the_year_it_ends() {
        let jul = cal(7);
        assert_eq!(Period::Year(2026).start(jul), d(2025, 7, 1));
        assert_eq!(Period::Year(2026).end(jul), d(2026, 7, 1));
        assert_eq!(Period::Year(2026).start(cal(1)), d(2026, 1, 1));
        assert_eq!(Period::Year(2026).end(cal(1)), d(2027, 1, 1));
        assert_eq!(Period::Year(2026).start(cal(2)), d(2025, 2, 1));
        assert_eq!(Period::Year(2026).start(cal(12)), d(2025, 12, 1));
        assert_eq!(Period::Year(2026).end(cal(12)), d(2026, 12, 1));

        assert_eq!(Period::year_of(jul, d(2025, 6, 30)), Period::Year(2025));
        assert_eq!(Period::year_of(jul, d(2025, 7, 1)), Period::Year(2026));
        assert_eq!(Period::year_of(jul, d(2026, 6, 30)), Period::Year(2026));
        assert_eq!(Period::year_of(cal(1), d(2026, 12, 31)), Period::Year(2026));
        assert_eq!(Period::year_of(cal(12), d(2025, 12, 1)), Period::Year(2026));
        assert_eq!(Period::year_of(cal(12), d(2025, 11, 30)), Period::Year(2025));
    }

    #[test]
    fn quarters_are_fiscal_quarters() {
        let jul = cal(7);
        let q = |n| Period::Quarter(2026, n);
        assert_eq!((q(1).start(jul), q(1).end(jul)), (d(2025, 7, 1), d(2025, 10, 1)));
        assert_eq!((q(2).start(jul), q(2).end(jul)), (d(2025, 10, 1), d(2026, 1, 1)));
        assert_eq!((q(3).start(jul), q(3).end(jul)), (d(2026, 1, 1), d(2026, 4, 1)));
        assert_eq!((q(4).start(jul), q(4).end(jul)), (d(2026, 4, 1), d(2026, 7, 1)));
        assert_eq!((q(3).start(cal(1)), q(3).end(cal(1))), (d(2026, 7, 1), d(2026, 10, 1)));
        assert_eq!((q(1).start(cal(12)), q(1).end(cal(12))), (d(2025, 12, 1), d(2026, 3, 1)));

        assert_eq!(Period::quarter_of(jul, d(2025, 9, 30)), q(1));
        assert_eq!(Period::quarter_of(jul, d(2025, 10, 1)), q(2));
        assert_eq!(Period::quarter_of(jul, d(2026, 6, 30)), q(4));
        assert_eq!(Period::quarter_of(jul, d(2026, 7, 1)), Period::Quarter(2027, 1));
        assert_eq!(Period::quarter_of(cal(1), d(2026, 11, 26)), q(4));
        assert_eq!(Period::quarter_of(cal(12), d(2026, 2, 28)), q(1));
        assert_eq!(Period::quarter_of(cal(12), d(2025, 12, 1)), q(1));
        assert!(q(3).contains(jul, d(2026, 3, 31)));
        assert!(!q(3).contains(jul, d(2026, 4, 1)));
        assert!(!q(3).contains(jul, d(2025, 12, 31)));
    }

    #[test]
    fn months_are_calendar_months() {
        let m = Period::Month(2026, 11);
        for c in [cal(1), cal(7)] {
            assert_eq!(m.start(c), d(2026, 11, 1));
            assert_eq!(m.end(c), d(2026, 12, 1));
        }
        assert_eq!(Period::Month(2026, 12).end(cal(1)), d(2027, 1, 1));
        assert_eq!(Period::Month(2024, 2).fraction_elapsed(cal(1), d(2024, 2, 29)), (29, 29));
        assert_eq!(Period::month_of(d(2026, 11, 26)), m);
        assert!(m.contains(cal(4), d(2026, 11, 30)));
        assert!(!m.contains(cal(4), d(2026, 12, 1)));
    }

    #[test]
    fn months_lists_the_months_in_order() {
        let jul = cal(7);
        let months: Vec<String> = Period::Quarter(2026, 2).months(jul).iter().map(|m| m.to_string()).collect();
        assert_eq!(months, ["2025-10", "2025-11", "2025-12"]);
        let year = Period::Year(2026).months(jul);
        assert_eq!(year.len(), 12);
        assert_eq!(year[0], Period::Month(2025, 7));
        assert_eq!(year[11], Period::Month(2026, 6));
        assert_eq!(Period::Month(2026, 11).months(jul), vec![Period::Month(2026, 11)]);
    }

    #[test]
    fn next_and_prev_roll_over_years() {
        assert_eq!(Period::Year(2026).next(), Period::Year(2027));
        assert_eq!(Period::Year(2026).prev(), Period::Year(2025));
        assert_eq!(Period::Quarter(2026, 4).next(), Period::Quarter(2027, 1));
        assert_eq!(Period::Quarter(2026, 1).prev(), Period::Quarter(2025, 4));
        assert_eq!(Period::Quarter(2026, 2).next(), Period::Quarter(2026, 3));
        assert_eq!(Period::Month(2026, 12).next(), Period::Month(2027, 1));
        assert_eq!(Period::Month(2026, 1).prev(), Period::Month(2025, 12));
        assert_eq!(Period::Month(2026, 5).next(), Period::Month(2026, 6));
    }

    #[test]
    fn out_of_range_values_do_not_panic() {
        for p in [
            Period::Year(i32::MAX),
            Period::Year(i32::MIN),
            Period::Quarter(i32::MAX, 4),
            Period::Quarter(i32::MIN, 1),
            Period::Quarter(2026, 0),
            Period::Quarter(2026, 255),
            Period::Month(i32::MAX, 12),
            Period::Month(i32::MIN, 1),
            Period::Month(2026, 0),
            Period::Month(2026, 255),
        ] {
            for c in [cal(1), cal(7), FiscalCalendar { start_month: u32::MAX }] {
                let _ = (p.start(c), p.end(c), p.months(c), p.label(c), p.to_string());
                let _ = p.fraction_elapsed(c, d(2026, 1, 1));
            }
            let _ = (p.next(), p.prev());
        }
        assert_eq!(Period::Year(i32::MAX).next(), Period::Year(i32::MAX));
        assert_eq!(Period::Quarter(i32::MIN, 1).prev(), Period::Quarter(i32::MIN, 1));
        assert_eq!(Period::Month(i32::MAX, 12).next(), Period::Month(i32::MAX, 12));
        assert_eq!(Period::Quarter(2026, 0).next(), Period::Quarter(2026, 1));
        assert_eq!(Period::Month(2026, 13).prev(), Period::Month(2026, 12));
        let _ = Period::quarter_of(cal(7), NaiveDate::MAX).start(cal(7));
        let _ = Period::quarter_of(cal(7), NaiveDate::MIN).end(cal(7));
        let _ = Period::year_of(cal(7), NaiveDate::MAX);
    }

    #[test]
    fn fraction_elapsed_counts_today() {
        let q1 = Period::Quarter(2026, 1);
        let c = cal(1);
        assert_eq!(q1.fraction_elapsed(c, d(2025, 12, 31)), (0, 90));
        assert_eq!(q1.fraction_elapsed(c, d(2026, 1, 1)), (1, 90));
        assert_eq!(q1.fraction_elapsed(c, d(2026, 2, 14)), (45, 90));
        assert_eq!(q1.fraction_elapsed(c, d(2026, 3, 31)), (90, 90));
        assert_eq!(q1.fraction_elapsed(c, d(2026, 4, 15)), (90, 90));
        assert_eq!(Period::Year(2026).fraction_elapsed(cal(7), d(2025, 7, 1)), (1, 365));
        assert_eq!(Period::Year(2024).fraction_elapsed(c, d(2024, 12, 31)), (366, 366));
    }

    #[test]
    fn labels_read_naturally() {
        assert_eq!(Period::Quarter(2026, 3).label(cal(1)), "Q3 FY2026 (Jul–Sep 2026)");
        assert_eq!(Period::Quarter(2026, 3).label(cal(7)), "Q3 FY2026 (Jan–Mar 2026)");
        assert_eq!(Period::Quarter(2026, 1).label(cal(12)), "Q1 FY2026 (Dec 2025–Feb 2026)");
        assert_eq!(Period::Year(2026).label(cal(1)), "FY2026 (Jan–Dec 2026)");
        assert_eq!(Period::Year(2026).label(cal(7)), "FY2026 (Jul 2025–Jun 2026)");
        assert_eq!(Period::Month(2026, 11).label(cal(7)), "November 2026");
    }

    fn any_period() -> impl Strategy<Value = Period> {
        prop_oneof![
            (MIN_YEAR..=MAX_YEAR).prop_map(Period::Year),
            (MIN_YEAR..=MAX_YEAR, 1u8..=4).prop_map(|(y, q)| Period::Quarter(y, q)),
            (MIN_YEAR..=MAX_YEAR, 1u8..=12).prop_map(|(y, m)| Period::Month(y, m)),
        ]
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        let first = d(1900, 1, 1).num_days_from_ce();
        let last = d(9999, 12, 31).num_days_from_ce();
        (first..=last).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap())
    }

    fn any_calendar() -> impl Strategy<Value = FiscalCalendar> {
        (1u32..=12).prop_map(|m| FiscalCalendar { start_month: m })
    }

    proptest! {
        #[test]
        fn display_then_parse_is_the_identity(p in any_period()) {
            prop_assert_eq!(Period::parse(&p.to_string()), Ok(p));
        }

        #[test]
        fn parse_never_panics(s in any::<String>()) {
            let _ = Period::parse(&s);
        }

        #[test]
        fn parse_never_panics_on_period_like_text(s in "(?i)[ q]?(fy)?[ -]?[0-9]{0,5}[ -]?q?[0-9]{0,3}") {
            let _ = Period::parse(&s);
        }

        #[test]
        fn a_date_lies_in_exactly_its_quarter_and_year(c in any_calendar(), date in any_date()) {
            let quarter = Period::quarter_of(c, date);
            let year = Period::year_of(c, date);
            prop_assert!(quarter.contains(c, date));
            prop_assert!(year.contains(c, date));
            prop_assert!(!quarter.next().contains(c, date));
            prop_assert!(!quarter.prev().contains(c, date));
            let Period::Quarter(qy, q) = quarter else { panic!("{quarter:?}") };
            prop_assert_eq!(Period::Year(qy), year);
            for other in (1..=4).filter(|&o| o != q) {
                prop_assert!(!Period::Quarter(qy, other).contains(c, date));
            }
            prop_assert!(year.start(c) <= quarter.start(c) && quarter.end(c) <= year.end(c));
            prop_assert!(Period::month_of(date).contains(c, date));
        }

        #[test]
        fn next_and_prev_are_inverse_neighbours(p in any_period(), c in any_calendar()) {
            prop_assert_eq!(p.prev().next(), p);
            prop_assert_eq!(p.next().prev(), p);
            prop_assert_eq!(p.end(c), p.next().start(c));
            prop_assert_eq!(p.prev().end(c), p.start(c));
            prop_assert!(p.start(c) < p.end(c));
        }

        #[test]
        fn quarters_and_months_tile_the_year(y in MIN_YEAR..=MAX_YEAR, c in any_calendar()) {
            let year = Period::Year(y);
            let quarters: Vec<Period> = (1..=4).map(|q| Period::Quarter(y, q)).collect();
            prop_assert_eq!(quarters[0].start(c), year.start(c));
            for pair in quarters.windows(2) {
                prop_assert_eq!(pair[0].end(c), pair[1].start(c));
                prop_assert_eq!(pair[0].next(), pair[1]);
            }
            prop_assert_eq!(quarters[3].end(c), year.end(c));
            prop_assert_eq!(year.start(c).month(), c.start_month);

            let months = year.months(c);
            prop_assert_eq!(months.len(), 12);
            prop_assert_eq!(months[0].start(c), year.start(c));
            for pair in months.windows(2) {
                prop_assert_eq!(pair[0].end(c), pair[1].start(c));
            }
            prop_assert_eq!(months[11].end(c), year.end(c));
            let by_quarter: Vec<Period> = quarters.iter().flat_map(|q| q.months(c)).collect();
            prop_assert_eq!(by_quarter, months);
        }

        #[test]
        fn fraction_elapsed_stays_in_bounds(p in any_period(), c in any_calendar(), today in any_date()) {
            let (elapsed, total) = p.fraction_elapsed(c, today);
            prop_assert_eq!(total, (p.end(c) - p.start(c)).num_days());
            prop_assert!((0..=total).contains(&elapsed));
            prop_assert_eq!(elapsed > 0 && elapsed < total, p.contains(c, today) && today.succ_opt() != Some(p.end(c)));
        }
    }
}
