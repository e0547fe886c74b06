//! Moving data in and out: file readers, the field table shared by import
//! and export, value parsing, and the import itself. Writes go through the
//! store's typed functions; there is no SQL here.

pub mod fields;
pub mod import;
pub mod read;
pub mod status;
pub mod values;
