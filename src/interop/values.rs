//! Values as exports and spreadsheets write them: money with separators,
//! symbols and parentheses, dates in several orders, booleans, percentages.
//! Pure functions; every error says what was expected.

use crate::domain::Money;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};

/// How day/month dates in a file are ordered, decided once per file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateOrder {
    /// Only ISO dates seen, or nothing ambiguous.
    Unknown,
    DayFirst,
    MonthFirst,
    /// `--date-format`, in chrono's syntax.
    Format(String),
}

/// The parts of `a/b/yyyy`, `a.b.yyyy` or `a-b-yyyy` (a time after it allowed).
fn numeric_parts(s: &str) -> Option<(u32, u32, i32)> {
    let date = s.split([' ', 'T']).next()?;
    let mut it = date.split(['/', '.', '-']);
    let (a, b, y) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || a.len() > 2 || b.len() > 2 || !(y.len() == 4 || y.len() == 2) {
        return None;
    }
    let y: i32 = y.parse().ok()?;
    let y = if y < 100 { 2000 + y } else { y };
    Some((a.parse().ok()?, b.parse().ok()?, y))
}

/// Decides the day/month order from every date value of a file: one value
/// with a first part above 12 means day first, a second part above 12 month first.
pub fn detect_order<'a>(values: impl Iterator<Item = &'a str>) -> Result<DateOrder, String> {
    let (mut day_first, mut month_first, mut ambiguous) = (None, None, None);
    for v in values {
        if let Some((a, b, _)) = numeric_parts(v.trim()) {
            if a > 12 && b <= 12 {
                day_first.get_or_insert(v);
            } else if b > 12 && a <= 12 {
                month_first.get_or_insert(v);
            } else if a != b {
                ambiguous.get_or_insert(v);
            }
        }
    }
    match (day_first, month_first, ambiguous) {
        (Some(d), Some(m), _) => Err(format!(
            "dates are written both day first ('{d}') and month first ('{m}'); pass --date-format, e.g. '%d/%m/%Y'"
        )),
        (Some(_), None, _) => Ok(DateOrder::DayFirst),
        (None, Some(_), _) => Ok(DateOrder::MonthFirst),
        (None, None, Some(a)) => Err(format!(
            "dates such as '{a}' could be day or month first and no date in the file decides; \
             pass --date-format '%m/%d/%Y' or '%d/%m/%Y'"
        )),
        (None, None, None) => Ok(DateOrder::Unknown),
    }
}

const DATE_EXPECTED: &str = "a date such as 2026-03-31, 31/03/2026 or 03/31/2026";

/// A date; a datetime's date part is taken.
pub fn date(s: &str, order: &DateOrder) -> Result<NaiveDate, String> {
    datetime(s, order).map(|t| t.date()).map_err(|_| DATE_EXPECTED.to_string())
}

/// A date and time (UTC when an offset is given); a bare date is midnight.
pub fn datetime(s: &str, order: &DateOrder) -> Result<NaiveDateTime, String> {
    let s = s.trim();
    let fail = || "a date or time such as 2026-03-31 or 2026-03-31T14:03:00Z".to_string();
    if let DateOrder::Format(f) = order {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Ok(t);
        }
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Ok(d.and_time(NaiveTime::MIN));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d.and_time(NaiveTime::MIN));
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%:z"]
    {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Ok(t.naive_utc());
        }
    }
    if let Some(rest) = s.strip_suffix('Z') {
        for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
            if let Ok(t) = NaiveDateTime::parse_from_str(rest, f) {
                return Ok(t);
            }
        }
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Ok(t);
        }
    }
    if let Some((a, b, y)) = numeric_parts(s) {
        let (d, m) = match order {
            DateOrder::DayFirst => (a, b),
            DateOrder::MonthFirst => (b, a),
            // Undecided: only a value that reads the same both ways is taken.
            _ if a == b || a > 12 => (a, b),
            _ if b > 12 => (b, a),
            _ => return Err(fail()),
        };
        let date = NaiveDate::from_ymd_opt(y, m, d).ok_or_else(fail)?;
        let time = s.split_once([' ', 'T']).map(|(_, t)| t.trim()).filter(|t| !t.is_empty());
        let time = match time {
            None => NaiveTime::MIN,
            Some(t) => ["%H:%M:%S", "%H:%M", "%I:%M %p", "%I:%M:%S %p"]
                .iter()
                .find_map(|f| NaiveTime::parse_from_str(t, f).ok())
                .ok_or_else(fail)?,
        };
        return Ok(date.and_time(time));
    }
    Err(fail())
}

