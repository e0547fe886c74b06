//! `rapport sync`: push this laptop's changes to the team's server and pull
//! everyone else's.

use super::out;
use crate::store::Store;
use crate::team::{self, connect::Secrets};
use anyhow::Result;
use std::process::ExitCode;

pub fn run(store: &Store) -> Result<ExitCode> {
    let report = team::sync(store, &Secrets::from_env())?;
    if let Some(minutes) = report.clamped_minutes {
        out::warn(&format!(
            "rapport: this computer's clock is {minutes} min ahead of the server's; changes were stamped with the server's time — set the clock right"
        ));
    }
    for refused in &report.refused {
        out::warn(&format!("rapport: {refused}"));
    }
    let mut text = format!("pushed {} change(s), pulled {} record(s)", report.pushed, report.pulled);
    if report.pushed > report.kept && !report.duplicate {
        text.push_str(&format!("; {} of yours lost to later edits", report.pushed - report.kept));
    }
    if report.conflicts > 0 {
        text.push_str(&format!("; {} sync conflict(s) recorded", report.conflicts));
    }
    if report.skipped > 0 {
        out::warn(&format!(
            "rapport: {} record(s) from the server could not be applied here (they break a rule of this book); they come again with their next change",
            report.skipped
        ));
    }
    out::say(&text)?;
    Ok(ExitCode::SUCCESS)
}
