//! `rapport delete KIND ID`: tombstone a record; `rapport undo` brings it back.

use super::resolve;
use crate::domain::sanitize::line;
use crate::domain::ActivityKind;
use crate::store::{Account, Activity, Conflict, Contact, Deal, Record, Rep, Store, Target};
use anyhow::{anyhow, bail, Result};
use clap::{Args, ValueEnum};
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
    /// Its id (12 or '#12')
    pub id: String,
}

pub fn run(store: &Store, args: DeleteArgs) -> Result<ExitCode> {
    let name = args.kind.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default();
    let id = resolve::require_id(&name, &args.id)?;
    let what = match args.kind {
        Kind::Account => delete::<Account>(store, &name, id)?,
        Kind::Contact => delete::<Contact>(store, &name, id)?,
        Kind::Deal => delete::<Deal>(store, &name, id)?,
        Kind::Conflict => delete::<Conflict>(store, &name, id)?,
        Kind::Target => delete::<Target>(store, &name, id)?,
        Kind::Rep => delete::<Rep>(store, &name, id)?,
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
