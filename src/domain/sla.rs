//! The conflict SLA clock: when a conflict is due, counted in calendar hours
//! or in business hours, standing still while it waits on the customer (or is
//! resolved), and how a conflict's status moves. All instants are UTC; the
//! business hours carry their own time zone.

use super::ConflictStatus;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// When the team works: the days, the hours of each day, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessHours {
    pub days: Vec<Weekday>,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub zone: Tz,
}

/// A day's walk has to end even for odd input; ten years of days is far past any SLA.
const MAX_DAYS: i64 = 3660;

impl BusinessHours {
    pub fn new(days: Vec<Weekday>, start: NaiveTime, end: NaiveTime, zone: Tz) -> Result<BusinessHours, String> {
        if days.is_empty() {
            return Err("business hours need at least one working day, e.g. days = [\"mon\", \"fri\"]".into());
        }
        if start >= end {
            return Err(format!(
                "business hours start at {} and end at {}; expected the start before the end, e.g. 09:00 to 17:00",
                start.format("%H:%M"),
                end.format("%H:%M")
            ));
        }
        Ok(BusinessHours { days, start, end, zone })
    }

    /// The local instant `t` on `day` in UTC; a time skipped by a clock
    /// change counts from the first instant after the gap.
    fn at(&self, day: NaiveDate, t: NaiveTime) -> DateTime<Utc> {
        let local = day.and_time(t);
        let mut probe = local;
        for _ in 0..4 {
            if let Some(x) = self.zone.from_local_datetime(&probe).earliest() {
                return x.with_timezone(&Utc);
            }
            probe += Duration::minutes(30);
        }
        self.zone.from_utc_datetime(&local).with_timezone(&Utc)
    }

    /// The working window of a local day, if it is a working day.
    fn window(&self, day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        self.days.contains(&day.weekday()).then(|| (self.at(day, self.start), self.at(day, self.end)))
    }

    fn local_day(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.zone).date_naive()
    }
}

/// Working time between two instants (zero when `b` is not after `a`).
pub fn worked(a: DateTime<Utc>, b: DateTime<Utc>, hours: Option<&BusinessHours>) -> Duration {
    if b <= a {
        return Duration::zero();
    }
    let Some(h) = hours else { return b - a };
    let mut total = Duration::zero();
    let last = h.local_day(b);
    let mut day = h.local_day(a);
    for _ in 0..MAX_DAYS {
        if day > last {
            break;
        }
        if let Some((ws, we)) = h.window(day) {
            let (s, e) = (ws.max(a), we.min(b));
            if e > s {
                total += e - s;
            }
        }
        day = day.succ_opt().unwrap_or(day);
    }
    total
}

/// The instant `work` of working time after `from`.
pub fn add_worked(from: DateTime<Utc>, work: Duration, hours: Option<&BusinessHours>) -> DateTime<Utc> {
    let Some(h) = hours else { return from + work };
    let mut left = work;
    if left <= Duration::zero() {
        return from;
    }
    let mut day = h.local_day(from);
    for _ in 0..MAX_DAYS {
        if let Some((ws, we)) = h.window(day) {
            let s = ws.max(from);
            if we > s {
                if left <= we - s {
                    return s + left;
                }
                left -= we - s;
            }
        }
        day = day.succ_opt().unwrap_or(day);
    }
    from + work
}

/// Where a conflict's SLA clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaClock {
    /// Running: breached after this instant.
    Due(DateTime<Utc>),
    /// Standing still with this much working time left (negative: already over).
    Paused { left: Duration, frozen_due: DateTime<Utc> },
}

impl SlaClock {
    /// The deadline the queue sorts by: for a paused clock, the one it had when it stopped.
    pub fn due(self) -> DateTime<Utc> {
        match self {
            SlaClock::Due(d) => d,
            SlaClock::Paused { frozen_due, .. } => frozen_due,
        }
    }
}

/// A span the clock stood still, as stored (ISO timestamps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: String,
    pub to: Option<String>,
}

/// Whether the SLA clock stands still in `status`.
pub fn paused_in(status: ConflictStatus) -> bool {
    matches!(status, ConflictStatus::Waiting | ConflictStatus::Resolved)
}

