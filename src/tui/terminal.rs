//! Entering and leaving the full-screen terminal. The terminal is restored
//! on every way out: a normal quit, an error, a panic, SIGTERM or SIGHUP.

use anyhow::Result;
use ratatui::crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::prelude::CrosstermBackend;
use ratatui::Terminal;
use std::io::{stdout, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Puts the terminal back as the shell expects it. Safe to call twice.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

/// Refuses to start without a terminal on stdin and stdout: raw mode would
/// fail with an OS error that says nothing useful ("No such device or
/// address"), and a script wants a command instead.
pub fn require_terminal() -> Result<()> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() && stdout().is_terminal() {
        return Ok(());
    }
    Err(crate::error::hinted(
        anyhow::anyhow!("the cockpit needs a terminal; use a command such as `rapport find`"),
        "`rapport --help` lists the commands that work without a terminal",
    ))
}

/// Raw mode, the alternate screen and mouse reports; a panic hook that
/// restores the screen before the message is printed.
pub fn enter() -> Result<Term> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    enable_raw_mode()?;
    if let Err(e) = execute!(stdout(), EnterAlternateScreen, EnableMouseCapture, EnableBracketedPaste) {
        restore();
        return Err(e.into());
    }
    let terminal = Terminal::new(CrosstermBackend::new(stdout()));
    if terminal.is_err() {
        restore();
    }
    Ok(terminal?)
}

/// A flag that SIGTERM or SIGHUP raises, for the event loop to stop cleanly.
/// Should the loop not stop within two seconds, `last_words` runs on the
/// watching thread before the process leaves.
pub fn stop_signal(last_words: impl FnOnce() + Send + 'static) -> Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(sig, Arc::clone(&flag))?;
    }
    // A hang-up means the terminal is gone. The loop notices the flag within
    // its wake interval and keeps a changed form as a draft before leaving
    // (confirmed edits are already committed). It can be stuck: on a closed
    // terminal crossterm's input reader spins on end-of-file and never
    // returns, so then the draft is kept from here, and the process leaves.
    let watched = Arc::clone(&flag);
    std::thread::spawn(move || {
        while !watched.load(Ordering::Relaxed) {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        std::thread::sleep(std::time::Duration::from_secs(2));
        last_words();
        restore();
        std::process::exit(143);
    });
    Ok(flag)
}

pub fn stopped(flag: &AtomicBool) -> bool {
    flag.load(Ordering::Relaxed)
}
