//! `rapport agenda`: the follow-ups to do, overdue first.

use super::out::say;
use super::table::{Align, Table};
use crate::domain::time;
use crate::store::{FollowUp, Store};
use anyhow::Result;
use chrono::Days;
use clap::Args;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct AgendaArgs {
    /// Also show what is due in the next N days
    #[arg(long, default_value_t = 0, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=366))]
    pub days: u32,
    /// Print JSON instead of tables
    #[arg(long)]
    pub json: bool,
}

pub fn run(store: &Store, args: AgendaArgs) -> Result<ExitCode> {
    let today = store.clock().today();
    let until = today.checked_add_days(Days::new(u64::from(args.days))).unwrap_or(today);
    let due = store.follow_ups_due(until)?;
    let (overdue, rest): (Vec<FollowUp>, Vec<FollowUp>) = due.into_iter().partition(|f| f.due_on < today);
    let (due_today, upcoming): (Vec<FollowUp>, Vec<FollowUp>) = rest.into_iter().partition(|f| f.due_on == today);
    if args.json {
        super::print_json(&serde_json::json!({
            "today": today,
            "timezone": store.clock().zone().name(),
            "until": until,
            "overdue": overdue,
            "due_today": due_today,
            "upcoming": upcoming,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    if overdue.is_empty() && due_today.is_empty() && upcoming.is_empty() {
        match args.days {
            0 => say("nothing due today")?,
            1 => say("nothing due today or tomorrow")?,
            n => say(&format!("nothing due in the next {n} days"))?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut first = true;
    for (title, group) in [("Overdue", &overdue), ("Today", &due_today), ("Upcoming", &upcoming)] {
        if group.is_empty() {
            continue;
        }
        if !first {
            say("")?;
        }
        first = false;
        say(&format!("{title} ({})", group.len()))?;
        let mut t = Table::new(&[
            ("id", Align::Right),
            ("due", Align::Left),
            ("", Align::Left),
            ("account", Align::Left),
            ("summary", Align::Left),
            ("rep", Align::Left),
        ]);
        for f in group {
            t.row(vec![
                f.id.to_string(),
                f.due_on.to_string(),
                time::ago(today, f.due_on),
                f.account.clone(),
                f.summary.clone(),
                f.rep.clone().unwrap_or_else(|| "—".into()),
            ]);
        }
        for l in t.render().lines() {
            say(&format!("  {l}"))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