/// Opens or closes a pause for a move from `from` to `to` at `now`.
pub fn pauses_after_move(pauses: &mut Vec<Pause>, from: ConflictStatus, to: ConflictStatus, now: &str) {
    match (paused_in(from), paused_in(to)) {
        (false, true) => pauses.push(Pause { from: now.to_string(), to: None }),
        (true, false) => {
            if let Some(p) = pauses.last_mut().filter(|p| p.to.is_none()) {
                p.to = Some(now.to_string());
            }
        }
        _ => {}
    }
}

/// The SLA clock of a conflict opened at `opened` with `allowed` working
/// time, paused over `pauses` (the last may be open).
pub fn sla_clock(
    opened: DateTime<Utc>,
    allowed: Duration,
    pauses: &[(DateTime<Utc>, Option<DateTime<Utc>>)],
    hours: Option<&BusinessHours>,
) -> SlaClock {
    let mut pauses = pauses.to_vec();
    pauses.sort_by_key(|p| p.0);
    let mut cursor = opened;
    let mut left = allowed;
    for (from, to) in pauses {
        if to.is_some_and(|to| to <= cursor) {
            // Over before the clock got here (or before it started).
            continue;
        }
        let due = add_worked(cursor, left, hours);
        if due <= from {
            return SlaClock::Due(due);
        }
        left -= worked(cursor, from.max(cursor), hours);
        match to {
            None => {
                let frozen_due = add_worked(from.max(cursor), left, hours);
                return SlaClock::Paused { left, frozen_due };
            }
            Some(to) => cursor = cursor.max(to),
        }
    }
    SlaClock::Due(add_worked(cursor, left, hours))
}

/// Where `s` takes a conflict: forward through the flow; waiting goes back
/// to in progress (the customer answered), never to open; a resolved
/// conflict is reopened.
pub fn next_status(from: ConflictStatus) -> ConflictStatus {
    match from {
        ConflictStatus::Open => ConflictStatus::InProgress,
        ConflictStatus::InProgress => ConflictStatus::Waiting,
        ConflictStatus::Waiting => ConflictStatus::InProgress,
        ConflictStatus::Resolved => ConflictStatus::Open,
    }
}

