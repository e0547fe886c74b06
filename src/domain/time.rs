//! Human phrasing of times relative to now: "3d ago", "4h left", "breached 2d".
//!
//! Nothing here reads the clock or the environment: `today`, `now` and the
//! user's time `Zone` are always passed in. Instants are stored in UTC and
//! shown in the zone.

use super::{FiscalCalendar, Period};
use chrono::{DateTime, Datelike, LocalResult, Months, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc, Weekday};

/// What `parse_date` accepts, quoted in its error messages.
const EXPECTED: &str = "expected a date like 2026-11-26, today, tomorrow, yesterday, \
                        a weekday (fri, next fri), next week, an offset (+3d, +2w, +1m, -2d, in 2 weeks), \
                        or end of month, quarter or year (eom, eoq, eoy)";

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

/// How instants are stored: ISO-8601 UTC to the second, which sorts as text.
const TIMESTAMP: &str = "%Y-%m-%dT%H:%M:%SZ";

/// `2026-11-26T14:03:00Z`.
pub fn timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    // Written out rather than through `format(TIMESTAMP)`, which parses the
    // pattern on every call: an import stamps hundreds of thousands of rows.
    if (0..=9999).contains(&t.year()) {
        return format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
    }
    t.format(TIMESTAMP).to_string()
}

/// The instant a stored timestamp names, in UTC.
pub fn parse_timestamp(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, TIMESTAMP).ok()
}

/// The user's time zone: an IANA zone with its daylight-saving rules.
pub type Zone = chrono_tz::Tz;

/// A zone by its IANA name (`Europe/Berlin`, `UTC`), or why not.
pub fn parse_zone(name: &str) -> Result<Zone, String> {
    let name = name.trim();
    name.parse::<Zone>().map_err(|_| {
        format!("'{name}' is not a time zone; expected an IANA name such as Europe/Berlin, America/Los_Angeles or UTC")
    })
}

/// The calendar day `now` falls on in `zone`.
pub fn today_in(now: DateTime<Utc>, zone: Zone) -> NaiveDate {
    now.with_timezone(&zone).date_naive()
}

/// The wall-clock time in `zone` of a stored UTC timestamp.
pub fn local(ts: &str, zone: Zone) -> Option<NaiveDateTime> {
    Some(parse_timestamp(ts)?.and_utc().with_timezone(&zone).naive_local())
}

/// The day in `zone` of a stored UTC timestamp: what "today" and
/// "yesterday" are measured against.
pub fn local_date(ts: &str, zone: Zone) -> Option<NaiveDate> {
    local(ts, zone).map(|t| t.date())
}

/// A stored timestamp as `2026-11-26 15:03` in `zone`; unreadable text is shown as it is.
pub fn local_minute(ts: &str, zone: Zone) -> String {
    local(ts, zone).map_or_else(|| ts.to_string(), |t| t.format("%Y-%m-%d %H:%M").to_string())
}

/// A stored timestamp as `2026-11-26 15:03 CET`: the time in `zone`, named.
pub fn local_stamp(ts: &str, zone: Zone) -> String {
    match parse_timestamp(ts) {
        Some(t) => {
            let t = t.and_utc();
            format!("{} {}", t.with_timezone(&zone).format("%Y-%m-%d %H:%M"), zone_abbreviation(t, zone))
        }
        None => ts.to_string(),
    }
}

/// The zone's short name at that instant (`CET`, `CEST`, `PST`), for a line
/// a person reads next to a time.
pub fn zone_abbreviation(t: DateTime<Utc>, zone: Zone) -> String {
    t.with_timezone(&zone).format("%Z").to_string()
}

