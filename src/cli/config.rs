//! `rapport config set KEY VALUE`: one setting into the config file.

use super::hinted;
use crate::domain::scope::find_rep;
use crate::store::{OpenMode, Store};
use crate::tui::config;
use anyhow::{anyhow, Result};
use std::path::PathBuf;
use std::process::ExitCode;

pub fn set(db: Option<PathBuf>, key: &str, value: &str) -> Result<ExitCode> {
    let path = config::path()?;
    if key == "me" {
        // A name is checked against the book when there is one to check it against.
        let (db_path, _) = super::database_path(db)?;
        if db_path.exists() {
            let (store, _) = Store::open(&db_path, OpenMode::Existing)?;
            let members: Vec<_> = store.reps()?.into_iter().map(|r| (r.id, r.name, r.manager_id)).collect();
            if let Err(e) = find_rep(&members, value) {
                let names: Vec<&str> = members.iter().take(3).map(|m| m.1.as_str()).collect();
                return Err(hinted(
                    anyhow!("me: {e} in {}", db_path.display()),
                    format!(
                        "give a rep's full name, e.g. `rapport config set me \"{}\"`",
                        names.first().unwrap_or(&"Jane Doe")
                    ),
                ));
            }
        }
    }
    config::set(&path, key, value).map_err(|e| {
        hinted(e, "e.g. `rapport config set me \"Jane Doe\"` or `rapport config set fiscal_year_start 4`")
    })?;
    super::out::say(&format!("{key} = {} in {}", value.trim(), path.display()))?;
    Ok(ExitCode::SUCCESS)
}
