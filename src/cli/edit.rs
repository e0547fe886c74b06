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
        /// The account's id, or its ref as `rapport list` shows it
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
        /// The contact's id, or its ref as `rapport list` shows it
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
        /// The deal's id, or its ref as `rapport list` shows it
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
        /// The conflict's id, or its ref as `rapport list` shows it
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
        /// The target's id, or its ref as `rapport list` shows it
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
        /// The rep's id, or its ref as `rapport list` shows it
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
        /// The entry's id, or its ref as `rapport list` shows it
        id: String,
        #[command(flatten)]
        fields: ActivityFields,
        #[command(flatten)]
        clear: Clear,
        #[command(flatten)]
        out: Output,
    },
}

/// The record `id` names, live, read inside the edit's transaction.
fn load<T: Record>(store: &Store, kind: &str, id: i64) -> Result<T> {
    store.get::<T>(id)?.ok_or_else(|| super::hinted(anyhow!("no {kind} with id {id}"), super::resolve::ID_HINT))
}

/// Folds `--clear` into the fields and refuses an edit that changes nothing.
fn prepare<F: FieldSet>(kind: &str, fields: &mut F, clear: &Clear, extra: bool) -> Result<()> {
    fields.check_lengths()?;
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
    run_checked(store, cmd).map_err(fields::refusal)
}

fn run_checked(store: &Store, cmd: EditCommand) -> Result<ExitCode> {
    let today = store.clock().today();
    match cmd {
        EditCommand::Account { id, mut fields, clear, allow_duplicate, out } => {
            prepare("account", &mut fields, &clear, false)?;
            edit(store, "account", &id, allow_duplicate, &out, |s, a: &mut Account| {
                fields::apply_account(s, a, &fields, today)?;
                Ok(None)
            })
        }
        EditCommand::Contact { id, mut fields, clear, allow_duplicate, out } => {
            prepare("contact", &mut fields, &clear, false)?;
            edit(store, "contact", &id, allow_duplicate, &out, |s, c: &mut Contact| {
                fields::apply_contact(s, c, &fields)?;
                Ok(None)
            })
        }
        EditCommand::Deal { id, mut fields, clear, out } => {
            prepare("deal", &mut fields, &clear, false)?;
            edit(store, "deal", &id, false, &out, |s, d: &mut Deal| {
                let mut stage = d.stage;
                fields::choice("stage", val(&fields.stage), &mut stage)?;
                fields::apply_deal(s, d, &fields, today)?;
                // A stage change is a move: probability rule, close date, timeline.
                Ok((stage != d.stage)
                    .then(|| -> Then<Deal> { Box::new(move |s, d| s.move_deal(d.meta.id, stage).map(drop)) }))
            })
        }
        EditCommand::Conflict { id, mut fields, status, resolution, clear, out } => {
            prepare("conflict", &mut fields, &clear, status.is_some() || resolution.is_some())?;
            edit(store, "conflict", &id, false, &out, |s, c: &mut Conflict| {
                fields::apply_conflict(s, c, &fields)?;
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
                Ok((to != c.status).then(|| -> Then<Conflict> {
                    Box::new(move |s, c| s.set_conflict_status(c.meta.id, to, resolution.as_deref()).map(drop))
                }))
            })
        }
        EditCommand::Target { id, mut fields, clear, out } => {
            prepare("target", &mut fields, &clear, false)?;
            edit(store, "target", &id, false, &out, |s, t: &mut Target| {
                fields::apply_target(s, t, &fields)?;
                Ok(None)
            })
        }
        EditCommand::Rep { id, mut fields, clear, allow_duplicate, out } => {
            prepare("rep", &mut fields, &clear, false)?;
            edit(store, "rep", &id, allow_duplicate, &out, |s, r: &mut Rep| {
                fields::apply_rep(s, r, &fields)?;
                Ok(None)
            })
        }
        EditCommand::Activity { id, mut fields, clear, out } => {
            prepare("activity", &mut fields, &clear, false)?;
            edit(store, "activity", &id, false, &out, |s, a: &mut Activity| {
                if a.kind == ActivityKind::Event {
                    bail!("activity #{} is an event rapport wrote itself; events cannot be edited", a.meta.id);
                }
                fields::apply_activity(a, &fields, today, s.fiscal_calendar()?)?;
                Ok(None)
            })
        }
    }
}

/// What an edit does after writing the fields: a stage or status move.
type Then<'a, T> = Box<dyn FnOnce(&Store, &T) -> Result<()> + 'a>;

/// Reads the record, applies the flags given (and only those) with
/// `change`, writes it and then what `change` returned, all in one writing
/// transaction: another process's edit of the same record, before or after,
/// is never overwritten with what this one read. Tells what changed; writes
/// nothing when nothing would change.
fn edit<'a, T: Record + Clone + DeserializeOwned>(
    store: &Store,
    kind: &str,
    id: &str,
    allow_duplicate: bool,
    out: &Output,
    change: impl FnOnce(&Store, &mut T) -> Result<Option<Then<'a, T>>>,
) -> Result<ExitCode> {
    let id = resolve::record_id::<T>(store, kind, id)?;
    let (before, after) = store.allowing_duplicates(allow_duplicate, |store| {
        store.write(|s| {
            let before: T = load(s, kind, id)?;
            let mut rec = before.clone();
            let then = change(s, &mut rec)?;
            if !changes(s, &before, &rec)?.is_empty() {
                s.update(&mut rec)?;
            }
            if let Some(then) = then {
                then(s, &rec)?;
            }
            let after: T = s.require(id)?;
            Ok((before, after))
        })
    })?;
    let changed = changes(store, &before, &after)?;
    if out.json {
        super::print_json(&super::record_document(store, &after)?)?;
    } else if changed.is_empty() {
        super::out::say(&format!("no change to {} (#{id})", line(&after.describe())))?;
    } else {
        super::out::say(&format!("edited {} (#{id}): {}", line(&after.describe()), changed.join("; ")))?;
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
