//! Phone numbers for caller ID: the number as typed is kept for display, its
//! E.164 form (libphonenumber's metadata, through the `phonenumber` crate)
//! is what a call is matched against, and a number the metadata does not
//! know is matched by its digits.
//!
//! Matching works on keys of digits only: a stored number's key is its
//! E.164 digits (`442079460444`) when it is valid, else its typed digits
//! without leading zeros (a trunk `0` or an `00` prefix says nothing about
//! which number it is). A dialled number is parsed once into a few such
//! digit strings, and a contact matches when its key holds one of them
//! (partly typed numbers, the last six digits) or one of them ends with
//! the key (a caller ID with a country code for a number stored without one).

use phonenumber::country::Id;
use std::str::FromStr;

/// A region of libphonenumber's metadata: `GB`, `NL`, `US`.
pub type Region = Id;

/// The region of a country as people write it in an account: its ISO code
/// (`GB`, `gbr`) or its English name (`United Kingdom`, `The Netherlands`).
pub fn region_of(country: &str) -> Option<Region> {
    let key: String = country.chars().filter(|c| c.is_alphanumeric()).collect();
    if key.is_empty() {
        return None;
    }
    // Common names that the ISO list spells otherwise.
    let alpha2 = match key.to_ascii_uppercase().as_str() {
        "UK" | "BRITAIN" => "GB".to_string(),
        "HOLLAND" | "NEDERLAND" => "NL".to_string(),
        "DEUTSCHLAND" => "DE".to_string(),
        "SCHWEIZ" | "SUISSE" => "CH".to_string(),
        "ÖSTERREICH" | "OSTERREICH" => "AT".to_string(),
        _ => celes::Country::from_str(&key).ok()?.alpha2.to_string(),
    };
    Id::from_str(&alpha2).ok()
}

/// A region given by its ISO code or English name, for settings: an error
/// that says what was expected otherwise.
pub fn parse_region(text: &str) -> Result<Region, String> {
    region_of(text).ok_or_else(|| {
        format!("'{}' is not a country; expected an ISO code such as GB or US, or a name such as Netherlands", text)
    })
}

/// The digits of a number, in order: `+1 (555) 010-2030` → `15550102030`.
pub fn digits(phone: &str) -> String {
    phone.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// The digits of a number without its extension: `020 7946 0444 ext. 9` →
/// `02079460444`, so a caller ID still ends with them.
pub fn number_digits(phone: &str) -> String {
    digits(main_part(phone.trim()).unwrap_or(phone))
}

/// The E.164 form of `typed` (`+442079460444`), read in `region` unless it
/// is written internationally; None when libphonenumber does not take it for
/// a valid number there. An extension is not part of E.164 and is left out.
pub fn e164(typed: &str, region: Option<Region>) -> Option<String> {
    widen_pattern_cache();
    let n = phonenumber::parse(region, typed.trim()).ok()?;
    n.is_valid().then(|| n.format().mode(phonenumber::Mode::E164).to_string())
}

/// How many compiled patterns libphonenumber keeps. Its default of 100 is
/// fewer than one parse walks through when a book spans many countries, so
/// every number recompiled its patterns (2 ms a contact on a demo book);
/// this holds every region's patterns, and only those used are compiled.
const PATTERN_CACHE: usize = 4_000;

fn widen_pattern_cache() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(mut cache) = phonenumber::metadata::DATABASE.cache().lock() {
            cache.set_capacity(PATTERN_CACHE);
        }
    });
}

/// The key a stored number is matched by: its E.164 digits, else its typed
/// digits without leading zeros.
pub fn match_key<'a>(e164: Option<&'a str>, digits: &'a str) -> &'a str {
    match e164 {
        Some(e) if !e.is_empty() => e.trim_start_matches('+'),
        _ => digits.trim_start_matches('0'),
    }
}

/// Splits a typed number from an extension after it: `020 7946 0444 ext. 12`,
/// `x12`, `#12`, `;ext=12`. None when the text is not a number with or
/// without one.
fn main_part(q: &str) -> Option<&str> {
    let Some(at) = q.find(|c: char| c.is_alphabetic() || c == '#' || c == ';' || c == ',') else {
        return Some(q);
    };
    let (main, ext) = q.split_at(at);
    let lower = ext.to_lowercase();
    let rest = ["extension", "ext", "x", "#", ";ext=", ",", ";"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))?
        .trim_start_matches(['.', ':', '=', ' ']);
    (!rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit())).then_some(main)
}

