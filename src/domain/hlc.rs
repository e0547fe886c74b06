//! Hybrid logical clocks and the per-field merge rule of team sync. Pure:
//! wall time and the last clock seen are passed in.
//!
//! A clock is one `i64`: milliseconds since the epoch in the high bits and a
//! counter in the low 16, so clocks compare as integers, travel as one
//! PostgreSQL `bigint` and stay ahead of wall time by at most the counter.

use std::cmp::Ordering;

const COUNTER_BITS: u32 = 16;
const COUNTER_MASK: i64 = (1 << COUNTER_BITS) - 1;

/// How far a laptop's clock may run ahead of the server's before it is clamped.
pub const MAX_AHEAD_MS: i64 = 5 * 60 * 1000;

/// A clock from its wall-time part and counter.
pub fn pack(ms: i64, counter: i64) -> i64 {
    (ms << COUNTER_BITS) | (counter & COUNTER_MASK)
}

/// The wall-time part of a clock, in milliseconds since the epoch.
pub fn millis(hlc: i64) -> i64 {
    hlc >> COUNTER_BITS
}

/// The next clock for a local event: later than every clock seen, and than
/// wall time.
pub fn tick(last: i64, wall_ms: i64) -> i64 {
    let now = pack(wall_ms, 0);
    if now > last {
        now
    } else {
        last + 1
    }
}

/// A clock ahead of the server's by more than `MAX_AHEAD_MS` is brought back
/// to the server's time; returns the clock to continue from and whether it
/// was clamped.
pub fn clamp(last: i64, server_ms: i64) -> (i64, bool) {
    if millis(last) > server_ms + MAX_AHEAD_MS {
        (pack(server_ms, 0), true)
    } else {
        (last, false)
    }
}

/// A field's write: its clock and the device that wrote it (ties go to the
/// greater device id, so every replica picks the same winner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub hlc: i64,
    pub device: String,
}

/// Which of two writes of one field is kept: the later clock, ties by device id.
pub fn compare(a: &Stamp, b: &Stamp) -> Ordering {
    a.hlc.cmp(&b.hlc).then_with(|| a.device.cmp(&b.device))
}

/// Whether an incoming write overwrites a value its writer had not seen:
/// the field was written since (by someone) the clock the writer based its edit on.
pub fn is_unseen_overwrite(base_hlc: i64, current: Option<&Stamp>) -> bool {
    current.is_some_and(|c| c.hlc != base_hlc)
}

/// How the last sync attempt went, as the header and `team status` tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link<'a> {
    /// The server answered; seconds since the last completed sync, if any.
    Reached(Option<i64>),
    /// No network, or the server did not answer.
    Offline,
    /// A failure that waiting will not mend, in a few words.
    Failed(&'a str),
}

/// The team state for a header or `team status`: "synced 2 min ago",
/// "offline · 14 changes waiting", "2 sync conflicts".
pub fn sync_state(link: Link<'_>, waiting: usize, conflicts: usize) -> String {
    let mut parts = vec![match link {
        Link::Offline => "offline".to_string(),
        Link::Failed(why) => format!("sync failed: {why}"),
        Link::Reached(None) => "never synced".to_string(),
        Link::Reached(Some(s)) if s < 60 => "synced just now".to_string(),
        Link::Reached(Some(s)) if s < 3600 => format!("synced {} min ago", s / 60),
        Link::Reached(Some(s)) if s < 86_400 => format!("synced {} h ago", s / 3600),
        Link::Reached(Some(s)) => format!("synced {} days ago", s / 86_400),
    }];
    if waiting > 0 {
        parts.push(format!("{waiting} change{} waiting", if waiting == 1 { "" } else { "s" }));
    }
    if conflicts > 0 {
        parts.push(format!("{conflicts} sync conflict{}", if conflicts == 1 { "" } else { "s" }));
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_state_reads_as_a_sentence() {
        assert_eq!(sync_state(Link::Reached(Some(130)), 0, 0), "synced 2 min ago");
        assert_eq!(sync_state(Link::Offline, 14, 0), "offline · 14 changes waiting");
        assert_eq!(sync_state(Link::Reached(Some(10)), 0, 2), "synced just now · 2 sync conflicts");
        assert_eq!(sync_state(Link::Reached(None), 1, 1), "never synced · 1 change waiting · 1 sync conflict");
        assert_eq!(
            sync_state(Link::Failed("password refused"), 2, 0),
            "sync failed: password refused · 2 changes waiting"
        );
    }

    #[test]
    fn tick_follows_wall_time_and_never_goes_back() {
        let a = tick(0, 1_000);
        assert_eq!(millis(a), 1_000);
        let b = tick(a, 1_000);
        assert_eq!(b, a + 1);
        let c = tick(b, 900);
        assert!(c > b, "a wall clock set back still moves the clock forward");
        assert_eq!(millis(tick(c, 2_000)), 2_000);
    }

    #[test]
    fn clamp_only_far_ahead() {
        let server = 10_000_000;
        let near = pack(server + MAX_AHEAD_MS - 1, 3);
        assert_eq!(clamp(near, server), (near, false));
        let far = pack(server + 3_600_000, 0);
        assert_eq!(clamp(far, server), (pack(server, 0), true));
    }

    #[test]
    fn later_clock_wins_and_ties_go_to_the_greater_device() {
        let a = Stamp { hlc: 5, device: "a".into() };
        let b = Stamp { hlc: 5, device: "b".into() };
        let c = Stamp { hlc: 6, device: "a".into() };
        assert_eq!(compare(&a, &b), Ordering::Less);
        assert_eq!(compare(&c, &b), Ordering::Greater);
    }

    #[test]
    fn unseen_overwrite_is_a_write_based_on_another_clock() {
        let cur = Stamp { hlc: 7, device: "a".into() };
        assert!(!is_unseen_overwrite(7, Some(&cur)));
        assert!(is_unseen_overwrite(3, Some(&cur)));
        assert!(!is_unseen_overwrite(0, None));
    }
}
