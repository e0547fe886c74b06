//! The contact form.

use super::{choice, opt, some, Edit, EditForm};
use crate::domain::*;
use crate::store::*;
use crate::tui::widgets::form::{options, Field, FieldKind, Form};
use anyhow::Result;
use chrono::NaiveDate;

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

pub(super) fn write(store: &Store, form: &EditForm, account_id: i64, id: Option<i64>) -> Result<(String, Option<i64>)> {
    let f = |label: &str| form.field(label);
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
