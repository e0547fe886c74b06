//! The cockpit's state and how actions change it. Drawing lives in `view`
//! and the panes' `draw` functions, which only read this state.

use super::keymap::{Action, Context, Keymap};
use super::layout;
use super::overlays::{Filter, Overlay, Palette, Search};
use super::panes::targets::{shows_all, Targets, View};
use super::panes::{conflicts::Conflicts, portfolio::Portfolio, timeline::Timeline, today::Today};
use super::theme::Theme;
use crate::domain::scope::{self, Member, Resolved, Scope};
use crate::domain::{sanitize, FiscalCalendar};
use crate::lookup::Lookup;
use crate::store::{timestamp, AccountRow, ConflictRow, RepRow, Store};
use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaneId {
    Portfolio,
    Timeline,
    Conflicts,
    Targets,
    /// The day's work: a pane of its own on wide screens (see `layout`).
    Today,
}

impl PaneId {
    /// The four panes every screen has, in tab order.
    pub const ALL: [PaneId; 4] = [PaneId::Portfolio, PaneId::Timeline, PaneId::Conflicts, PaneId::Targets];
    /// Every pane, Today last.
    pub const EVERY: [PaneId; 5] =
        [PaneId::Portfolio, PaneId::Timeline, PaneId::Conflicts, PaneId::Targets, PaneId::Today];

    pub fn title(self) -> &'static str {
        match self {
            PaneId::Portfolio => "Portfolio",
            PaneId::Timeline => "Client timeline",
            PaneId::Conflicts => "Conflict queue",
            PaneId::Targets => "Target tracker",
            PaneId::Today => "Today",
        }
    }

    pub fn context(self) -> Context {
        match self {
            PaneId::Portfolio => Context::Portfolio,
            PaneId::Timeline => Context::Timeline,
            PaneId::Conflicts => Context::Conflicts,
            PaneId::Targets => Context::Targets,
            PaneId::Today => Context::Today,
        }
    }

    pub fn index(self) -> usize {
        PaneId::EVERY.iter().position(|p| *p == self).unwrap_or(0)
    }
}

/// Counts the header shows from anywhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Badges {
    pub overdue_follow_ups: usize,
    pub due_today: usize,
    pub breached: i64,
}

pub struct App {
    pub store: Store,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub calendar: FiscalCalendar,
    pub size: Rect,
    pub focus: PaneId,
    pub zoom: bool,
    /// The account every pane follows.
    pub current: Option<i64>,
    pub reps: Vec<RepRow>,
    /// Whose numbers the header, the agenda and the tracker count.
    pub scope: Scope,
    pub resolved: Resolved,
    pub portfolio: Portfolio,
    pub timeline: Timeline,
    pub conflicts: Conflicts,
    pub targets: Targets,
    pub today_view: Today,
    pub overlay: Overlay,
    pub badges: Badges,
    /// One line of feedback in the footer ("no account matches", errors).
    pub message: Option<String>,
    pub keymap: Keymap,
    pub theme: Theme,
    pub quit: bool,
    pub db_name: String,
    /// Team mode's background sync, when this book is a team's.
    pub team: Option<crate::tui::team::TeamSync>,
    /// The header's sync state, as last read from `team`.
    pub team_line: Option<String>,
    lookup: LookupSlot,
    data_version: i64,
    /// The full portfolio, the conflict queue and the header's counts, read
    /// on a second connection behind the first frame.
    pending: Behind,
    /// The tracker's figures, computed on a second connection: on a large
    /// book they take seconds, and the cockpit answers keys meanwhile.
    tracker_pending: Option<std::sync::mpsc::Receiver<Result<Targets>>>,
    /// Today and account health, read on a second connection (see `day`).
    /// One job at a time, tagged with the request it answers: on a large book
    /// it takes seconds, and writes in between ask for one more, not one each.
    pub(super) insights: Option<(u64, std::sync::mpsc::Receiver<super::day::Insight>)>,
    /// The latest request for Today and health.
    pub(super) insights_wanted: u64,
}

