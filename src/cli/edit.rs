//! `rapport edit KIND ID --field value …`: change the fields given, and only
//! those, checked as `add` checks them. A deal's stage moves through the
//! pipeline rules and a conflict's status through its own, both recorded on
//! the timeline; all of one command is one undo step.

use super::add::Output;
use super::fields::{
    self, val, AccountFields, ActivityFields, ConflictFields, ContactFields, DealFields, FieldSet, RepFields,
    TargetFields, Val,
};
use super::resolve;
use crate::domain::sanitize::line;
use crate::domain::{ActivityKind, ConflictStatus, Money};
use crate::store::{Account, Activity, Conflict, Contact, Deal, Record, Rep, Store, Target};
use anyhow::{anyhow, bail, Result};
use clap::{Args, Subcommand};
use serde::de::DeserializeOwned;
use std::process::ExitCode;

#[derive(Args, Debug, Default)]
pub struct Clear {
    /// Clear an optional field (repeatable); the same as giving it an empty value
    #[arg(long, value_name = "FIELD")]
    pub clear: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum EditCommand {
    /// Change an account's fields
    Account {
        /// The account's id
        id: String,
        #[command(flatten)]
        fields: AccountFields,
        #[command(flatten)]
        clear: Clear,
        /// Allow a new name that another account has already
        #[arg(long)]
        allow_duplicate: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Change a contact's fields
    Contact {
        /// The contact's id
        id: String,
        #[command(flatten)]
        fields: ContactFields,
        #[command(flatten)]
        clear: Clear,
        /// Allow a new name that another contact of the account has already
        #[arg(long)]
        allow_duplicate: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Change a deal; --stage moves it (probability, close date, timeline)
    Deal {
        /// The deal's id
        id: String,
        #[command(flatten)]
        fields: DealFields,
        #[command(flatten)]
        clear: Clear,
        #[command(flatten)]
        out: Output,
    },
    /// Change a conflict; --status moves it, --status resolved needs --resolution
    Conflict {
        /// The conflict's id
        id: String,
        #[command(flatten)]
        fields: ConflictFields,
        /// open, in_progress, waiting or resolved
        #[arg(long, value_name = "STATUS")]
        status: Option<String>,
        /// How it was resolved (with --status resolved, or to reword a resolved conflict's)
        #[arg(long, value_name = "TEXT")]
        resolution: Option<String>,
        #[command(flatten)]
        clear: Clear,
        #[command(flatten)]
        out: Output,
    },
    /// Change a target
    Target {
        /// The target's id
        id: String,
        #[command(flatten)]
        fields: TargetFields,
        #[command(flatten)]
        clear: Clear,
        #[command(flatten)]
        out: Output,
    },
    /// Change a rep
    Rep {
        /// The rep's id
        id: String,
        #[command(flatten)]
        fields: RepFields,
        #[command(flatten)]
        clear: Clear,
        /// Allow a new name that another rep has already
        #[arg(long)]
        allow_duplicate: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Change a timeline entry: a call, e-mail, meeting, note or follow-up
    Activity {
        /// The entry's id
        id: String,
        #[command(flatten)]
        fields: ActivityFields,
        #[command(flatten)]
        clear: Clear,
        #[command(flatten)]
        out: Output,
    },
}

/// The record `ID` names, live.
fn load<T: Record>(store: &Store, kind: &str, id: &str) -> Result<T> {
    let id = resolve::require_id(kind, id)?;
    store.get::<T>(id)?.ok_or_else(|| super::hinted(anyhow!("no {kind} with id {id}"), super::resolve::ID_HINT))
}

/// Folds `--clear` into the fields and refuses an edit that changes nothing.
fn prepare<F: FieldSet>(kind: &str, fields: &mut F, clear: &Clear, extra: bool) -> Result<()> {
    fields::apply_clears(kind, fields, &clear.clear)?;
    if fields.is_empty() && !extra {
        return Err(super::hinted(
            anyhow!("nothing to change: give at least one field"),
            format!(
                "fields of {}: {}",
                fields::article(kind),
                F::NAMES.iter().map(|n| format!("--{n}")).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    Ok(())
}

pub fn run(store: &Store, cmd: EditCommand) -> Result<ExitCode> {
    let today = store.clock().today();
    match cmd {
        EditCommand::Account { id, mut fields, clear, allow_duplicate, out } => {
            prepare("account", &mut fields, &clear, false)?;
            let before: Account = load(store, "account", &id)?;
            let mut a = before.clone();
            fields::apply_account(store, &mut a, &fields, today)?;
            if !allow_duplicate && a.name != before.name {
                fields::refuse_duplicate("an account", &a.name, fields::account_named(store, &a.name, a.meta.id)?)?;
            }
            save(store, &before, a, &out, false, |_, _| Ok(()))
        }
        EditCommand::Contact { id, mut fields, clear, allow_duplicate, out } => {
            prepare("contact", &mut fields, &clear, false)?;
            let before: Contact = load(store, "contact", &id)?;
            let mut c = before.clone();
            fields::apply_contact(store, &mut c, &fields)?;
            if !allow_duplicate && (c.name != before.name || c.account_id != before.account_id) {
                let existing = fields::contact_named(store, c.account_id, &c.name, c.meta.id)?;
                fields::refuse_duplicate("a contact of that account", &c.name, existing)?;
            }
            save(store, &before, c, &out, false, |_, _| Ok(()))
        }
        EditCommand::Deal { id, mut fields, clear, out } => {
            prepare("deal", &mut fields, &clear, false)?;
            let before: Deal = load(store, "deal", &id)?;
            let mut d = before.clone();
            let mut stage = d.stage;
            fields::choice("stage", val(&fields.stage), &mut stage)?;
            fields::apply_deal(store, &mut d, &fields, today)?;
            let moving = stage != d.stage;
            save(store, &before, d, &out, moving, |s, d| {
                if moving {
                    s.move_deal(d.meta.id, stage)?;
                }
                Ok(())
            })
        }
        EditCommand::Conflict { id, mut fields, status, resolution, clear, out } => {
            prepare("conflict", &mut fields, &clear, status.is_some() || resolution.is_some())?;
            let before: Conflict = load(store, "conflict", &id)?;
            let mut c = before.clone();
            fields::apply_conflict(store, &mut c, &fields)?;
            let mut to = c.status;
            fields::choice("status", val(&status), &mut to)?;
            let resolution = match val(&resolution) {
                Val::Keep => None,
                Val::Clear => bail!("--resolution: cannot be empty"),
                Val::Set(r) => Some(r.to_string()),
            };
            match (to, resolution.as_deref()) {
                (ConflictStatus::Resolved, None) if c.status != ConflictStatus::Resolved => {
                    return Err(super::hinted(
                        anyhow!("resolving conflict \"{}\" needs a resolution text", line(&c.title)),
                        "add --resolution \"what was done\"",
                    ))
                }
                (ConflictStatus::Resolved, Some(r)) if c.status == ConflictStatus::Resolved => {
                    c.resolution = Some(r.to_string())
                }
                (ConflictStatus::Resolved, _) => {}
                (_, Some(_)) => {
                    return Err(super::hinted(
                        anyhow!("--resolution goes with --status resolved"),
                        "add --status resolved to resolve the conflict",
                    ))
                }
                _ => {}
            }
            let moving = to != c.status;
            save(store, &before, c, &out, moving, |s, c| {
                if moving {
                    s.set_conflict_status(c.meta.id, to, resolution.as_deref())?;
                }
                Ok(())
            })
        }
        EditCommand::Target { id, mut fields, clear, out } => {
            prepare("target", &mut fields, &clear, false)?;
            let before: Target = load(store, "target", &id)?;
            let mut t = before.clone();
            fields::apply_target(store, &mut t, &fields)?;
            save(store, &before, t, &out, false, |_, _| Ok(()))
        }
        EditCommand::Rep { id, mut fields, clear, allow_duplicate, out } => {
            prepare("rep", &mut fields, &clear, false)?;
            let before: Rep = load(store, "rep", &id)?;
            let mut r = before.clone();
            fields::apply_rep(store, &mut r, &fields)?;
            if !allow_duplicate && r.name != before.name {
                fields::refuse_duplicate("a rep", &r.name, fields::rep_named(store, &r.name, r.meta.id)?)?;
            }
            save(store, &before, r, &out, false, |_, _| Ok(()))
        }
        EditCommand::Activity { id, mut fields, clear, out } => {
            prepare("activity", &mut fields, &clear, false)?;
            let before: Activity = load(store, "activity", &id)?;
            if before.kind == ActivityKind::Event {
                bail!("activity #{} is an event rapport wrote itself; events cannot be edited", before.meta.id);
            }
            let mut a = before.clone();
            fields::apply_activity(&mut a, &fields, today)?;
            save(store, &before, a, &out, false, |_, _| Ok(()))
        }
    }
}

/// Writes the edited record and then, when `moving`, `then` (a stage or
/// status move) as one step, and tells what changed. Writes nothing when
/// nothing would change.
fn save<T: Record + Clone + DeserializeOwned>(
    store: &Store,
    before: &T,
    mut rec: T,
    out: &Output,
    moving: bool,
    then: impl FnOnce(&Store, &T) -> Result<()>,
) -> Result<ExitCode> {
    let id = rec.meta().id;
    let fields_changed = !changes(store, before, &rec)?.is_empty();
    if fields_changed || moving {
        store.write(|s| {
            if fields_changed {
                s.update(&mut rec)?;
            }
            then(s, &rec)
        })?;
    }
    let after: T = store.require(id)?;
    let changed = changes(store, before, &after)?;
    if out.json {
        super::print_json(&after)?;
    } else if changed.is_empty() {
        println!("no change to {} (#{id})", line(&after.describe()));
    } else {
        println!("edited {} (#{id}): {}", line(&after.describe()), changed.join("; "));
    }
    Ok(ExitCode::SUCCESS)
}

/// "tier standard → key" for each field that differs, the bookkeeping left out.
fn changes<T: Record>(store: &Store, before: &T, after: &T) -> Result<Vec<String>> {
    let (serde_json::Value::Object(b), serde_json::Value::Object(a)) =
        (serde_json::to_value(before)?, serde_json::to_value(after)?)
    else {
        return Ok(Vec::new());
    };
    const SKIP: [&str; 8] =
        ["id", "uid", "created_at", "updated_at", "deleted_at", "last_touch_at", "phone_digits", "phone_e164"];
    // Money is kept in cents; a target's amount is money only for revenue.
    let money_amount = a.get("metric").is_none_or(|m| m == "won_revenue");
    let show = |key: &str, v: Option<&serde_json::Value>| -> String {
        let text = match v {
            None | Some(serde_json::Value::Null) => "—".to_string(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(n)) if key == "annual_value" || (key == "amount" && money_amount) => {
                n.as_i64().map(|c| Money(c).to_string()).unwrap_or_else(|| n.to_string())
            }
            Some(serde_json::Value::Number(n)) if key.ends_with("_id") => {
                let id = n.as_i64().unwrap_or_default();
                match name_of(store, key, id) {
                    Some(name) => format!("{name} (#{id})"),
                    None => format!("#{id}"),
                }
            }
            Some(other) => other.to_string(),
        };
        let text = line(&text).into_owned();
        if text.chars().count() > 40 {
            format!("{}…", text.chars().take(39).collect::<String>())
        } else {
            text
        }
    };
    Ok(a.iter()
        .filter(|(k, v)| !SKIP.contains(&k.as_str()) && b.get(*k) != Some(*v))
        .map(|(k, v)| {
            let label = k.strip_suffix("_id").unwrap_or(k).replace('_', " ");
            format!("{label} {} → {}", show(k, b.get(k)), show(k, Some(v)))
        })
        .collect())
}

/// The name behind an id field, for telling what changed.
fn name_of(store: &Store, key: &str, id: i64) -> Option<String> {
    match key {
        "owner_id" | "rep_id" | "manager_id" => store.get_any::<Rep>(id).ok().flatten().map(|r| r.name),
        "account_id" | "parent_id" => store.get_any::<Account>(id).ok().flatten().map(|a| a.name),
        "contact_id" => store.get_any::<Contact>(id).ok().flatten().map(|c| c.name),
        _ => None,
    }
}
