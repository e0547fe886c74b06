//! The forms for every record: how each is laid out and filled from the
//! store, and how a valid form is written back.

use crate::domain::*;
use crate::store::*;
use crate::tui::widgets::form::{options, Field, FieldKind, Form};
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

pub fn account_form(store: &Store, id: Option<i64>, today: NaiveDate) -> Result<EditForm> {
    let a = match id {
        Some(id) => store.require::<Account>(id)?,
        None => Account::default(),
    };
    let fields = vec![
        Field::new("Name", FieldKind::Text).required().with(a.name.clone()),
        Field::new("Tier", FieldKind::Choice(options(Tier::ALL, Tier::as_str, Tier::label))).chosen(a.tier.as_str()),
        Field::new(
            "Status",
            FieldKind::Choice(options(AccountStatus::ALL, AccountStatus::as_str, AccountStatus::label)),
        )
        .chosen(a.status.as_str()),
        Field::new("Owner", FieldKind::Pick(reps_pick(store)?)).picked_id(a.owner_id),
        Field::new("Annual value", FieldKind::Money).with(if id.is_some() {
            a.annual_value.to_string()
        } else {
            String::new()
        }),
        Field::new("Renewal", FieldKind::Date).with(date_text(a.renewal_date)),
        Field::new("Sector", FieldKind::Text).with(opt(&a.sector)),
        Field::new("City", FieldKind::Text).with(opt(&a.city)),
        Field::new("Phone", FieldKind::Phone).with(opt(&a.phone)),
        Field::new("Website", FieldKind::Text).with(opt(&a.website)),
        Field::new("Parent", FieldKind::Pick(accounts_pick(store, id)?)).picked_id(a.parent_id),
    ];
    let title = if id.is_some() { format!("Edit account {}", sanitize::line(&a.name)) } else { "Add account".into() };
    Ok(Form::new(title, Edit::Account(id), fields, today))
}

pub fn contact_form(store: &Store, account_id: i64, id: Option<i64>, today: NaiveDate) -> Result<EditForm> {
    let c = match id {
        Some(id) => store.require::<Contact>(id)?,
        None => Contact { account_id, ..Default::default() },
    };
    let fields = vec![
        Field::new("Name", FieldKind::Text).required().with(c.name.clone()),
        Field::new("Title", FieldKind::Text).with(opt(&c.title)),
        Field::new("Role", FieldKind::Choice(options(ContactRole::ALL, ContactRole::as_str, ContactRole::label)))
            .chosen(c.role.as_str()),
        Field::new("E-mail", FieldKind::Email).with(opt(&c.email)),
        Field::new("Phone", FieldKind::Phone).with(opt(&c.phone)),
        Field::new(
            "Primary",
            FieldKind::Choice(vec![("no".into(), "No".into(), 'n'), ("yes".into(), "Yes".into(), 'y')]),
        )
        .chosen(if c.is_primary { "yes" } else { "no" }),
    ];
    let title = if id.is_some() { format!("Edit contact {}", sanitize::line(&c.name)) } else { "Add contact".into() };
    Ok(Form::new(title, Edit::Contact { account_id, id }, fields, today))
}

pub fn deal_form(store: &Store, account_id: i64, id: Option<i64>, today: NaiveDate) -> Result<EditForm> {
    let d = match id {
        Some(id) => store.require::<Deal>(id)?,
        None => Deal { account_id, probability: DealStage::Prospecting.default_probability(), ..Default::default() },
    };
    let fields = vec![
        Field::new("Name", FieldKind::Text).required().with(d.name.clone()),
        Field::new("Amount", FieldKind::Money).required().with(if id.is_some() {
            d.amount.to_string()
        } else {
            String::new()
        }),
        Field::new("Stage", FieldKind::Choice(options(DealStage::ALL, DealStage::as_str, DealStage::label)))
            .chosen(d.stage.as_str()),
        Field::new("Probability", FieldKind::Percent).with(if d.probability_manual {
            d.probability.to_string()
        } else {
            String::new()
        }),
        Field::new("Expected close", FieldKind::Date).with(date_text(d.expected_close)),
        Field::new("Product", FieldKind::Text).with(opt(&d.product)),
        Field::new("Owner", FieldKind::Pick(reps_pick(store)?)).picked_id(d.owner_id),
        Field::new("Forecast", FieldKind::Choice(forecast_options()))
            .chosen(d.forecast_category.map_or("", ForecastCategory::as_str)),
    ];
    let title = if id.is_some() { format!("Edit deal {}", sanitize::line(&d.name)) } else { "Add deal".into() };
    Ok(Form::new(title, Edit::Deal { account_id, id }, fields, today))
}

/// The stage's own category first (stored as no override), then each category.
fn forecast_options() -> Vec<(String, String, char)> {
    let mut all = options(ForecastCategory::ALL, ForecastCategory::as_str, ForecastCategory::label);
    all.insert(0, (String::new(), "By stage".into(), 's'));
    all
}

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