/// Money as written in exports: `1,234.50`, `$1234.5`, `1.2k`, `(500)`,
/// `USD 1,000`, and with `decimal_comma` `1.234,50 €`.
pub fn money(s: &str, decimal_comma: bool) -> Result<Money, String> {
    const EXPECTED: &str = "an amount such as 1,234.50, $1234.5, 1.2k or (500)";
    let mut t = s.trim().replace(['\u{a0}', '\u{202f}', ' ', '\''], "");
    for code in ["USD", "EUR", "GBP", "CHF", "CAD", "AUD", "usd", "eur", "gbp"] {
        t = t.replace(code, "");
    }
    let negative = t.starts_with('(') && t.ends_with(')');
    if negative {
        t = t[1..t.len() - 1].to_string();
    }
    // A symbol after the number, as `1.234,50 €` writes it, goes first.
    for sym in ['€', '$', '£'] {
        if let Some(rest) = t.strip_suffix(sym) {
            t = format!("{sym}{rest}");
        }
    }
    if decimal_comma {
        t = t.replace('.', "").replace(',', ".");
    } else if t.matches(',').count() == 1 && !t.contains('.') {
        // `1234,5`: a lone comma followed by one or two digits is a decimal comma.
        if let Some((_, frac)) = t.split_once(',') {
            if (1..=2).contains(&frac.len()) && frac.bytes().all(|b| b.is_ascii_digit()) {
                t = t.replace(',', ".");
            }
        }
    }
    if let Some((whole, frac)) = t.split_once('.') {
        // Excel writes 1234.5 as 1234.5000000001 sometimes: round to cents.
        if frac.len() > 2 && frac.bytes().all(|b| b.is_ascii_digit()) && !t.ends_with(['k', 'K', 'm', 'M']) {
            let v: f64 = format!("{}.{frac}", whole.trim_start_matches(['$', '€', '£', '-', '+']))
                .parse()
                .map_err(|_| EXPECTED)?;
            let cents = (v * 100.0).round();
            if !(0.0..9e15).contains(&cents) {
                return Err(EXPECTED.into());
            }
            let sign = if whole.contains('-') { "-" } else { "" };
            t = format!("{sign}{}.{:02}", cents as i64 / 100, cents as i64 % 100);
        }
    }
    let m = Money::parse(&t).map_err(|_| EXPECTED.to_string())?;
    if negative {
        m.checked_neg().ok_or_else(|| EXPECTED.to_string())
    } else {
        Ok(m)
    }
}

/// `1`, `true`, `yes`, `y`, `x` and their opposites; blank is false.
pub fn boolean(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "t" | "x" | "on" | "done" | "completed" => Ok(true),
        "0" | "false" | "no" | "n" | "f" | "off" | "" | "open" | "not started" => Ok(false),
        _ => Err("yes or no (1, true, yes / 0, false, no)".into()),
    }
}

/// A percentage 0–100: `25`, `25%`, `25.4`; with `fraction`, `0.25` is 25%.
pub fn percent(s: &str, fraction: bool) -> Result<u8, String> {
    let expected =
        if fraction { "a fraction from 0 to 1 such as 0.25" } else { "a percentage from 0 to 100 such as 25 or 25%" };
    let t = s.trim();
    let (t, had_sign) = match t.strip_suffix('%') {
        Some(r) => (r.trim(), true),
        None => (t, false),
    };
    let v: f64 = t.replace(',', ".").parse().map_err(|_| expected.to_string())?;
    let v = if fraction && !had_sign { v * 100.0 } else { v };
    if !v.is_finite() || !(0.0..=100.0).contains(&v) {
        return Err(expected.into());
    }
    Ok(v.round() as u8)
}

/// An integer count: `12`, `1,200`, `12.0`.
pub fn count(s: &str) -> Result<i64, String> {
    let t = s.trim().replace([',', ' ', '\u{a0}'], "");
    let t = t.strip_suffix(".0").unwrap_or(&t);
    t.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| "a whole number such as 12".to_string())
}

