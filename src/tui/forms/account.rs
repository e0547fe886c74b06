//! The account form.

use super::{accounts_pick, choice, date, date_text, money, opt, picked, reps_pick, some, Edit, EditForm};
use crate::domain::*;
use crate::store::*;
use crate::tui::widgets::form::{options, Field, FieldKind, Form};
use anyhow::Result;
use chrono::NaiveDate;

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

pub(super) fn write(
    store: &Store,
    form: &EditForm,
    today: NaiveDate,
    id: Option<i64>,
) -> Result<(String, Option<i64>)> {
    let f = |label: &str| form.field(label);
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
