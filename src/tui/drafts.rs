//! Drafts: a changed form kept when the terminal closes under it, offered
//! back on the next start. They live in a small file beside the database,
//! `<db>.drafts.json`, readable by its owner only (0600), like the database:
//! a draft holds what was typed about a customer.

use super::forms::{self, Edit, EditForm};
use super::widgets::form::FieldKind;
use crate::domain::Period;
use crate::store::Store;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One kept form: what it writes, and what each field held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub target: Target,
    pub title: String,
    pub fields: Vec<DraftField>,
    pub focus: usize,
    /// When it was kept (UTC, ISO-8601).
    pub kept_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftField {
    pub label: String,
    pub text: String,
    /// For a choice: the stored value chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<String>,
}

/// What the form writes, as the file names it (a copy of [`Edit`], so the
/// file's format is written down here and not by the form code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum Target {
    Log { account_id: i64 },
    FollowUp { account_id: i64 },
    Activity { id: i64 },
    Account { id: Option<i64> },
    Contact { account_id: i64, id: Option<i64> },
    Deal { account_id: i64, id: Option<i64> },
    Conflict { account_id: i64, id: Option<i64> },
    Resolve { id: i64 },
    Escalate { id: i64 },
    Target { id: Option<i64>, period: String },
    Rep { id: Option<i64> },
}

impl Draft {
    /// The draft of `form`, kept at `kept_at`.
    pub fn of(form: &EditForm, kept_at: String) -> Draft {
        let target = match form.target {
            Edit::Log { account_id } => Target::Log { account_id },
            Edit::FollowUp { account_id } => Target::FollowUp { account_id },
            Edit::Activity(id) => Target::Activity { id },
            Edit::Account(id) => Target::Account { id },
            Edit::Contact { account_id, id } => Target::Contact { account_id, id },
            Edit::Deal { account_id, id } => Target::Deal { account_id, id },
            Edit::Conflict { account_id, id } => Target::Conflict { account_id, id },
            Edit::Resolve(id) => Target::Resolve { id },
            Edit::Escalate(id) => Target::Escalate { id },
            Edit::Target(id) => {
                let period = form.fields.iter().find(|f| f.label == "Period").map(|f| f.text().to_string());
                Target::Target { id, period: period.unwrap_or_default() }
            }
            Edit::Rep(id) => Target::Rep { id },
        };
        let fields = form
            .fields
            .iter()
            .map(|f| DraftField {
                label: f.label.to_string(),
                text: f.input.text.clone(),
                choice: matches!(f.kind, FieldKind::Choice(_)).then(|| f.choice_value().to_string()),
            })
            .collect();
        Draft { target, title: form.title.clone(), fields, focus: form.focus, kept_at }
    }

    /// The form again, laid out as it is today and filled with what was typed.
    /// Fails when its record is gone.
    pub fn restore(&self, store: &Store, today: NaiveDate, period: Period) -> Result<EditForm> {
        let mut form = match self.target.clone() {
            Target::Log { account_id } => forms::log_form(store, account_id, today),
            Target::FollowUp { account_id } => forms::follow_up_form(store, account_id, today),
            Target::Activity { id } => forms::activity_form(store, id, today),
            Target::Account { id } => forms::account_form(store, id, today),
            Target::Contact { account_id, id } => forms::contact_form(store, account_id, id, today),
            Target::Deal { account_id, id } => forms::deal_form(store, account_id, id, today),
            Target::Conflict { account_id, id } => forms::conflict_form(store, account_id, id, today),
            Target::Resolve { id } => forms::resolve_form(store, id, today),
            Target::Escalate { id } => forms::escalate_form(store, id, today),
            Target::Target { id, period: typed } => {
                forms::target_form(store, id, Period::parse(&typed).unwrap_or(period), today)
            }
            Target::Rep { id } => forms::rep_form(store, id, today),
        }?;
        for kept in &self.fields {
            let Some(field) = form.fields.iter_mut().find(|f| f.label == kept.label) else { continue };
            if let (FieldKind::Choice(options), Some(value)) = (&field.kind, &kept.choice) {
                if let Some(i) = options.iter().position(|o| &o.0 == value) {
                    field.choice = i;
                }
            }
            field.input.text = kept.text.clone();
            field.input.cursor = kept.text.chars().count();
            if !field.text().is_empty() {
                field.check(today);
            }
        }
        forms::follow_metric(&mut form, today);
        forms::follow_summary(&mut form);
        form.focus = self.focus.min(form.fields.len().saturating_sub(1));
        form.changed = true;
        Ok(form)
    }
}

