//! `rapport target set|list`: targets from the shell, with the same checks
//! as the cockpit's form and `rapport add target`.

use super::add::{target_amount, target_whom};
use super::fields::{self, FieldSet, TargetFields};
use super::out::say;
use super::table::{Align, Table};
use crate::domain::{sanitize::line, Period, TargetMetric, TargetScope};
use crate::store::{Meta, Record, Store, Target};
use anyhow::{anyhow, Result};
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum TargetCommand {
    /// Set a target: changes the amount of the one already set for the same
    /// scope, rep or account, period and metric, else adds it (--period and --amount are required)
    Set {
        #[command(flatten)]
        fields: TargetFields,
        /// Print the target as JSON
        #[arg(long)]
        json: bool,
    },
    /// The targets of a period (default: every period)
    List {
        /// 2026Q4, 2026 or 2026-11
        #[arg(long, value_name = "PERIOD")]
        period: Option<String>,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
}

pub fn run(store: &Store, cmd: TargetCommand) -> Result<ExitCode> {
    match cmd {
        TargetCommand::Set { mut fields, json } => {
            fields.check_lengths()?;
            set(store, &fields, json).map_err(fields::refusal)
        }
        TargetCommand::List { period, json } => list(store, period.as_deref(), json),
    }
}

fn set(store: &Store, f: &TargetFields, json: bool) -> Result<ExitCode> {
    for (flag, v) in [("period", &f.period), ("amount", &f.amount)] {
        if v.is_none() {
            return Err(super::hinted(
                anyhow!("setting a target needs --{flag}"),
                "e.g. rapport target set --scope rep --rep \"Rae Lindqvist\" --period 2026Q4 --amount 250k",
            ));
        }
    }
    let mut t = Target {
        meta: Meta::default(),
        scope: TargetScope::default(),
        rep_id: None,
        account_id: None,
        period: Period::Year(1900),
        metric: TargetMetric::default(),
        amount: 0,
    };
    fields::apply_target(store, &mut t, f)?;
    let same = store
        .targets_for(t.period)?
        .into_iter()
        .find(|o| (o.scope, o.rep_id, o.account_id, o.metric) == (t.scope, t.rep_id, t.account_id, t.metric));
    let verb = match same {
        Some(mut old) => {
            let before = old.amount;
            old.amount = t.amount;
            store.update(&mut old)?;
            t = old;
            if before == t.amount {
                "unchanged"
            } else {
                "changed"
            }
        }
        None => {
            store.insert(&mut t)?;
            "added"
        }
    };
    if json {
        super::print_json(&super::record_document(store, &t)?)?;
    } else {
        let whom = target_whom(store, &t)?;
        say(&format!("{verb} {}{whom} (#{}): {}", line(&t.describe()), t.meta.id, target_amount(&t)))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn list(store: &Store, period: Option<&str>, json: bool) -> Result<ExitCode> {
    let period = period
        .map(|p| {
            Period::parse(p).map_err(|e| {
                super::hinted(anyhow!("--period: {e}"), "periods look like 2026Q4 (a quarter), 2026 or 2026-11")
            })
        })
        .transpose()?;
    let targets = store.all_targets(period)?;
    if json {
        super::print_json(&super::records_document(store, "targets", &targets)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if targets.is_empty() {
        say(&match period {
            Some(p) => format!("no targets for {p}"),
            None => "no targets yet; `rapport target set` adds one".into(),
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = Table::new(&[
        ("id", Align::Right),
        ("period", Align::Left),
        ("scope", Align::Left),
        ("for", Align::Left),
        ("metric", Align::Left),
        ("amount", Align::Right),
    ]);
    for t in &targets {
        let whom = target_whom(store, t)?;
        let amount = match t.metric {
            TargetMetric::WonRevenue => crate::domain::Money(t.amount).to_string(),
            _ => t.amount.to_string(),
        };
        table.row(vec![
            t.meta.id.to_string(),
            t.period.to_string(),
            t.scope.to_string(),
            whom.strip_prefix(" of ").unwrap_or("company").to_string(),
            t.metric.to_string(),
            amount,
        ]);
    }
    super::out::print(&table.render())?;
    Ok(ExitCode::SUCCESS)
}
