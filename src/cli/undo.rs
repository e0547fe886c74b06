//! `rapport undo` and `rapport redo`: take back, or do again, the newest
//! change made from the command line.

use crate::domain::sanitize::line;
use crate::store::Store;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(store: &Store, redo: bool) -> Result<ExitCode> {
    let (done, verb) = if redo { (store.redo(), "redo") } else { (store.undo(), "undo") };
    match done {
        Ok(Some(step)) => {
            super::out::say(&format!("{}: {}", if redo { "redid" } else { "undid" }, line(&step.summary)))?
        }
        Ok(None) => super::out::say(&format!("nothing to {verb}"))?,
        Err(e) => {
            return Err(super::hinted(
                e.context(format!("cannot {verb} the last change")),
                "undo takes back the command line's changes newest first; changes made in the cockpit are undone there",
            ))
        }
    }
    Ok(ExitCode::SUCCESS)
}
