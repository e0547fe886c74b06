//! Moving data in and out: file readers, the field table shared by import
//! and export, value parsing, the import itself, the typed table with its
//! writers, and vCard and iCalendar files. Writes go through the store's
//! typed functions; there is no SQL here.

pub mod csv_out;
pub mod export;
pub mod fields;
pub mod ics;
pub mod import;
pub mod read;
pub mod status;
pub mod table;
pub mod values;
pub mod vcard;
pub mod xlsx;

use anyhow::{anyhow, Result};
use std::path::Path;

/// Writes a whole file: into a temporary file beside `path` (readable by
/// its owner only, as the database is: exports hold customers' personal
/// data), then renamed into place, so that no reader ever sees half a
/// file. Without `replace`, an existing file is refused, atomically.
pub fn write_file(path: &Path, bytes: &[u8], replace: bool) -> Result<()> {
    use std::io::Write;
    let shown = path.display();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !replace && path.exists() {
        return Err(anyhow!("{shown} exists already; pass --force to replace it"));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".rapport-export-")
        .tempfile_in(dir)
        .map_err(|e| anyhow!("{shown}: cannot write in {} ({e})", dir.display()))?;
    tmp.write_all(bytes).and_then(|_| tmp.as_file().sync_all()).map_err(|e| anyhow!("{shown}: cannot write ({e})"))?;
    let persisted = if replace { tmp.persist(path) } else { tmp.persist_noclobber(path) };
    persisted.map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow!("{shown} exists already; pass --force to replace it")
        } else {
            anyhow!("{shown}: cannot write ({})", e.error)
        }
    })?;
    Ok(())
}

/// Cases for each parser's fuzz property: a few hundred in the suite;
/// `RAPPORT_FUZZ_CASES=2000000 cargo test --lib fuzz` runs them long.
#[cfg(test)]
pub(crate) fn fuzz_cases(quick: u32) -> u32 {
    std::env::var("RAPPORT_FUZZ_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(quick)
}
