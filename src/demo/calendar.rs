//! Date arithmetic for the generator: calendar quarters (the demo's fiscal
//! year is the calendar year), working days and office hours.

use super::rng::Rng;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1..=4
    pub q: u8,
}

impl Quarter {
    pub fn of(d: NaiveDate) -> Quarter {
        Quarter { year: d.year(), q: (d.month0() / 3 + 1) as u8 }
    }

    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.q - 1) * 3 + 1, 1).expect("a quarter starts on a valid date")
    }

    /// The first day after the quarter.
    pub fn end(self) -> NaiveDate {
        self.shift(1).start()
    }

    /// The quarter `n` quarters later (earlier when negative).
    pub fn shift(self, n: i32) -> Quarter {
        let idx = self.year * 4 + i32::from(self.q - 1) + n;
        Quarter { year: idx.div_euclid(4), q: (idx.rem_euclid(4) + 1) as u8 }
    }

    /// How many quarters `self` is after `other`.
    pub fn since(self, other: Quarter) -> i32 {
        (self.year * 4 + i32::from(self.q)) - (other.year * 4 + i32::from(other.q))
    }

    pub fn label(self) -> String {
        format!("Q{} {}", self.q, self.year)
    }
}

pub fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// The same day `years` years later; 29 February becomes 28 February.
pub fn add_years(d: NaiveDate, years: i32) -> NaiveDate {
    let y = d.year() + years;
    NaiveDate::from_ymd_opt(y, d.month(), d.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, d.month(), 28))
        .expect("28 exists in every month")
}

/// Saturday and Sunday move back to Friday.
pub fn workday(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d - days(1),
        Weekday::Sun => d - days(2),
        _ => d,
    }
}

/// A time of day in office hours, on the quarter hour more often than not.
pub fn office_time(rng: &mut Rng) -> u32 {
    let hour = 8 + rng.weighted(&[5, 9, 10, 8, 4, 7, 9, 8, 6, 3]) as u32;
    let minute = if rng.chance(0.6) { rng.below(4) as u32 * 15 } else { rng.below(60) as u32 };
    hour * 60 + minute
}

/// A moment on `d` at `minutes` after midnight, UTC.
pub fn at(d: NaiveDate, minutes: u32) -> DateTime<Utc> {
    d.and_hms_opt(minutes / 60, minutes % 60, 0).expect("minutes within a day").and_utc()
}

/// A moment in office hours on `d` (a working day), never after `now`.
pub fn office_moment(rng: &mut Rng, d: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    let t = at(workday(d), office_time(rng));
    if t > now {
        // Earlier the same morning, or late last night when it is very early.
        now - Duration::minutes(rng.range(5, 90))
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn quarters_shift_across_years() {
        let q = Quarter::of(d(2026, 11, 26));
        assert_eq!(q, Quarter { year: 2026, q: 4 });
        assert_eq!(q.start(), d(2026, 10, 1));
        assert_eq!(q.end(), d(2027, 1, 1));
        assert_eq!(q.shift(-8), Quarter { year: 2024, q: 4 });
        assert_eq!(q.shift(-4).start(), d(2025, 10, 1));
        assert_eq!(q.shift(1), Quarter { year: 2027, q: 1 });
        assert_eq!(q.since(q.shift(-8)), 8);
        assert_eq!(Quarter::of(d(2026, 3, 31)).q, 1);
    }

    #[test]
    fn leap_days_and_weekends() {
        assert_eq!(add_years(d(2024, 2, 29), 1), d(2025, 2, 28));
        assert_eq!(workday(d(2026, 11, 29)), d(2026, 11, 27));
        assert_eq!(workday(d(2026, 11, 26)), d(2026, 11, 26));
        let now = at(d(2026, 11, 26), 9 * 60);
        let mut rng = Rng::new(1);
        for _ in 0..200 {
            assert!(office_moment(&mut rng, d(2026, 11, 26), now) <= now);
        }
    }
}
