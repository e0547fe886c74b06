//! The deal form.

use super::{choice, date, date_text, money, opt, reps_pick, some, Edit, EditForm};
use crate::domain::*;
use crate::store::*;
use crate::tui::widgets::form::{options, Field, FieldKind, Form};
use anyhow::{anyhow, Result};
use chrono::NaiveDate;

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

pub(super) fn write(
    store: &Store,
    form: &EditForm,
    today: NaiveDate,
    account_id: i64,
    id: Option<i64>,
) -> Result<(String, Option<i64>)> {
    let f = |label: &str| form.field(label);
    let pick = |label: &str| f(label).pick().map(|p| p.0);
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
