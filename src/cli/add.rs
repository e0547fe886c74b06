//! `rapport add KIND --field value …`: create a record, checked the way the
//! cockpit's forms check it. Nothing is written unless every flag is valid.

use super::fields::{
    self, val, AccountFields, ConflictFields, ContactFields, DealFields, FieldSet, RepFields, TargetFields, Val,
};
use crate::domain::sanitize::line;
use crate::domain::{DealStage, Period, TargetMetric, TargetScope};
use crate::store::{Account, Conflict, Contact, Deal, Meta, Record, Rep, Store, Target};
use anyhow::{anyhow, Result};
use clap::{Args, Subcommand};
use std::process::ExitCode;

#[derive(Args, Debug, Default)]
pub struct Output {
    /// Print the new record as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum AddCommand {
    /// Add an account (--name is required)
    Account {
        #[command(flatten)]
        fields: AccountFields,
        /// Add it even if an account of the same name exists
        #[arg(long)]
        allow_duplicate: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Add a contact to an account (--account and --name are required)
    Contact {
        #[command(flatten)]
        fields: ContactFields,
        /// Add them even if the account has a contact of the same name
        #[arg(long)]
        allow_duplicate: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Add a deal (--account, --name and --amount are required)
    Deal {
        #[command(flatten)]
        fields: DealFields,
        #[command(flatten)]
        out: Output,
    },
    /// Open a conflict; its SLA follows from the severity (--account and --title are required)
    Conflict {
        #[command(flatten)]
        fields: ConflictFields,
        #[command(flatten)]
        out: Output,
    },
    /// Set a target (--period and --amount are required)
    Target {
        #[command(flatten)]
        fields: TargetFields,
        #[command(flatten)]
        out: Output,
    },
    /// Add a rep (--name is required)
    Rep {
        #[command(flatten)]
        fields: RepFields,
        /// Add them even if a rep of the same name exists
        #[arg(long)]
        allow_duplicate: bool,
        #[command(flatten)]
        out: Output,
    },
}

/// Refuses to go on without a required flag.
fn need(flag: &str, v: &Option<String>, kind: &str) -> Result<()> {
    if val(v) == Val::Keep {
        return Err(super::hinted(
            anyhow!("--{flag} is required to add {}", fields::article(kind)),
            format!("`rapport add {kind} --help` lists its fields"),
        ));
    }
    Ok(())
}

impl AddCommand {
    /// Refuses a flag longer than its field may hold, before anything else.
    fn check_lengths(&mut self) -> Result<()> {
        match self {
            AddCommand::Account { fields, .. } => fields.check_lengths(),
            AddCommand::Contact { fields, .. } => fields.check_lengths(),
            AddCommand::Deal { fields, .. } => fields.check_lengths(),
            AddCommand::Conflict { fields, .. } => fields.check_lengths(),
            AddCommand::Target { fields, .. } => fields.check_lengths(),
            AddCommand::Rep { fields, .. } => fields.check_lengths(),
        }
    }
}

pub fn run(store: &Store, mut cmd: AddCommand) -> Result<ExitCode> {
    cmd.check_lengths()?;
    run_checked(store, cmd).map_err(fields::refusal)
}

fn run_checked(store: &Store, cmd: AddCommand) -> Result<ExitCode> {
    let today = store.clock().today();
    match cmd {
        AddCommand::Account { fields: f, allow_duplicate, out } => {
            need("name", &f.name, "account")?;
            let mut a = Account::default();
            fields::apply_account(store, &mut a, &f, today)?;
            // The store checks the name in the same transaction as it inserts.
            store.allowing_duplicates(allow_duplicate, |s| s.insert(&mut a))?;
            let owner = match a.owner_id {
                Some(id) => format!(", owned by {}", line(&store.require::<Rep>(id)?.name)),
                None => String::new(),
            };
            report(store, &out, &a, format!("added {} (#{}){owner}", line(&a.describe()), a.meta.id))
        }
        AddCommand::Contact { fields: f, allow_duplicate, out } => {
            need("account", &f.account, "contact")?;
            need("name", &f.name, "contact")?;
            let mut c = Contact::default();
            fields::apply_contact(store, &mut c, &f)?;
            store.allowing_duplicates(allow_duplicate, |s| s.insert(&mut c))?;
            let account = store.require::<Account>(c.account_id)?;
            report(store, &out, &c, format!("added {} (#{}) to {}", line(&c.describe()), c.meta.id, on(&account)))
        }
        AddCommand::Deal { fields: f, out } => {
            need("account", &f.account, "deal")?;
            need("name", &f.name, "deal")?;
            need("amount", &f.amount, "deal")?;
            let mut stage = DealStage::default();
            fields::choice("stage", val(&f.stage), &mut stage)?;
            let mut d = Deal { stage, probability: stage.default_probability(), ..Default::default() };
            fields::apply_deal(store, &mut d, &f, today)?;
            d.opened_on.get_or_insert(today);
            let account = store.require::<Account>(d.account_id)?;
            if d.owner_id.is_none() {
                d.owner_id = account.owner_id;
            }
            if stage.is_closed() {
                // Closing settles the probability, as a move to won or lost does.
                d.probability =
                    crate::domain::rules::probability_after_move(stage, d.probability, d.probability_manual);
                d.closed_on = Some(today);
            }
            store.insert(&mut d)?;
            report(
                store,
                &out,
                &d,
                format!(
                    "added {} (#{}) on {}: {}, {}, {}%",
                    line(&d.describe()),
                    d.meta.id,
                    on(&account),
                    d.amount,
                    d.stage,
                    d.probability
                ),
            )
        }
        AddCommand::Conflict { fields: f, out } => {
            need("account", &f.account, "conflict")?;
            need("title", &f.title, "conflict")?;
            let mut c = Conflict::default();
            fields::apply_conflict(store, &mut c, &f)?;
            let account = store.require::<Account>(c.account_id)?;
            if c.owner_id.is_none() {
                c.owner_id = account.owner_id;
            }
            let c = store.open_conflict(c)?;
            let due = crate::domain::time::local_stamp(&c.sla_due_at, store.clock().zone());
            report(
                store,
                &out,
                &c,
                format!(
                    "opened {} (#{}) on {}: {} severity, SLA due {due}",
                    line(&c.describe()),
                    c.meta.id,
                    on(&account),
                    c.severity
                ),
            )
        }
        AddCommand::Target { fields: f, out } => {
            need("period", &f.period, "target")?;
            need("amount", &f.amount, "target")?;
            let mut t = Target {
                meta: Meta::default(),
                scope: TargetScope::default(),
                rep_id: None,
                account_id: None,
                period: Period::Year(1900),
                metric: TargetMetric::default(),
                amount: 0,
            };
            fields::apply_target(store, &mut t, &f)?;
            store.insert(&mut t)?;
            let whom = target_whom(store, &t)?;
            report(
                store,
                &out,
                &t,
                format!("added {}{whom} (#{}): {}", line(&t.describe()), t.meta.id, target_amount(&t)),
            )
        }
        AddCommand::Rep { fields: f, allow_duplicate, out } => {
            need("name", &f.name, "rep")?;
            let mut r = Rep::default();
            fields::apply_rep(store, &mut r, &f)?;
            store.allowing_duplicates(allow_duplicate, |s| s.insert(&mut r))?;
            report(
                store,
                &out,
                &r,
                format!("added {} (#{}), {}", line(&r.describe()), r.meta.id, r.role.label().to_lowercase()),
            )
        }
    }
}

/// "Acme Logistics (#1)".
pub fn on(a: &Account) -> String {
    format!("{} (#{})", line(&a.name), a.meta.id)
}

/// " of Rae Lindqvist", " of Acme Logistics (#1)", or nothing for the company.
pub fn target_whom(store: &Store, t: &Target) -> Result<String> {
    Ok(match (t.rep_id, t.account_id) {
        (Some(r), _) => format!(" of {}", line(&store.require::<Rep>(r)?.name)),
        (_, Some(a)) => format!(" of {}", on(&store.require::<Account>(a)?)),
        _ => String::new(),
    })
}

/// "500,000.00 won revenue", "12 new deals".
pub fn target_amount(t: &Target) -> String {
    match t.metric {
        TargetMetric::WonRevenue => format!("{} won revenue", crate::domain::Money(t.amount)),
        m => format!("{} {}", t.amount, m.label().to_lowercase()),
    }
}

fn report<T: Record>(store: &Store, out: &Output, rec: &T, text: String) -> Result<ExitCode> {
    if out.json {
        super::print_json(&super::record_document(store, rec)?)?;
    } else {
        super::out::say(&text)?;
    }
    Ok(ExitCode::SUCCESS)
}
