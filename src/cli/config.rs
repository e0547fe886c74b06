//! `rapport config set KEY VALUE`: one setting into the config file.

use super::hinted;
use crate::domain::scope::find_rep;
use crate::domain::Currency;
use crate::store::{OpenMode, Store};
use crate::tui::config;
use anyhow::{anyhow, Result};
use std::path::PathBuf;
use std::process::ExitCode;

pub fn set(db: Option<PathBuf>, key: &str, value: &str) -> Result<ExitCode> {
    if key == "currency" {
        // The currency belongs to the book, not to the person: every window
        // and command on this database shows the same one.
        let currency = Currency::parse(value)
            .map_err(|e| hinted(anyhow!("currency: {e}"), "e.g. `rapport config set currency EUR`"))?;
        let store = super::open_for_changes(db)?;
        store.set_setting("currency", currency.code())?;
        super::out::say(&format!(
            "currency = {} ({}) in {}",
            currency.code(),
            currency.name(),
            store.path().display()
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
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

/// `rapport config get KEY`: the book's currency, or a setting of the config file.
pub fn get(db: Option<PathBuf>, key: &str) -> Result<ExitCode> {
    let value = match key {
        "currency" => super::open_for_reading(db)?.currency()?.code().to_string(),
        "me" | "fiscal_year_start" => {
            let prefs = super::prefs()?;
            let value = if key == "me" { prefs.me } else { prefs.fiscal_year_start.map(|m| m.to_string()) };
            match value {
                Some(v) => v,
                None => {
                    super::out::warn(&format!("{key} is not set in {}", config::path()?.display()));
                    return Ok(ExitCode::from(1));
                }
            }
        }
        _ => {
            return Err(hinted(
                anyhow!("'{key}' is not a setting; expected one of: currency, me, fiscal_year_start"),
                "e.g. `rapport config get currency`",
            ))
        }
    };
    super::out::say(&crate::domain::sanitize::line(&value))?;
    Ok(ExitCode::SUCCESS)
}
