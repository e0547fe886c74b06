//! What input does to the cockpit: a key, a paste or a mouse event becomes
//! an action (through the keymap, or an open overlay's own keys), and each
//! action changes the state — moving, opening, forms and their saves, undo
//! and redo, and keeping every pane current after a write. Record lists'
//! keys live in `lists`, confirmations' in `overlays`, Today's in `day`.

use super::app::{search, App, PaneId};
use super::forms::{self, Edit, EditForm};
use super::keymap::{Action, Context};
use super::layout;
use super::lists::ListKind;
use super::overlays::{Filter, Overlay, Palette, Search};
use super::panes::targets::{shows_all, View};
use super::widgets::form::FormEvent;
use crate::domain::{sanitize, ActivityKind};
use crate::store::{Account, Activity, Conflict, Store};
use anyhow::Result;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

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

    /// Opens a form over the panes, or says why it cannot open.
    pub fn open_form(&mut self, form: Result<EditForm>) {
        match form {
            Ok(mut f) => {
                f.set_calendar(self.calendar, self.today);
                self.overlay = Overlay::Form(f);
            }
            Err(e) => self.message = Some(format!("{e:#}")),
        }
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
        // `after_write` keeps the message it finds.
        self.after_write(None)
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

    /// A key press: overlays take keys first, then the keymap.
    pub fn on_key(&mut self, key: KeyEvent) -> Result<()> {
        // Keys act on the whole book: the rest of it is a moment away at most.
        self.poll_loading(true)?;
        self.message = None;
        match std::mem::replace(&mut self.overlay, Overlay::None) {
            Overlay::Form(form) => return self.on_form_key(form, key),
            Overlay::List(list) => return self.on_list_key(list, key),
            Overlay::Confirm(c) => return self.on_confirm_key(c, key),
            Overlay::Draft(d) => return self.on_draft_key(d, key),
            Overlay::Today => return self.on_today_key(key),
            Overlay::Ask(ask) => return self.on_ask_key(ask, key),
            other => self.overlay = other,
        }
        if self.overlay.takes_text() {
            return self.on_overlay_key(key);
        }
        if !matches!(self.overlay, Overlay::None) && self.on_overlay_key_nav(key)? {
            return Ok(());
        }
        match self.keymap.resolve(self.context(), &key) {
            Some(action) => self.update(action),
            None => Ok(()),
        }
    }

    /// Runs one action.
    pub fn update(&mut self, action: Action) -> Result<()> {
        let rows = self.pane_rows(self.focus);
        let page = rows.max(1) as isize;
        if self.focus == PaneId::Today && self.today_action(action)? {
            return Ok(());
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.overlay = Overlay::Help(0),
            Action::Search => self.open_search(),
            Action::Palette => self.overlay = Overlay::Palette(Palette::default()),
            Action::NextPane | Action::PrevPane => {
                // Today is one of the panes where it has one.
                let n = if layout::today_pane_fits(self.size) { 5 } else { 4 };
                let step = if action == Action::NextPane { 1 } else { n - 1 };
                self.zoom = false;
                self.focus_pane(PaneId::EVERY[(self.focus.index().min(n - 1) + step) % n]);
            }
            Action::Agenda | Action::FocusToday => self.open_today(),
            Action::Reasons => {
                self.timeline.show_reasons = !self.timeline.show_reasons;
                self.timeline.load_health(&self.store);
                if layout::areas(self.size, self.focus, self.zoom).pane(PaneId::Timeline).is_none() {
                    self.focus_pane(PaneId::Timeline);
                }
                self.relayout();
            }
            Action::Dismiss | Action::Snooze => {
                self.message = Some("suggestions are dismissed and snoozed in Today (t)".into())
            }
            Action::FocusPortfolio => self.focus_pane(PaneId::Portfolio),
            Action::FocusTimeline => self.focus_pane(PaneId::Timeline),
            Action::FocusConflicts => self.focus_pane(PaneId::Conflicts),
            Action::FocusTargets => self.focus_pane(PaneId::Targets),
            Action::Zoom => {
                self.zoom = !self.zoom;
                self.relayout();
            }
            Action::Back => {
                if !matches!(self.overlay, Overlay::None) {
                    self.overlay = Overlay::None;
                } else if self.zoom {
                    self.zoom = false;
                    self.relayout();
                }
            }
            Action::Up => self.step(-1, rows)?,
            Action::Down => self.step(1, rows)?,
            Action::PageUp => self.step(-page, rows)?,
            Action::PageDown => self.step(page, rows)?,
            Action::Top => self.step(isize::MIN / 2, rows)?,
            Action::Bottom => self.step(isize::MAX / 2, rows)?,
            Action::Open => self.open()?,
            Action::CycleSort if self.focus == PaneId::Portfolio => self.portfolio.cycle_sort(rows),
            Action::Filter if matches!(self.focus, PaneId::Portfolio | PaneId::Conflicts) => {
                self.overlay = Overlay::Filter(Filter::for_pane(self))
            }
            Action::ClearFilter => match self.focus {
                PaneId::Portfolio => self.portfolio.set_filter(Default::default(), rows),
                PaneId::Conflicts => {
                    self.conflicts.set_status_filter(Default::default(), &self.store)?;
                    self.conflicts.set_filter(None, None, rows)
                }
                _ => {}
            },
            Action::PrevPeriod | Action::NextPeriod | Action::PeriodKind if self.focus == PaneId::Targets => {
                match action {
                    Action::PrevPeriod => self.targets.shift(-1),
                    Action::NextPeriod => self.targets.shift(1),
                    _ => self.targets.toggle_year(),
                }
                self.load_tracker()?;
            }
            Action::CycleSort if self.focus == PaneId::Targets => self.targets.cycle_sort(),
            Action::NextView if self.focus == PaneId::Targets => self.targets.next_view(),
            Action::ScrollLeft if self.focus == PaneId::Targets => self.targets.scroll_columns(-1),
            Action::ScrollRight if self.focus == PaneId::Targets => self.targets.scroll_columns(1),
            Action::CycleScope => self.cycle_scope()?,
            Action::SyncConflicts => self.open_sync_conflicts()?,
            Action::KeepMine | Action::KeepTheirs => {
                self.message = Some(format!("{} works in the sync conflicts (S)", action.name()))
            }
            Action::Export => self.export(Ok(super::export::Format::Csv))?,
            Action::Refresh => {
                self.reload()?;
                self.prepare_lookup();
                self.message = Some("reloaded".into());
            }
            Action::CycleSort
            | Action::Filter
            | Action::PrevPeriod
            | Action::NextPeriod
            | Action::PeriodKind
            | Action::NextView
            | Action::ScrollLeft
            | Action::ScrollRight => {
                self.message = Some(format!("{} works in another pane", action.description().to_lowercase()))
            }
            _ => {
                self.edit_action(action)?;
            }
        }
        Ok(())
    }

    /// `:export`: the focused pane's rows to a new file in the current
    /// folder; the footer says where, or why not.
    fn export(&mut self, format: Result<super::export::Format>) -> Result<()> {
        // The whole portfolio and queue, not the first screenful.
        self.poll_lists(true)?;
        let written = format.and_then(|f| {
            let dir = std::env::current_dir()?;
            super::export::write(self, f, &dir)
        });
        self.message = Some(match written {
            Ok((path, n)) => {
                sanitize::line(&format!("exported {n} {} to {}", if n == 1 { "row" } else { "rows" }, path.display()))
                    .into_owned()
            }
            Err(e) => sanitize::line(&format!("export failed: {e:#}")).into_owned(),
        });
        Ok(())
    }

    pub(super) fn focus_pane(&mut self, pane: PaneId) {
        self.focus = pane;
        self.relayout();
    }

    fn step(&mut self, delta: isize, rows: usize) -> Result<()> {
        match self.focus {
            PaneId::Portfolio => {
                self.portfolio.step(delta, rows);
                if let Some(id) = self.portfolio.selected_id() {
                    if Some(id) != self.current {
                        self.current = Some(id);
                        self.timeline.load(&self.store, id)?;
                    }
                }
            }
            PaneId::Timeline => self.timeline.step(delta, rows, &self.store)?,
            PaneId::Conflicts => self.conflicts.step(delta, rows),
            PaneId::Targets => self.targets.step(delta, rows),
            PaneId::Today => self.today_view.step(delta),
        }
        Ok(())
    }

    fn open(&mut self) -> Result<()> {
        match self.focus {
            PaneId::Portfolio => {
                if let Some(id) = self.portfolio.selected_id() {
                    self.set_current(id)?;
                    self.focus_pane(PaneId::Timeline);
                }
            }
            PaneId::Timeline => {
                if let Some(detail) = self.timeline.detail(&self.store)? {
                    self.overlay = Overlay::Detail(detail);
                }
            }
            PaneId::Conflicts => {
                if let Some(id) = self.conflicts.selected_account() {
                    self.set_current(id)?;
                    self.focus_pane(PaneId::Timeline);
                }
            }
            PaneId::Targets => {
                // From the gauges, the table to pick a rep in; from the
                // table, the selected rep's accounts in the portfolio.
                let rows = self.pane_rows(PaneId::Targets);
                if self.targets.view == View::Gauges && !shows_all(rows + 1) {
                    self.targets.view = View::Reps;
                } else if let Some(id) = self.targets.selected_rep() {
                    let filter = crate::store::AccountFilter { owner_id: Some(id), ..Default::default() };
                    let rows = self.pane_rows(PaneId::Portfolio);
                    self.portfolio.set_filter(filter, rows);
                    self.focus_pane(PaneId::Portfolio);
                    if let Some(first) = self.portfolio.selected_id() {
                        self.set_current(first)?;
                    }
                }
            }
            PaneId::Today => {
                self.today_action(Action::Open)?;
            }
        }
        Ok(())
    }

    fn open_search(&mut self) {
        let previous = (self.focus, self.current, self.portfolio.nav);
        self.overlay = Overlay::Search(Search::new(previous));
    }

    /// Keys for overlays that edit text (search, palette).
    fn on_overlay_key(&mut self, key: KeyEvent) -> Result<()> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let mut overlay = std::mem::replace(&mut self.overlay, Overlay::None);
        let mut keep = true;
        match &mut overlay {
            // Keys that type nothing come from the keymap (context `search`); the rest is the query.
            Overlay::Search(search) => match self.keymap.resolve(Context::Search, &key) {
                Some(Action::Back) => {
                    let (focus, current, nav) = search.previous;
                    self.focus = focus;
                    self.portfolio.nav = nav;
                    if let Some(id) = current {
                        self.set_current(id)?;
                    }
                    keep = false;
                }
                Some(Action::Open) => {
                    if let Some(hit) = search.selected_hit() {
                        let (id, contact) = (hit.account_id, hit.contact_id);
                        self.set_current(id)?;
                        // Found by a contact's name, phone or e-mail: that is who is calling.
                        match contact {
                            Some(contact) => self.timeline.set_caller(&self.store, contact)?,
                            None => {
                                if let Some(card) = self.timeline.card.as_mut() {
                                    card.caller = None;
                                }
                            }
                        }
                        self.focus_pane(PaneId::Timeline);
                        keep = false;
                    } else {
                        self.message = Some("no account matches".into());
                    }
                }
                Some(Action::Up) => search.nav.step(-1, search.hits.len(), search::RESULTS),
                Some(Action::Down) => search.nav.step(1, search.hits.len(), search::RESULTS),
                Some(Action::Quit) => self.quit = true,
                _ => {
                    if search.input.handle(&key) {
                        let query = search.input.text.clone();
                        let hits = self.find(&query)?;
                        search.set_hits(hits);
                    }
                }
            },
            Overlay::Palette(palette) => match key.code {
                KeyCode::Esc => keep = false,
                KeyCode::Enter => {
                    keep = false;
                    // `:export xlsx` takes an argument, which no action name has.
                    if let Some(format) = super::export::Format::parse(palette.input.text.trim()) {
                        self.overlay = Overlay::None;
                        return self.export(format);
                    }
                    if let Some(action) = palette.selected_action() {
                        self.overlay = Overlay::None;
                        return self.update(action);
                    }
                }
                KeyCode::Up => palette.nav.step(-1, usize::MAX, 1),
                KeyCode::Down => palette.nav.step(1, usize::MAX, 1),
                KeyCode::Char('c') if ctrl => self.quit = true,
                _ => {
                    palette.input.handle(&key);
                    palette.nav = Default::default();
                }
            },
            _ => {}
        }
        if keep {
            self.overlay = overlay;
        } else if let Overlay::Search(_) = &overlay {
            // A search's results and the pages it touched go back: between
            // searches the cockpit holds only what it shows.
            drop(overlay);
            self.release_lookup_pages();
            super::give_back_freed_memory();
        }
        Ok(())
    }

    /// Keys for overlays without text entry. Returns whether the key was used.
    fn on_overlay_key_nav(&mut self, key: KeyEvent) -> Result<bool> {
        let action = self.keymap.resolve(self.context(), &key);
        let mut overlay = std::mem::replace(&mut self.overlay, Overlay::None);
        let mut keep = true;
        let used = match &mut overlay {
            Overlay::Help(_) | Overlay::Detail(_) => {
                match action {
                    Some(Action::Quit) => self.quit = true,
                    Some(Action::Down) | Some(Action::PageDown) => overlay_scroll(&mut overlay, 1),
                    Some(Action::Up) | Some(Action::PageUp) => overlay_scroll(&mut overlay, -1),
                    _ => keep = false,
                }
                true
            }
            Overlay::Filter(filter) => {
                // The menu's keys come from the keymap (context `filter`, then global).
                match self.keymap.resolve(Context::Filter, &key) {
                    Some(Action::Back) => keep = false,
                    Some(Action::Apply) => {
                        keep = false;
                        let rows = self.pane_rows(self.focus);
                        filter.apply(self, rows)?;
                    }
                    Some(Action::Up) => filter.move_field(-1),
                    Some(Action::Down) => filter.move_field(1),
                    Some(Action::PrevChoice) => filter.cycle(-1),
                    Some(Action::NextChoice) => filter.cycle(1),
                    Some(Action::ClearFilter) => filter.clear(),
                    Some(Action::Quit) => self.quit = true,
                    _ => {}
                }
                true
            }
            _ => false,
        };
        if keep {
            self.overlay = overlay;
        }
        Ok(used)
    }

    /// Pasted text goes to the open search or palette line.
    pub fn on_paste(&mut self, text: &str) -> Result<()> {
        match &mut self.overlay {
            Overlay::Search(search) => {
                search.input.insert_str(text);
                let query = search.input.text.clone();
                let hits = self.find(&query)?;
                if let Overlay::Search(search) = &mut self.overlay {
                    search.set_hits(hits);
                }
            }
            Overlay::Palette(p) => p.input.insert_str(text),
            Overlay::Form(f) => {
                f.paste(text, self.today);
                super::forms::follow_summary(f);
            }
            _ => {}
        }
        Ok(())
    }

    /// A mouse event: a click focuses the pane under it and selects the row;
    /// the wheel scrolls the pane under the pointer.
    pub fn on_mouse(&mut self, ev: MouseEvent) -> Result<()> {
        if !matches!(ev.kind, MouseEventKind::Moved) {
            self.poll_loading(true)?;
        }
        if !matches!(self.overlay, Overlay::None) {
            return Ok(());
        }
        let areas = layout::areas(self.size, self.focus, self.zoom);
        let pos = Position::new(ev.column, ev.row);
        if let Some((i, _)) = areas.tabs.iter().enumerate().find(|(_, r)| r.contains(pos)) {
            if matches!(ev.kind, MouseEventKind::Down(MouseButton::Left)) {
                self.focus_pane(PaneId::ALL[i]);
            }
            return Ok(());
        }
        let Some(pane) = PaneId::EVERY.into_iter().find(|p| areas.pane(*p).is_some_and(|r| r.contains(pos))) else {
            return Ok(());
        };
        let area = areas.pane(pane).unwrap_or_default();
        match ev.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                self.focus_pane(pane);
                let rows = self.pane_rows(pane);
                match pane {
                    PaneId::Portfolio => {
                        // Border and column header above the first row.
                        let row = ev.row.saturating_sub(area.y + 2) as usize;
                        if ev.row >= area.y + 2 {
                            self.portfolio.click(row, rows);
                            if let Some(id) = self.portfolio.selected_id() {
                                self.set_current(id)?;
                            }
                        }
                    }
                    PaneId::Conflicts if ev.row >= area.y + 2 => {
                        self.conflicts.click(ev.row.saturating_sub(area.y + 2) as usize, rows)
                    }
                    PaneId::Timeline => {
                        // The reasons under the card push the history down.
                        let reasons = super::panes::timeline::reason_lines(self);
                        let below = Rect { y: area.y + reasons, height: area.height.saturating_sub(reasons), ..area };
                        self.timeline.click(below, ev.row, &self.store)?
                    }
                    _ => {}
                }
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let delta = if matches!(ev.kind, MouseEventKind::ScrollDown) { 3 } else { -3 };
                let focus = self.focus;
                self.focus = pane;
                let rows = self.pane_rows(pane);
                self.step(delta, rows)?;
                self.focus = focus;
            }
            _ => {}
        }
        Ok(())
    }
}

fn overlay_scroll(overlay: &mut Overlay, delta: isize) {
    match overlay {
        Overlay::Detail(d) => d.scroll = d.scroll.saturating_add_signed(delta * 3),
        Overlay::Help(scroll) => *scroll = scroll.saturating_add_signed(delta * 3),
        _ => {}
    }
}