/// The digits of an international number written with its trunk zero in
/// brackets, without it: `+44 (0)20 7946 0444` → `442079460444`.
fn without_trunk_zero(main: &str) -> Option<String> {
    let t = main.trim_start();
    let (before, after) = t.split_once("(0)")?;
    let international = t.starts_with('+') || t.starts_with("00");
    (international && !digits(before).is_empty())
        .then(|| digits(&format!("{before}{after}")).trim_start_matches('0').to_string())
}

/// Regions where a number's digits as dialled, leading zeros aside, are the
/// tail of its E.164 form: no national prefix or `0`, and `00` to call
/// abroad (a test checks each against the metadata). Numbers dialled there
/// are matched without loading libphonenumber's metadata, except those
/// starting with the digits beside the region: another national prefix it
/// has (the UK's text relay).
const PLAIN_REGIONS: &[(Region, &str)] = &[
    (Id::AT, ""),
    (Id::BE, ""),
    (Id::CH, ""),
    (Id::CZ, ""),
    (Id::DE, ""),
    (Id::DK, ""),
    (Id::ES, ""),
    (Id::FR, ""),
    (Id::GB, "180020"),
    (Id::GR, ""),
    (Id::HR, ""),
    (Id::IE, ""),
    (Id::IN, ""),
    (Id::IT, ""),
    (Id::NL, ""),
    (Id::NO, ""),
    (Id::PL, ""),
    (Id::PT, ""),
    (Id::SE, ""),
    (Id::SK, ""),
    (Id::TR, ""),
    (Id::ZA, ""),
];

/// Regions of the North American plan: national prefix `1`, the country
/// code as well, so the same holds except for `011`, their way to call abroad.
const NANP_REGIONS: &[Region] = &[Id::US, Id::CA];

/// Whether reading `main` in `region` can give an E.164 form that does not
/// end with its digits (once a bracketed trunk zero is taken out). A number
/// written with its country code is read the same in every region, and a
/// national one cannot be read without one.
fn needs_metadata(main: &str, region: Option<Region>) -> bool {
    let t = main.trim_start();
    match region {
        _ if t.starts_with('+') => false,
        None => false,
        Some(r) if NANP_REGIONS.contains(&r) => digits(t).starts_with("011"),
        Some(r) => match PLAIN_REGIONS.iter().find(|p| p.0 == r) {
            Some((_, "")) => false,
            Some((_, other)) => digits(t).starts_with(other),
            None => true,
        },
    }
}

/// A number typed into a lookup or given as a caller ID, parsed once.
#[derive(Debug, Clone)]
pub struct Dialled {
    /// The digits as typed, the extension left out.
    pub typed: String,
    /// Digit strings that a stored key may hold (or end): the typed digits
    /// without leading zeros and, when the number parses as valid, its E.164
    /// digits. At least three digits each; no two alike.
    pub forms: Vec<String>,
    /// A searcher per form, built once: a lookup runs them over every contact.
    finders: Vec<memchr::memmem::Finder<'static>>,
}

impl PartialEq for Dialled {
    fn eq(&self, other: &Dialled) -> bool {
        self.typed == other.typed && self.forms == other.forms
    }
}

impl Dialled {
    /// Reads a query as a phone number: at least three digits and nothing but
    /// digits, the punctuation people write numbers with, and an extension.
    /// `region` reads a national number (the config's default region).
    pub fn parse(query: &str, region: Option<Region>) -> Option<Dialled> {
        let q = query.trim();
        let main = main_part(q)?;
        if !main.chars().all(|c| c.is_ascii_digit() || " +-().\u{a0}/".contains(c)) {
            return None;
        }
        let typed = digits(main);
        if typed.len() < 3 {
            return None;
        }
        let mut forms = Vec::with_capacity(2);
        let stripped = typed.trim_start_matches('0');
        forms.push(if stripped.len() >= 3 { stripped } else { typed.as_str() }.to_string());
        // The E.164 form adds a match only where it does not end with the
        // digits typed: a trunk zero written after the country code, or a
        // region whose national numbers are not their E.164 tail. Elsewhere
        // libphonenumber's metadata (tens of ms to load) is left alone.
        let e164 = match without_trunk_zero(main) {
            Some(international) => Some(international),
            None if needs_metadata(main, region) => e164(main, region).map(|e| e.trim_start_matches('+').to_string()),
            None => None,
        };
        if let Some(e) = e164.filter(|e| e.len() >= 3 && !forms.contains(e)) {
            forms.push(e);
        }
        let finders = forms.iter().map(|f| memchr::memmem::Finder::new(f.as_bytes()).into_owned()).collect();
        Some(Dialled { typed, forms, finders })
    }

