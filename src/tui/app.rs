//! The cockpit's state: `App` and its parts, their loading (on a second
//! connection where the book is a file) and keeping them current. Input and
//! the actions it runs live in `actions`; drawing in `view` and the panes'
//! `draw` functions, which only read this state.

use super::keymap::{Context, Keymap};
use super::layout;
use super::overlays::Overlay;
use super::panes::targets::Targets;
use super::panes::{conflicts::Conflicts, portfolio::Portfolio, timeline::Timeline, today::Today};
use super::theme::Theme;
use crate::domain::scope::{self, Member, Resolved, Scope};
use crate::domain::{sanitize, FiscalCalendar};
use crate::lookup::Lookup;
use crate::store::{timestamp, AccountRow, ConflictRow, RepRow, Store};
use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use ratatui::layout::Rect;

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

/// The cockpit: the store and its clock, the screen's size, focus and zoom,
/// and the parts — each pane and each overlay is a type of its own that owns
/// its state and the methods that change it. The fields are the crate's (the
/// panes draw from them); from outside, tests and benchmarks go through the
/// methods in "What the cockpit shows" below.
pub struct App {
    pub(crate) store: Store,
    pub(crate) now: DateTime<Utc>,
    pub(crate) today: NaiveDate,
    pub(crate) calendar: FiscalCalendar,
    pub(crate) size: Rect,
    pub(crate) focus: PaneId,
    pub(crate) zoom: bool,
    /// The account every pane follows.
    pub(crate) current: Option<i64>,
    pub(crate) reps: Vec<RepRow>,
    /// Whose numbers the header, the agenda and the tracker count.
    pub(crate) scope: Scope,
    pub(crate) resolved: Resolved,
    pub(crate) portfolio: Portfolio,
    pub(crate) timeline: Timeline,
    pub(crate) conflicts: Conflicts,
    pub(crate) targets: Targets,
    pub(crate) today_view: Today,
    pub(crate) overlay: Overlay,
    pub(crate) badges: Badges,
    /// One line of feedback in the footer ("no account matches", errors).
    pub(crate) message: Option<String>,
    pub(crate) keymap: Keymap,
    pub(crate) theme: Theme,
    pub(crate) quit: bool,
    pub(crate) db_name: String,
    /// Team mode's background sync, when this book is a team's.
    pub(crate) team: Option<crate::tui::team::TeamSync>,
    /// The header's sync state, as last read from `team`.
    pub(crate) team_line: Option<String>,
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

    pub(super) fn poll_lists(&mut self, wait: bool) -> Result<bool> {
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
    pub(super) fn cycle_scope(&mut self) -> Result<()> {
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
        let mut changed = line != self.team_line;
        self.team_line = line;
        // The sync's news (a refusal, a failure) on the footer once, when
        // it would not cover another message.
        if self.message.is_none() {
            if let Some(news) = self.team.as_ref().and_then(|t| t.take_message()) {
                self.message = Some(crate::domain::sanitize::line(&news).into_owned());
                changed = true;
            }
        }
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

    /// Between searches the index's pages leave the cockpit; the page cache keeps them for the next.
    pub(super) fn release_lookup_pages(&self) {
        if let LookupSlot::Ready { lookup, .. } = &self.lookup {
            lookup.release_pages();
        }
    }

    /// The lookup's best accounts for `query`, with their reasons.
    pub(super) fn find(&mut self, query: &str) -> Result<Vec<crate::lookup::Hit>> {
        let mut hits = self.lookup()?.query(query, search::RESULTS);
        crate::lookup::explain(&self.store, &mut hits, query)?;
        Ok(hits)
    }

    /// The filter choices the portfolio and queue offer.
    pub fn owner_choices(&self) -> Vec<(i64, String)> {
        self.reps.iter().map(|r| (r.id, r.name.clone())).collect()
    }
}

/// What the cockpit shows, for tests, benchmarks and the event loop: read
/// the parts, or reach into one part to set it up; changes to the whole
/// cockpit go through `on_key`, `update` and the other input methods.
impl App {
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The store, to act as another window would (its session, its writes).
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// The day the cockpit counts from, on the store's clock.
    pub fn today(&self) -> NaiveDate {
        self.today
    }

    pub fn size(&self) -> Rect {
        self.size
    }

    pub fn focus(&self) -> PaneId {
        self.focus
    }

    pub fn zoomed(&self) -> bool {
        self.zoom
    }

    /// The account every pane follows.
    pub fn current(&self) -> Option<i64> {
        self.current
    }

    pub fn reps(&self) -> &[RepRow] {
        &self.reps
    }

    /// Whose numbers the header, the agenda and the tracker count, made concrete.
    pub fn resolved(&self) -> &Resolved {
        &self.resolved
    }

    pub fn calendar(&self) -> FiscalCalendar {
        self.calendar
    }

    pub fn badges(&self) -> &Badges {
        &self.badges
    }

    /// The footer's line of feedback, if any.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Whether the person asked to quit.
    pub fn has_quit(&self) -> bool {
        self.quit
    }

    pub fn overlay(&self) -> &Overlay {
        &self.overlay
    }

    pub fn overlay_mut(&mut self) -> &mut Overlay {
        &mut self.overlay
    }

    pub fn portfolio(&self) -> &Portfolio {
        &self.portfolio
    }

    pub fn portfolio_mut(&mut self) -> &mut Portfolio {
        &mut self.portfolio
    }

    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    pub fn timeline_mut(&mut self) -> &mut Timeline {
        &mut self.timeline
    }

    pub fn conflicts(&self) -> &Conflicts {
        &self.conflicts
    }

    pub fn conflicts_mut(&mut self) -> &mut Conflicts {
        &mut self.conflicts
    }

    pub fn targets(&self) -> &Targets {
        &self.targets
    }

    pub fn today_view(&self) -> &Today {
        &self.today_view
    }

    /// Team mode's background sync for this book.
    pub fn set_team(&mut self, sync: crate::tui::team::TeamSync) {
        self.team = Some(sync);
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
