//! `rapport config set KEY VALUE`: one setting into the config file, or
//! one of the book's own (its currency and fiscal year) into the database.

use super::hinted;
use crate::domain::scope::find_rep;
use crate::domain::Currency;
use crate::store::{OpenMode, Store};
use crate::tui::config;
use anyhow::{anyhow, Result};
use std::path::PathBuf;
use std::process::ExitCode;

/// What `config set` and `config get` take: the book's, then the config file's.
const KEYS: &str = "currency, fiscal_start_month, me, fiscal_year_start";

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
    if key == "fiscal_start_month" {
        // The company's fiscal year, for everyone on the book; a person's
        // `fiscal_year_start` in their config file wins over it for them.
        let month = book_fiscal_month(value)?;
        let store = super::open_for_changes(db)?;
        store.set_setting("fiscal_start_month", &month.to_string())?;
        super::out::say(&format!("fiscal_start_month = {month} in {}", store.path().display()))?;
        if let Some(own) = super::prefs()?.fiscal_year_start.filter(|m| *m != month) {
            super::out::warn(&format!(
                "your config file's fiscal_year_start = {own} wins over it for you ({})",
                config::path()?.display()
            ));
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !config::SETTABLE.contains(&key) {
        return Err(hinted(
            anyhow!("'{}' is not a setting; expected one of: {KEYS}", crate::domain::limits::preview(key)),
            "e.g. `rapport config set fiscal_year_start 4`",
        ));
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

/// The book's fiscal year's first month, 1 to 12.
fn book_fiscal_month(value: &str) -> Result<u32> {
    match value.trim().parse::<u32>() {
        Ok(m @ 1..=12) => Ok(m),
        _ => Err(hinted(
            anyhow!(
                "fiscal_start_month: '{}' is not a month; expected 1 (January) to 12 (December)",
                crate::domain::limits::preview(value)
            ),
            "e.g. `rapport config set fiscal_start_month 4` for a year from April",
        )),
    }
}

/// `rapport config get KEY`: one of the book's settings, or of the config file.
pub fn get(db: Option<PathBuf>, key: &str) -> Result<ExitCode> {
    let value = match key {
        "currency" => super::open_for_reading(db)?.currency()?.code().to_string(),
        // As a new book has it, January, when nobody set it.
        "fiscal_start_month" => super::open_for_reading(db)?.book_fiscal_month()?.to_string(),
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
                anyhow!("'{}' is not a setting; expected one of: {KEYS}", crate::domain::limits::preview(key)),
                "e.g. `rapport config get currency`",
            ))
        }
    };
    super::out::say(&crate::domain::sanitize::line(&value))?;
    Ok(ExitCode::SUCCESS)
}