/// What a spreadsheet would start a formula with.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The formula guard of CSV and XLSX text: a cell that a spreadsheet would
/// evaluate (it starts with `=`, `+`, `-`, `@`, tab or CR) gets a `'` in
/// front. So does a cell that starts with `'` itself, so that `unguard`
/// can tell a guard from a quote that belongs to the value: `'quoted` is
/// written `''quoted` and read back as `'quoted`.
pub fn guard(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(FORMULA_START) || s.starts_with('\'') {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// Takes off the `'` that `guard` put in front: one `'` before a formula
/// character or before another `'`. A lone leading `'` (`'quoted`, as other
/// programs write it) is part of the value and stays.
pub fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) || rest.starts_with('\'') => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cents(s: &str, comma: bool) -> i64 {
        money(s, comma).unwrap().cents()
    }

    #[test]
    fn money_forms() {
        assert_eq!(cents("1,234.50", false), 123_450);
        assert_eq!(cents("$1234.5", false), 123_450);
        assert_eq!(cents("1.2k", false), 120_000);
        assert_eq!(cents("(500)", false), -50_000);
        assert_eq!(cents("1.234,50 €", true), 123_450);
        assert_eq!(cents("USD 1,000", false), 100_000);
        assert_eq!(cents("1234.5000000001", false), 123_450);
        assert_eq!(cents("1 234,5", false), 123_450);
        assert!(money("abc", false).unwrap_err().contains("an amount such as"));
    }

    #[test]
    fn dates_and_orders() {
        let d = |s: &str, o: &DateOrder| date(s, o).unwrap().to_string();
        assert_eq!(d("2024-01-23T13:26:08.000+0000", &DateOrder::Unknown), "2024-01-23");
        assert_eq!(d("2024-01-23", &DateOrder::Unknown), "2024-01-23");
        assert_eq!(d("03/04/2024", &DateOrder::DayFirst), "2024-04-03");
        assert_eq!(d("03/04/2024", &DateOrder::MonthFirst), "2024-03-04");
        assert_eq!(d("3/4/24 1:30 PM", &DateOrder::MonthFirst), "2024-03-04");
        assert_eq!(d("31.12.2024", &DateOrder::Unknown), "2024-12-31");
        assert_eq!(d("2024/3/4", &DateOrder::Format("%Y/%m/%d".into())), "2024-03-04");
        assert!(date("03/04/2024", &DateOrder::Unknown).is_err());
        assert_eq!(detect_order(["01/02/2024", "25/02/2024"].into_iter()), Ok(DateOrder::DayFirst));
        assert_eq!(detect_order(["01/02/2024", "02/25/2024"].into_iter()), Ok(DateOrder::MonthFirst));
        assert!(detect_order(["01/02/2024"].into_iter()).unwrap_err().contains("--date-format"));
        assert!(detect_order(["13/02/2024", "02/25/2024"].into_iter()).is_err());
        assert_eq!(detect_order(["2024-01-02"].into_iter()), Ok(DateOrder::Unknown));
    }

    #[test]
    fn booleans_percentages_counts() {
        assert_eq!(boolean("TRUE"), Ok(true));
        assert_eq!(boolean("yes"), Ok(true));
        assert_eq!(boolean("0"), Ok(false));
        assert!(boolean("maybe").is_err());
        assert_eq!(percent("25", false), Ok(25));
        assert_eq!(percent("25%", false), Ok(25));
        assert_eq!(percent("0.25", true), Ok(25));
        assert!(percent("250", false).is_err());
        assert_eq!(count("1,200"), Ok(1200));
        assert_eq!(unguard("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unguard("'quoted"), "'quoted");
        // Whatever guard writes, unguard reads back exactly.
        for v in ["=1+1", "+33 1 23", "-5", "@sum", "\tx", "\rx", "'quoted", "''", "'=x", "plain", "", "'"] {
            assert_eq!(unguard(&guard(v)), v, "{v:?}");
        }
        assert_eq!(guard("=1+1"), "'=1+1");
        assert_eq!(guard("plain"), "plain");
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn all(s: &str) {
        for comma in [false, true] {
            let _ = money(s, comma);
            let _ = percent(s, comma);
        }
        for order in
            [DateOrder::Unknown, DateOrder::DayFirst, DateOrder::MonthFirst, DateOrder::Format("%d.%m.%Y %H:%M".into())]
        {
            let _ = date(s, &order);
            let _ = datetime(s, &order);
        }
        let _ = detect_order([s, s].into_iter());
        let _ = boolean(s);
        let _ = count(s);
        let _ = unguard(s);
        assert_eq!(unguard(&guard(s)), s);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: crate::interop::fuzz_cases(5000), ..ProptestConfig::default() })]

        /// Arbitrary bytes, read as text the way the reader would: never a panic.
        #[test]
        fn value_parsers_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            all(&String::from_utf8_lossy(&bytes));
        }

        /// Strings made of the characters that money and dates are written with.
        #[test]
        fn value_parsers_never_panic_on_number_like_text(s in "[0-9$€£(),.kKmM%/: TZ+-]{0,24}") {
            all(&s);
            if let Ok(m) = money(&s, false) {
                // What is read back is a whole number of cents, sign and all.
                prop_assert!(m.cents().checked_abs().is_some());
            }
        }
    }
}
