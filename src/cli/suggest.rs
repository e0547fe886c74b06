//! `rapport suggest`: the suggested next actions, and snoozing or
//! dismissing one by its key (`rapport undo` takes either back).

use super::report::{bad, resolve_scope};
use super::table::{Align, Table};
use crate::domain::scope::{Scope, SCOPE_EXAMPLES};
use crate::domain::{limits, sanitize, time};
use crate::store::Store;
use anyhow::Result;
use chrono::{Days, NaiveDate};
use clap::{Args, Subcommand};
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum SuggestCommand {
    /// The suggested actions, ranked by the value at stake
    List(ListArgs),
    /// Hide a suggestion until a day: --until 1d, 1w, tomorrow, fri or 2026-12-01
    Snooze {
        /// The suggestion's key, as `rapport suggest list` shows it
        key: String,
        #[arg(long, value_name = "DATE")]
        until: String,
    },
    /// Hide a suggestion for good, with an optional reason
    Dismiss {
        /// The suggestion's key, as `rapport suggest list` shows it
        key: String,
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// me, team, all or rep:NAME [default: me when the config or database names you, else all]
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
    /// At most this many
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub limit: u32,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

pub fn run(store: &Store, cmd: SuggestCommand) -> Result<ExitCode> {
    match cmd {
        SuggestCommand::List(args) => list(store, args),
        SuggestCommand::Snooze { key, until } => {
            let today = store.clock().today();
            let day = until_day(&until, today, store)?;
            store.snooze_suggestion(&key, day).map_err(|e| super::hinted(e, HINT))?;
            super::out::say(&format!("snoozed {} until {day} (rapport undo takes it back)", key.trim()))?;
            Ok(ExitCode::SUCCESS)
        }
        SuggestCommand::Dismiss { key, reason } => {
            store.dismiss_suggestion(&key, reason.as_deref()).map_err(|e| super::hinted(e, HINT))?;
            super::out::say(&format!("dismissed {} (rapport undo takes it back)", key.trim()))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

const HINT: &str = "`rapport suggest list --scope all` shows the current keys";

/// `1d`, `1w` (and `3d`, `2w`), or any date `rapport` reads elsewhere.
fn until_day(text: &str, today: NaiveDate, store: &Store) -> Result<NaiveDate> {
    let t = text.trim().to_ascii_lowercase();
    let short = t.strip_suffix('d').map(|n| (n, 1)).or_else(|| t.strip_suffix('w').map(|n| (n, 7)));
    if let Some((n, unit)) = short {
        if let Ok(n) = n.parse::<u64>() {
            if n > 0 && n <= 3650 {
                return Ok(today + Days::new(n * unit));
            }
        }
    }
    time::parse_date_in(text, today, store.fiscal_calendar()?)
        .map_err(|e| bad("--until", sanitize::line(&e), "e.g. --until 1d, --until 1w or --until 2026-12-01"))
}

fn list(store: &Store, args: ListArgs) -> Result<ExitCode> {
    let chosen = match &args.scope {
        Some(s) => Some(
            Scope::parse(s)
                .map_err(|e| bad("--scope", sanitize::line(&e), &format!("e.g. --scope {SCOPE_EXAMPLES}")))?,
        ),
        None => None,
    };
    let (.., resolved) = resolve_scope(store, chosen.as_ref())?;
    let mut all = store.suggestions(&resolved, store.clock().today())?;
    all.truncate(args.limit as usize);
    if args.json {
        // Each suggestion's value as in `brief --json`; the currency once at the top.
        super::print_json(&super::money_document(store, "suggestions", &all)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if all.is_empty() {
        super::out::say(&format!("nothing to suggest for {}", resolved.label))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = Table::new(&[
        ("kind", Align::Left),
        ("account", Align::Left),
        ("action", Align::Left),
        ("why", Align::Left),
        ("value", Align::Right),
        ("key", Align::Left),
    ]);
    for s in &all {
        t.row(vec![
            s.kind.label().into(),
            s.account.clone(),
            s.action.clone(),
            limits::truncate(&s.reason, 90),
            s.value.compact(),
            s.key.clone(),
        ]);
    }
    super::out::print(&t.render())?;
    Ok(ExitCode::SUCCESS)
}
