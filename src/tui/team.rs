//! The cockpit's background sync: a thread with its own connection to the
//! file syncs every 30 s, and soon after a local write (it sees changes
//! waiting), while the cockpit keeps working on the local file. Offline is
//! not an error here: the queue grows and the header says so.

use crate::domain::hlc::{sync_state, Link};
use crate::store::{Clock, OpenMode, Store};
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
    /// What the footer tells once, then forgets: the server's refusals, or
    /// a failure that is not the network's, in full.
    pub message: Option<String>,
    /// The last attempt's error, in full (offline included).
    pub error: Option<String>,
    /// A failure that waiting will not mend (a refused password, a newer
    /// server schema, no longer a member), in a few words for the header.
    pub failure: Option<String>,
    /// Syncs that completed since the cockpit started.
    pub syncs: u64,
}

impl TeamState {
    /// Takes in what one sync came to. Unreachable is not news (the header
    /// says offline, the queue grows); refusals are told once; any other
    /// failure stands in the header until a sync succeeds.
    pub fn record(&mut self, result: &anyhow::Result<team::SyncReport>, now: DateTime<Utc>) {
        match result {
            Ok(report) => {
                self.reachable = true;
                self.last_sync = Some(now);
                self.syncs += 1;
                self.error = None;
                self.failure = None;
                self.message = match report.refused.as_slice() {
                    [] => None,
                    [one] => Some(one.clone()),
                    [first, rest @ ..] => Some(format!("{first} (and {} more)", rest.len())),
                };
            }
            Err(e) => {
                let text = format!("{e:#}");
                match team::failure_reason(e) {
                    None => {
                        self.reachable = false;
                        self.failure = None;
                    }
                    Some(why) => {
                        // Said once in full; the header keeps the short words.
                        if self.failure.as_deref() != Some(why.as_str()) {
                            self.message = Some(format!("sync failed: {text}"));
                        }
                        self.reachable = true;
                        self.failure = Some(why);
                    }
                }
                self.error = Some(text);
            }
        }
    }

    /// The header's words: "synced 2 min ago", "offline · 14 changes
    /// waiting", "sync failed: password refused · 2 changes waiting".
    pub fn line(&self, now: DateTime<Utc>) -> String {
        let since = self.last_sync.map(|t| (now - t).num_seconds().max(0));
        let link = match &self.failure {
            Some(why) => Link::Failed(why),
            None if self.reachable => Link::Reached(since),
            None => Link::Offline,
        };
        sync_state(link, self.waiting, self.conflicts)
    }
}

pub struct TeamSync {
    state: Arc<Mutex<TeamState>>,
    stop: Arc<AtomicBool>,
    wake: Sender<()>,
}

impl TeamSync {
    /// Starts syncing the team database at `path` in the background, its
    /// changes stamped and its syncs timed by `clock` (the cockpit's).
    pub fn start(path: PathBuf, clock: Clock) -> TeamSync {
        let state = Arc::new(Mutex::new(TeamState { reachable: true, ..Default::default() }));
        let stop = Arc::new(AtomicBool::new(false));
        let (wake, woken) = channel::<()>();
        let (st, halt) = (Arc::clone(&state), Arc::clone(&stop));
        std::thread::spawn(move || {
            // A terminal in raw mode cannot ask for a password: PGPASSWORD or ~/.pgpass only.
            let secrets = Secrets { prompt: false, ..Secrets::from_env() };
            let Ok((store, _)) = Store::open(&path, OpenMode::Existing) else { return };
            let store = store.with_clock(clock);
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
                    let conflicts = store.sync_conflict_count().unwrap_or(0);
                    let mut s = st.lock().unwrap_or_else(|e| e.into_inner());
                    s.waiting = waiting;
                    s.conflicts = conflicts;
                    s.record(&result, store.clock().now());
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

    /// The footer's news from the last sync, taken so it is told once.
    pub fn take_message(&self) -> Option<String> {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).message.take()
    }

    /// Counts conflicts and waiting changes again after a write here (a
    /// conflict resolved), without waiting for the next sync.
    pub fn recount(&self, store: &Store) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Ok(c) = store.sync_conflict_count() {
            s.conflicts = c;
        }
        if let Ok(w) = store.sync_waiting() {
            s.waiting = w;
        }
    }

    /// The header's words (see `TeamState::line`).
    pub fn line(&self, now: DateTime<Utc>) -> String {
        self.state().line(now)
    }
}

impl Drop for TeamSync {
    fn drop(&mut self) {
        // Not joined: a sync in flight may wait on the network; it ends with the process.
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.wake.send(());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::team::connect::Unreachable;
    use crate::team::SyncReport;
    use anyhow::anyhow;

    fn at(min: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + min * 60, 0).unwrap()
    }

    fn waiting(n: usize) -> TeamState {
        TeamState { reachable: true, waiting: n, ..Default::default() }
    }

    #[test]
    fn unreachable_reads_as_offline_and_tells_nothing() {
        let mut s = waiting(3);
        let err = anyhow::Error::new(Unreachable("cannot reach the server at h:5432/team (timed out)".into()));
        s.record(&Err(err.context("sync")), at(0));
        assert!(!s.reachable);
        assert_eq!((s.failure.as_deref(), s.message.as_deref()), (None, None));
        assert_eq!(s.line(at(1)), "offline · 3 changes waiting");
        assert!(s.error.unwrap().contains("cannot reach"), "kept in full for whoever asks");
    }

    #[test]
    fn a_failure_waiting_will_not_mend_stands_in_the_header_and_is_told_once() {
        let mut s = waiting(2);
        let refused = || Err(anyhow!("the server at h:5432/team refused the password for rae; nothing was changed"));
        s.record(&refused(), at(0));
        assert_eq!(s.line(at(0)), "sync failed: password refused · 2 changes waiting");
        assert_eq!(
            s.message.take().as_deref(),
            Some("sync failed: the server at h:5432/team refused the password for rae; nothing was changed")
        );
        s.record(&refused(), at(1));
        assert_eq!(s.message, None, "the same failure again is not news");
        assert_eq!(s.line(at(1)), "sync failed: password refused · 2 changes waiting");

        for (error, short) in [
            (
                "the server at h:5432/team holds a newer rapport schema (version 9; this build knows 3)",
                "newer server schema",
            ),
            ("the server refused the push: rae is not a member of this team", "not a member"),
        ] {
            let mut s = waiting(0);
            s.record(&Err(anyhow!("{error}")), at(0));
            assert_eq!(s.line(at(0)), format!("sync failed: {short}"));
        }
        // Then a sync gets through: the header is back to normal.
        s.record(&Ok(SyncReport::default()), at(2));
        assert_eq!(s.line(at(2)), "synced just now · 2 changes waiting");
        assert_eq!((s.failure, s.message), (None, None));
    }

    #[test]
    fn refused_changes_are_told_with_their_record_and_rule() {
        let mut s = waiting(0);
        let report = SyncReport {
            refused: vec![
                "the server refused your change to account Acme (city): only its owner edits it; it was put back"
                    .into(),
                "the server refused your change to deal Fleet (amount): only its owner edits it; it was put back"
                    .into(),
            ],
            ..Default::default()
        };
        s.record(&Ok(report), at(0));
        assert_eq!(
            s.message.as_deref(),
            Some(
                "the server refused your change to account Acme (city): only its owner edits it; it was put back \
                 (and 1 more)"
            )
        );
        assert_eq!(s.line(at(0)), "synced just now");
        s.record(&Ok(SyncReport::default()), at(1));
        assert_eq!(s.message, None);
    }
}
