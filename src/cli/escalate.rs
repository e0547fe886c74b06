//! `rapport escalate ID [--to REP] [--why TEXT]`: raise a conflict to the
//! owner's manager (or a chosen rep) and say why.

use super::{add, resolve};
use crate::domain::sanitize::line;
use crate::store::{Account, Conflict, Rep, Store};
use anyhow::{anyhow, Result};
use clap::Args;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct EscalateArgs {
    /// The conflict's id, as `rapport report conflicts` shows it
    pub id: String,
    /// Whom to escalate to: a rep's id or exact name [default: the owner's manager]
    #[arg(long, value_name = "REP")]
    pub to: Option<String>,
    /// Why it is escalated
    #[arg(long, value_name = "TEXT")]
    pub why: Option<String>,
    /// Print the conflict as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(store: &Store, args: EscalateArgs) -> Result<ExitCode> {
    let id = resolve::record_id::<Conflict>(store, "conflict", &args.id)?;
    if store.get::<Conflict>(id)?.is_none() {
        return Err(super::hinted(
            anyhow!("no conflict with id {id}"),
            "`rapport report conflicts` lists the open ones with their ids",
        ));
    }
    if let Some(why) = &args.why {
        crate::domain::limits::check_field("escalation_reason", why).map_err(|e| anyhow!("--why {e}"))?;
    }
    let to = args.to.as_deref().map(|t| resolve::rep_flag(store, "to", t)).transpose()?;
    let c = store.escalate_conflict_to(id, to, args.why.as_deref())?;
    if args.json {
        super::print_json(&c)?;
        return Ok(ExitCode::SUCCESS);
    }
    let account = store.require::<Account>(c.account_id)?;
    let whom = match c.escalated_to {
        Some(r) => format!(" to {}", line(&store.require::<Rep>(r)?.name)),
        None => " (the owner has no manager; --to names someone)".into(),
    };
    super::out::say(&format!(
        "escalated conflict \"{}\" (#{id}) on {} to level {}{whom}",
        line(&c.title),
        add::on(&account),
        c.escalation_level
    ))?;
    Ok(ExitCode::SUCCESS)
}
