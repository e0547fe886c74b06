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
