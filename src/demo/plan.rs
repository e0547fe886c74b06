//! The shape of the book before any row is written: each account's tier,
//! status and history, and which accounts carry the situations a demo must
//! show at any size (overdue follow-ups, breached conflicts, ...).

use super::calendar::{add_years, days, Quarter};
use super::rng::Rng;
use crate::domain::{AccountStatus, Tier};
use chrono::NaiveDate;

/// Streams of the random generator, one per purpose.
pub const STREAM_PROFILE: u64 = 1;
pub const STREAM_QUOTA: u64 = 2;
pub const STREAM_ACCOUNT: u64 = 3;
pub const STREAM_TEAM: u64 = 4;
pub const STREAM_TARGETS: u64 = 5;
/// Deals' opening dates, drawn apart so the rest of the book stays as it was.
pub const STREAM_OPENED: u64 = 6;
/// The situations suggestions are made for: a stuck deal, a typical add-on, a champion who moved.
pub const STREAM_SITUATIONS: u64 = 7;

/// Situations placed on chosen accounts, so they exist at every size.
pub mod feature {
    pub const FOLLOW_UP_OVERDUE: u8 = 1;
    pub const FOLLOW_UP_TODAY: u8 = 1 << 1;
    pub const FOLLOW_UP_UPCOMING: u8 = 1 << 2;
    /// An unresolved conflict past its SLA.
    pub const CONFLICT_BREACHED: u8 = 1 << 3;
    /// An unresolved conflict within its SLA.
    pub const CONFLICT_OPEN: u8 = 1 << 4;
    /// An unresolved conflict with only hours left.
    pub const CONFLICT_CLOSE: u8 = 1 << 5;
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub tier: Tier,
    pub status: AccountStatus,
    /// No contact for 90–200 days.
    pub stale: bool,
    /// Index into the reps who own accounts.
    pub owner: usize,
    /// Customer since (customers and churned accounts).
    pub since: Option<NaiveDate>,
    /// The renewal that was lost (churned accounts).
    pub churned_on: Option<NaiveDate>,
    pub features: u8,
}

impl Profile {
    pub fn has(&self, f: u8) -> bool {
        self.features & f != 0
    }
}

/// A day in `q`, leaning towards the quarter's end the way deals do.
fn day_in_quarter(rng: &mut Rng, q: Quarter) -> NaiveDate {
    let len = (q.end() - q.start()).num_days();
    let u = rng.unit();
    let skew = if rng.chance(0.5) { 1.0 - u * u } else { u };
    q.start() + days(((len as f64) * skew) as i64).min(days(len - 1))
}

/// Everyone's profile, and the features placed on some of them.
/// `owner_weights` are the relative shares of accounts per owner for
/// standard accounts and for strategic ones.
pub fn plan(seed: u64, n: usize, today: NaiveDate, first_q: Quarter, owner_weights: &[(u32, u32)]) -> Vec<Profile> {
    let window_start = first_q.start();
    let standard_w: Vec<u32> = owner_weights.iter().map(|w| w.0).collect();
    let strategic_w: Vec<u32> = owner_weights.iter().map(|w| w.1).collect();
    let mut profiles: Vec<Profile> = (0..n)
        .map(|i| {
            let mut rng = Rng::derive(seed, STREAM_PROFILE, i as u64);
            let tier = [Tier::Strategic, Tier::Key, Tier::Standard][rng.weighted(&[10, 25, 65])];
            let status_w: &[u32] = match tier {
                Tier::Strategic => &[2, 97, 1],
                Tier::Key => &[6, 90, 4],
                Tier::Standard => &[11, 82, 7],
            };
            let mut status =
                [AccountStatus::Prospect, AccountStatus::Customer, AccountStatus::Churned][rng.weighted(status_w)];
            let owner = rng.weighted(if tier == Tier::Strategic { &strategic_w } else { &standard_w });
            let new_share = match tier {
                Tier::Strategic => 0.15,
                Tier::Key => 0.3,
                Tier::Standard => 0.4,
            };
            let mut since = None;
            let mut churned_on = None;
            if status != AccountStatus::Prospect {
                let recent = status == AccountStatus::Customer && rng.chance(new_share);
                let q = if recent {
                    // Won in the last two years, up to last week.
                    let span = Quarter::of(today).since(first_q);
                    first_q.shift(rng.range(0, i64::from(span)) as i32)
                } else {
                    first_q.shift(-(rng.range(1, 32) as i32))
                };
                let mut d = day_in_quarter(&mut rng, q);
                if d > today - days(7) {
                    d = today - days(rng.range(7, 60));
                }
                since = Some(d);
                if status == AccountStatus::Churned {
                    // Lost at a renewal inside the window, a month ago or more.
                    let renewals: Vec<NaiveDate> = (1..=12)
                        .map(|k| add_years(d, k))
                        .filter(|a| *a >= window_start && *a <= today - days(30))
                        .collect();
                    if renewals.is_empty() {
                        status = AccountStatus::Customer;
                    } else {
                        churned_on = Some(*rng.pick(&renewals));
                    }
                }
            }
            let stale = status != AccountStatus::Churned && rng.chance(0.08);
            Profile { tier, status, stale, owner, since, churned_on, features: 0 }
        })
        .collect();
    place_features(seed, today, &mut profiles);
    profiles
}

fn place_features(seed: u64, today: NaiveDate, profiles: &mut [Profile]) {
    use feature::*;
    let n = profiles.len();
    let mut rng = Rng::derive(seed, STREAM_QUOTA, 0);
    // Open follow-ups: any account still in business.
    let mut eligible: Vec<usize> = (0..n).filter(|&i| profiles[i].status != AccountStatus::Churned).collect();
    rng.shuffle(&mut eligible);
    let quotas = [
        (FOLLOW_UP_OVERDUE, (n / 50).max(3)),
        (FOLLOW_UP_TODAY, (n / 100).max(2)),
        (FOLLOW_UP_UPCOMING, (n / 20).max(4)),
    ];
    assign(profiles, &eligible, &quotas);
    // Unresolved conflicts: customers someone is talking to.
    let mut eligible: Vec<usize> = (0..n)
        .filter(|&i| {
            let p = &profiles[i];
            p.status == AccountStatus::Customer && !p.stale && p.since.is_some_and(|s| s < today)
        })
        .collect();
    rng.shuffle(&mut eligible);
    let open = (n / 25).max(4);
    let quotas =
        [(CONFLICT_BREACHED, (n * 17 / 1000).max(3)), (CONFLICT_CLOSE, (open / 3).max(2)), (CONFLICT_OPEN, open)];
    assign(profiles, &eligible, &quotas);
}

/// Gives each feature to its number of accounts, taking them in turn from
/// `order`; when there are too few accounts, some get more than one.
fn assign(profiles: &mut [Profile], order: &[usize], quotas: &[(u8, usize)]) {
    if order.is_empty() {
        return;
    }
    let mut next = 0;
    for &(feature, count) in quotas {
        for _ in 0..count {
            profiles[order[next % order.len()]].features |= feature;
            next += 1;
        }
    }
}