/// Refuses a move the flow does not have: once work started a conflict goes
/// back to open only by being reopened after it was resolved.
pub fn check_status_move(from: ConflictStatus, to: ConflictStatus) -> Result<(), String> {
    if to == ConflictStatus::Open && matches!(from, ConflictStatus::InProgress | ConflictStatus::Waiting) {
        return Err(format!(
            "a conflict {} does not go back to open; expected in_progress, waiting or resolved",
            if from == ConflictStatus::Waiting { "waiting on the customer" } else { "in progress" }
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn office(zone: Tz) -> BusinessHours {
        use Weekday::*;
        BusinessHours::new(
            vec![Mon, Tue, Wed, Thu, Fri],
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            zone,
        )
        .unwrap()
    }

    #[test]
    fn calendar_hours_by_default() {
        let c = sla_clock(at("2026-11-20T10:00:00Z"), Duration::hours(48), &[], None);
        assert_eq!(c, SlaClock::Due(at("2026-11-22T10:00:00Z")));
    }

    #[test]
    fn business_hours_skip_nights_and_weekends_in_the_teams_zone() {
        let h = office(chrono_tz::Europe::Berlin);
        // Friday 2026-11-20 15:00 Berlin (14:00 UTC): 2 h on Friday, then 6 h on Monday.
        let c = sla_clock(at("2026-11-20T14:00:00Z"), Duration::hours(8), &[], Some(&h));
        assert_eq!(c, SlaClock::Due(at("2026-11-23T14:00:00Z")), "Monday 15:00 Berlin");
        // Opened on a Saturday: the clock starts Monday 09:00.
        let c = sla_clock(at("2026-11-21T12:00:00Z"), Duration::hours(8), &[], Some(&h));
        assert_eq!(c, SlaClock::Due(at("2026-11-23T16:00:00Z")));
        assert_eq!(worked(at("2026-11-20T14:00:00Z"), at("2026-11-23T10:00:00Z"), Some(&h)), Duration::hours(4));
    }

    #[test]
    fn a_conflict_paused_over_a_weekend_with_business_hours_on() {
        let h = office(chrono_tz::UTC);
        let opened = at("2026-11-19T09:00:00Z"); // Thursday
                                                 // 48 working hours = six working days. Worked Thu 9–17 (8 h) and Fri 9–12 (3 h),
                                                 // waited on the customer from Friday 12:00 to Tuesday 10:00 (Monday lost as well).
        let pauses = [(at("2026-11-20T12:00:00Z"), Some(at("2026-11-24T10:00:00Z")))];
        let c = sla_clock(opened, Duration::hours(48), &pauses, Some(&h));
        // 37 h left from Tue 10:00: Tue 7 h, Wed, Thu, Fri 24 h, Mon 6 h → Monday 2026-11-30 15:00.
        assert_eq!(c, SlaClock::Due(at("2026-11-30T15:00:00Z")));
        // Without the pause it would have been due the Thursday after (six working days from Thursday 09:00).
        assert_eq!(sla_clock(opened, Duration::hours(48), &[], Some(&h)), SlaClock::Due(at("2026-11-26T17:00:00Z")));
        // While still waiting, the clock stands with 37 h left.
        let open = [(at("2026-11-20T12:00:00Z"), None)];
        match sla_clock(opened, Duration::hours(48), &open, Some(&h)) {
            SlaClock::Paused { left, .. } => assert_eq!(left, Duration::hours(37)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_severity_change_midway_recounts_from_the_opening() {
        let h = office(chrono_tz::UTC);
        let opened = at("2026-11-23T09:00:00Z"); // Monday
        let pauses = [(at("2026-11-23T11:00:00Z"), Some(at("2026-11-23T15:00:00Z")))];
        // Normal (120 h) first; raised to critical (8 h) on Tuesday: the 8 h count from
        // Monday 09:00 with the same pause, so it is due Tuesday 13:00.
        let normal = sla_clock(opened, Duration::hours(120), &pauses, Some(&h));
        let critical = sla_clock(opened, Duration::hours(8), &pauses, Some(&h));
        assert_eq!(critical, SlaClock::Due(at("2026-11-24T13:00:00Z")));
        assert!(normal.due() > critical.due());
    }

    #[test]
    fn a_pause_after_the_deadline_does_not_move_it() {
        let c = sla_clock(
            at("2026-11-20T10:00:00Z"),
            Duration::hours(8),
            &[(at("2026-11-21T10:00:00Z"), Some(at("2026-11-22T10:00:00Z")))],
            None,
        );
        assert_eq!(c, SlaClock::Due(at("2026-11-20T18:00:00Z")));
    }

    #[test]
    fn pauses_open_and_close_with_the_status() {
        use ConflictStatus::*;
        let mut p = Vec::new();
        pauses_after_move(&mut p, Open, InProgress, "2026-11-20T10:00:00Z");
        assert!(p.is_empty());
        pauses_after_move(&mut p, InProgress, Waiting, "2026-11-20T11:00:00Z");
        pauses_after_move(&mut p, Waiting, Resolved, "2026-11-20T12:00:00Z");
        assert_eq!(p, vec![Pause { from: "2026-11-20T11:00:00Z".into(), to: None }]);
        pauses_after_move(&mut p, Resolved, Open, "2026-11-21T09:00:00Z");
        assert_eq!(p[0].to.as_deref(), Some("2026-11-21T09:00:00Z"));
    }

    #[test]
    fn the_status_flow_moves_forward_and_reopens() {
        use ConflictStatus::*;
        assert_eq!(next_status(Open), InProgress);
        assert_eq!(next_status(InProgress), Waiting);
        assert_eq!(next_status(Waiting), InProgress);
        assert_eq!(next_status(Resolved), Open);
        assert!(check_status_move(Waiting, Open).unwrap_err().contains("does not go back to open"));
        assert!(check_status_move(InProgress, Open).is_err());
        assert!(check_status_move(Resolved, Open).is_ok());
        assert!(check_status_move(Open, Waiting).is_ok());
    }

    #[test]
    fn bad_business_hours_are_refused() {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        assert!(BusinessHours::new(vec![], t(9), t(17), chrono_tz::UTC).unwrap_err().contains("working day"));
        assert!(BusinessHours::new(vec![Weekday::Mon], t(17), t(9), chrono_tz::UTC)
            .unwrap_err()
            .contains("start before the end"));
    }
}
