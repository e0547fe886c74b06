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
    let mut text = match (report.changes, report.pushed) {
        (0, 0) => "nothing to push".to_string(),
        (1, n) => format!("pushed 1 change ({n} field value{})", plural(n)),
        (c, n) => format!("pushed {c} changes ({n} field values)"),
    };
    text.push_str(&format!(", pulled {} record{}", report.pulled, plural(report.pulled)));
    if report.lost > 0 && !report.duplicate {
        text.push_str(&format!(
            "; {} of your field value{} lost to later edits by others",
            report.lost,
            plural(report.lost)
        ));
    }
    if report.conflicts > 0 {
        text.push_str(&format!("; {} sync conflict(s) recorded", report.conflicts));
    }
    if report.rebased {
        out::warn("rapport: this file is older than this laptop's last push (restored from a backup?); its changes were numbered after the server's and sent");
    }
    if report.resynced {
        out::warn(&format!(
            "rapport: this laptop had been away longer than the server keeps deleted records; your changes were pushed, then the team's book was downloaded again ({} record(s) deleted by the team meanwhile)",
            report.gone
        ));
    }
    if report.repaired > 0 {
        text.push_str(&format!(
            "; {} record(s) whose merged fields broke a rule were set right (e.g. a closed deal dated by its stage)",
            report.repaired
        ));
    }
    if report.held > 0 {
        out::warn(&format!(
            "rapport: {} record(s) from the server cannot be applied here yet; they are kept and tried again at every sync",
            report.held
        ));
    }
    if let Some(p) = report.purged.as_ref().filter(|p| p.records > 0) {
        text.push_str(&format!(
            "; the weekly upkeep purged {} deleted record{} every laptop had pulled past from the server",
            p.records,
            plural(p.records as usize)
        ));
    }
    out::say(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
