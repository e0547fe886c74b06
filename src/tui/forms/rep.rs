//! The rep form.

use super::{choice, opt, picked, reps_pick, some, Edit, EditForm};
use crate::domain::*;
use crate::store::*;
use crate::tui::widgets::form::{options, Field, FieldKind, Form};
use anyhow::Result;
use chrono::NaiveDate;

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

pub(super) fn write(store: &Store, form: &EditForm, id: Option<i64>) -> Result<(String, Option<i64>)> {
    let f = |label: &str| form.field(label);
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