/// The instant a wall-clock time in `zone` names. In the hour the clocks go
/// back the time happens twice and the first is meant; a time skipped when
/// the clocks go forward never happened and is refused.
pub fn from_local(t: NaiveDateTime, zone: Zone) -> Result<DateTime<Utc>, String> {
    match zone.from_local_datetime(&t) {
        LocalResult::Single(x) => Ok(x.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        LocalResult::None => {
            Err(format!("{} does not exist in {zone}: the clocks moved forward over it", t.format("%Y-%m-%d %H:%M")))
        }
    }
}

/// The day of a stored timestamp (its first ten characters).
pub fn date_of(ts: &str) -> Option<NaiveDate> {
    ts.get(..10)?.parse().ok()
}

/// How long ago `date` was, seen from `today`: `today`, `yesterday`,
/// `3d ago`, `5w ago` (from 14 days), `4mo ago` (from 60 days, in 30-day
/// months), `2y ago` (from 730 days, in 365-day years). Dates after today
/// read `tomorrow`, `in 3d`, `in 5w` and so on. Counts are rounded down.
pub fn ago(today: NaiveDate, date: NaiveDate) -> String {
    match (today - date).num_days() {
        0 => "today".to_string(),
        1 => "yesterday".to_string(),
        -1 => "tomorrow".to_string(),
        days if days > 0 => format!("{} ago", day_span(days)),
        days => format!("in {}", day_span(-days)),
    }
}

/// `3d`, `5w`, `4mo`, `2y` for a positive number of days.
fn day_span(days: i64) -> String {
    if days >= 730 {
        format!("{}y", days / 365)
    } else if days >= 60 {
        format!("{}mo", days / 30)
    } else if days >= 14 {
        format!("{}w", days / 7)
    } else {
        format!("{days}d")
    }
}

/// Time left before `due`, seen from `now`: `45m left`, `4h left`, `2d left`
/// (from 48 hours). Once `now` is past `due`: `breached 20m`, `breached 5h`,
/// `breached 2d`. Counts are rounded down, so the last minute reads
/// `0m left` and the first minute after `breached 0m`; exactly at `due` the
/// SLA still holds.
pub fn sla_left(now: NaiveDateTime, due: NaiveDateTime) -> String {
    let left = due - now;
    if left >= TimeDelta::zero() {
        format!("{} left", duration_span(left))
    } else {
        format!("breached {}", duration_span(-left))
    }
}

/// `45m`, `4h`, `2d` for a non-negative duration.
pub fn duration_span(d: TimeDelta) -> String {
    let minutes = d.num_minutes();
    if minutes < 60 {
        format!("{minutes}m")
    } else if minutes < 48 * 60 {
        format!("{}h", minutes / 60)
    } else {
        format!("{}d", minutes / (24 * 60))
    }
}

/// Reads a date typed by a person, with quarters and years of the
/// calendar year; see [`parse_date_in`].
pub fn parse_date(s: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    parse_date_in(s, today, FiscalCalendar::default())
}

/// Reads a date typed by a person: ISO `2026-11-26`; `today`, `tomorrow`,
/// `yesterday`; a weekday, written in full or from its first three letters
/// (`fri`, `thurs`, `friday`), meaning the next such day strictly after
/// today (so `fri` on a Thursday is tomorrow); `next fri`, that weekday in
/// next week (weeks start on Monday), and `next week`, next week's Monday;
/// an offset from today in days, weeks, months or years (`+3d`, `+2w`,
/// `+1m`, `-2d`, `+1y`, or in words `in 2 weeks`, `in 3 days`); or the last
/// day of this month (`end of month`, `eom`), of this fiscal quarter
/// (`end of quarter`, `eoq`) or of this fiscal year (`end of year`, `eoy`)
/// in `calendar`. Month and year offsets keep the day of the month, clamped
/// to the month's end (Jan 31 `+1m` is Feb 28 or 29).
pub fn parse_date_in(s: &str, today: NaiveDate, calendar: FiscalCalendar) -> Result<NaiveDate, String> {
    let text = s.trim();
    let quoted = crate::domain::limits::preview(text);
    let fail = |why: &str| Err(format!("'{quoted}' is not a date: {why}; {EXPECTED}"));
    if text.is_empty() {
        return Err(format!("a date is required; {EXPECTED}"));
    }
    // Words separated by any run of spaces read the same.
    let word = text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let out_of_range = || fail("it is outside the supported range of dates");

    match word.as_str() {
        "today" => return Ok(today),
        "tomorrow" => return today.succ_opt().map_or_else(out_of_range, Ok),
        "yesterday" => return today.pred_opt().map_or_else(out_of_range, Ok),
        "end of month" | "eom" => return end_of_month(today).map_or_else(out_of_range, Ok),
        "end of quarter" | "eoq" => return period_end(Period::quarter_of(calendar, today), calendar),
        "end of year" | "eoy" => return period_end(Period::year_of(calendar, today), calendar),
        "next week" => return next_week(today, Weekday::Mon).map_or_else(out_of_range, Ok),
        _ => {}
    }

    if let Some(day) = word.strip_prefix("next ") {
        return match parse_weekday(day) {
            Some(weekday) => next_week(today, weekday).map_or_else(out_of_range, Ok),
            None => fail("'next' is followed by a weekday (next fri) or week (next week)"),
        };
    }

    if let Some(span) = word.strip_prefix("in ") {
        return match in_words(span) {
            Some(offset) => parse_date_in(&format!("+{offset}"), today, calendar),
            None => fail("'in' is followed by a number and a unit, as in 'in 2 weeks' or 'in 3 days'"),
        };
    }

    if let Some(weekday) = parse_weekday(&word) {
        let ahead = (7 + weekday.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
        let ahead = if ahead == 0 { 7 } else { ahead };
        return today.checked_add_days(chrono::Days::new(u64::from(ahead))).map_or_else(out_of_range, Ok);
    }

    let signed = match word.as_bytes().first() {
        Some(b'+') => Some((1, &word[1..])),
        Some(b'-') => Some((-1, &word[1..])),
        _ => None,
    };
    if let Some((sign, offset)) = signed {
        let Some(unit) = offset.chars().last().filter(|c| c.is_ascii_alphabetic()) else {
            return fail("an offset needs a unit: d (days), w (weeks), m (months) or y (years)");
        };
        let amount = &offset[..offset.len() - 1];
        if amount.is_empty() || !amount.bytes().all(|b| b.is_ascii_digit()) {
            return fail("an offset is a sign, a whole number and a unit");
        }
        let Ok(amount) = amount.parse::<u32>() else {
            return out_of_range();
        };
        let moved = match unit {
            'd' => offset_days(today, sign, i64::from(amount)),
            'w' => offset_days(today, sign, i64::from(amount) * 7),
            'm' => offset_months(today, sign, amount),
            'y' => amount.checked_mul(12).and_then(|months| offset_months(today, sign, months)),
            _ => return fail("an offset's unit is d (days), w (weeks), m (months) or y (years)"),
        };
        return moved.map_or_else(out_of_range, Ok);
    }

    if word.starts_with(|c: char| c.is_ascii_digit()) {
        return parse_iso(text).or_else(fail);
    }
    fail("it is not a date this understands")
}

/// `2 weeks`, `3 days`, `1 month`, `2y`: the offset `2w`, `3d`, `1m`, `2y`.
fn in_words(span: &str) -> Option<String> {
    let (number, unit) = match span.split_once(' ') {
        Some((n, u)) => (n, u),
        None => span.split_at(span.find(|c: char| !c.is_ascii_digit())?),
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let unit = match unit {
        "d" | "day" | "days" => 'd',
        "w" | "week" | "weeks" => 'w',
        "m" | "month" | "months" => 'm',
        "y" | "year" | "years" => 'y',
        _ => return None,
    };
    Some(format!("{number}{unit}"))
}

/// `weekday` in the week after today's (weeks start on Monday).
fn next_week(today: NaiveDate, weekday: Weekday) -> Option<NaiveDate> {
    let monday = today.checked_sub_days(chrono::Days::new(u64::from(today.weekday().num_days_from_monday())))?;
    monday.checked_add_days(chrono::Days::new(7 + u64::from(weekday.num_days_from_monday())))
}

fn end_of_month(today: NaiveDate) -> Option<NaiveDate> {
    today.with_day(1)?.checked_add_months(Months::new(1))?.pred_opt()
}

/// The last day of `period`, unless that lies beyond the dates chrono knows.
fn period_end(period: Period, calendar: FiscalCalendar) -> Result<NaiveDate, String> {
    // Period::end is the first day after, clamped at chrono's last day.
    let after = period.end(calendar);
    match after.pred_opt() {
        Some(last) if after != NaiveDate::MAX => Ok(last),
        _ => Err(format!("the end of {period} is outside the supported range of dates")),
    }
}

fn offset_days(today: NaiveDate, sign: i64, days: i64) -> Option<NaiveDate> {
    today.checked_add_signed(TimeDelta::try_days(sign * days)?)
}

fn offset_months(today: NaiveDate, sign: i64, months: u32) -> Option<NaiveDate> {
    if sign < 0 {
        today.checked_sub_months(Months::new(months))
    } else {
        today.checked_add_months(Months::new(months))
    }
}

/// `fri`, `thurs`, `friday`: at least three letters of a weekday's name.
fn parse_weekday(word: &str) -> Option<Weekday> {
    if word.len() < 3 {
        return None;
    }
    WEEKDAYS.iter().find(|(name, _)| name.starts_with(word)).map(|&(_, day)| day)
}

/// `2026-11-26` (month and day may also be written with one digit).
fn parse_iso(text: &str) -> Result<NaiveDate, &'static str> {
    let mut parts = text.split('-');
    let (Some(year), Some(month), Some(day), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err("a date is written year-month-day");
    };
    let digits = |s: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(year, 4..=4) || !digits(month, 1..=2) || !digits(day, 1..=2) {
        return Err("a date is written year-month-day, as in 2026-11-26");
    }
    // The digit checks above make these parses infallible.
    let (year, month, day) = (year.parse().unwrap_or(0), month.parse().unwrap_or(0), day.parse().unwrap_or(0));
    NaiveDate::from_ymd_opt(year, month, day).ok_or("there is no such day")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_written_as_the_pattern_says() {
        for t in ["2026-11-26T14:03:09Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"] {
            let at = parse_timestamp(t).unwrap().and_utc();
            assert_eq!(timestamp(at), t);
            assert_eq!(timestamp(at), at.format(TIMESTAMP).to_string());
        }
    }
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
        d(y, m, day).and_hms_opt(h, min, 0).unwrap()
    }

    /// Thursday.
    const TODAY: (i32, u32, u32) = (2026, 11, 26);

    fn today() -> NaiveDate {
        d(TODAY.0, TODAY.1, TODAY.2)
    }

    #[test]
    fn ago_in_the_past() {
        let t = today();
        let cases: &[(i64, &str)] = &[
            (0, "today"),
            (1, "yesterday"),
            (2, "2d ago"),
            (3, "3d ago"),
            (13, "13d ago"),
            (14, "2w ago"),
            (20, "2w ago"),
            (21, "3w ago"),
            (35, "5w ago"),
            (59, "8w ago"),
            (60, "2mo ago"),
            (89, "2mo ago"),
            (120, "4mo ago"),
            (365, "12mo ago"),
            (729, "24mo ago"),
            (730, "2y ago"),
            (1_094, "2y ago"),
            (1_095, "3y ago"),
        ];
        for &(days, text) in cases {
            assert_eq!(ago(t, t - TimeDelta::days(days)), text, "{days} days back");
        }
    }

    #[test]
    fn ago_in_the_future() {
        let t = today();
        let cases: &[(i64, &str)] =
            &[(1, "tomorrow"), (3, "in 3d"), (14, "in 2w"), (35, "in 5w"), (120, "in 4mo"), (800, "in 2y")];
        for &(days, text) in cases {
            assert_eq!(ago(t, t + TimeDelta::days(days)), text, "{days} days ahead");
        }
    }

    #[test]
    fn ago_handles_the_extremes() {
        assert_eq!(
            ago(NaiveDate::MAX, NaiveDate::MIN),
            format!("{}y ago", (NaiveDate::MAX - NaiveDate::MIN).num_days() / 365)
        );
        assert!(ago(NaiveDate::MIN, NaiveDate::MAX).starts_with("in "));
    }

    #[test]
    fn sla_time_left() {
        let now = at(2026, 11, 26, 9, 0);
        let cases: &[(NaiveDateTime, &str)] = &[
            (now, "0m left"),
            (now + TimeDelta::seconds(59), "0m left"),
            (at(2026, 11, 26, 9, 45), "45m left"),
            (at(2026, 11, 26, 9, 59), "59m left"),
            (at(2026, 11, 26, 10, 0), "1h left"),
            (at(2026, 11, 26, 13, 30), "4h left"),
            (at(2026, 11, 28, 8, 59), "47h left"),
            (at(2026, 11, 28, 9, 0), "2d left"),
            (at(2026, 12, 1, 8, 0), "4d left"),
        ];
        for &(due, text) in cases {
            assert_eq!(sla_left(now, due), text, "due {due}");
        }
    }

    #[test]
    fn sla_breached() {
        let now = at(2026, 11, 26, 9, 0);
        let cases: &[(NaiveDateTime, &str)] = &[
            (now - TimeDelta::seconds(1), "breached 0m"),
            (at(2026, 11, 26, 8, 40), "breached 20m"),
            (at(2026, 11, 26, 8, 0), "breached 1h"),
            (at(2026, 11, 26, 4, 0), "breached 5h"),
            (at(2026, 11, 24, 9, 1), "breached 47h"),
            (at(2026, 11, 24, 9, 0), "breached 2d"),
            (at(2026, 11, 1, 9, 0), "breached 25d"),
        ];
        for &(due, text) in cases {
            assert_eq!(sla_left(now, due), text, "due {due}");
        }
    }

    #[test]
    fn parses_iso_dates() {
        let t = today();
        assert_eq!(parse_date("2026-11-26", t), Ok(d(2026, 11, 26)));
        assert_eq!(parse_date(" 2027-02-28 ", t), Ok(d(2027, 2, 28)));
        assert_eq!(parse_date("2028-02-29", t), Ok(d(2028, 2, 29)));
        assert_eq!(parse_date("2026-1-5", t), Ok(d(2026, 1, 5)));
    }

    #[test]
    fn parses_words() {
        let t = today();
        assert_eq!(parse_date("today", t), Ok(t));
        assert_eq!(parse_date("Today", t), Ok(t));
        assert_eq!(parse_date("tomorrow", t), Ok(d(2026, 11, 27)));
        assert_eq!(parse_date("yesterday", t), Ok(d(2026, 11, 25)));
        assert_eq!(parse_date("tomorrow", d(2026, 12, 31)), Ok(d(2027, 1, 1)));
    }

    #[test]
    fn weekdays_mean_the_next_such_day_after_today() {
        // Today is Thursday 2026-11-26.
        let t = today();
        assert_eq!(t.weekday(), Weekday::Thu);
        let cases: &[(&str, NaiveDate)] = &[
            ("fri", d(2026, 11, 27)),
            ("friday", d(2026, 11, 27)),
            ("FRI", d(2026, 11, 27)),
            ("sat", d(2026, 11, 28)),
            ("sun", d(2026, 11, 29)),
            ("mon", d(2026, 11, 30)),
            ("monday", d(2026, 11, 30)),
            ("tue", d(2026, 12, 1)),
            ("tues", d(2026, 12, 1)),
            ("wed", d(2026, 12, 2)),
            ("wednesday", d(2026, 12, 2)),
            ("thu", d(2026, 12, 3)),
            ("thurs", d(2026, 12, 3)),
            ("thursday", d(2026, 12, 3)),
        ];
        for &(s, want) in cases {
            assert_eq!(parse_date(s, t), Ok(want), "{s}");
        }
    }

    #[test]
    fn parses_offsets() {
        let t = today();
        let cases: &[(&str, NaiveDate, NaiveDate)] = &[
            ("+3d", t, d(2026, 11, 29)),
            ("+0d", t, t),
            ("-2d", t, d(2026, 11, 24)),
            ("+2w", t, d(2026, 12, 10)),
            ("-1w", t, d(2026, 11, 19)),
            ("+1m", t, d(2026, 12, 26)),
            ("+2m", t, d(2027, 1, 26)),
            ("-1m", t, d(2026, 10, 26)),
            ("+1y", t, d(2027, 11, 26)),
            ("+3D", t, d(2026, 11, 29)),
            ("+1m", d(2026, 1, 31), d(2026, 2, 28)),
            ("+1m", d(2028, 1, 31), d(2028, 2, 29)),
            ("-1m", d(2026, 3, 31), d(2026, 2, 28)),
            ("+1m", d(2026, 8, 31), d(2026, 9, 30)),
            ("+1y", d(2028, 2, 29), d(2029, 2, 28)),
            ("+40d", t, d(2027, 1, 5)),
        ];
        for &(s, from, want) in cases {
            assert_eq!(parse_date(s, from), Ok(want), "{s} from {from}");
        }
    }

    #[test]
    fn next_weekdays_and_next_week_fall_in_the_week_after_this_one() {
        // Thursday 2026-11-26; next week runs Mon 30 Nov to Sun 6 Dec.
        let t = today();
        let cases: &[(&str, NaiveDate)] = &[
            ("next week", d(2026, 11, 30)),
            ("Next  Week", d(2026, 11, 30)),
            ("next mon", d(2026, 11, 30)),
            ("next thu", d(2026, 12, 3)),
            ("next fri", d(2026, 12, 4)),
            ("next friday", d(2026, 12, 4)),
            ("next sun", d(2026, 12, 6)),
        ];
        for &(s, want) in cases {
            assert_eq!(parse_date(s, t), Ok(want), "{s}");
        }
        // "fri" on a Thursday stays tomorrow; "next fri" is a week later.
        assert_eq!(parse_date("fri", t), Ok(d(2026, 11, 27)));
        // On a Sunday, next week starts tomorrow.
        assert_eq!(parse_date("next week", d(2026, 11, 29)), Ok(d(2026, 11, 30)));
        assert_eq!(parse_date("next fri", d(2026, 11, 29)), Ok(d(2026, 12, 4)));
        // From a Monday, next week is seven days on.
        assert_eq!(parse_date("next mon", d(2026, 11, 30)), Ok(d(2026, 12, 7)));
    }

    #[test]
    fn offsets_in_words() {
        let t = today();
        let cases: &[(&str, NaiveDate)] = &[
            ("in 2 weeks", d(2026, 12, 10)),
            ("in 1 week", d(2026, 12, 3)),
            ("in 3 days", d(2026, 11, 29)),
            ("in 1 day", d(2026, 11, 27)),
            ("in 1 month", d(2026, 12, 26)),
            ("in 2 months", d(2027, 1, 26)),
            ("in 1 year", d(2027, 11, 26)),
            ("in 3d", d(2026, 11, 29)),
            ("IN 2 WEEKS", d(2026, 12, 10)),
        ];
        for &(s, want) in cases {
            assert_eq!(parse_date(s, t), Ok(want), "{s}");
        }
    }

    #[test]
    fn ends_of_month_quarter_and_year() {
        let t = today();
        let jan = FiscalCalendar { start_month: 1 };
        let july = FiscalCalendar { start_month: 7 };
        let cases: &[(&str, NaiveDate, FiscalCalendar, NaiveDate)] = &[
            ("eom", t, jan, d(2026, 11, 30)),
            ("end of month", t, jan, d(2026, 11, 30)),
            ("eom", d(2028, 2, 3), jan, d(2028, 2, 29)),
            ("eom", d(2026, 12, 31), jan, d(2026, 12, 31)),
            ("eoq", t, jan, d(2026, 12, 31)),
            ("end of quarter", d(2026, 4, 1), jan, d(2026, 6, 30)),
            // A fiscal year from July: Nov is in Q2 (Oct–Dec), Feb in Q3 (Jan–Mar).
            ("eoq", t, july, d(2026, 12, 31)),
            ("eoq", d(2026, 2, 10), july, d(2026, 3, 31)),
            ("eoq", d(2026, 8, 10), FiscalCalendar { start_month: 2 }, d(2026, 10, 31)),
            ("eoy", t, jan, d(2026, 12, 31)),
            ("end of year", t, july, d(2027, 6, 30)),
            ("eoy", d(2026, 3, 1), FiscalCalendar { start_month: 4 }, d(2026, 3, 31)),
        ];
        for &(s, from, cal, want) in cases {
            assert_eq!(
                parse_date_in(s, from, cal),
                Ok(want),
                "{s} from {from} with a year from month {}",
                cal.start_month
            );
        }
        assert_eq!(parse_date("eoq", t), Ok(d(2026, 12, 31)), "plain parse_date uses calendar quarters");
        assert!(parse_date("eom", NaiveDate::MAX).is_err());
        assert!(parse_date("eoq", NaiveDate::MAX).is_err());
        assert!(parse_date("next week", NaiveDate::MAX).is_err());
    }

    #[test]
    fn phrases_it_half_understands_say_what_they_need() {
        let t = today();
        for (s, reason) in [
            ("next", "not a date this understands"),
            ("next fr", "followed by a weekday"),
            ("next month", "followed by a weekday"),
            ("in 2", "'in' is followed by a number and a unit"),
            ("in two weeks", "'in' is followed by a number and a unit"),
            ("in 2 fortnights", "'in' is followed by a number and a unit"),
            ("in -2 days", "'in' is followed by a number and a unit"),
            ("in 99999999999 years", "supported range"),
        ] {
            let err = parse_date(s, t).expect_err(s);
            assert!(err.contains(reason), "{s:?}: {err}");
            assert!(err.contains("eoq"), "the message lists what is understood: {err}");
        }
    }

    #[test]
    fn refuses_what_it_does_not_understand() {
        let t = today();
        let cases: &[(&str, &str)] = &[
            ("soon", "not a date this understands"),
            ("fr", "not a date this understands"),
            ("fridays", "not a date this understands"),
            ("2026-02-30", "no such day"),
            ("2026-13-01", "no such day"),
            ("2026-00-10", "no such day"),
            ("2026-11", "year-month-day"),
            ("2026-11-26-1", "year-month-day"),
            ("26-11-2026", "year-month-day"),
            ("2026/11/26", "year-month-day"),
            ("2026-011-26", "year-month-day"),
            ("+3", "needs a unit"),
            ("+", "needs a unit"),
            ("-", "needs a unit"),
            ("+d", "sign, a whole number and a unit"),
            ("+-3d", "sign, a whole number and a unit"),
            ("+3.5d", "sign, a whole number and a unit"),
            ("+3 d", "sign, a whole number and a unit"),
            ("+3x", "unit is d (days)"),
            ("+3é", "needs a unit"),
            ("+99999999999999999999d", "supported range"),
            ("+4294967295y", "supported range"),
            ("+4294967295d", "supported range"),
        ];
        for &(s, reason) in cases {
            let err = parse_date(s, t).expect_err(s);
            assert!(err.contains(reason), "{s:?}: {err}");
            assert!(err.contains(&format!("'{s}'")), "{s:?}: {err}");
            assert!(err.contains("expected"), "{s:?}: {err}");
        }
        let err = parse_date("  ", t).unwrap_err();
        assert!(err.contains("date is required"), "{err}");
    }

    #[test]
    fn refuses_dates_beyond_chrono() {
        assert!(parse_date("tomorrow", NaiveDate::MAX).is_err());
        assert!(parse_date("yesterday", NaiveDate::MIN).is_err());
        assert!(parse_date("fri", NaiveDate::MAX).is_err());
        assert!(parse_date("+1m", NaiveDate::MAX).is_err());
        assert!(parse_date("-1y", NaiveDate::MIN).is_err());
    }

    fn utc(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
        at(y, m, day, h, min).and_utc()
    }

    #[test]
    fn today_is_the_users_day_around_midnight() {
        use chrono_tz::{America::Los_Angeles, Europe::Berlin};
        // 23:30 UTC on Thursday is Friday in Berlin and Thursday afternoon in San Francisco.
        let late = utc(2026, 11, 26, 23, 30);
        assert_eq!(today_in(late, Berlin), d(2026, 11, 27));
        assert_eq!(today_in(late, Los_Angeles), d(2026, 11, 26));
        assert_eq!(today_in(late, chrono_tz::UTC), d(2026, 11, 26));
        // 07:30 UTC on Friday is still Thursday night in San Francisco.
        let early = utc(2026, 11, 27, 7, 30);
        assert_eq!(today_in(early, Los_Angeles), d(2026, 11, 26));
        assert_eq!(today_in(early, Berlin), d(2026, 11, 27));
        // So "tomorrow" and "fri" differ between them at the same instant.
        assert_eq!(parse_date("tomorrow", today_in(late, Berlin)), Ok(d(2026, 11, 28)));
        assert_eq!(parse_date("tomorrow", today_in(late, Los_Angeles)), Ok(d(2026, 11, 27)));
        assert_eq!(parse_date("fri", today_in(late, Berlin)), Ok(d(2026, 12, 4)));
        assert_eq!(parse_date("fri", today_in(late, Los_Angeles)), Ok(d(2026, 11, 27)));
        assert_eq!(parse_date("+3d", today_in(early, Los_Angeles)), Ok(d(2026, 11, 29)));
    }

    #[test]
    fn stored_times_show_in_the_zone() {
        use chrono_tz::{America::Los_Angeles, Europe::Berlin};
        let ts = "2026-11-26T23:30:00Z";
        assert_eq!(local_date(ts, Berlin), Some(d(2026, 11, 27)));
        assert_eq!(local_date(ts, Los_Angeles), Some(d(2026, 11, 26)));
        assert_eq!(local_minute(ts, Berlin), "2026-11-27 00:30");
        assert_eq!(local_stamp(ts, Berlin), "2026-11-27 00:30 CET");
        assert_eq!(local_stamp(ts, Los_Angeles), "2026-11-26 15:30 PST");
        assert_eq!(local_stamp("2026-07-01T12:00:00Z", Berlin), "2026-07-01 14:00 CEST");
        assert_eq!(local_stamp("2026-07-01T12:00:00Z", Los_Angeles), "2026-07-01 05:00 PDT");
        assert_eq!(local_stamp("garbled", Berlin), "garbled");
        assert_eq!(local_date("garbled", Berlin), None);
    }

    #[test]
    fn local_times_across_daylight_saving_changes() {
        use chrono_tz::{America::Los_Angeles, Europe::Berlin};
        // Berlin, 2026-03-29: 02:00 CET becomes 03:00 CEST.
        assert_eq!(from_local(at(2026, 3, 29, 1, 59), Berlin), Ok(utc(2026, 3, 29, 0, 59)));
        assert_eq!(from_local(at(2026, 3, 29, 3, 0), Berlin), Ok(utc(2026, 3, 29, 1, 0)));
        assert!(from_local(at(2026, 3, 29, 2, 30), Berlin).unwrap_err().contains("clocks moved forward"));
        // Berlin, 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 is the earlier one.
        assert_eq!(from_local(at(2026, 10, 25, 2, 30), Berlin), Ok(utc(2026, 10, 25, 0, 30)));
        // Los Angeles, 2026-11-01: 02:00 PDT becomes 01:00 PST.
        assert_eq!(from_local(at(2026, 11, 1, 1, 30), Los_Angeles), Ok(utc(2026, 11, 1, 8, 30)));
        assert_eq!(from_local(at(2026, 11, 1, 12, 0), Los_Angeles), Ok(utc(2026, 11, 1, 20, 0)));
        // A day of 23 hours: the UTC instants an hour apart on either side of the change.
        assert_eq!(local_minute("2026-03-29T00:59:00Z", Berlin), "2026-03-29 01:59");
        assert_eq!(local_minute("2026-03-29T01:00:00Z", Berlin), "2026-03-29 03:00");
        // Midnight in Berlin moves from 23:00 UTC in winter to 22:00 UTC in summer.
        assert_eq!(today_in(utc(2026, 3, 28, 23, 0), Berlin), d(2026, 3, 29));
        assert_eq!(today_in(utc(2026, 3, 29, 21, 59), Berlin), d(2026, 3, 29));
        assert_eq!(today_in(utc(2026, 3, 29, 22, 0), Berlin), d(2026, 3, 30));
    }

    #[test]
    fn zone_names_are_checked() {
        assert_eq!(parse_zone(" Europe/Berlin "), Ok(chrono_tz::Europe::Berlin));
        assert_eq!(parse_zone("UTC"), Ok(chrono_tz::UTC));
        let err = parse_zone("Berlin").unwrap_err();
        assert!(err.contains("'Berlin' is not a time zone") && err.contains("Europe/Berlin"), "{err}");
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        let first = d(1900, 1, 1).num_days_from_ce();
        let last = d(9999, 12, 31).num_days_from_ce();
        (first..=last).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap())
    }

    proptest! {
        #[test]
        fn parse_date_never_panics(s in any::<String>(), today in any_date()) {
            let _ = parse_date(&s, today);
        }

        #[test]
        fn parse_date_never_panics_on_date_like_text(s in "[-+]?[0-9]{0,12}[-dwmyx]?[0-9]{0,3}-?[0-9]{0,3}", today in any_date()) {
            let _ = parse_date(&s, today);
        }

        #[test]
        fn iso_dates_read_back(date in any_date(), today in any_date()) {
            prop_assert_eq!(parse_date(&date.to_string(), today), Ok(date));
        }

        #[test]
        fn day_offsets_undo_each_other(n in 0u32..100_000, today in any_date()) {
            let ahead = parse_date(&format!("+{n}d"), today).unwrap();
            prop_assert_eq!((ahead - today).num_days(), i64::from(n));
            prop_assert_eq!(parse_date(&format!("-{n}d"), ahead), Ok(today));
        }

        #[test]
        fn weekdays_land_within_the_next_week(i in 0usize..7, today in any_date()) {
            let (name, weekday) = WEEKDAYS[i];
            let date = parse_date(&name[..3], today).unwrap();
            prop_assert_eq!(date.weekday(), weekday);
            prop_assert!((1..=7).contains(&(date - today).num_days()));
        }

        #[test]
        fn ago_reads_the_same_both_ways(days in 2i64..5_000, today in any_date()) {
            let past = ago(today, today - TimeDelta::days(days));
            let future = ago(today, today + TimeDelta::days(days));
            let span = past.strip_suffix(" ago").unwrap();
            prop_assert_eq!(future, format!("in {span}"));
        }

        #[test]
        fn sla_left_and_breached_mirror(minutes in 0i64..1_000_000, now_day in any_date()) {
            let now = now_day.and_hms_opt(12, 0, 0).unwrap();
            let left = sla_left(now, now + TimeDelta::minutes(minutes));
            let breached = sla_left(now + TimeDelta::minutes(minutes), now);
            let span = left.strip_suffix(" left").unwrap();
            if minutes == 0 {
                prop_assert_eq!(breached, "0m left");
            } else {
                prop_assert_eq!(breached, format!("breached {span}"));
            }
        }
    }
}
