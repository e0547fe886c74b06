//! Logging a call, e-mail, meeting or note; a follow-up; and editing an entry of the timeline.

use super::{choice, date, date_text, opt, some, Edit, EditForm};
use crate::domain::*;
use crate::store::*;
use crate::tui::widgets::form::{options, Field, FieldKind, Form};
use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;

/// The form to log an interaction: one letter picks the kind and jumps to the summary.
pub fn log_form(store: &Store, account_id: i64, today: NaiveDate) -> Result<EditForm> {
    let account = store.require::<Account>(account_id)?;
    let kinds = [ActivityKind::Call, ActivityKind::Email, ActivityKind::Meeting, ActivityKind::Note];
    let contacts: Vec<(i64, String)> =
        store.contacts_of(account_id)?.into_iter().map(|c| (c.meta.id, sanitize::line(&c.name).into_owned())).collect();
    let fields = vec![
        Field::new("Kind", FieldKind::Choice(options(&kinds, ActivityKind::as_str, ActivityKind::label))),
        Field::new("Summary", FieldKind::Text).required(),
        Field::new("Contact", FieldKind::Pick(contacts)),
        Field::new("Body", FieldKind::Body),
        Field::new("Follow-up", FieldKind::Date).not_past(),
        Field::new("Follow-up text", FieldKind::Text),
    ];
    Ok(Form::new(format!("Log on {}", sanitize::line(&account.name)), Edit::Log { account_id }, fields, today))
}

/// The log form filled in for a suggested call or meeting: the kind, whom
/// with, and what to do as the summary, for the person to put in their words.
pub fn log_form_for(
    store: &Store,
    account_id: i64,
    today: NaiveDate,
    kind: ActivityKind,
    contact: Option<i64>,
    summary: &str,
) -> Result<EditForm> {
    let mut form = log_form(store, account_id, today)?;
    for field in &mut form.fields {
        match field.label {
            "Kind" => field.set_value(kind.as_str()),
            "Summary" => field.set_value(&sanitize::line(summary)),
            "Contact" => *field = field.clone().picked_id(contact),
            _ => {}
        }
        field.initial = field.value().to_string();
    }
    follow_summary(&mut form);
    form.focus_on("Summary");
    Ok(form)
}

/// Keeps the log form's follow-up text on "Follow up: <summary>" as the
/// summary is typed, until the person writes their own.
pub fn follow_summary(form: &mut EditForm) {
    if !matches!(form.target, Edit::Log { .. }) {
        return;
    }
    let summary = form.field("Summary").text().to_string();
    let wanted = if summary.is_empty() { String::new() } else { default_follow_up_text(&summary) };
    if let Some(text) = form.fields.iter_mut().find(|f| f.label == "Follow-up text") {
        // Untouched while it still holds what was filled in last (or what
        // would be: a restored draft starts from its own text).
        if text.input.text == wanted {
            text.initial = wanted;
        } else if text.input.text == text.initial {
            text.set_value(&wanted);
            text.initial = wanted;
        }
    }
}

pub fn follow_up_form(store: &Store, account_id: i64, today: NaiveDate) -> Result<EditForm> {
    let account = store.require::<Account>(account_id)?;
    let fields = vec![
        Field::new("Due", FieldKind::Date).required().not_past().with("tomorrow"),
        Field::new("Summary", FieldKind::Text).required(),
    ];
    let mut f = Form::new(
        format!("Follow-up on {}", sanitize::line(&account.name)),
        Edit::FollowUp { account_id },
        fields,
        today,
    );
    f.focus = 1;
    Ok(f)
}

pub fn activity_form(store: &Store, id: i64, today: NaiveDate) -> Result<EditForm> {
    let a = store.require::<Activity>(id)?;
    if a.kind == ActivityKind::Event {
        bail!("events are written by rapport and cannot be edited");
    }
    let mut fields = vec![
        Field::new("Summary", FieldKind::Text).required().with(a.summary.clone()),
        Field::new("Body", FieldKind::Body).with(opt(&a.body)),
    ];
    if a.kind == ActivityKind::FollowUp {
        fields.push(Field::new("Due", FieldKind::Date).required().not_past().with(date_text(a.due_on)));
    }
    Ok(Form::new(format!("Edit {}", a.kind.label().to_lowercase()), Edit::Activity(id), fields, today))
}

pub(super) fn write_log(
    store: &Store,
    form: &EditForm,
    today: NaiveDate,
    account_id: i64,
) -> Result<(String, Option<i64>)> {
    let f = |label: &str| form.field(label);
    let pick = |label: &str| f(label).pick().map(|p| p.0);
    let kind: ActivityKind = choice(f("Kind"))?;
    let entry = LogEntry {
        account_id,
        kind,
        contact_id: pick("Contact"),
        summary: f("Summary").text().to_string(),
        body: some(f("Body")),
        follow_up: date(f("Follow-up"), today)?,
        follow_up_text: some(f("Follow-up text")),
        ..Default::default()
    };
    let (_, follow) = store.log_interaction(&entry)?;
    let due = follow.and_then(|a| a.due_on).map(|d| format!("; follow-up due {d}")).unwrap_or_default();
    Ok((format!("logged {}{due}", kind.label().to_lowercase()), Some(account_id)))
}

pub(super) fn write_follow_up(
    store: &Store,
    form: &EditForm,
    today: NaiveDate,
    account_id: i64,
) -> Result<(String, Option<i64>)> {
    let f = |label: &str| form.field(label);
    let due = date(f("Due"), today)?.ok_or_else(|| anyhow!("a follow-up needs a due date"))?;
    let a = store.add_follow_up(account_id, due, f("Summary").text())?;
    Ok((format!("follow-up due {}", a.due_on.map(|d| d.to_string()).unwrap_or_default()), Some(account_id)))
}

pub(super) fn write_activity(
    store: &Store,
    form: &EditForm,
    today: NaiveDate,
    id: i64,
) -> Result<(String, Option<i64>)> {
    let f = |label: &str| form.field(label);
    let mut a = store.require::<Activity>(id)?;
    a.summary = f("Summary").text().to_string();
    a.body = some(f("Body"));
    if a.kind == ActivityKind::FollowUp {
        a.due_on = date(f("Due"), today)?;
    }
    store.update(&mut a)?;
    Ok(("saved".into(), Some(a.account_id)))
}
