//! `rapport done ID`: mark a follow-up done.

use super::resolve;
use crate::domain::sanitize::line;
use crate::store::{Account, Activity, Store};
use anyhow::{anyhow, Result};
use clap::Args;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct DoneArgs {
    /// The follow-up's id, as `rapport agenda` shows it
    pub id: String,
}

pub fn run(store: &Store, args: DoneArgs) -> Result<ExitCode> {
    let id = resolve::record_id::<Activity>(store, "follow-up", &args.id)?;
    if store.get::<Activity>(id)?.is_none() {
        return Err(super::hinted(anyhow!("no follow-up with id {id}"), "`rapport agenda` lists open follow-ups"));
    }
    let f = store.complete_follow_up(id)?;
    let account = store.require::<Account>(f.account_id)?;
    super::out::say(&format!("done: \"{}\" (#{id}) on {}", line(&f.summary), super::add::on(&account)))?;
    Ok(ExitCode::SUCCESS)
}