    /// Whether a stored number with match key `key` answers this one.
    pub fn matches(&self, key: &str) -> bool {
        !key.is_empty() && self.finders.iter().any(|finder| finder.find(key.as_bytes()).is_some())
            || self.ends_with(key)
    }

    /// Whether a form dialled ends with `key`: a number stored without its
    /// country code, answered by a caller ID with one.
    pub fn ends_with(&self, key: &str) -> bool {
        key.len() >= 7 && self.forms.iter().any(|f| f.ends_with(key))
    }

    /// Where in `shown` (a number as written) the dialled digits are, as
    /// char positions: the digits of the first form found, else every digit.
    pub fn positions(&self, shown: &str) -> Vec<u32> {
        let at: Vec<u32> =
            shown.chars().enumerate().filter(|(_, c)| c.is_ascii_digit()).map(|(i, _)| i as u32).collect();
        let written = digits(shown);
        for f in std::iter::once(&self.typed).chain(&self.forms) {
            if let Some(start) = written.find(f.as_str()) {
                return at[start..start + f.len()].to_vec();
            }
        }
        // A caller ID that ends with the number as written, trunk zero aside.
        let national = written.trim_start_matches('0');
        if !national.is_empty() && self.forms.iter().any(|f| f.ends_with(national)) {
            return at[written.len() - national.len()..].to_vec();
        }
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_a_number_widens_libphonenumbers_pattern_cache() {
        assert!(e164("020 7946 0444", Some(Id::GB)).is_some());
        let cache = phonenumber::metadata::DATABASE.cache();
        assert_eq!(cache.lock().unwrap().capacity(), PATTERN_CACHE);
    }

    #[test]
    fn countries_are_read_by_code_and_by_name() {
        for (name, id) in [
            ("United Kingdom", Id::GB),
            ("GB", Id::GB),
            ("gb", Id::GB),
            ("UK", Id::GB),
            ("Netherlands", Id::NL),
            ("The Netherlands", Id::NL),
            ("United States", Id::US),
            ("USA", Id::US),
            ("Germany", Id::DE),
            ("Deutschland", Id::DE),
            ("Switzerland", Id::CH),
            ("Australia", Id::AU),
            ("Japan", Id::JP),
        ] {
            assert_eq!(region_of(name), Some(id), "{name}");
        }
        assert_eq!(region_of(""), None);
        assert_eq!(region_of("Atlantis"), None);
        let err = parse_region("Atlantis").unwrap_err();
        assert!(err.contains("'Atlantis' is not a country; expected an ISO code"), "{err}");
    }

    #[test]
    fn e164_takes_national_international_and_trunk_forms() {
        let gb = Some(Id::GB);
        for typed in ["+44 (0)20 7946 0444", "020 7946 0444", "+44 20 7946 0444", "0044 20 7946 0444"] {
            assert_eq!(e164(typed, gb).as_deref(), Some("+442079460444"), "{typed}");
        }
        // Written internationally, the region does not matter.
        assert_eq!(e164("+44 20 7946 0444", None).as_deref(), Some("+442079460444"));
        assert_eq!(e164("+44 20 7946 0444", Some(Id::US)).as_deref(), Some("+442079460444"));
        // A national number needs its region.
        assert_eq!(e164("020 7946 0444", None), None);
        assert_eq!(e164("+31 (0)10 123 4567", None).as_deref(), Some("+31101234567"));
        assert_eq!(e164("212.555.0123 ext. 45", Some(Id::US)).as_deref(), Some("+12125550123"));
        // Italy keeps its leading zero.
        assert_eq!(e164("02 1234 5678", Some(Id::IT)).as_deref(), Some("+390212345678"));
        assert_eq!(e164("12345", gb), None, "too short to be a number");
    }

    #[test]
    fn keys_are_e164_digits_or_typed_digits_without_leading_zeros() {
        assert_eq!(match_key(Some("+442079460444"), "4402079460444"), "442079460444");
        assert_eq!(match_key(None, "02079460444"), "2079460444");
        assert_eq!(match_key(Some(""), "0012"), "12");
    }

    #[test]
    fn extensions_are_set_apart_and_words_are_not_numbers() {
        assert_eq!(number_digits("020 7946 0444 ext. 9"), "02079460444");
        assert_eq!(number_digits("+1 415 555 0188 x12"), "14155550188");
        assert_eq!(number_digits("+1 (555) 010-2030"), "15550102030");
        for q in ["020 7946 0444 ext. 12", "020 7946 0444 x12", "020 7946 0444#12", "020 7946 0444;ext=12"] {
            let d = Dialled::parse(q, None).unwrap_or_else(|| panic!("{q}"));
            assert_eq!(d.typed, "02079460444", "{q}");
        }
        for q in ["acme", "12 monkeys", "x123", "ab", "12", "020 7946 0444 ext."] {
            assert_eq!(Dialled::parse(q, None), None, "{q}");
        }
    }

    #[test]
    fn a_dialled_number_is_read_once_into_its_forms() {
        let d = Dialled::parse("+44 (0)20 7946 0444", None).unwrap();
        assert_eq!(d.forms, vec!["4402079460444".to_string(), "442079460444".to_string()]);
        assert!(d.matches("442079460444"));
        let national = Dialled::parse("020 7946 0444", None).unwrap();
        assert_eq!(national.forms, vec!["2079460444".to_string()]);
        assert!(national.matches("442079460444"));
        // A caller ID longer than a number stored without its country code.
        assert!(Dialled::parse("+44 20 7946 0714", None).unwrap().matches("2079460714"));
        assert!(!Dialled::parse("+44 20 7946 0714", None).unwrap().matches("79460715"));
        assert!(!national.matches(""));
    }

    #[test]
    fn numbers_dialled_in_plain_regions_match_as_libphonenumber_reads_them() {
        use phonenumber::metadata::DATABASE;
        use phonenumber::Mode;
        let nanp = NANP_REGIONS.iter().map(|&r| (r, ""));
        for (r, other) in PLAIN_REGIONS.iter().copied().chain(nanp) {
            let m = DATABASE.by_id(r.as_ref()).unwrap_or_else(|| panic!("{r:?} has metadata"));
            let prefix = m.national_prefix_for_parsing().map(|p| p.as_str()).or(m.national_prefix());
            let abroad = m.international_prefix().map(|p| p.as_str());
            if NANP_REGIONS.contains(&r) {
                assert_eq!((prefix, abroad, m.country_code()), (Some("1"), Some("011"), 1), "{r:?}");
            } else if other.is_empty() {
                assert!(matches!(prefix, None | Some("0")), "{r:?}: national prefix {prefix:?}");
                assert_eq!(abroad, Some("00"), "{r:?}: international prefix");
            } else {
                assert_eq!(prefix, Some(format!("0|{other}").as_str()), "{r:?}: national prefix");
                assert_eq!(abroad, Some("00"), "{r:?}: international prefix");
            }
            assert_eq!(m.national_prefix_transform_rule(), None, "{r:?}");
            // Its example numbers, written each way, match their stored key.
            let d = m.descriptors();
            let examples: Vec<&str> =
                [d.fixed_line(), d.mobile()].into_iter().flatten().filter_map(|x| x.example()).collect();
            assert!(!examples.is_empty(), "{r:?}");
            for example in examples {
                let n = phonenumber::parse(Some(r), example).unwrap();
                let e164 = n.format().mode(Mode::E164).to_string();
                for mode in [Mode::National, Mode::International, Mode::E164] {
                    let written = n.format().mode(mode).to_string();
                    let d = Dialled::parse(&written, Some(r)).unwrap_or_else(|| panic!("{r:?} {written}"));
                    assert!(d.matches(match_key(Some(&e164), "")), "{r:?}: {written} → {e164}: {:?}", d.forms);
                }
            }
        }
        // Elsewhere the metadata reads a national number.
        let ru = Dialled::parse("8 (495) 123-45-67", Some(Id::RU)).unwrap();
        assert!(ru.matches("74951234567"), "{:?}", ru.forms);
        let relay = Dialled::parse("18002 0 20 7946 0444", Some(Id::GB)).unwrap();
        assert!(relay.matches("442079460444"), "{:?}", relay.forms);
        let us = Dialled::parse("011 44 20 7946 0444", Some(Id::US)).unwrap();
        assert!(us.matches("442079460444"), "{:?}", us.forms);
    }

    #[test]
    fn matched_digits_are_found_in_the_number_as_written() {
        let d = Dialled::parse("555", None).unwrap();
        assert_eq!(d.positions("+1 (555) 010"), vec![4, 5, 6]);
        let d = Dialled::parse("+44 20 7946 0444", None).unwrap();
        assert_eq!(d.positions("020 7946 0444"), vec![1, 2, 4, 5, 6, 7, 9, 10, 11, 12]);
        let d = Dialled::parse("4455501020", None).unwrap();
        assert_eq!(d.positions("555 0102"), vec![0, 1, 2, 4, 5, 6, 7]);
    }
}
