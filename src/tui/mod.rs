//! The cockpit: terminal lifecycle, the event loop, and the app state.
//!
//! A map of this folder. A key travels `mod.rs` (the event loop) →
//! `actions.rs` (`on_key`: an open overlay takes it first, else `keymap.rs`
//! turns (context, key) into an `Action`, and `update` runs it) → the state
//! in `app.rs` (`App`: the store and its clock, size, focus and zoom, and
//! the parts, plus their loading on a second connection) → one redraw by
//! `view.rs` (header, footer, overlays) and `panes/` (portfolio, timeline,
//! conflicts, targets, today: each pane's state type and its `draw`), which
//! only read. What opens over the panes is in `overlays.rs` (lookup,
//! palette, help, filter menu, detail, and the question before a delete
//! with its keys), `lists.rs` (contact, deal, rep, target and agenda lists
//! with their keys) and `day.rs` (Today's reading and its keys). `forms/`
//! holds each record's form and its save (`forms/<record>.rs`; `mod.rs`
//! saves with the clash check), drawn with the generic pieces of `widgets/`
//! (a checked form, a text line, a list selection) that know nothing of
//! records. Around them: `layout.rs` (where each pane goes at a size),
//! `theme.rs` (colours, `NO_COLOR`), `terminal.rs` (entering and always
//! restoring the terminal), `config.rs` (the config file, keys included),
//! `saved.rs` (the view kept between runs), `drafts.rs` (a form kept when
//! the terminal closes), `export.rs` (`:export`) and `team.rs` (the
//! background sync of team mode).

mod actions;
pub mod app;
pub mod config;
mod day;
pub mod drafts;
pub mod export;
pub mod forms;
pub mod keymap;
pub mod layout;
pub mod lists;
pub mod overlays;
pub mod panes;
pub mod saved;
pub mod team;
pub mod terminal;
pub mod theme;
pub mod view;
pub mod widgets;

use crate::store::Store;
use anyhow::Result;
use app::App;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::layout::Rect;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often the loop wakes without input: to notice a signal, another
/// process's write or the minute turning. It redraws only when something changed.
const WAKE: Duration = Duration::from_millis(500);

/// Opens the cockpit on `store`, where the user left it unless `fresh_view`.
pub fn run(mut store: Store, fresh_view: bool) -> Result<()> {
    terminal::require_terminal()?;
    store.set_zone(config::user_zone()?);
    let keymap = config::load_keymap(&config::path()?)
        .map_err(|e| crate::error::hinted(e, "fix the config file, or move it away to use the default keys"))?;
    store.use_default_region(config::default_region()?)?;
    // The open form's changes as of the last key, for the watchdog to keep
    // should the loop be stuck when a hang-up comes; and whether it did.
    let pending: Arc<Mutex<Pending>> = Arc::default();
    let db = store.path().to_path_buf();
    let stop = terminal::stop_signal({
        let pending = Arc::clone(&pending);
        move || {
            let mut pending = pending.lock().unwrap_or_else(|e| e.into_inner());
            pending.kept_by_watchdog = true;
            if let Some(draft) = pending.draft.take() {
                let _ = drafts::push(&db, draft);
            }
        }
    })?;
    // The day's forecast snapshot, on the first start of the day; the
    // cockpit is no less useful without it, so a failure only skips it.
    let _ = store.take_forecast_snapshots();
    let mut term = terminal::enter()?;
    let result = (|| -> Result<()> {
        let size = term.size()?;
        let mut app = App::new(store, keymap, theme::Theme::from_env(), Rect::new(0, 0, size.width, size.height))?;
        let db = app.store.path().to_path_buf();
        if app.store.setting(crate::store::sync::SERVER_KEY)?.is_some() {
            app.team = Some(team::TeamSync::start(db.clone(), app.store.clock().source));
            app.refresh_team_line();
        }
        if !fresh_view {
            match saved::load(&db) {
                Ok(Some(view)) => app.restore_view(&view)?,
                Ok(None) => {}
                // Only a convenience: a garbled file means a clean start, said once.
                Err(e) => app.message = Some(format!("{e:#}; starting with a clean view")),
            }
        }
        let result = event_loop(&mut term, &mut app, &stop, &pending);
        if app.quit {
            saved::save(&db, &app.saved_view())?;
        }
        // The draft is kept once: by the watchdog if it came first, else here.
        let slot = pending.lock().unwrap_or_else(|e| e.into_inner());
        if !app.quit && !slot.kept_by_watchdog {
            // A hang-up, a signal or an error ended the cockpit, not a person:
            // whatever the open form holds is kept for the next start.
            if let Err(e) = app.keep_draft() {
                return Err(e.context("could not keep the open form's draft"));
            }
        }
        drop(slot);
        result
    })();
    terminal::restore();
    result
}

/// The draft the watchdog keeps if the loop is stuck at a hang-up.
#[derive(Default)]
struct Pending {
    draft: Option<drafts::Draft>,
    kept_by_watchdog: bool,
}

fn event_loop(
    term: &mut terminal::Term,
    app: &mut App,
    stop: &std::sync::atomic::AtomicBool,
    pending: &Mutex<Pending>,
) -> Result<()> {
    term.draw(|f| view::draw(f, app))?;
    app.load_behind()?;
    app.prepare_lookup();
    app.read_insights_behind()?;
    while !app.quit && !terminal::stopped(stop) {
        let dirty;
        // While the book loads in the background, look often for it.
        let busy = app.loading() || app.tracker_loading() || app.insights_loading();
        let wake = if busy { Duration::from_millis(20) } else { WAKE };
        if event::poll(wake)? {
            dirty = true;
            // Keys act on the current day: a form opened after midnight reads "fri" from today.
            app.tick()?;
            // Another window may have written since: act on fresh data.
            app.refresh_if_changed()?;
            // Take every pending event before drawing once.
            loop {
                match event::read()? {
                    Event::Key(k) if k.kind != KeyEventKind::Release => app.on_key(k)?,
                    Event::Mouse(m) => app.on_mouse(m)?,
                    Event::Resize(w, h) => {
                        app.resize(w, h);
                        term.autoresize()?;
                    }
                    Event::Paste(text) => app.on_paste(&text)?,
                    _ => {}
                }
                if app.quit || terminal::stopped(stop) || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        } else if busy {
            dirty = app.poll_loading(false)?;
        } else {
            // Time flows while nobody types: redraw when the minute turns.
            dirty = app.refresh_if_changed()? | app.tick()?;
        }
        if dirty {
            if let Ok(mut slot) = pending.lock() {
                slot.draft = if app.quit { None } else { app.draft() };
            }
        }
        if dirty && !app.quit && !terminal::stopped(stop) {
            term.draw(|f| view::draw(f, app))?;
        }
    }
    Ok(())
}

/// Hands freed heap back to the system. The whole-book pass peaks at about
/// 100 MB on a 100,000-account book and frees nearly all of it, but glibc
/// keeps freed arena pages mapped, so the cockpit would go on holding that
/// peak for as long as it runs.
pub(crate) fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages of malloc's own arenas.
    unsafe {
        libc::malloc_trim(0);
    }
}