/// `<db>.drafts.json` beside the database at `db`.
pub fn path_for(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".drafts.json");
    PathBuf::from(name)
}

/// The drafts kept for the database at `db`, oldest first; none without a file.
pub fn load(db: &Path) -> Result<Vec<Draft>> {
    let path = path_for(db);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("could not read {}", path.display())),
    };
    serde_json::from_str(&text).with_context(|| format!("{} is not a drafts file rapport wrote", path.display()))
}

/// Writes `drafts` as the whole file (or removes it when there are none),
/// through a temporary file renamed into place, so a crash leaves the old
/// file or the new one, never half of one.
pub fn store_all(db: &Path, drafts: &[Draft]) -> Result<()> {
    let path = path_for(db);
    if drafts.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("could not remove {}", path.display()))
            }
            _ => Ok(()),
        };
    }
    let mut tmp = path.clone().into_os_string();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let write = || -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(serde_json::to_string_pretty(drafts)?.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&tmp, &path)
    };
    write().with_context(|| format!("could not write {}", path.display()))
}

/// Adds one draft to those kept for `db`.
pub fn push(db: &Path, draft: Draft) -> Result<()> {
    let mut drafts = match load(db) {
        Ok(d) => d,
        Err(_) => {
            // Never write over a file that could not be read: move it aside.
            let mut aside = path_for(db).into_os_string();
            aside.push(".unreadable");
            let _ = std::fs::rename(path_for(db), aside);
            Vec::new()
        }
    };
    drafts.push(draft);
    store_all(db, &drafts)
}

impl super::app::App {
    /// Keeps the open form if it holds changes: the terminal is gone, or the
    /// cockpit stops for another reason than a person quitting. Returns
    /// whether a draft was kept.
    pub fn keep_draft(&mut self) -> Result<bool> {
        let Some(draft) = self.draft() else { return Ok(false) };
        push(self.store.path(), draft)?;
        Ok(true)
    }

    /// The open form as a draft, if it holds changes and the book is a file.
    pub fn draft(&self) -> Option<Draft> {
        let super::overlays::Overlay::Form(form) = &self.overlay else { return None };
        if !form.changed || self.store.path().as_os_str() == ":memory:" {
            return None;
        }
        Some(Draft::of(form, crate::store::timestamp(self.store.clock().now())))
    }

    /// Offers the oldest kept draft, if any, in place of the screen's overlay.
    pub(super) fn offer_draft(&mut self) {
        if self.store.path().as_os_str() == ":memory:" {
            return;
        }
        match load(self.store.path()) {
            Ok(drafts) => {
                if let Some(first) = drafts.into_iter().next() {
                    self.overlay = super::overlays::Overlay::Draft(first);
                }
            }
            Err(e) => self.message = Some(format!("kept drafts: {e:#}")),
        }
    }

    /// r restores the draft into its form, d discards it, Esc leaves it for the next start.
    pub(super) fn on_draft_key(&mut self, draft: Draft, key: ratatui::crossterm::event::KeyEvent) -> Result<()> {
        use ratatui::crossterm::event::{KeyCode, KeyModifiers};
        let path = self.store.path().to_path_buf();
        match key.code {
            KeyCode::Char('r') | KeyCode::Enter => {
                match draft.restore(&self.store, self.today, self.targets.period) {
                    Ok(mut form) => {
                        form.set_calendar(self.calendar, self.today);
                        self.overlay = super::overlays::Overlay::Form(form);
                        self.message = Some("draft restored: Enter saves it, Esc throws it away".into());
                    }
                    Err(e) => self.message = Some(format!("the draft cannot be restored: {e:#}")),
                }
                remove(&path, &draft)?;
            }
            KeyCode::Char('d') => {
                remove(&path, &draft)?;
                self.offer_draft();
                self.message = Some("draft discarded".into());
            }
            KeyCode::Esc => {
                self.message = Some(format!("the draft stays in {} for the next start", {
                    crate::domain::sanitize::line(&path_for(&path).to_string_lossy()).into_owned()
                }))
            }
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => self.quit = true,
            _ => self.overlay = super::overlays::Overlay::Draft(draft),
        }
        Ok(())
    }
}

/// Removes `draft` from those kept for `db` (restored or discarded).
pub fn remove(db: &Path, draft: &Draft) -> Result<()> {
    let mut drafts = load(db)?;
    if let Some(i) = drafts.iter().position(|d| d == draft) {
        drafts.remove(i);
    }
    store_all(db, &drafts)
}
