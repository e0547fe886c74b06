//! The cockpit's background sync: a thread with its own connection to the
//! file syncs every 30 s, and soon after a local write (it sees changes
//! waiting), while the cockpit keeps working on the local file. Offline is
//! not an error here: the queue grows and the header says so.

use crate::store::{OpenMode, Store};
use crate::team::{self, connect::Secrets};
use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the cockpit syncs while nothing changes.
pub const EVERY: Duration = Duration::from_secs(30);
/// How soon after a local write it syncs.
const AFTER_WRITE: Duration = Duration::from_secs(2);

/// What the thread last found, for the header.
#[derive(Debug, Clone, Default)]
pub struct TeamState {
    pub reachable: bool,
    pub last_sync: Option<DateTime<Utc>>,
    pub waiting: usize,
    pub conflicts: usize,
    /// The last failure, or the server's refusals, for the footer.
    pub message: Option<String>,
    /// Syncs that completed since the cockpit started.
    pub syncs: u64,
}

pub struct TeamSync {
    state: Arc<Mutex<TeamState>>,
    stop: Arc<AtomicBool>,
    wake: Sender<()>,
}

impl TeamSync {
    /// Starts syncing the team database at `path` in the background.
    pub fn start(path: PathBuf) -> TeamSync {
        let state = Arc::new(Mutex::new(TeamState { reachable: true, ..Default::default() }));
        let stop = Arc::new(AtomicBool::new(false));
        let (wake, woken) = channel::<()>();
        let (st, halt) = (Arc::clone(&state), Arc::clone(&stop));
        std::thread::spawn(move || {
            // A terminal in raw mode cannot ask for a password: PGPASSWORD or ~/.pgpass only.
            let secrets = Secrets { prompt: false, ..Secrets::from_env() };
            let Ok((store, _)) = Store::open(&path, OpenMode::Existing) else { return };
            let mut last_try: Option<Instant> = None;
            let mut waiting_then = 0usize;
            while !halt.load(Ordering::Relaxed) {
                let waiting = store.sync_waiting().unwrap_or(0);
                let asked = match woken.recv_timeout(Duration::from_millis(500)) {
                    Ok(()) => true,
                    Err(RecvTimeoutError::Timeout) => false,
                    // The cockpit is gone: stop too.
                    Err(RecvTimeoutError::Disconnected) => break,
                };
                if halt.load(Ordering::Relaxed) {
                    break;
                }
                let since = last_try.map(|t| t.elapsed());
                let due = asked
                    || since.is_none_or(|s| s >= EVERY)
                    || (waiting > waiting_then && since.is_some_and(|s| s >= AFTER_WRITE));
                if due {
                    last_try = Some(Instant::now());
                    let result = team::sync(&store, &secrets);
                    let waiting = store.sync_waiting().unwrap_or(0);
                    waiting_then = waiting;
                    let conflicts = store.sync_conflicts().map(|c| c.len()).unwrap_or(0);
                    let mut s = st.lock().unwrap_or_else(|e| e.into_inner());
                    s.waiting = waiting;
                    s.conflicts = conflicts;
                    match result {
                        Ok(report) => {
                            s.reachable = true;
                            s.last_sync = Some(Utc::now());
                            s.syncs += 1;
                            s.message = report.refused.first().cloned();
                        }
                        Err(e) => {
                            s.reachable = false;
                            s.message = Some(format!("{e:#}"));
                        }
                    }
                } else if let Ok(mut s) = st.lock() {
                    s.waiting = waiting;
                }
            }
        });
        TeamSync { state, stop, wake }
    }

    /// Asks for a sync now (after a local write, or a key).
    pub fn request(&self) {
        let _ = self.wake.send(());
    }

    pub fn state(&self) -> TeamState {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// A sync that never runs, showing `state`: a team book's cockpit
    /// drawn without a server (tests, screenshots).
    pub fn stopped(state: TeamState) -> TeamSync {
        let (wake, _) = channel::<()>();
        TeamSync { state: Arc::new(Mutex::new(state)), stop: Arc::new(AtomicBool::new(true)), wake }
    }

    /// Counts conflicts and waiting changes again after a write here (a
    /// conflict resolved), without waiting for the next sync.
    pub fn recount(&self, store: &Store) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Ok(c) = store.sync_conflicts() {
            s.conflicts = c.len();
        }
        if let Ok(w) = store.sync_waiting() {
            s.waiting = w;
        }
    }

    /// The header's words: "synced 2 min ago", "offline · 14 changes waiting".
    pub fn line(&self, now: DateTime<Utc>) -> String {
        let s = self.state();
        let since = s.last_sync.map(|t| (now - t).num_seconds().max(0));
        crate::domain::hlc::sync_state(since, s.waiting, s.conflicts, s.reachable)
    }
}

impl Drop for TeamSync {
    fn drop(&mut self) {
        // Not joined: a sync in flight may wait on the network; it ends with the process.
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.wake.send(());
    }
}
