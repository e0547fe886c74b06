//! The cockpit: terminal lifecycle, the event loop, and the app state.

pub mod app;
pub mod config;
pub mod edit;
mod editing;
pub mod form;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod lists;
pub mod nav;
pub mod overlays;
pub mod panes;
pub mod terminal;
pub mod theme;
pub mod view;

use crate::store::Store;
use anyhow::Result;
use app::App;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::layout::Rect;
use std::time::Duration;

/// How often the loop wakes without input: to notice a signal or another
/// process's write. It redraws only when something changed.
const WAKE: Duration = Duration::from_millis(500);

pub fn run(store: Store) -> Result<()> {
    let keymap = config::load_keymap(&config::path()?)
        .map_err(|e| crate::cli::hinted(e, "fix the config file, or move it away to use the default keys"))?;
    store.use_default_region(config::default_region()?)?;
    let stop = terminal::stop_signal()?;
    let mut term = terminal::enter()?;
    let result = (|| -> Result<()> {
        let size = term.size()?;
        let mut app = App::new(store, keymap, theme::Theme::from_env(), Rect::new(0, 0, size.width, size.height))?;
        term.draw(|f| view::draw(f, &app))?;
        app.prepare_lookup();
        while !app.quit && !terminal::stopped(&stop) {
            let dirty;
            // While the book loads in the background, look often for it.
            let wake = if app.loading() { Duration::from_millis(20) } else { WAKE };
            if event::poll(wake)? {
                dirty = true;
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
                    if app.quit || !event::poll(Duration::ZERO)? {
                        break;
                    }
                }
            } else if app.loading() {
                dirty = app.poll_loading(false)?;
            } else {
                dirty = app.refresh_if_changed()?;
            }
            if dirty && !app.quit {
                term.draw(|f| view::draw(f, &app))?;
            }
        }
        Ok(())
    })();
    terminal::restore();
    result
}