/// The whole portfolio and conflict queue and the header's counts, as the background load hands them over.
type FullLists = (Vec<AccountRow>, Vec<ConflictRow>, Badges);

/// What the first frame leaves for later: the whole portfolio, the queue,
/// the header's counts and the tracker. Started once the first frame is
/// drawn (`load_behind`), so that frame has the processor to itself.
enum Behind {
    Done,
    /// Not started yet: the second connection to read them on.
    Waiting(Box<Store>),
    Loading(std::sync::mpsc::Receiver<Result<FullLists>>),
}

/// The lookup index: read (from its file, or the book) on a second
/// connection in the background after the first frame, so opening the
/// cockpit never waits for it. Once ready it is kept, and catches up on
/// what changed (here or in another process) before the next search.
enum LookupSlot {
    Empty,
    Building(std::sync::mpsc::Receiver<Result<Lookup>>),
    Ready { lookup: Box<Lookup>, stale: bool },
}

impl App {
    pub fn new(mut store: Store, keymap: Keymap, theme: Theme, size: Rect) -> Result<App> {
        // Each window undoes its own changes only.
        store.set_session(&uuid::Uuid::now_v7().to_string());
        let now = store.clock().now();
        let today = store.clock().today();
        let calendar = store.fiscal_calendar()?;
        let db_name = store
            .path()
            .file_name()
            .map(|n| sanitize::line(&n.to_string_lossy()).into_owned())
            .unwrap_or_else(|| "rapport".into());
        let data_version = store.data_version()?;
        let mut app = App {
            now,
            today,
            calendar,
            size,
            focus: PaneId::Portfolio,
            zoom: false,
            current: None,
            reps: Vec::new(),
            scope: Scope::Me,
            resolved: Resolved { label: "everyone".into(), root: None, reps: None },
            portfolio: Portfolio::default(),
            timeline: Timeline::default(),
            conflicts: Conflicts::default(),
            targets: Targets::new(calendar, today),
            today_view: Today::default(),
            overlay: Overlay::None,
            badges: Badges::default(),
            message: None,
            keymap,
            theme,
            quit: false,
            db_name,
            lookup: LookupSlot::Empty,
            pending: Behind::Done,
            tracker_pending: None,
            insights: None,
            insights_wanted: 0,
            data_version,
            team: None,
            team_line: None,
            store,
        };
        match app.store.reader() {
            Ok(reader) => app.load_first_screen(reader)?,
            // In memory there is no second connection: read it all now.
            Err(_) => app.reload()?,
        }
        if let Some(first) = app.portfolio.selected_id() {
            app.set_current(first)?;
        }
        app.offer_draft();
        Ok(app)
    }

    /// What the first frame needs: a screenful of the portfolio and the
    /// queue. The rest (the whole lists, the header's counts, the tracker)
    /// is read on a second connection once that frame is drawn (see
    /// `load_behind` and `poll_loading`), so a large book opens at once.
    fn load_first_screen(&mut self, reader: Store) -> Result<()> {
        let rows = (self.size.height as usize).max(24) * 2;
        self.load_reps()?;
        self.portfolio.load_first(&self.store, rows)?;
        self.conflicts.load_first(&self.store, rows)?;
        self.targets.loading = true;
        self.relayout();
        self.pending = Behind::Waiting(Box::new(reader));
        Ok(())
    }