pub fn target_form(store: &Store, id: Option<i64>, period: Period, today: NaiveDate) -> Result<EditForm> {
    let t = match id {
        Some(id) => Some(store.require::<Target>(id)?),
        None => None,
    };
    let metric = t.as_ref().map_or(TargetMetric::WonRevenue, |t| t.metric);
    let accounts: Vec<(i64, String)> =
        store.account_names()?.into_iter().map(|(id, name, _)| (id, sanitize::line(&name).into_owned())).collect();
    let fields = vec![
        Field::new("Scope", FieldKind::Choice(options(TargetScope::ALL, TargetScope::as_str, TargetScope::label)))
            .chosen(t.as_ref().map_or("rep", |t| t.scope.as_str())),
        Field::new("Rep", FieldKind::Pick(reps_pick(store)?)).picked_id(t.as_ref().and_then(|t| t.rep_id)),
        Field::new("Account", FieldKind::Pick(accounts)).picked_id(t.as_ref().and_then(|t| t.account_id)),
        Field::new("Metric", FieldKind::Choice(options(TargetMetric::ALL, TargetMetric::as_str, TargetMetric::label)))
            .chosen(metric.as_str()),
        Field::new("Period", FieldKind::Period).required().with(t.as_ref().map_or(period, |t| t.period).to_string()),
        Field::new("Amount", FieldKind::Amount(metric))
            .required()
            .with(t.as_ref().map_or(String::new(), |t| t.metric.format_amount(t.amount))),
    ];
    Ok(Form::new(if id.is_some() { "Edit target" } else { "Set a target" }, Edit::Target(id), fields, today))
}

/// Keeps a target form's amount in the unit of the metric chosen: after the
/// metric changes, the amount is checked as money or as a count.
pub fn follow_metric(form: &mut EditForm, today: NaiveDate) {
    if !matches!(form.target, Edit::Target(_)) {
        return;
    }
    let Ok(metric) = form.field("Metric").choice_value().parse::<TargetMetric>() else { return };
    if let Some(amount) = form.fields.iter_mut().find(|f| f.label == "Amount") {
        if amount.kind != FieldKind::Amount(metric) {
            amount.kind = FieldKind::Amount(metric);
            if !amount.text().is_empty() {
                amount.check(today);
            }
        }
    }
}

