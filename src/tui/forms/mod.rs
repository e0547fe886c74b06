//! The forms for every record: how each is laid out and filled from the
//! store, and how a valid form is written back.

mod account;
mod activity;
mod conflict;
mod contact;
mod deal;
mod rep;
mod target;

pub use account::account_form;
pub use activity::{activity_form, follow_summary, follow_up_form, log_form, log_form_for};
pub use conflict::{conflict_form, escalate_form, resolve_form};
pub use contact::contact_form;
pub use deal::deal_form;
pub use rep::rep_form;
pub use target::{follow_metric, target_form};

use crate::domain::*;
use crate::store::*;
use crate::tui::widgets::form::{Field, Form};
use anyhow::{anyhow, bail, Result};
use chrono::{Datelike, NaiveDate};

/// What a form writes when saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Log { account_id: i64 },
    FollowUp { account_id: i64 },
    Activity(i64),
    Account(Option<i64>),
    Contact { account_id: i64, id: Option<i64> },
    Deal { account_id: i64, id: Option<i64> },
    Conflict { account_id: i64, id: Option<i64> },
    Resolve(i64),
    Escalate(i64),
    Target(Option<i64>),
    Rep(Option<i64>),
}

pub type EditForm = Form<Edit>;

fn reps_pick(store: &Store) -> Result<Vec<(i64, String)>> {
    Ok(store.reps()?.into_iter().map(|r| (r.id, sanitize::line(&r.name).into_owned())).collect())
}

/// Every live account but `except`, for a parent.
fn accounts_pick(store: &Store, except: Option<i64>) -> Result<Vec<(i64, String)>> {
    Ok(store
        .account_names()?
        .into_iter()
        .filter(|a| Some(a.0) != except)
        .map(|a| (a.0, sanitize::line(&a.1).into_owned()))
        .collect())
}

/// The record a Pick field names: the stored one while the person left the
/// field as it was (a label may name two records), else the one picked.
fn picked(f: &Field, stored: Option<i64>) -> Option<i64> {
    if f.value() == f.initial {
        stored
    } else {
        f.pick().map(|p| p.0)
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn date_text(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// `Some(text)` unless blank.
fn some(f: &Field) -> Option<String> {
    let t = f.text();
    (!t.is_empty()).then(|| t.to_string())
}

fn date(f: &Field, today: NaiveDate) -> Result<Option<NaiveDate>> {
    if f.text().is_empty() {
        return Ok(None);
    }
    time::parse_date_in(f.text(), today, f.calendar).map(Some).map_err(|e| anyhow!("{}: {e}", f.label))
}

fn money(f: &Field) -> Result<Money> {
    if f.text().is_empty() {
        return Ok(Money::ZERO);
    }
    Money::parse(f.text()).map_err(|e| anyhow!("{}: {e}", f.label))
}

fn choice<T: std::str::FromStr<Err = String>>(f: &Field) -> Result<T> {
    f.choice_value().parse().map_err(|e: String| anyhow!(e))
}

/// What saving a form came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// Written: what to tell the user, and the account it touched.
    Done(String, Option<i64>),
    /// Not written: someone else changed fields this form changed too; the
    /// form lists them (`clash`) for the person to choose.
    Clash,
}

/// Writes a valid form. An edit is laid over the record as stored at the
/// moment of writing, inside the one writing transaction: the fields this
/// person left alone take whatever someone else saved meanwhile, and a field
/// both changed is not overwritten unasked.
pub fn save(store: &Store, form: &mut EditForm, today: NaiveDate) -> Result<Saved> {
    if !form.is_valid(today) {
        let first = form.fields.iter().find_map(|f| f.error.clone()).unwrap_or_default();
        bail!("not saved: {first}");
    }
    let result = store.write(|s| {
        if let Some(stored) = stored_form(s, form.target, today)? {
            if !form.rebase(&stored).is_empty() {
                return Ok(Saved::Clash);
            }
        }
        let (msg, account) = write_form(s, form, today)?;
        Ok(Saved::Done(msg, account))
    });
    if let Err(e) = &result {
        // A broken rule points at its field, as a field's own check does.
        if let Some(r) = e.downcast_ref::<rules::Refusal>() {
            if let Some(i) = form.fields.iter().position(|f| f.label.eq_ignore_ascii_case(r.field)) {
                form.fields[i].error = Some(r.message.clone());
                form.focus = i;
            }
        }
    }
    result
}

/// The form of the record an edit form changes, filled as it is stored now.
fn stored_form(store: &Store, target: Edit, today: NaiveDate) -> Result<Option<EditForm>> {
    Ok(Some(match target {
        Edit::Activity(id) => activity_form(store, id, today)?,
        Edit::Account(Some(id)) => account_form(store, Some(id), today)?,
        Edit::Contact { account_id, id: Some(id) } => contact_form(store, account_id, Some(id), today)?,
        Edit::Deal { account_id, id: Some(id) } => deal_form(store, account_id, Some(id), today)?,
        Edit::Conflict { account_id, id: Some(id) } => conflict_form(store, account_id, Some(id), today)?,
        Edit::Target(Some(id)) => target_form(store, Some(id), Period::Year(today.year()), today)?,
        Edit::Rep(Some(id)) => rep_form(store, Some(id), today)?,
        _ => return Ok(None),
    }))
}

fn write_form(store: &Store, form: &EditForm, today: NaiveDate) -> Result<(String, Option<i64>)> {
    match form.target {
        Edit::Log { account_id } => activity::write_log(store, form, today, account_id),
        Edit::FollowUp { account_id } => activity::write_follow_up(store, form, today, account_id),
        Edit::Activity(id) => activity::write_activity(store, form, today, id),
        Edit::Account(id) => account::write(store, form, today, id),
        Edit::Contact { account_id, id } => contact::write(store, form, account_id, id),
        Edit::Deal { account_id, id } => deal::write(store, form, today, account_id, id),
        Edit::Conflict { account_id, id } => conflict::write(store, form, account_id, id),
        Edit::Resolve(id) => conflict::write_resolve(store, form, id),
        Edit::Target(id) => target::write(store, form, today, id),
        Edit::Escalate(id) => conflict::write_escalate(store, form, id),
        Edit::Rep(id) => rep::write(store, form, id),
    }
}
