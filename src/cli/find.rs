//! `rapport find QUERY`: the lookup of the cockpit, from the shell.

use super::table::{Align, Table};
use crate::domain::limits;
use crate::domain::time;
use crate::lookup::Lookup;
use crate::store::Store;
use anyhow::{anyhow, Result};
use clap::Args;
use serde::Serialize;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct FindArgs {
    /// Part of an account name, a contact's name or e-mail, or a phone number in any form
    pub query: String,
    /// At most this many accounts
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub limit: u32,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Found {
    id: i64,
    name: String,
    matched: crate::lookup::Field,
    reason: Option<String>,
    owner: Option<String>,
    tier: crate::domain::Tier,
    status: crate::domain::AccountStatus,
    #[serde(serialize_with = "crate::domain::money::serialize_major")]
    annual_value: crate::domain::Money,
    last_touch: Option<String>,
    open_conflicts: i64,
    next_renewal: Option<chrono::NaiveDate>,
    /// Score, band and the reasons behind them.
    health: Option<crate::domain::health::Health>,
}

pub fn run(store: &Store, args: FindArgs) -> Result<ExitCode> {
    if args.query.trim().is_empty() {
        return Err(super::hinted(
            anyhow!("the query is empty; expected part of a name, an e-mail or phone digits"),
            "`rapport find acme`, `rapport find jane@`, `rapport find 0102030`",
        ));
    }
    limits::check("the query", &args.query, limits::QUERY_MAX)
        .map_err(|e| super::hinted(anyhow!(e), "a few letters of a name or the digits of a phone number are enough"))?;
    let mut lookup = Lookup::open(store)?;
    let mut hits = lookup.query(&args.query, args.limit as usize);
    crate::lookup::explain(store, &mut hits, &args.query)?;
    let ids: Vec<i64> = hits.iter().map(|h| h.account_id).collect();
    let rows = store.found_rows(&ids)?;
    // Health for the hits only, read through the indexes.
    let mut health: std::collections::HashMap<i64, crate::domain::health::Health> =
        store.account_health(Some(&ids), store.clock().today())?.into_iter().collect();
    let mut found = Vec::with_capacity(rows.len());
    for (hit, row) in rows.into_iter().filter_map(|r| hits.iter().find(|h| h.account_id == r.id).map(|h| (h, r))) {
        found.push(Found {
            id: row.id,
            name: row.name,
            matched: hit.field,
            reason: hit.reason.clone(),
            owner: row.owner.as_deref().map(str::to_string),
            tier: row.tier,
            status: row.status,
            annual_value: row.annual_value,
            last_touch: row.last_touch_at.map(String::from),
            open_conflicts: row.open_conflicts,
            next_renewal: row.renewal_date,
            health: health.remove(&row.id),
        });
    }
    if args.json {
        super::print_json(&super::money_document(store, "accounts", &found)?)?;
    } else if found.is_empty() {
        super::out::warn(&format!("no account matches \"{}\"", limits::preview(args.query.trim())));
    } else {
        let today = store.clock().today();
        // Amounts are in the book's one currency; the header names it.
        let value = format!("annual value ({})", store.currency()?.code());
        let mut t = Table::with_columns(
            [
                ("id", Align::Right),
                ("account", Align::Left),
                ("owner", Align::Left),
                ("tier", Align::Left),
                ("health", Align::Left),
                (value.as_str(), Align::Right),
                ("last touch", Align::Left),
                ("conflicts", Align::Right),
                ("renewal", Align::Left),
                ("matched", Align::Left),
            ]
            .into_iter()
            .map(|(h, a)| (h.to_string(), a))
            .collect(),
        );
        for f in &found {
            let touched = f
                .last_touch
                .as_deref()
                .and_then(|t| time::local_date(t, store.clock().zone()))
                .map(|d| time::ago(today, d))
                .unwrap_or_else(|| "never".into());
            t.row(vec![
                f.id.to_string(),
                f.name.clone(),
                f.owner.clone().unwrap_or_else(|| "—".into()),
                f.tier.label().into(),
                f.health.as_ref().map_or_else(|| "—".into(), |h| format!("{} {}", h.short(), h.band.label())),
                f.annual_value.to_string(),
                touched,
                f.open_conflicts.to_string(),
                f.next_renewal.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                f.reason.clone().unwrap_or_else(|| "name".into()),
            ]);
        }
        super::out::print(&t.render())?;
    }
    // No match is an answer, not a failure, but scripts can tell it apart.
    Ok(if found.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