    /// Starts reading what the first frame left out, unless it is under way
    /// or done: called once the first frame is drawn.
    pub fn load_behind(&mut self) -> Result<()> {
        let reader = match std::mem::replace(&mut self.pending, Behind::Done) {
            Behind::Waiting(reader) => *reader,
            other => {
                self.pending = other;
                return Ok(());
            }
        };
        let (resolved, today, now) = (self.resolved.clone(), self.today, self.now);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let lists = || {
                // The counts first: on a large book the whole lists take a while longer.
                let badges = read_badges(&reader, &resolved, today, now)?;
                Ok((reader.account_rows()?, reader.open_conflicts()?, badges))
            };
            let _ = tx.send(lists());
        });
        self.pending = Behind::Loading(rx);
        self.load_tracker()
    }

    /// Whether the full lists (and the header's counts) are still loading.
    pub fn loading(&self) -> bool {
        !matches!(self.pending, Behind::Done)
    }

    /// Whether the tracker's figures are still being computed.
    pub fn tracker_loading(&self) -> bool {
        self.tracker_pending.is_some() || matches!(self.pending, Behind::Waiting(_))
    }

    /// Computes the tracker for its period and the scope: on a second
    /// connection when the book is a file, else (in memory) at once.
    pub(crate) fn load_tracker(&mut self) -> Result<()> {
        let Ok(reader) = self.store.reader() else {
            return self.targets.load(&self.store, &self.reps, &self.resolved);
        };
        let mut fresh = self.targets.request();
        let (reps, scope) = (self.reps.clone(), self.resolved.clone());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(fresh.load(&reader, &reps, &scope).map(|_| fresh));
        });
        // A newer request replaces an older one, whose answer is then dropped.
        self.tracker_pending = Some(rx);
        self.targets.loading = true;
        Ok(())
    }

    /// Takes in the tracker's figures if they are ready (or, with `wait`, once they are).
    pub fn poll_tracker(&mut self, wait: bool) -> Result<bool> {
        self.load_behind()?;
        let Some(rx) = &self.tracker_pending else { return Ok(false) };
        let loaded = if wait {
            rx.recv().map_err(|_| anyhow::anyhow!("computing the tracker stopped"))?
        } else {
            match rx.try_recv() {
                Ok(r) => r,
                Err(std::sync::mpsc::TryRecvError::Empty) => return Ok(false),
                Err(_) => Err(anyhow::anyhow!("computing the tracker stopped")),
            }
        };
        self.tracker_pending = None;
        self.targets.take(loaded?);
        Ok(true)
    }

    /// Takes in the full lists if they are ready (or, with `wait`, once they
    /// are), and the tracker if it is ready (it is never waited for here:
    /// keys do not wait on it).
    pub fn poll_loading(&mut self, wait: bool) -> Result<bool> {
        let tracker = self.poll_tracker(false)?;
        let insights = self.poll_insights(false)?;
        Ok(self.poll_lists(wait)? | tracker | insights)
    }

    fn poll_lists(&mut self, wait: bool) -> Result<bool> {
        self.load_behind()?;
        let Behind::Loading(rx) = &self.pending else { return Ok(false) };
        let loaded = if wait {
            rx.recv().map_err(|_| anyhow::anyhow!("loading the portfolio stopped"))?
        } else {
            match rx.try_recv() {
                Ok(r) => r,
                Err(std::sync::mpsc::TryRecvError::Empty) => return Ok(false),
                Err(_) => Err(anyhow::anyhow!("loading the portfolio stopped")),
            }
        };
        self.pending = Behind::Done;
        let (accounts, conflicts, badges) = loaded?;
        self.portfolio.set_rows(accounts);
        self.conflicts.set_rows(conflicts);
        self.badges = badges;
        if let Some(id) = self.current {
            let h = self.pane_rows(PaneId::Portfolio);
            self.portfolio.reveal(id, h);
        }
        self.relayout();
        Ok(true)
    }

    fn load_reps(&mut self) -> Result<()> {
        let mut reps = self.store.reps()?;
        for r in &mut reps {
            sanitize_in_place(&mut r.name);
        }
        self.reps = reps;
        self.resolve_scope()
    }

    /// Makes the chosen scope concrete against the team and `me`. Without a
    /// `me` (or with one that names nobody) the scope is everyone, and the
    /// footer says why.
    fn resolve_scope(&mut self) -> Result<()> {
        let members: Vec<Member> = self.reps.iter().map(|r| (r.id, r.name.clone(), r.manager_id)).collect();
        let me = self.store.me()?;
        match scope::resolve(&self.scope, &members, me.as_deref()) {
            Ok(r) => self.resolved = r,
            Err(e) => {
                if self.scope != Scope::All && me.is_some() {
                    self.message = Some(sanitize::line(&e).into_owned());
                }
                self.scope = Scope::All;
                self.resolved = scope::resolve(&Scope::All, &members, None).map_err(anyhow::Error::msg)?;
            }
        }
        Ok(())
    }

    /// Mine → my team → everyone → mine; a step that would show the same
    /// people again (a top manager's team is their own) is skipped.
    fn cycle_scope(&mut self) -> Result<()> {
        if self.store.me()?.is_none() {
            self.message = Some("no `me` is set: `rapport config set me NAME` gives you a scope of your own".into());
            return Ok(());
        }
        let before = self.resolved.reps.clone();
        self.scope = match self.scope {
            Scope::Me => Scope::Team,
            Scope::Team => Scope::All,
            _ => Scope::Me,
        };
        self.resolve_scope()?;
        if self.scope == Scope::Team && self.resolved.reps == before {
            self.scope = Scope::All;
            self.resolve_scope()?;
        }
        self.targets.selected = 0;
        self.load_tracker()?;
        self.load_badges()?;
        self.load_insights()?;
        self.message = Some(format!("scope: {} ({})", self.scope_word(), self.resolved.label));
        Ok(())
    }

    /// "mine", "my team" or "everyone", for the header.
    pub fn scope_word(&self) -> &'static str {
        match self.scope {
            Scope::Me => "mine",
            Scope::Team => "my team",
            _ => "everyone",
        }
    }

    fn load_badges(&mut self) -> Result<()> {
        self.badges = read_badges(&self.store, &self.resolved, self.today, self.now)?;
        Ok(())
    }

    /// Moves the cockpit's time on to the store's clock, so "today", SLA
    /// countdowns and the header's counts never go stale in a cockpit left
    /// open. Returns whether anything shown changed: the minute (or the day)
    /// turned. Cheap when it has not: one read of the clock.
    pub fn tick(&mut self) -> Result<bool> {
        let now = self.store.clock().now();
        let minute = |t: DateTime<Utc>| t.timestamp().div_euclid(60);
        let team = self.refresh_team_line();
        if minute(now) == minute(self.now) {
            return Ok(team);
        }
        // Conflicts come within a day of their deadline as time passes: Today looks again every quarter hour.
        let quarter = |t: DateTime<Utc>| t.timestamp().div_euclid(15 * 60);
        let stale = quarter(now) != quarter(self.now);
        self.now = now;
        let today = crate::domain::time::today_in(now, self.store.clock().zone());
        if today != self.today {
            // Past midnight where the user is: pace and "due by today" count from the new day.
            self.today = today;
            self.targets.today = self.today;
            self.load_tracker()?;
            self.load_insights()?;
        } else if stale {
            self.load_insights()?;
        }
        self.load_badges()?;
        Ok(true)
    }

    /// Reads the background sync's state into the header's line; whether it changed.
    pub fn refresh_team_line(&mut self) -> bool {
        let line = self.team.as_ref().map(|t| t.line(self.store.clock().now()));
        let changed = line != self.team_line;
        self.team_line = line;
        changed
    }

    /// After a change to one account: its portfolio row, the queue, the
    /// tracker and the counts, without reading the whole book again.
    pub(super) fn refresh_after(&mut self, account: i64) -> Result<()> {
        self.poll_loading(true)?;
        self.portfolio.refresh_row(&self.store, account)?;
        // The changed account's health at once; the whole book's follows in the background.
        if let Ok(Some(h)) = self.store.health_of(account, self.today) {
            self.portfolio.set_one_health(account, h);
        }
        self.conflicts.load(&self.store)?;
        self.load_tracker()?;
        self.load_badges()?;
        self.load_insights()?;
        self.relayout();
        Ok(())
    }

    /// The lookup reads what changed before the next search.
    pub(super) fn invalidate_lookup(&mut self) {
        if let LookupSlot::Ready { stale, .. } = &mut self.lookup {
            *stale = true;
        }
    }

    /// Reads everything the panes show from the store again.
    pub fn reload(&mut self) -> Result<()> {
        self.pending = Behind::Done;
        self.now = self.store.clock().now();
        self.today = self.store.clock().today();
        self.load_reps()?;
        self.portfolio.load(&self.store)?;
        self.conflicts.load(&self.store)?;
        self.load_tracker()?;
        self.load_badges()?;
        self.load_insights()?;
        if let Some(id) = self.current {
            self.timeline.load(&self.store, id)?;
        }
        self.invalidate_lookup();
        self.relayout();
        Ok(())
    }

    /// Reloads when another process has written to the database.
    pub fn refresh_if_changed(&mut self) -> Result<bool> {
        let v = self.store.data_version()?;
        if v == self.data_version {
            return Ok(false);
        }
        self.data_version = v;
        self.reload()?;
        self.prepare_lookup();
        Ok(true)
    }

    /// Makes `id` the current account everywhere.
    pub fn set_current(&mut self, id: i64) -> Result<()> {
        self.current = Some(id);
        self.timeline.load(&self.store, id)?;
        let height = self.pane_rows(PaneId::Portfolio);
        self.portfolio.reveal(id, height);
        Ok(())
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = Rect::new(0, 0, width, height);
        // Today's pane is gone from a narrower screen: Today opens over the panes instead.
        if self.focus == PaneId::Today && !layout::today_pane_fits(self.size) {
            self.focus = PaneId::Portfolio;
            self.zoom = false;
            if matches!(self.overlay, Overlay::None) {
                self.overlay = Overlay::Today;
            }
        }
        self.relayout();
    }

    /// Keeps every list's selection visible after a size or data change.
    pub(super) fn relayout(&mut self) {
        let h = self.pane_rows(PaneId::Portfolio);
        self.portfolio.follow(h);
        let h = self.pane_rows(PaneId::Conflicts);
        self.conflicts.follow(h);
        let h = self.pane_rows(PaneId::Timeline);
        self.timeline.follow(h, self.store.clock().zone());
    }

    /// Rows of list content a pane has at the current size.
    pub fn pane_rows(&self, pane: PaneId) -> usize {
        let areas = layout::areas(self.size, self.focus, self.zoom);
        let area = areas.pane(pane).unwrap_or_else(|| areas.pane(self.focus).unwrap_or_default());
        match pane {
            PaneId::Timeline => {
                let reasons = super::panes::timeline::reason_lines(self) as usize;
                self.timeline.list_rows(area).saturating_sub(reasons)
            }
            _ => area.height.saturating_sub(3) as usize,
        }
    }

    pub fn context(&self) -> Context {
        if matches!(self.overlay, Overlay::Today | Overlay::Ask(_)) {
            return Context::Today;
        }
        self.focus.context()
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

    /// Starts building the lookup in the background, when the store is a
    /// file another connection can read; in memory it is built on first use.
    pub fn prepare_lookup(&mut self) {
        if !matches!(self.lookup, LookupSlot::Empty) {
            return;
        }
        let Ok(reader) = self.store.reader() else { return };
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let lookup = Lookup::open_and_keep(&reader);
            drop(reader);
            // What reading the book left free on this thread's heap goes back to the system.
            crate::lookup::release_free_memory();
            let _ = tx.send(lookup);
        });
        self.lookup = LookupSlot::Building(rx);
    }

    /// The lookup over the whole book, waiting for the background build if
    /// needed, and current with the store.
    fn lookup(&mut self) -> Result<&mut Lookup> {
        let slot = std::mem::replace(&mut self.lookup, LookupSlot::Empty);
        let (mut lookup, stale) = match slot {
            LookupSlot::Ready { lookup, stale } => (*lookup, stale),
            LookupSlot::Building(rx) => match rx.recv() {
                // Read on another connection: it may be a change behind.
                Ok(built) => (built?, true),
                Err(_) => (Lookup::open_and_keep(&self.store)?, false),
            },
            LookupSlot::Empty => (Lookup::open_and_keep(&self.store)?, false),
        };
        if stale {
            lookup.catch_up(&self.store)?;
        }
        self.lookup = LookupSlot::Ready { lookup: Box::new(lookup), stale: false };
        match &mut self.lookup {
            LookupSlot::Ready { lookup, .. } => Ok(lookup),
            _ => unreachable!("set just above"),
        }
    }

    /// The lookup's best accounts for `query`, with their reasons.
    fn find(&mut self, query: &str) -> Result<Vec<crate::lookup::Hit>> {
        let mut hits = self.lookup()?.query(query, search::RESULTS);
        crate::lookup::explain(&self.store, &mut hits, query)?;
        Ok(hits)
    }

    /// Keys for overlays that edit text (search, palette).
    fn on_overlay_key(&mut self, key: KeyEvent) -> Result<()> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let mut overlay = std::mem::replace(&mut self.overlay, Overlay::None);
        let mut keep = true;
        match &mut overlay {
            Overlay::Search(search) => match key.code {
                KeyCode::Esc => {
                    let (focus, current, nav) = search.previous;
                    self.focus = focus;
                    self.portfolio.nav = nav;
                    if let Some(id) = current {
                        self.set_current(id)?;
                    }
                    keep = false;
                }
                KeyCode::Enter => {
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
                KeyCode::Up => search.nav.step(-1, search.hits.len(), search::RESULTS),
                KeyCode::Down => search.nav.step(1, search.hits.len(), search::RESULTS),
                KeyCode::Char('p') if ctrl => search.nav.step(-1, search.hits.len(), search::RESULTS),
                KeyCode::Char('n') if ctrl => search.nav.step(1, search.hits.len(), search::RESULTS),
                KeyCode::Char('c') if ctrl => self.quit = true,
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
        } else if let (Overlay::Search(_), LookupSlot::Ready { lookup, .. }) = (&overlay, &self.lookup) {
            // Between searches the index's pages leave the cockpit; the page cache keeps them for the next.
            lookup.release_pages();
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
                match key.code {
                    KeyCode::Esc => keep = false,
                    KeyCode::Enter => {
                        keep = false;
                        let rows = self.pane_rows(self.focus);
                        filter.apply(self, rows)?;
                    }
                    KeyCode::Up | KeyCode::Char('k') => filter.move_field(-1),
                    KeyCode::Down | KeyCode::Char('j') => filter.move_field(1),
                    KeyCode::Left | KeyCode::Char('h') => filter.cycle(-1),
                    KeyCode::Right | KeyCode::Char('l') | KeyCode::Char(' ') => filter.cycle(1),
                    KeyCode::Backspace | KeyCode::Char('x') => filter.clear(),
                    KeyCode::Char('q') => self.quit = true,
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
                super::edit::follow_summary(f);
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

    /// The filter choices the portfolio and queue offer.
    pub fn owner_choices(&self) -> Vec<(i64, String)> {
        self.reps.iter().map(|r| (r.id, r.name.clone())).collect()
    }
}

fn overlay_scroll(overlay: &mut Overlay, delta: isize) {
    match overlay {
        Overlay::Detail(d) => d.scroll = d.scroll.saturating_add_signed(delta * 3),
        Overlay::Help(scroll) => *scroll = scroll.saturating_add_signed(delta * 3),
        _ => {}
    }
}

/// Replaces `s` with its drawable form when it holds anything unsafe.
/// The header's counts for `resolved`'s people.
fn read_badges(store: &Store, resolved: &Resolved, today: NaiveDate, now: DateTime<Utc>) -> Result<Badges> {
    let mut due = store.follow_ups_due(today)?;
    due.retain(|f| resolved.includes(f.rep_id));
    let breached = if resolved.reps.is_none() {
        store.breached_conflicts(&timestamp(now))?
    } else {
        let by_owner = store.breached_conflicts_by_owner(&timestamp(now))?;
        by_owner.iter().filter(|(owner, _)| resolved.includes(*owner)).map(|(_, n)| n).sum()
    };
    Ok(Badges {
        overdue_follow_ups: due.iter().filter(|f| f.due_on < today).count(),
        due_today: due.iter().filter(|f| f.due_on == today).count(),
        breached,
    })
}

pub fn sanitize_in_place(s: &mut String) {
    if let std::borrow::Cow::Owned(clean) = sanitize::line(s) {
        *s = clean;
    }
}

pub mod search {
    /// How many lookup results the overlay shows.
    pub const RESULTS: usize = 50;
}
