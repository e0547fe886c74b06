//! Money as integer minor units (cents). Never a float: parsing, display and
//! percentages are all done with integer arithmetic.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Money(pub i64);

/// Money for other programs: major units (`5200.0` for 5,200.00), so that
/// scripts need not know about cents. Exact below 2^53 cents. For
/// `#[serde(serialize_with = "…")]` on a `Money` field.
pub fn serialize_major<S: serde::Serializer>(m: &Money, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(m.cents() as f64 / 100.0)
}

/// `serialize_major` for an optional amount: `null` when there is none.
pub fn serialize_major_opt<S: serde::Serializer>(m: &Option<Money>, s: S) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => serialize_major(m, s),
        None => s.serialize_none(),
    }
}

/// What `parse` accepts, quoted in its error messages.
const EXPECTED: &str = "expected an amount like 1234, 1,234.50, $1,234.5, -50, 12.5k or 3m";

/// What `parse_non_negative` accepts: the same, without the negative example.
const EXPECTED_NON_NEGATIVE: &str = "expected an amount of zero or more like 1234, 1,234.50, $1,234.5, 12.5k or 3m";

/// The currency symbols tolerated in front of an amount.
const CURRENCY_SYMBOLS: [char; 3] = ['$', '€', '£'];

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_cents(cents: i64) -> Money {
        Money(cents)
    }

    pub fn from_units(units: i64) -> Money {
        Money(units * 100)
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    /// Like [`Money::parse`], for amounts that cannot be negative (a deal, an
    /// annual value): a negative one is refused, and the messages offer only
    /// examples that would be taken.
    pub fn parse_non_negative(s: &str) -> Result<Money, String> {
        match Money::parse(s) {
            Ok(m) if m.is_negative() => {
                Err(format!("'{}' is negative; {EXPECTED_NON_NEGATIVE}", crate::domain::limits::preview(s.trim())))
            }
            Ok(m) => Ok(m),
            Err(e) => Err(e.replace(EXPECTED, EXPECTED_NON_NEGATIVE)),
        }
    }

    /// Parses `1234`, `1,234.50`, `$1,234.5`, `1.2k`, `3m`, `-50`.
    ///
    /// Also accepted: surrounding whitespace, one leading sign (`-` or `+`)
    /// and one currency symbol (`$`, `€`, `£`) in either order, and the
    /// suffixes `k`, `m`, `b` and `t` (either case) for thousands, millions,
    /// billions and trillions. Without a suffix at most two decimals are
    /// allowed; with one, any number of decimals that comes to a whole number
    /// of cents (`1.234k` is 1,234.00, `1.2345678k` is refused).
    pub fn parse(s: &str) -> Result<Money, String> {
        let text = s.trim();
        let quoted = crate::domain::limits::preview(text);
        let fail = |why: String| Err(format!("'{quoted}' is not an amount: {why}; {EXPECTED}"));
        if text.is_empty() {
            return Err(format!("an amount is required; {EXPECTED}"));
        }

        // Leading sign and currency symbol, at most one of each, in any order.
        let mut rest = text;
        let mut negative = false;
        let mut seen_sign = false;
        let mut seen_symbol = false;
        while let Some(c) = rest.chars().next() {
            if c == '-' || c == '+' {
                if seen_sign {
                    return fail("it has more than one sign".into());
                }
                seen_sign = true;
                negative = c == '-';
            } else if CURRENCY_SYMBOLS.contains(&c) {
                if seen_symbol {
                    return fail("it has more than one currency symbol".into());
                }
                seen_symbol = true;
            } else {
                break;
            }
            rest = rest[c.len_utf8()..].trim_start();
        }

        // Optional magnitude suffix.
        let (number, scale) = match rest.chars().last() {
            Some('k' | 'K') => (&rest[..rest.len() - 1], 1_000u128),
            Some('m' | 'M') => (&rest[..rest.len() - 1], 1_000_000),
            Some('b' | 'B') => (&rest[..rest.len() - 1], 1_000_000_000),
            Some('t' | 'T') => (&rest[..rest.len() - 1], 1_000_000_000_000),
            _ => (rest, 1),
        };
        let has_suffix = scale != 1;
        if number.is_empty() {
            return fail("there are no digits".into());
        }
        if let Some(c) = number.chars().find(|c| !(c.is_ascii_digit() || *c == ',' || *c == '.')) {
            return match c {
                '-' | '+' => fail("the sign must come first".into()),
                c if CURRENCY_SYMBOLS.contains(&c) => fail("the currency symbol must come first".into()),
                c => fail(format!("unexpected '{c}'")),
            };
        }

        let (whole, fraction) = match number.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (number, None),
        };
        if let Some(f) = fraction {
            if f.contains('.') {
                return fail("it has more than one decimal point".into());
            }
            if f.contains(',') {
                return fail("thousands separators cannot follow the decimal point".into());
            }
            if f.is_empty() {
                return fail("there are no digits after the decimal point".into());
            }
        }
        if whole.contains(',') && !thousands_grouped(whole) {
            return fail("thousands separators must split the digits into groups of three".into());
        }
        let whole_digits = whole.bytes().filter(|b| *b != b',');

        // Cents per unit of the written number.
        let unit = scale * 100;
        let fraction = fraction.unwrap_or("");
        let fraction = if has_suffix { fraction.trim_end_matches('0') } else { fraction };
        let fraction_len = fraction.len() as u32;
        let too_precise = match 10u128.checked_pow(fraction_len) {
            Some(p) => unit % p != 0,
            None => true,
        };
        if too_precise {
            return if has_suffix {
                fail("it does not come to a whole number of cents".into())
            } else {
                fail("it has more than 2 decimals".into())
            };
        }
        let fraction_unit = unit / 10u128.pow(fraction_len);

        let too_large = || {
            Err(format!(
                "'{quoted}' is too large: amounts must lie between {} and {}",
                Money(i64::MIN),
                Money(i64::MAX)
            ))
        };
        let Some(whole_value) = digits_value(whole_digits) else {
            return too_large();
        };
        let Some(fraction_value) = digits_value(fraction.bytes()) else {
            return too_large();
        };
        let magnitude = whole_value
            .checked_mul(unit)
            .and_then(|w| fraction_value.checked_mul(fraction_unit).and_then(|f| w.checked_add(f)));
        let Some(magnitude) = magnitude else {
            return too_large();
        };
        let Ok(magnitude) = i128::try_from(magnitude) else {
            return too_large();
        };
        let signed = if negative { -magnitude } else { magnitude };
        match i64::try_from(signed) {
            Ok(cents) => Ok(Money(cents)),
            Err(_) => too_large(),
        }
    }

    /// Short form for narrow columns: `950`, `12.5k`, `1.2M`, `3.4B`.
    ///
    /// Cents are dropped and the value is truncated towards zero, never
    /// rounded up: 999,999.99 shows as `999k`, not `1M`. One decimal is kept
    /// below 100 of a unit (`12.5k`, `123k`) and left out when it is zero
    /// (`12k`). Amounts of a trillion or more use `T`.
    pub fn compact(self) -> String {
        const SCALES: [(u64, &str); 4] =
            [(1_000_000_000_000, "T"), (1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")];
        let units = self.0.unsigned_abs() / 100;
        let body = match SCALES.iter().find(|(scale, _)| units >= *scale) {
            None => units.to_string(),
            Some(&(scale, suffix)) => {
                let whole = units / scale;
                let tenths = units % scale / (scale / 10);
                if whole >= 100 || tenths == 0 {
                    format!("{whole}{suffix}")
                } else {
                    format!("{whole}.{tenths}{suffix}")
                }
            }
        };
        if self.0 < 0 && units > 0 {
            format!("-{body}")
        } else {
            body
        }
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    pub fn checked_neg(self) -> Option<Money> {
        self.0.checked_neg().map(Money)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// `self * numerator / denominator`, truncated towards zero: a weighted
    /// amount (`deal.checked_mul_div(probability, 100)`) or a pro-rated target
    /// (`target.checked_mul_div(elapsed_days, total_days)`). `None` when the
    /// denominator is zero or the result does not fit.
    pub fn checked_mul_div(self, numerator: i64, denominator: i64) -> Option<Money> {
        if denominator == 0 {
            return None;
        }
        let value = i128::from(self.0) * i128::from(numerator) / i128::from(denominator);
        i64::try_from(value).ok().map(Money)
    }

    /// `self` as a whole percentage of `total`, rounded down: 2 of 3 is 66.
    /// `None` when `total` is zero. A negative ratio counts as 0 and a ratio
    /// beyond `u32::MAX` percent as `u32::MAX`.
    pub fn percent_of(self, total: Money) -> Option<u32> {
        if total.0 == 0 {
            return None;
        }
        let (mut numerator, mut denominator) = (i128::from(self.0) * 100, i128::from(total.0));
        if denominator < 0 {
            numerator = -numerator;
            denominator = -denominator;
        }
        let percent = numerator.div_euclid(denominator);
        Some(u32::try_from(percent.max(0)).unwrap_or(u32::MAX))
    }
}

/// Whether `s` (digits and commas) is grouped as `1,234,567`: a first group of
/// one to three digits, then groups of exactly three.
fn thousands_grouped(s: &str) -> bool {
    let mut groups = s.split(',');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    first_ok && groups.all(|g| g.len() == 3)
}

/// The value of a run of ASCII digits, or `None` on overflow. Empty is 0.
fn digits_value(digits: impl Iterator<Item = u8>) -> Option<u128> {
    let mut value: u128 = 0;
    for d in digits {
        value = value.checked_mul(10)?.checked_add(u128::from(d - b'0'))?;
    }
    Some(value)
}

/// `1234567` as `1,234,567`.
fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Money {
    /// `1,234.50`, `-50.00`. Honours width and alignment (`{:>12}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let magnitude = self.0.unsigned_abs();
        let body = format!("{}.{:02}", group_thousands(magnitude / 100), magnitude % 100);
        f.pad_integral(self.0 >= 0, "", &body)
    }
}

impl std::str::FromStr for Money {
    type Err = String;
    fn from_str(s: &str) -> Result<Money, String> {
        Money::parse(s)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}

/// Like integer negation, overflows on `Money(i64::MIN)`; see `checked_neg`.
impl std::ops::Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 += o.0;
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

impl<'a> std::iter::Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(s: &str) -> i64 {
        match Money::parse(s) {
            Ok(m) => m.0,
            Err(e) => panic!("{s:?} should parse: {e}"),
        }
    }

    #[test]
    fn parses_plain_and_grouped_amounts() {
        let cases: &[(&str, i64)] = &[
            ("0", 0),
            ("1234", 123_400),
            ("1,234", 123_400),
            ("1,234.50", 123_450),
            ("1,234,567.89", 123_456_789),
            ("1234.5", 123_450),
            ("1234.05", 123_405),
            ("0.01", 1),
            (".5", 50),
            ("007", 700),
            ("  42  ", 4_200),
            ("\t42\n", 4_200),
            ("123,456", 12_345_600),
        ];
        for &(s, cents) in cases {
            assert_eq!(parsed(s), cents, "{s:?}");
        }
    }

    #[test]
    fn parses_signs_and_currency_symbols() {
        let cases: &[(&str, i64)] = &[
            ("$1,234.5", 123_450),
            ("€99", 9_900),
            ("£0.99", 99),
            ("-50", -5_000),
            ("-$50", -5_000),
            ("$-50", -5_000),
            ("-€1.5k", -150_000),
            ("+50", 5_000),
            ("$ 50", 5_000),
            ("-0", 0),
        ];
        for &(s, cents) in cases {
            assert_eq!(parsed(s), cents, "{s:?}");
        }
    }

    #[test]
    fn parses_magnitude_suffixes() {
        let cases: &[(&str, i64)] = &[
            ("1.2k", 120_000),
            ("12.5k", 1_250_000),
            ("12.5K", 1_250_000),
            ("1k", 100_000),
            ("1,500k", 150_000_000),
            ("3m", 300_000_000),
            ("3M", 300_000_000),
            ("1.25m", 125_000_000),
            ("2b", 200_000_000_000),
            ("1.5T", 150_000_000_000_000),
            ("1.234k", 123_400),
            ("1.23456k", 123_456),
            ("1.2340000000k", 123_400),
            ("0.00001k", 1),
            ("1.23456789m", 123_456_789),
        ];
        for &(s, cents) in cases {
            assert_eq!(parsed(s), cents, "{s:?}");
        }
    }

    #[test]
    fn parses_the_extremes_of_the_range() {
        assert_eq!(parsed("92,233,720,368,547,758.07"), i64::MAX);
        assert_eq!(parsed("-92,233,720,368,547,758.08"), i64::MIN);
        assert_eq!(parsed("92233.72036854775807T"), i64::MAX);
    }

    #[test]
    fn refuses_malformed_amounts_with_a_clear_reason() {
        let cases: &[(&str, &str)] = &[
            ("abc", "unexpected 'a'"),
            ("12abc", "unexpected 'a'"),
            ("12 34", "unexpected ' '"),
            ("1.2.3", "more than one decimal point"),
            ("1.234", "more than 2 decimals"),
            ("1.500", "more than 2 decimals"),
            ("1.2345678k", "whole number of cents"),
            ("0.000001k", "whole number of cents"),
            ("1,23", "groups of three"),
            ("1,2345", "groups of three"),
            (",123", "groups of three"),
            ("1,,234", "groups of three"),
            ("1234,", "groups of three"),
            ("1.234,5", "cannot follow the decimal point"),
            ("--50", "more than one sign"),
            ("-$-50", "more than one sign"),
            ("+-5", "more than one sign"),
            ("50-", "sign must come first"),
            ("$$5", "more than one currency symbol"),
            ("5$", "currency symbol must come first"),
            ("$", "no digits"),
            ("-", "no digits"),
            ("k", "no digits"),
            ("-k", "no digits"),
            ("5.", "no digits after the decimal point"),
            ("1.2kk", "unexpected 'k'"),
            ("½", "unexpected '½'"),
            ("١٢", "unexpected"),
        ];
        for &(s, reason) in cases {
            let err = Money::parse(s).expect_err(s);
            assert!(err.contains(reason), "{s:?}: {err}");
            assert!(err.contains(&format!("'{}'", s.trim())), "{s:?} should be named: {err}");
            assert!(err.contains("expected"), "{s:?}: {err}");
        }
    }

    #[test]
    fn refuses_empty_input() {
        for s in ["", "   ", "\n"] {
            let err = Money::parse(s).unwrap_err();
            assert!(err.contains("amount is required"), "{err}");
        }
    }

    #[test]
    fn refuses_overflow_without_panicking() {
        for s in [
            "92,233,720,368,547,758.08",
            "-92,233,720,368,547,758.09",
            "92233720368547759",
            "999999999999999999999999999999999999999999999999999",
            "99999999999999999999999999999999999999.99",
            "100000T",
            "1.00000000000000000000000000000000000000000000000000000001T",
            "0.0000000000000000000000000000000000000000000000000000001k",
        ] {
            assert!(Money::parse(s).is_err(), "{s:?}");
        }
        let err = Money::parse("100000T").unwrap_err();
        assert!(err.contains("too large") && err.contains("92,233,720,368,547,758.07"), "{err}");
    }

    #[test]
    fn from_str_is_parse() {
        assert_eq!("1.2k".parse::<Money>(), Ok(Money(120_000)));
        assert!("x".parse::<Money>().is_err());
    }

    #[test]
    fn displays_with_separators_and_two_decimals() {
        let cases: &[(i64, &str)] = &[
            (0, "0.00"),
            (1, "0.01"),
            (-1, "-0.01"),
            (50, "0.50"),
            (-5_000, "-50.00"),
            (99_999, "999.99"),
            (100_000, "1,000.00"),
            (123_450, "1,234.50"),
            (12_345_678, "123,456.78"),
            (123_456_789, "1,234,567.89"),
            (-123_456_789, "-1,234,567.89"),
            (i64::MAX, "92,233,720,368,547,758.07"),
            (i64::MIN, "-92,233,720,368,547,758.08"),
        ];
        for &(cents, text) in cases {
            assert_eq!(Money(cents).to_string(), text, "{cents}");
        }
    }

    #[test]
    fn display_honours_width_and_alignment() {
        assert_eq!(format!("{:>10}", Money(123_450)), "  1,234.50");
        assert_eq!(format!("{:<10}|", Money(-5_000)), "-50.00    |");
        assert_eq!(format!("{:>3}", Money(123_450)), "1,234.50");
    }

    #[test]
    fn compact_suits_narrow_columns() {
        let cases: &[(i64, &str)] = &[
            (0, "0"),
            (99, "0"),
            (-99, "0"),
            (95_000, "950"),
            (99_999, "999"),
            (100_000, "1k"),
            (120_000, "1.2k"),
            (129_999, "1.2k"),
            (1_250_000, "12.5k"),
            (1_200_000, "12k"),
            (9_999_999, "99.9k"),
            (12_345_600, "123k"),
            (99_999_999, "999k"),
            (100_000_000, "1M"),
            (123_456_789, "1.2M"),
            (199_999_999, "1.9M"),
            (340_000_000_000, "3.4B"),
            (150_000_000_000_000, "1.5T"),
            (-95_000, "-950"),
            (-1_250_000, "-12.5k"),
            (-123_456_789, "-1.2M"),
            (i64::MAX, "92233T"),
            (i64::MIN, "-92233T"),
        ];
        for &(cents, text) in cases {
            assert_eq!(Money(cents).compact(), text, "{cents}");
        }
    }

    #[test]
    fn percentages_round_down() {
        assert_eq!(Money(2).percent_of(Money(3)), Some(66));
        assert_eq!(Money(50_000).percent_of(Money(100_000)), Some(50));
        assert_eq!(Money(99_999).percent_of(Money(100_000)), Some(99));
        assert_eq!(Money(100_000).percent_of(Money(100_000)), Some(100));
        assert_eq!(Money(250_000).percent_of(Money(100_000)), Some(250));
        assert_eq!(Money(0).percent_of(Money(100_000)), Some(0));
        assert_eq!(Money(5).percent_of(Money::ZERO), None);
        assert_eq!(Money::ZERO.percent_of(Money::ZERO), None);
        assert_eq!(Money(-100).percent_of(Money(1_000)), Some(0));
        assert_eq!(Money(-1).percent_of(Money(1_000)), Some(0));
        assert_eq!(Money(-500).percent_of(Money(-1_000)), Some(50));
        assert_eq!(Money(i64::MAX).percent_of(Money(1)), Some(u32::MAX));
        assert_eq!(Money(i64::MIN).percent_of(Money(-1)), Some(u32::MAX));
        assert_eq!(Money(i64::MIN).percent_of(Money(i64::MIN)), Some(100));
    }

    #[test]
    fn arithmetic() {
        let a = Money(1_050);
        let b = Money(250);
        assert_eq!(a + b, Money(1_300));
        assert_eq!(a - b, Money(800));
        assert_eq!(-a, Money(-1_050));
        let mut c = a;
        c += b;
        assert_eq!(c, Money(1_300));
        assert_eq!([a, b, Money(-300)].into_iter().sum::<Money>(), Money(1_000));
        assert_eq!([a, b].iter().sum::<Money>(), Money(1_300));
        assert_eq!(Vec::<Money>::new().into_iter().sum::<Money>(), Money::ZERO);
        assert_eq!(Money::from_units(12), Money(1_200));
        assert_eq!(Money::from_cents(12).cents(), 12);
    }

    #[test]
    fn checked_arithmetic_reports_overflow() {
        assert_eq!(Money(1).checked_add(Money(2)), Some(Money(3)));
        assert_eq!(Money(i64::MAX).checked_add(Money(1)), None);
        assert_eq!(Money(i64::MIN).checked_sub(Money(1)), None);
        assert_eq!(Money(5).checked_sub(Money(7)), Some(Money(-2)));
        assert_eq!(Money(i64::MIN).checked_neg(), None);
        assert_eq!(Money(7).checked_neg(), Some(Money(-7)));
        assert!(Money(-1).is_negative() && !Money::ZERO.is_negative());
    }

    #[test]
    fn mul_div_truncates_and_reports_overflow() {
        assert_eq!(Money(1_000_000).checked_mul_div(25, 100), Some(Money(250_000)));
        assert_eq!(Money(100).checked_mul_div(1, 3), Some(Money(33)));
        assert_eq!(Money(-100).checked_mul_div(1, 3), Some(Money(-33)));
        assert_eq!(Money(i64::MAX).checked_mul_div(30, 92), Some(Money((i128::from(i64::MAX) * 30 / 92) as i64)));
        assert_eq!(Money(100).checked_mul_div(1, 0), None);
        assert_eq!(Money(i64::MAX).checked_mul_div(2, 1), None);
    }

    proptest! {
        #[test]
        fn display_then_parse_is_the_identity(cents in any::<i64>()) {
            let m = Money(cents);
            prop_assert_eq!(Money::parse(&m.to_string()), Ok(m));
        }

        #[test]
        fn display_with_decoration_parses_back(cents in any::<i64>(), symbol in "[$€£]?", pad in "[ \t]{0,3}") {
            let m = Money(cents);
            let text = m.to_string();
            let decorated = match text.strip_prefix('-') {
                Some(rest) => format!("{pad}-{symbol}{rest}{pad}"),
                None => format!("{pad}{symbol}{text}{pad}"),
            };
            prop_assert_eq!(Money::parse(&decorated), Ok(m));
        }

        #[test]
        fn parse_never_panics_on_arbitrary_text(s in any::<String>()) {
            let _ = Money::parse(&s);
        }

        #[test]
        fn parse_never_panics_on_amount_like_text(s in "[-+$€£ ]{0,3}[0-9,.]{0,30}[kKmMbBtTx]?") {
            let _ = Money::parse(&s);
        }

        #[test]
        fn compact_never_overstates(cents in any::<i64>()) {
            let m = Money(cents);
            let short = m.compact();
            // What the short form says, read back, is never more than the
            // amount and never crosses zero.
            let back = Money::parse(&short).expect("compact output parses");
            prop_assert!(back.0.unsigned_abs() <= m.0.unsigned_abs(), "{} -> {}", m, short);
            prop_assert!(back.0 == 0 || (back.0 < 0) == (m.0 < 0));
            prop_assert!(short.len() <= 7, "{} -> {}", m, short);
        }

        #[test]
        fn percent_of_matches_its_definition(part in any::<i64>(), total in any::<i64>()) {
            match Money(part).percent_of(Money(total)) {
                None => prop_assert_eq!(total, 0),
                Some(p) => {
                    let (part, total) = (i128::from(part), i128::from(total));
                    let p = i128::from(p);
                    if p > 0 && p < i128::from(u32::MAX) {
                        // p <= part*100/total < p+1, in the sign of total.
                        let (n, d) = if total < 0 { (-part * 100, -total) } else { (part * 100, total) };
                        prop_assert!(p * d <= n && n < (p + 1) * d);
                    }
                }
            }
        }
    }
}
