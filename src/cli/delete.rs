//! `rapport delete KIND ID`: tombstone a record; `rapport undo` brings it back.

use super::resolve;
use crate::domain::sanitize::line;
use crate::domain::ActivityKind;
use crate::store::{Account, Activity, Conflict, Contact, Deal, Record, Rep, Store, Target};
use anyhow::{anyhow, bail, Result};
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Account,
    Contact,
    Deal,
    Conflict,
    Target,
    Rep,
    /// A call, e-mail, meeting, note or follow-up
    Activity,
}

#[derive(Args, Debug)]
pub struct DeleteArgs {
    /// What to delete
    pub kind: Kind,
    /// Its id (12 or '#12'), or its ref as `rapport list` shows it
    pub id: String,
    /// Delete an account with what hangs off it without asking
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// The rep who takes over a deleted rep's accounts, open deals and open conflicts (id or name)
    #[arg(long = "reassign-to", value_name = "REP")]
    pub reassign_to: Option<String>,
}

pub fn run(store: &Store, args: DeleteArgs) -> Result<ExitCode> {
    let name = args.kind.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default();
    if args.reassign_to.is_some() && args.kind != Kind::Rep {
        bail!("--reassign-to is for deleting a rep; expected `rapport delete rep ID --reassign-to NAME`");
    }
    let id = match args.kind {
        Kind::Account => resolve::record_id::<Account>(store, &name, &args.id)?,
        Kind::Contact => resolve::record_id::<Contact>(store, &name, &args.id)?,
        Kind::Deal => resolve::record_id::<Deal>(store, &name, &args.id)?,
        Kind::Conflict => resolve::record_id::<Conflict>(store, &name, &args.id)?,
        Kind::Target => resolve::record_id::<Target>(store, &name, &args.id)?,
        Kind::Rep => resolve::record_id::<Rep>(store, &name, &args.id)?,
        Kind::Activity => resolve::record_id::<Activity>(store, &name, &args.id)?,
    };
    let what = match args.kind {
        Kind::Account => return delete_account(store, id, args.yes),
        Kind::Contact => delete::<Contact>(store, &name, id)?,
        Kind::Deal => delete::<Deal>(store, &name, id)?,
        Kind::Conflict => delete::<Conflict>(store, &name, id)?,
        Kind::Target => delete::<Target>(store, &name, id)?,
        Kind::Rep => return delete_rep(store, id, args.reassign_to.as_deref()),
        Kind::Activity => {
            if store.get::<Activity>(id)?.is_some_and(|a| a.kind == ActivityKind::Event) {
                bail!("activity #{id} is an event rapport wrote itself; undo the change it records instead");
            }
            delete::<Activity>(store, &name, id)?
        }
    };
    super::out::say(&format!("deleted {} (#{id}); rapport undo brings it back", line(&what)))?;
    Ok(ExitCode::SUCCESS)
}

fn delete<T: Record>(store: &Store, kind: &str, id: i64) -> Result<String> {
    if store.get::<T>(id)?.is_none() {
        let gone = store.get_any::<T>(id)?.is_some();
        return Err(super::hinted(
            anyhow!("no {kind} with id {id}{}", if gone { " (it is deleted already)" } else { "" }),
            resolve::ID_HINT,
        ));
    }
    Ok(store.delete::<T>(id)?.describe())
}

/// An account goes with its contacts, timeline, deals, conflicts and
/// targets. When anything hangs off it, that is named and confirmed first:
/// by `--yes`, or a `y` typed at a terminal.
fn delete_account(store: &Store, id: i64, yes: bool) -> Result<ExitCode> {
    let account = store.get::<Account>(id)?;
    if account.is_none() {
        delete::<Account>(store, "account", id)?;
    }
    let account = account.unwrap_or_default();
    let hanging = store.account_hanging(id)?;
    let name = line(&account.describe()).into_owned();
    if !hanging.is_empty() && !yes {
        let question = format!("delete {name} (#{id}) with {}?", hanging.describe());
        if !std::io::stdin().is_terminal() || !ask(&question)? {
            return Err(super::hinted(
                anyhow!("not deleted: {name} (#{id}) has {}", hanging.describe()),
                "pass --yes to delete it with all of that (rapport undo brings it all back)",
            ));
        }
    }
    let (_, hanging) = store.delete_account(id)?;
    let with = if hanging.is_empty() { String::new() } else { format!(" with {}", hanging.describe()) };
    super::out::say(&format!("deleted {name} (#{id}){with}; rapport undo brings it back"))?;
    Ok(ExitCode::SUCCESS)
}

/// `question [y/N]` on stderr; true for a y.
fn ask(question: &str) -> Result<bool> {
    super::out::eprint(&format!("{question} [y/N] "));
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// A rep who owns accounts or open deals is deleted only with `--reassign-to`.
fn delete_rep(store: &Store, id: i64, reassign_to: Option<&str>) -> Result<ExitCode> {
    if store.get::<Rep>(id)?.is_none() {
        delete::<Rep>(store, "rep", id)?;
    }
    let successor = reassign_to.map(|r| resolve::rep_flag(store, "reassign-to", r)).transpose()?;
    let holdings = store.rep_holdings(id)?;
    if holdings.needs_successor() && successor.is_none() {
        let rep = store.require::<Rep>(id)?;
        return Err(super::hinted(
            anyhow!("not deleted: {} (#{id}) owns {}", line(&rep.name), holdings.describe()),
            "name who takes them over: rapport delete rep ID --reassign-to NAME",
        ));
    }
    let (rep, _) = store.delete_rep(id, successor)?;
    let mut out = format!("deleted {} (#{id})", line(&rep.describe()));
    if let Some(to) = successor.map(|t| store.require::<Rep>(t)).transpose()? {
        let handed = [
            (holdings.accounts, "account"),
            (holdings.open_deals, "open deal"),
            (holdings.open_conflicts, "open conflict"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|&(n, what)| format!("{n} {what}{}", if n == 1 { "" } else { "s" }))
        .collect::<Vec<_>>();
        if !handed.is_empty() {
            out.push_str(&format!("; {} now with {}", handed.join(", "), line(&to.name)));
        }
    }
    super::out::say(&format!("{out}; rapport undo brings it back"))?;
    Ok(ExitCode::SUCCESS)
}
