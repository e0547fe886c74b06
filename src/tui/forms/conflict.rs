//! Opening, editing, resolving and escalating a conflict.

use super::{choice, opt, reps_pick, some, Edit, EditForm};
use crate::domain::*;
use crate::store::*;
use crate::tui::widgets::form::{options, Field, FieldKind, Form};
use anyhow::Result;
use chrono::NaiveDate;

pub fn conflict_form(store: &Store, account_id: i64, id: Option<i64>, today: NaiveDate) -> Result<EditForm> {
    let c = match id {
        Some(id) => store.require::<Conflict>(id)?,
        None => Conflict { account_id, ..Default::default() },
    };
    let fields = vec![
        Field::new("Title", FieldKind::Text).required().with(c.title.clone()),
        Field::new("Severity", FieldKind::Choice(options(Severity::ALL, Severity::as_str, Severity::label)))
            .chosen(c.severity.as_str()),
        Field::new("Description", FieldKind::Body).with(opt(&c.description)),
        Field::new("Owner", FieldKind::Pick(reps_pick(store)?)).picked_id(c.owner_id),
    ];
    let title =
        if id.is_some() { format!("Edit conflict {}", sanitize::line(&c.title)) } else { "Open a conflict".into() };
    Ok(Form::new(title, Edit::Conflict { account_id, id }, fields, today))
}

pub fn resolve_form(store: &Store, id: i64, today: NaiveDate) -> Result<EditForm> {
    let c = store.require::<Conflict>(id)?;
    let fields = vec![Field::new("Resolution", FieldKind::Body).required()];
    Ok(Form::new(format!("Resolve {}", sanitize::line(&c.title)), Edit::Resolve(id), fields, today))
}

/// To whom (the owner's manager unless changed) and why.
pub fn escalate_form(store: &Store, id: i64, today: NaiveDate) -> Result<EditForm> {
    let c = store.require::<Conflict>(id)?;
    let manager = match c.owner_id {
        Some(owner) => store.get::<Rep>(owner)?.and_then(|r| r.manager_id),
        None => None,
    };
    let fields = vec![
        Field::new("To", FieldKind::Pick(reps_pick(store)?)).picked_id(manager),
        Field::new("Why", FieldKind::Text),
    ];
    let title = format!("Escalate {} to level {}", sanitize::line(&c.title), c.escalation_level + 1);
    Ok(Form::new(title, Edit::Escalate(id), fields, today))
}

pub(super) fn write(store: &Store, form: &EditForm, account_id: i64, id: Option<i64>) -> Result<(String, Option<i64>)> {
    let f = |label: &str| form.field(label);
    let pick = |label: &str| f(label).pick().map(|p| p.0);
    let mut c = match id {
        Some(id) => store.require::<Conflict>(id)?,
        None => Conflict { account_id, ..Default::default() },
    };
    c.title = f("Title").text().to_string();
    let severity: Severity = choice(f("Severity"))?;
    let moved = id.is_some() && severity != c.severity;
    c.severity = severity;
    if moved {
        c.reset_sla(store.business_hours());
    }
    c.description = some(f("Description"));
    c.owner_id = pick("Owner").or(store.require::<Account>(account_id)?.owner_id);
    if id.is_some() {
        store.update(&mut c)?;
    } else {
        c = store.open_conflict(c)?;
    }
    Ok((format!("saved conflict {}", c.title), Some(account_id)))
}

pub(super) fn write_resolve(store: &Store, form: &EditForm, id: i64) -> Result<(String, Option<i64>)> {
    let f = |label: &str| form.field(label);
    let c = store.set_conflict_status(id, ConflictStatus::Resolved, Some(f("Resolution").text()))?;
    Ok((format!("resolved {}", c.title), Some(c.account_id)))
}

pub(super) fn write_escalate(store: &Store, form: &EditForm, id: i64) -> Result<(String, Option<i64>)> {
    let f = |label: &str| form.field(label);
    let pick = |label: &str| f(label).pick().map(|p| p.0);
    let why = f("Why").text().trim().to_string();
    let c = store.escalate_conflict_to(id, pick("To"), Some(why.as_str()).filter(|w| !w.is_empty()))?;
    let whom = match c.escalated_to {
        Some(r) => format!(" to {}", store.require::<Rep>(r)?.name),
        None => String::new(),
    };
    Ok((format!("escalated {} to level {}{whom}", c.title, c.escalation_level), Some(c.account_id)))
}
