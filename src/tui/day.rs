//! The cockpit's Today and account health: read on a second connection after
//! the first frame and after every write, so neither the draw nor a key ever
//! waits for them; and Today's keys — go to, dismiss, snooze.

use super::app::{App, PaneId};
use super::forms;
use super::keymap::{Action, Context};
use super::layout;
use super::overlays::{Ask, AskFor, Overlay};
use super::panes::today::{self, Request, Rows, What};
use crate::domain::health::Health;
use crate::domain::suggest::SuggestionKind;
use crate::domain::{scope, time, ActivityKind};
use anyhow::Result;
use chrono::Days;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::mpsc::TryRecvError;

/// What the background reader hands over, in this order.
pub enum Insight {
    Today(Result<Rows>),
    /// The last message: the job is done.
    Health(Result<Vec<(i64, Health)>>),
}

impl App {
    /// The user's own rep, if `me` names one.
    fn me_id(&self) -> Option<i64> {
        let me = self.store.me().ok().flatten()?;
        let members: Vec<scope::Member> = self.reps.iter().map(|r| (r.id, r.name.clone(), r.manager_id)).collect();
        scope::find_rep(&members, &me).ok().map(|m| m.0)
    }

    /// Reads Today and the health of every account again: on a second
    /// connection when the book is a file, else (in memory) at once.
    pub(crate) fn load_insights(&mut self) -> Result<()> {
        self.insights_wanted += 1;
        if self.insights.is_some() {
            // The job under way answers an older request: another follows it.
            self.today_view.loading = true;
            return Ok(());
        }
        self.start_insights()
    }

    /// Starts reading Today and health, unless they are read or under way:
    /// called once the first frame is drawn, so opening never waits on them.
    pub fn read_insights_behind(&mut self) -> Result<()> {
        if self.today_view.loaded || self.insights.is_some() {
            return Ok(());
        }
        self.load_insights()
    }