pub fn rep_form(store: &Store, id: Option<i64>, today: NaiveDate) -> Result<EditForm> {
    let r = match id {
        Some(id) => store.require::<Rep>(id)?,
        None => Rep::default(),
    };
    let fields = vec![
        Field::new("Name", FieldKind::Text).required().with(r.name.clone()),
        Field::new("Role", FieldKind::Choice(options(RepRole::ALL, RepRole::as_str, RepRole::label)))
            .chosen(r.role.as_str()),
        Field::new("Manager", FieldKind::Pick(reps_pick(store)?)).picked_id(r.manager_id),
        Field::new("E-mail", FieldKind::Email).with(opt(&r.email)),
        Field::new("Phone", FieldKind::Phone).with(opt(&r.phone)),
    ];
    let title = if id.is_some() { format!("Edit rep {}", sanitize::line(&r.name)) } else { "Add rep".into() };
    Ok(Form::new(title, Edit::Rep(id), fields, today))
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
    let f = |label: &str| form.field(label);
    let pick = |label: &str| f(label).pick().map(|p| p.0);
    match form.target {
        Edit::Log { account_id } => {
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
        Edit::FollowUp { account_id } => {
            let due = date(f("Due"), today)?.ok_or_else(|| anyhow!("a follow-up needs a due date"))?;
            let a = store.add_follow_up(account_id, due, f("Summary").text())?;
            Ok((format!("follow-up due {}", a.due_on.map(|d| d.to_string()).unwrap_or_default()), Some(account_id)))
        }
        Edit::Activity(id) => {
            let mut a = store.require::<Activity>(id)?;
            a.summary = f("Summary").text().to_string();
            a.body = some(f("Body"));
            if a.kind == ActivityKind::FollowUp {
                a.due_on = date(f("Due"), today)?;
            }
            store.update(&mut a)?;
            Ok(("saved".into(), Some(a.account_id)))
        }
        Edit::Account(id) => {
            let mut a = match id {
                Some(id) => store.require::<Account>(id)?,
                None => Account::default(),
            };
            a.name = f("Name").text().to_string();
            a.tier = choice(f("Tier"))?;
            a.status = choice(f("Status"))?;
            a.owner_id = picked(f("Owner"), a.owner_id);
            a.parent_id = picked(f("Parent"), a.parent_id);
            a.annual_value = money(f("Annual value"))?;
            a.renewal_date = date(f("Renewal"), today)?;
            a.sector = some(f("Sector"));
            a.city = some(f("City"));
            a.phone = some(f("Phone"));
            a.website = some(f("Website"));
            if id.is_some() {
                store.update(&mut a)?;
            } else {
                store.insert(&mut a)?;
            }
            Ok((format!("saved account {}", a.name), Some(a.meta.id)))
        }
        Edit::Contact { account_id, id } => {
            let mut c = match id {
                Some(id) => store.require::<Contact>(id)?,
                None => Contact { account_id, ..Default::default() },
            };
            c.name = f("Name").text().to_string();
            c.title = some(f("Title"));
            c.role = choice(f("Role"))?;
            c.email = some(f("E-mail"));
            c.phone = some(f("Phone"));
            c.is_primary = f("Primary").choice_value() == "yes";
            if id.is_some() {
                store.update(&mut c)?;
            } else {
                store.insert(&mut c)?;
            }
            Ok((format!("saved contact {}", c.name), Some(account_id)))
        }
        Edit::Deal { account_id, id } => {
            let stage: DealStage = choice(f("Stage"))?;
            let manual = some(f("Probability")).map(|p| p.trim_end_matches('%').parse::<u8>()).transpose()?;
            let owner = pick("Owner");
            let name = f("Name").text().to_string();
            let amount = money(f("Amount"))?;
            let expected = date(f("Expected close"), today)?;
            let product = some(f("Product"));
            let forecast = match f("Forecast").choice_value() {
                "" => None,
                v => Some(v.parse::<ForecastCategory>().map_err(|e| anyhow!(e))?),
            };
            store.write(|s| {
                let mut d = match id {
                    Some(id) => s.require::<Deal>(id)?,
                    None => Deal { account_id, stage, probability: stage.default_probability(), ..Default::default() },
                };
                d.name = name.clone();
                d.amount = amount;
                d.expected_close = expected;
                d.product = product.clone();
                d.owner_id = owner.or(s.require::<Account>(account_id)?.owner_id);
                d.forecast_category = forecast;
                d.opened_on.get_or_insert(today);
                d.probability_manual = manual.is_some();
                if let Some(p) = manual {
                    d.probability = p;
                }
                if id.is_none() {
                    d.closed_on = stage.is_closed().then_some(today);
                    s.insert(&mut d)?;
                } else {
                    s.update(&mut d)?;
                    // A stage change is a move: probability rule, close date, timeline.
                    s.move_deal(d.meta.id, stage)?;
                }
                Ok(())
            })?;
            Ok((format!("saved deal {name}"), Some(account_id)))
        }
        Edit::Conflict { account_id, id } => {
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
        Edit::Resolve(id) => {
            let c = store.set_conflict_status(id, ConflictStatus::Resolved, Some(f("Resolution").text()))?;
            Ok((format!("resolved {}", c.title), Some(c.account_id)))
        }
        Edit::Target(id) => {
            let scope: TargetScope = choice(f("Scope"))?;
            let metric: TargetMetric = choice(f("Metric"))?;
            let rep = pick("Rep");
            let account = pick("Account");
            match scope {
                TargetScope::Team | TargetScope::Rep if rep.is_none() => {
                    bail!("not saved: a {} target needs a rep", scope.label().to_lowercase())
                }
                TargetScope::Account if account.is_none() => bail!("not saved: an account target needs an account"),
                _ => {}
            }
            let amount = metric.parse_amount(f("Amount").text()).map_err(|e| anyhow!("Amount: {e}"))?;
            let mut t = match id {
                Some(id) => store.require::<Target>(id)?,
                None => Target {
                    meta: Meta::default(),
                    scope,
                    rep_id: None,
                    account_id: None,
                    period: Period::Year(today.year_ce().1 as i32),
                    metric,
                    amount: 0,
                },
            };
            t.scope = scope;
            t.metric = metric;
            t.rep_id = matches!(scope, TargetScope::Team | TargetScope::Rep).then_some(rep).flatten();
            t.account_id = (scope == TargetScope::Account).then_some(account).flatten();
            t.period = Period::parse(f("Period").text()).map_err(|e| anyhow!(e))?;
            t.amount = amount;
            if id.is_some() {
                store.update(&mut t)?;
            } else {
                store.insert(&mut t)?;
            }
            Ok((format!("saved {} target for {}", scope.label().to_lowercase(), t.period), None))
        }
        Edit::Escalate(id) => {
            let why = f("Why").text().trim().to_string();
            let c = store.escalate_conflict_to(id, pick("To"), Some(why.as_str()).filter(|w| !w.is_empty()))?;
            let whom = match c.escalated_to {
                Some(r) => format!(" to {}", store.require::<Rep>(r)?.name),
                None => String::new(),
            };
            Ok((format!("escalated {} to level {}{whom}", c.title, c.escalation_level), Some(c.account_id)))
        }
        Edit::Rep(id) => {
            let mut r = match id {
                Some(id) => store.require::<Rep>(id)?,
                None => Rep::default(),
            };
            r.name = f("Name").text().to_string();
            r.role = choice(f("Role"))?;
            r.manager_id = picked(f("Manager"), r.manager_id);
            r.email = some(f("E-mail"));
            r.phone = some(f("Phone"));
            if id.is_some() {
                store.update(&mut r)?;
            } else {
                store.insert(&mut r)?;
            }
            Ok((format!("saved rep {}", r.name), None))
        }
    }
}
