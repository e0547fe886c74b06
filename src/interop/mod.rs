//! Moving data in and out: file readers, the field table shared by import
//! and export, value parsing, the import itself, and vCard and iCalendar
//! files. Writes go through the
//! store's typed functions; there is no SQL here.

pub mod fields;
pub mod ics;
pub mod import;
pub mod read;
pub mod values;
pub mod vcard;

/// Cases for each parser's fuzz property: a few hundred in the suite;
/// `RAPPORT_FUZZ_CASES=2000000 cargo test --lib fuzz` runs them long.
#[cfg(test)]
pub(crate) fn fuzz_cases(quick: u32) -> u32 {
    std::env::var("RAPPORT_FUZZ_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(quick)
}