    fn start_insights(&mut self) -> Result<()> {
        let req = Request { resolved: self.resolved.clone(), me: self.me_id(), today: self.today, now: self.now };
        let Ok(reader) = self.store.reader() else {
            let rows = today::load(&self.store, &req)?;
            self.today_view.set_rows(rows);
            let health = self.store.account_health(None, self.today)?;
            self.portfolio.set_health(health);
            return Ok(());
        };
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Today first: it is what a person looks at; health of the whole book takes longer.
            if tx.send(Insight::Today(today::load(&reader, &req))).is_ok() {
                let _ = tx.send(Insight::Health(reader.account_health(None, req.today)));
            }
            drop(reader);
            super::give_back_freed_memory();
        });
        self.insights = Some((self.insights_wanted, rx));
        self.today_view.loading = true;
        Ok(())
    }

    /// Whether Today or health are still being read.
    pub fn insights_loading(&self) -> bool {
        self.insights.is_some()
    }

    /// Takes in what the background reader has finished (or, with `wait`,
    /// everything, once it has). Returns whether anything came.
    pub fn poll_insights(&mut self, wait: bool) -> Result<bool> {
        let mut changed = false;
        while let Some((asked, rx)) = &self.insights {
            let asked = *asked;
            let next = if wait { rx.recv().map_err(|_| TryRecvError::Disconnected) } else { rx.try_recv() };
            let done = match next {
                Ok(insight) => {
                    let last = matches!(insight, Insight::Health(_));
                    // An answer to an older request is stale: something was written since.
                    if asked == self.insights_wanted {
                        changed = true;
                        self.take_insight(insight);
                    }
                    last
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => true,
            };
            if done {
                self.insights = None;
                if asked == self.insights_wanted {
                    self.today_view.loading = false;
                } else {
                    self.start_insights()?;
                }
            }
        }
        Ok(changed)
    }

    fn take_insight(&mut self, insight: Insight) {
        match insight {
            Insight::Today(rows) => match rows {
                Ok(rows) => self.today_view.set_rows(rows),
                Err(e) => {
                    self.today_view.loading = false;
                    self.today_view.error = Some(crate::domain::sanitize::line(&format!("{e:#}")).into_owned());
                }
            },
            Insight::Health(health) => match health {
                Ok(h) => {
                    self.portfolio.set_health(h);
                    let rows = self.pane_rows(PaneId::Portfolio);
                    self.portfolio.follow(rows);
                    // The reasons of the whole book were dropped just now.
                    super::give_back_freed_memory();
                }
                Err(e) => self.message = Some(format!("could not read account health: {e:#}")),
            },
        }
    }

    /// `t`: Today's pane where the screen has room for it, else Today over the panes.
    pub(super) fn open_today(&mut self) {
        if layout::today_pane_fits(self.size) {
            self.zoom = self.zoom && self.focus == PaneId::Today;
            self.focus = PaneId::Today;
            self.relayout();
        } else {
            self.overlay = Overlay::Today;
        }
    }

    /// Whether Today is where keys go: its pane focused, or it is open over the panes.
    pub fn in_today(&self) -> bool {
        self.focus == PaneId::Today || matches!(self.overlay, Overlay::Today)
    }

    /// A key while Today is open over the panes.
    pub(super) fn on_today_key(&mut self, key: KeyEvent) -> Result<()> {
        let Some(action) = self.keymap.resolve(Context::Today, &key) else {
            self.overlay = Overlay::Today;
            return Ok(());
        };
        match action {
            Action::Back | Action::Agenda => {}
            Action::Help => self.overlay = Overlay::Help(0),
            _ => {
                self.overlay = Overlay::Today;
                if !self.today_action(action)? {
                    // Anything else is for the panes under it.
                    self.overlay = Overlay::None;
                    self.update(action)?;
                }
            }
        }
        Ok(())
    }

    /// Today's own actions; false for the others.
    pub(super) fn today_action(&mut self, action: Action) -> Result<bool> {
        match action {
            Action::Up => self.today_view.step(-1),
            Action::Down => self.today_view.step(1),
            Action::PageUp => self.today_view.step(-10),
            Action::PageDown => self.today_view.step(10),
            Action::Top => self.today_view.top(),
            Action::Bottom => self.today_view.bottom(),
            Action::Open => self.open_today_item()?,
            Action::Dismiss => match self.today_view.selected().map(|i| (i.what.clone(), i.account_id)) {
                // On a follow-up, x does what it does everywhere: completes it.
                Some((What::FollowUp(id), account)) => {
                    let over = matches!(self.overlay, Overlay::Today);
                    self.write(|s| s.complete_follow_up(id).map(|f| format!("done: {}", f.summary)), account)?;
                    if over {
                        self.overlay = Overlay::Today;
                    }
                }
                Some((What::Conflict(id), _)) => self.open_form(forms::resolve_form(&self.store, id, self.today)),
                _ => self.ask_about_suggestion(action),
            },
            Action::Snooze => self.ask_about_suggestion(action),
            Action::Undo | Action::Redo => {
                let over = matches!(self.overlay, Overlay::Today);
                self.edit_action(action)?;
                if over {
                    self.overlay = Overlay::Today;
                }
            }
            Action::Log => {
                // On the account of the selected row.
                if let Some(id) = self.today_view.selected().and_then(|i| i.account_id) {
                    self.set_current(id)?;
                }
                self.overlay = Overlay::None;
                self.edit_action(action)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `Enter` on a row of Today: its account, everywhere; for a call or a
    /// meeting to make, the log form filled in for it.
    fn open_today_item(&mut self) -> Result<()> {
        let Some(item) = self.today_view.selected().cloned() else { return Ok(()) };
        self.overlay = Overlay::None;
        let suggestion = item.suggestion().cloned();
        if let (Some(s), None) = (&suggestion, item.account_id) {
            // A rep to coach: their accounts in the portfolio.
            if let Some(rep) = s.rep_id {
                let filter = crate::store::AccountFilter { owner_id: Some(rep), ..Default::default() };
                let rows = self.pane_rows(PaneId::Portfolio);
                self.portfolio.set_filter(filter, rows);
                self.focus_pane(PaneId::Portfolio);
                if let Some(first) = self.portfolio.selected_id() {
                    self.set_current(first)?;
                }
            }
            return Ok(());
        }
        let Some(account) = item.account_id else { return Ok(()) };
        if self.store.get::<crate::store::Account>(account)?.is_none() {
            self.message = Some(format!("{} is gone", item.account));
            return Ok(());
        }
        self.set_current(account)?;
        let pane = match item.what {
            What::Conflict(_) => PaneId::Conflicts,
            _ => PaneId::Timeline,
        };
        self.focus_pane(pane);
        if let What::Conflict(id) = item.what {
            let rows = self.pane_rows(PaneId::Conflicts);
            self.conflicts.reveal(id, rows);
        }
        if let Some(s) = suggestion {
            let kind = match s.kind {
                SuggestionKind::KeepWarm => Some(ActivityKind::Call),
                SuggestionKind::Renewal => Some(ActivityKind::Meeting),
                _ => None,
            };
            if let Some(kind) = kind {
                let form = forms::log_form_for(&self.store, account, self.today, kind, s.contact_id, &s.action);
                self.open_form(form);
            }
        }
        Ok(())
    }

    fn ask_about_suggestion(&mut self, action: Action) {
        let over = matches!(self.overlay, Overlay::Today);
        let Some(s) = self.today_view.selected().and_then(|i| i.suggestion()) else {
            self.message = Some("only a suggestion can be snoozed or dismissed".into());
            return;
        };
        let label = format!("{} — {}", s.action, s.account);
        let label = crate::domain::sanitize::line(&label).into_owned();
        let what = if action == Action::Dismiss { AskFor::Dismiss } else { AskFor::Snooze };
        self.overlay = Overlay::Ask(Ask::new(what, s.key.clone(), label, over));
    }

    /// Keys for the dismiss and snooze questions.
    pub(super) fn on_ask_key(&mut self, mut ask: Ask, key: KeyEvent) -> Result<()> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let back = |app: &mut App, over: bool| app.overlay = if over { Overlay::Today } else { Overlay::None };
        match key.code {
            KeyCode::Esc => {
                self.message = Some("kept".into());
                back(self, ask.over);
                return Ok(());
            }
            KeyCode::Char('c') if ctrl => {
                self.quit = true;
                return Ok(());
            }
            KeyCode::Enter => return self.answer(ask),
            KeyCode::Left | KeyCode::BackTab if ask.what == AskFor::Snooze => ask.choice = (ask.choice + 2) % 3,
            KeyCode::Right | KeyCode::Tab if ask.what == AskFor::Snooze => ask.choice = (ask.choice + 1) % 3,
            _ => {
                if ask.input.handle(&key) && ask.what == AskFor::Snooze {
                    // Typing a date chooses "until".
                    ask.choice = 2;
                }
                ask.error = None;
            }
        }
        self.overlay = Overlay::Ask(ask);
        Ok(())
    }

    fn answer(&mut self, mut ask: Ask) -> Result<()> {
        let key = ask.key.clone();
        let result = match ask.what {
            AskFor::Dismiss => {
                let reason = ask.input.text.trim().to_string();
                self.store
                    .dismiss_suggestion(&key, (!reason.is_empty()).then_some(reason.as_str()))
                    .map(|_| format!("dismissed: {} (u undoes it)", ask.label))
            }
            AskFor::Snooze => {
                let until = match ask.choice {
                    0 => self.today.checked_add_days(Days::new(1)),
                    1 => self.today.checked_add_days(Days::new(7)),
                    _ => match time::parse_date_in(ask.input.text.trim(), self.today, self.calendar) {
                        Ok(d) => Some(d),
                        Err(e) => {
                            ask.error = Some(e);
                            self.overlay = Overlay::Ask(ask);
                            return Ok(());
                        }
                    },
                };
                let Some(until) = until else { return Ok(()) };
                self.store
                    .snooze_suggestion(&key, until)
                    .map(|_| format!("snoozed until {until}: {} (u undoes it)", ask.label))
            }
        };
        match result {
            Ok(msg) => {
                self.today_view.remove_suggestion(&key);
                self.message = Some(crate::domain::sanitize::line(&msg).into_owned());
                // Only Today and its suggestions change: no need to read the book again.
                self.load_insights()?;
                self.overlay = if ask.over { Overlay::Today } else { Overlay::None };
            }
            Err(e) => {
                ask.error = Some(format!("{e:#}"));
                self.overlay = Overlay::Ask(ask);
            }
        }
        Ok(())
    }
}
