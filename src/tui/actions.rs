//! The cockpit's writing side: forms, record lists, confirmations, undo and
//! redo, and keeping every pane current after a change.

use super::app::{App, PaneId};
use super::forms::{self, Edit, EditForm};
use super::keymap::{Action, Context};
use super::lists::{ListKind, RecordList};
use super::overlays::{Confirm, Overlay};
use super::widgets::form::FormEvent;
use crate::domain::rules::step_stage;
use crate::domain::{ActivityKind, DealStage};
use crate::store::{Account, Activity, Conflict, Contact, Deal, Entity, Record, Rep, Store, Target};
use anyhow::Result;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

impl App {
    /// The writing actions; returns false for actions that are not about writing.
    pub(super) fn edit_action(&mut self, action: Action) -> Result<bool> {
        let today = self.today;
        let current = self.current;
        let need_account = |app: &mut App| {
            if current.is_none() {
                app.message = Some("select an account first (/ looks one up)".into());
            }
            current
        };
        match (action, self.focus) {
            (Action::Log, _) => {
                if let Some(id) = need_account(self) {
                    self.open_form(forms::log_form(&self.store, id, today));
                }
            }
            (Action::Undo, _) => self.undo(false)?,
            (Action::Redo, _) => self.undo(true)?,
            (Action::Add, PaneId::Portfolio) => self.open_form(forms::account_form(&self.store, None, today)),
            (Action::Edit, PaneId::Portfolio) => {
                if let Some(id) = self.portfolio.selected_id() {
                    self.open_form(forms::account_form(&self.store, Some(id), today));
                }
            }
            (Action::Delete, PaneId::Portfolio) => {
                if let Some(id) = self.portfolio.selected_id() {
                    self.confirm_account(id)?;
                }
            }
            (Action::Add, PaneId::Timeline) => {
                if let Some(id) = need_account(self) {
                    self.open_form(forms::follow_up_form(&self.store, id, today));
                }
            }
            (Action::Edit, PaneId::Timeline) => {
                if let Some(item) = self.timeline.items.get(self.timeline.nav.selected) {
                    let id = item.id;
                    self.open_form(forms::activity_form(&self.store, id, today));
                }
            }
            (Action::Delete, PaneId::Timeline) => {
                if let Some(item) = self.timeline.items.get(self.timeline.nav.selected) {
                    let id = item.id;
                    self.confirm::<Activity>(id, None)?;
                }
            }
            (Action::Complete, PaneId::Timeline) => match self.timeline.items.get(self.timeline.nav.selected) {
                Some(item) if item.kind == ActivityKind::FollowUp && item.done_at.is_none() => {
                    let (id, account) = (item.id, current);
                    self.write(|s| s.complete_follow_up(id).map(|f| format!("done: {}", f.summary)), account)?;
                }
                _ => self.message = Some("select an open follow-up on the timeline to complete it".into()),
            },
            (Action::Contacts, _) => {
                if let Some(id) = need_account(self) {
                    self.open_list(ListKind::Contacts(id));
                }
            }
            (Action::Deals, _) => {
                if let Some(id) = need_account(self) {
                    self.open_list(ListKind::Deals(id));
                }
            }
            (Action::Add, PaneId::Conflicts) => {
                if let Some(id) = need_account(self) {
                    self.open_form(forms::conflict_form(&self.store, id, None, today));
                }
            }
            (Action::Edit, PaneId::Conflicts) => {
                if let Some(c) = self.conflicts.selected() {
                    let (account, id) = (c.account_id, c.id);
                    self.open_form(forms::conflict_form(&self.store, account, Some(id), today));
                }
            }
            (Action::Delete, PaneId::Conflicts) => {
                if let Some(c) = self.conflicts.selected() {
                    let id = c.id;
                    self.confirm::<Conflict>(id, None)?;
                }
            }
            (Action::Complete, PaneId::Conflicts) => {
                if let Some(c) = self.conflicts.selected() {
                    let id = c.id;
                    self.open_form(forms::resolve_form(&self.store, id, today));
                }
            }
            (Action::Escalate, PaneId::Conflicts) => {
                if let Some(c) = self.conflicts.selected() {
                    let id = c.id;
                    self.open_form(forms::escalate_form(&self.store, id, today));
                }
            }
            (Action::Status, PaneId::Conflicts) => {
                if let Some(c) = self.conflicts.selected() {
                    let (id, account) = (c.id, c.account_id);
                    let next = crate::domain::sla::next_status(c.status);
                    self.write(
                        |s| {
                            s.set_conflict_status(id, next, None)
                                .map(|c| format!("{} is now {}", c.title, c.status.label().to_lowercase()))
                        },
                        Some(account),
                    )?;
                }
            }
            (Action::Add, PaneId::Targets) => {
                let period = self.targets.period;
                self.open_form(forms::target_form(&self.store, None, period, today));
            }
            (Action::TargetList, _) => self.open_list(ListKind::Targets(self.targets.period)),
            (Action::Reps, _) => self.open_list(ListKind::Reps),
            (Action::Edit | Action::Delete | Action::Complete | Action::Escalate | Action::Status, _) => {
                self.message = Some(format!("{} works in another pane (? lists the keys)", action.name()));
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    pub(super) fn open_form(&mut self, form: Result<EditForm>) {
        match form {
            Ok(mut f) => {
                f.set_calendar(self.calendar, self.today);
                self.overlay = Overlay::Form(f);
            }
            Err(e) => self.message = Some(format!("{e:#}")),
        }
    }

    fn open_list(&mut self, kind: ListKind) {
        let scope = if kind == ListKind::Agenda { self.resolved.reps.clone() } else { None };
        match RecordList::load_scoped(kind, &self.store, self.today, scope) {
            Ok(l) => self.overlay = Overlay::List(l),
            Err(e) => self.message = Some(format!("{e:#}")),
        }
    }

    fn confirm<T: Record>(&mut self, id: i64, back_to: Option<RecordList>) -> Result<()> {
        let rec: T = self.store.require(id)?;
        self.overlay = Overlay::Confirm(Confirm {
            question: format!("Delete {}? (u undoes it)", crate::domain::sanitize::line(&rec.describe())),
            entity: T::ENTITY,
            id,
            back_to,
            successors: Vec::new(),
            pick: 0,
        });
        Ok(())
    }

    /// Names what goes with the account before it goes.
    fn confirm_account(&mut self, id: i64) -> Result<()> {
        self.confirm::<Account>(id, None)?;
        let hanging = self.store.account_hanging(id)?;
        if let Overlay::Confirm(c) = &mut self.overlay {
            if !hanging.is_empty() {
                let name = crate::domain::sanitize::line(&self.store.require::<Account>(id)?.describe()).into_owned();
                c.question = format!("Delete {name} with {}? (u undoes it)", hanging.describe());
            }
        }
        Ok(())
    }

    /// A rep who owns accounts or open deals is deleted only once someone
    /// is picked to take them over.
    fn confirm_rep(&mut self, id: i64, back_to: Option<RecordList>) -> Result<()> {
        self.confirm::<Rep>(id, back_to)?;
        let holdings = self.store.rep_holdings(id)?;
        if !holdings.needs_successor() {
            return Ok(());
        }
        let rep = self.store.require::<Rep>(id)?;
        let successors: Vec<(i64, String)> = self
            .store
            .reps()?
            .into_iter()
            .filter(|r| r.id != id)
            .map(|r| (r.id, crate::domain::sanitize::line(&r.name).into_owned()))
            .collect();
        if let Overlay::Confirm(c) = &mut self.overlay {
            let name = crate::domain::sanitize::line(&rep.name).into_owned();
            c.question = format!("Delete rep {name}, who owns {}? Hand them to:", holdings.describe());
            // The rep's own manager is the likeliest heir.
            c.pick = successors.iter().position(|s| Some(s.0) == rep.manager_id).unwrap_or(0);
            c.successors = successors;
        }
        if matches!(&self.overlay, Overlay::Confirm(c) if c.successors.is_empty()) {
            self.overlay = Overlay::None;
            self.message =
                Some(format!("{} owns accounts or open deals and there is no other rep to take them", rep.name));
        }
        Ok(())
    }

    /// Runs one write, tells the user how it went, and refreshes what it touched.
    pub(super) fn write(&mut self, f: impl FnOnce(&Store) -> Result<String>, account: Option<i64>) -> Result<()> {
        match f(&self.store) {
            Ok(msg) => {
                self.message = Some(crate::domain::sanitize::line(&msg).into_owned());
                self.after_write(account)?;
            }
            Err(e) => self.message = Some(format!("not saved: {e:#}")),
        }
        Ok(())
    }

    fn undo(&mut self, redo: bool) -> Result<()> {
        let result = if redo { self.store.redo() } else { self.store.undo() };
        self.message = Some(match result {
            Ok(Some(u)) => format!("{}: {}", if redo { "redid" } else { "undid" }, u.summary),
            Ok(None) => format!("nothing to {}", if redo { "redo" } else { "undo" }),
            Err(e) => format!("cannot {}: {e:#}", if redo { "redo" } else { "undo" }),
        });
        let message = self.message.take();
        self.after_write(None)?;
        self.message = message;
        Ok(())
    }

    /// Brings every pane up to date after this window wrote.
    pub(super) fn after_write(&mut self, account: Option<i64>) -> Result<()> {
        let message = self.message.take();
        match account {
            // One account's change: its row, and the lists that are cheap to read again.
            Some(id) => self.refresh_after(id)?,
            // Undo, redo, reps and targets may touch anything.
            None => self.reload()?,
        }
        self.invalidate_lookup();
        self.prepare_lookup();
        if let Some(id) = account.or(self.current) {
            if self.store.get::<Account>(id)?.is_some() {
                // A full reload has read the current account's timeline already.
                if account.is_some() || Some(id) != self.current {
                    self.set_current(id)?;
                }
            } else {
                self.current = self.portfolio.selected_id();
                if let Some(id) = self.current {
                    self.timeline.load(&self.store, id)?;
                } else {
                    self.timeline = Default::default();
                }
            }
        }
        self.message = message;
        Ok(())
    }

    pub(super) fn on_form_key(&mut self, mut form: EditForm, key: KeyEvent) -> Result<()> {
        let event = form.on_key(key, self.today);
        forms::follow_metric(&mut form, self.today);
        forms::follow_summary(&mut form);
        match event {
            FormEvent::None => self.overlay = Overlay::Form(form),
            FormEvent::Cancel => self.message = Some("not saved".into()),
            FormEvent::Quit => self.quit = true,
            FormEvent::Save => match forms::save(&self.store, &mut form, self.today) {
                Ok(forms::Saved::Clash) => {
                    form.error = Some("changed by someone else since you opened this form".into());
                    self.overlay = Overlay::Form(form);
                }
                Ok(forms::Saved::Done(msg, account)) => {
                    self.message = Some(crate::domain::sanitize::line(&msg).into_owned());
                    let account = match form.target {
                        Edit::Account(_) => account,
                        _ => account.or(self.current),
                    };
                    self.after_write(account)?;
                }
                Err(e) => {
                    form.error = Some(format!("{e:#}"));
                    self.overlay = Overlay::Form(form);
                }
            },
        }
        Ok(())
    }

    pub(super) fn on_list_key(&mut self, mut list: RecordList, key: KeyEvent) -> Result<()> {
        let today = self.today;
        let selected = list.selected().cloned();
        let len = list.rows.len();
        let mut keep = true;
        // The list's keys come from the keymap (context `list`, then global).
        let Some(action) = self.keymap.resolve(Context::List, &key) else { return self.keep_list(list) };
        match action {
            Action::Back => keep = false,
            Action::Quit => self.quit = true,
            Action::Down => list.nav.step(1, len, 15),
            Action::Up => list.nav.step(-1, len, 15),
            Action::Add => {
                keep = false;
                let form = match list.kind {
                    ListKind::Contacts(a) => forms::contact_form(&self.store, a, None, today),
                    ListKind::Deals(a) => forms::deal_form(&self.store, a, None, today),
                    ListKind::Reps => forms::rep_form(&self.store, None, today),
                    ListKind::Targets(p) => forms::target_form(&self.store, None, p, today),
                    ListKind::Agenda => return self.keep_list(list),
                };
                self.open_form(form);
            }
            Action::Edit | Action::Open => {
                if let Some(row) = &selected {
                    keep = false;
                    let form = match list.kind {
                        ListKind::Contacts(a) => forms::contact_form(&self.store, a, Some(row.id), today),
                        ListKind::Deals(a) => forms::deal_form(&self.store, a, Some(row.id), today),
                        ListKind::Reps => forms::rep_form(&self.store, Some(row.id), today),
                        ListKind::Targets(p) => forms::target_form(&self.store, Some(row.id), p, today),
                        ListKind::Agenda => {
                            if let Some(a) = row.account_id {
                                self.set_current(a)?;
                                self.focus = PaneId::Timeline;
                            }
                            return Ok(());
                        }
                    };
                    self.open_form(form);
                }
            }
            Action::Delete => {
                if let Some(row) = &selected {
                    keep = false;
                    let back = Some(list.clone());
                    match list.kind {
                        ListKind::Contacts(_) => self.confirm::<Contact>(row.id, back)?,
                        ListKind::Deals(_) => self.confirm::<Deal>(row.id, back)?,
                        ListKind::Reps => self.confirm_rep(row.id, back)?,
                        ListKind::Targets(_) => self.confirm::<Target>(row.id, back)?,
                        ListKind::Agenda => self.confirm::<Activity>(row.id, back)?,
                    }
                }
            }
            Action::Complete if list.kind == ListKind::Agenda => {
                if let Some(row) = &selected {
                    let id = row.id;
                    self.write(|s| s.complete_follow_up(id).map(|f| format!("done: {}", f.summary)), row.account_id)?;
                    list.reload(&self.store, today)?;
                }
            }
            a @ (Action::NextStage | Action::PrevStage | Action::Won | Action::Lost)
                if matches!(list.kind, ListKind::Deals(_)) =>
            {
                if let Some(row) = &selected {
                    let id = row.id;
                    let deal = self.store.require::<Deal>(id)?;
                    let to = match a {
                        Action::NextStage => step_stage(deal.stage, true),
                        Action::PrevStage => step_stage(deal.stage, false),
                        Action::Won => DealStage::Won,
                        _ => DealStage::Lost,
                    };
                    self.write(
                        |s| {
                            s.move_deal(id, to).map(|d| format!("{} is now {}", d.name, d.stage.label().to_lowercase()))
                        },
                        row.account_id,
                    )?;
                    list.reload(&self.store, today)?;
                }
            }
            _ => {}
        }
        if keep && matches!(self.overlay, Overlay::None) {
            self.overlay = Overlay::List(list);
        }
        Ok(())
    }

    fn keep_list(&mut self, list: RecordList) -> Result<()> {
        self.overlay = Overlay::List(list);
        Ok(())
    }

    pub(super) fn on_confirm_key(&mut self, mut confirm: Confirm, key: KeyEvent) -> Result<()> {
        let len = confirm.successors.len();
        match key.code {
            KeyCode::Down | KeyCode::Char('j') | KeyCode::Right | KeyCode::Tab if len > 0 => {
                confirm.pick = (confirm.pick + 1) % len;
                self.overlay = Overlay::Confirm(confirm);
            }
            KeyCode::Up | KeyCode::Char('k') | KeyCode::Left | KeyCode::BackTab if len > 0 => {
                confirm.pick = (confirm.pick + len - 1) % len;
                self.overlay = Overlay::Confirm(confirm);
            }
            KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => {
                let id = confirm.id;
                let entity = confirm.entity;
                let successor = confirm.successor().cloned();
                let account = match entity {
                    Entity::Rep | Entity::Target => None,
                    _ => self.current,
                };
                self.write(
                    |s| {
                        let what = match entity {
                            Entity::Account => {
                                let (account, hanging) = s.delete_account(id)?;
                                if hanging.is_empty() {
                                    account.describe()
                                } else {
                                    format!("{} with {}", account.describe(), hanging.describe())
                                }
                            }
                            Entity::Contact => s.delete::<Contact>(id)?.describe(),
                            Entity::Deal => s.delete::<Deal>(id)?.describe(),
                            Entity::Conflict => s.delete::<Conflict>(id)?.describe(),
                            Entity::Activity => s.delete::<Activity>(id)?.describe(),
                            Entity::Target => s.delete::<Target>(id)?.describe(),
                            Entity::Rep => {
                                let (rep, _) = s.delete_rep(id, successor.as_ref().map(|s| s.0))?;
                                match &successor {
                                    Some((_, to)) => format!("{}; {to} takes over", rep.describe()),
                                    None => rep.describe(),
                                }
                            }
                            Entity::Snapshot => anyhow::bail!("forecast snapshots are history; they are not deleted"),
                            Entity::Suggestion => {
                                anyhow::bail!("a snoozed or dismissed suggestion is undone, not deleted")
                            }
                        };
                        Ok(format!("deleted {what} (u undoes it)"))
                    },
                    account,
                )?;
                if let Some(mut list) = confirm.back_to {
                    list.reload(&self.store, self.today)?;
                    self.overlay = Overlay::List(list);
                }
            }
            _ => {
                self.message = Some("kept".into());
                if let Some(list) = confirm.back_to {
                    self.overlay = Overlay::List(list);
                }
            }
        }
        Ok(())
    }
}
