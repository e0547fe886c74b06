//! The target form, whose amount follows the metric chosen.

use super::{choice, reps_pick, Edit, EditForm};
use crate::domain::*;
use crate::store::*;
use crate::tui::widgets::form::{options, Field, FieldKind, Form};
use anyhow::{anyhow, bail, Result};
use chrono::{Datelike, NaiveDate};

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

pub(super) fn write(
    store: &Store,
    form: &EditForm,
    today: NaiveDate,
    id: Option<i64>,
) -> Result<(String, Option<i64>)> {
    let f = |label: &str| form.field(label);
    let pick = |label: &str| f(label).pick().map(|p| p.0);
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
