//! Account health: a score from 0 to 100 made of signals a person can check.
//! Every account starts at 100; each signal that fires takes points off and
//! says the fact behind it, with its numbers ("no touch in 41 days; cadence
//! for strategic is 14 days: −25"). Pure: the store reads the signals, and
//! `today` is passed in.

use super::{AccountStatus, DealStage, Money, Severity, Tier};
use chrono::NaiveDate;
use serde::Serialize;

/// Where a score falls, by the thresholds of the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Healthy,
    Watch,
    AtRisk,
}

impl Band {
    pub const ALL: [Band; 3] = [Band::Healthy, Band::Watch, Band::AtRisk];

    pub fn label(self) -> &'static str {
        match self {
            Band::Healthy => "healthy",
            Band::Watch => "watch",
            Band::AtRisk => "at risk",
        }
    }

    /// A mark that reads without colour (`NO_COLOR`, a pipe).
    pub fn symbol(self) -> &'static str {
        match self {
            Band::Healthy => "●",
            Band::Watch => "◐",
            Band::AtRisk => "○",
        }
    }
}

/// One signal's part in a score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Which signal: "cadence", "conflicts", "renewal", …
    pub signal: &'static str,
    /// Points added (negative: taken off).
    pub points: i32,
    /// The fact with its numbers, without the points.
    pub fact: String,
}

impl Reason {
    /// "no touch in 41 days; cadence for strategic is 14 days: −25".
    pub fn text(&self) -> String {
        let sign = if self.points < 0 { "−" } else { "+" };
        format!("{}: {sign}{}", self.fact, self.points.unsigned_abs())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Health {
    pub score: u8,
    pub band: Band,
    /// The signals that fired, the heaviest first.
    pub reasons: Vec<Reason>,
}

impl Health {
    /// "● 85" / "○ 20": the band's mark and the score.
    pub fn short(&self) -> String {
        format!("{} {}", self.band.symbol(), self.score)
    }
}

/// Days an account may go without a call, e-mail or meeting, by tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cadence {
    pub strategic: u32,
    pub key: u32,
    pub standard: u32,
}

impl Cadence {
    pub fn of(&self, tier: Tier) -> u32 {
        match tier {
            Tier::Strategic => self.strategic,
            Tier::Key => self.key,
            Tier::Standard => self.standard,
        }
    }

    pub fn set(&mut self, tier: Tier, days: u32) {
        match tier {
            Tier::Strategic => self.strategic = days,
            Tier::Key => self.key = days,
            Tier::Standard => self.standard = days,
        }
    }
}

/// The points each signal takes off at most (0 to 100 each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Weights {
    /// Past twice the cadence (half of it when past the cadence only).
    pub cadence: i32,
    /// Per open conflict, by severity.
    pub conflict_low: i32,
    pub conflict_normal: i32,
    pub conflict_high: i32,
    pub conflict_critical: i32,
    /// Added per open conflict past its SLA.
    pub conflict_breached: i32,
    /// Per conflict opened in the last 90 days (open or not), at most 3 counted.
    pub conflict_recent: i32,
    /// Renewal within 90 days without a meeting in the last 30.
    pub renewal_no_meeting: i32,
    /// Renewal date passed with the renewal deal still open.
    pub renewal_lapsed: i32,
    /// Per open deal stuck in its stage or past its expected close, at most 3 counted.
    pub stuck_deal: i32,
    /// Per deal lost in the last 90 days, at most 2 counted.
    pub recent_loss: i32,
    /// A customer without any open pipeline and nothing won in a year.
    pub no_pipeline: i32,
    /// Activity in the last 90 days less than half of the 90 before.
    pub activity_drop: i32,
    /// No decision maker or champion among the contacts.
    pub role_coverage: i32,
}

impl Weights {
    /// (config name, value) of every weight, in the order the docs list them.
    pub fn named(&self) -> [(&'static str, i32); 14] {
        [
            ("cadence", self.cadence),
            ("conflict_low", self.conflict_low),
            ("conflict_normal", self.conflict_normal),
            ("conflict_high", self.conflict_high),
            ("conflict_critical", self.conflict_critical),
            ("conflict_breached", self.conflict_breached),
            ("conflict_recent", self.conflict_recent),
            ("renewal_no_meeting", self.renewal_no_meeting),
            ("renewal_lapsed", self.renewal_lapsed),
            ("stuck_deal", self.stuck_deal),
            ("recent_loss", self.recent_loss),
            ("no_pipeline", self.no_pipeline),
            ("activity_drop", self.activity_drop),
            ("role_coverage", self.role_coverage),
        ]
    }

    /// Sets the weight of that config name; false for an unknown name.
    pub fn set(&mut self, name: &str, value: i32) -> bool {
        let slot = match name {
            "cadence" => &mut self.cadence,
            "conflict_low" => &mut self.conflict_low,
            "conflict_normal" => &mut self.conflict_normal,
            "conflict_high" => &mut self.conflict_high,
            "conflict_critical" => &mut self.conflict_critical,
            "conflict_breached" => &mut self.conflict_breached,
            "conflict_recent" => &mut self.conflict_recent,
            "renewal_no_meeting" => &mut self.renewal_no_meeting,
            "renewal_lapsed" => &mut self.renewal_lapsed,
            "stuck_deal" => &mut self.stuck_deal,
            "recent_loss" => &mut self.recent_loss,
            "no_pipeline" => &mut self.no_pipeline,
            "activity_drop" => &mut self.activity_drop,
            "role_coverage" => &mut self.role_coverage,
            _ => return false,
        };
        *slot = value;
        true
    }

    fn severity(&self, s: Severity) -> i32 {
        match s {
            Severity::Low => self.conflict_low,
            Severity::Normal => self.conflict_normal,
            Severity::High => self.conflict_high,
            Severity::Critical => self.conflict_critical,
        }
    }
}

/// What health and the suggestions are measured with: the `[health]` section
/// of the config file, or these defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HealthConfig {
    pub cadence: Cadence,
    pub weights: Weights,
    /// A score at or above this is healthy.
    pub healthy_from: u8,
    /// At or above this (and below `healthy_from`) is watch; below, at risk.
    pub watch_from: u8,
    /// Days in one stage after which an open deal counts as stuck.
    pub stuck_days: u32,
    /// A conflict due within this many hours is about to breach.
    pub breach_warning_hours: u32,
    /// Days after churning before a win-back is worth a try.
    pub win_back_after_days: u32,
}

impl Default for HealthConfig {
    fn default() -> HealthConfig {
        HealthConfig {
            cadence: Cadence { strategic: 14, key: 30, standard: 90 },
            weights: Weights {
                cadence: 25,
                conflict_low: 3,
                conflict_normal: 6,
                conflict_high: 12,
                conflict_critical: 20,
                conflict_breached: 10,
                conflict_recent: 2,
                renewal_no_meeting: 15,
                // Revenue already at risk: on its own it puts an account on watch.
                renewal_lapsed: 35,
                stuck_deal: 5,
                recent_loss: 5,
                no_pipeline: 5,
                activity_drop: 10,
                role_coverage: 10,
            },
            healthy_from: 70,
            watch_from: 40,
            stuck_days: 45,
            breach_warning_hours: 24,
            win_back_after_days: 180,
        }
    }
}

impl HealthConfig {
    pub fn band(&self, score: u8) -> Band {
        if score >= self.healthy_from {
            Band::Healthy
        } else if score >= self.watch_from {
            Band::Watch
        } else {
            Band::AtRisk
        }
    }

    /// Checks ranges: each weight 0 to 100, thresholds 0 to 100 with watch
    /// below healthy, cadences 1 to 3650 days. The message names the key.
    pub fn check(&self) -> Result<(), String> {
        for (name, w) in self.weights.named() {
            if !(0..=100).contains(&w) {
                return Err(format!("weights.{name} = {w} is out of range; expected 0 to 100"));
            }
        }
        if self.healthy_from > 100 || self.watch_from > 100 {
            return Err("healthy and watch are scores; expected 0 to 100".into());
        }
        if self.watch_from >= self.healthy_from {
            return Err(format!(
                "watch = {} is not below healthy = {}; expected watch < healthy",
                self.watch_from, self.healthy_from
            ));
        }
        for tier in Tier::ALL {
            let d = self.cadence.of(*tier);
            if !(1..=3650).contains(&d) {
                return Err(format!("cadence.{tier} = {d} days is out of range; expected 1 to 3650"));
            }
        }
        Ok(())
    }
}

/// An open conflict as health reads it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConflictSignal {
    pub severity: Severity,
    pub breached: bool,
}

/// An open deal as health and suggestions read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealSignal {
    pub id: i64,
    pub name: String,
    pub stage: DealStage,
    pub amount: Money,
    /// The day it entered its stage (its last move, else its opening).
    pub stage_since: NaiveDate,
    pub expected_close: Option<NaiveDate>,
}

impl DealSignal {
    /// Why it is stuck, or `None`: in its stage longer than `stuck_days`,
    /// or past its expected close without having moved since.
    pub fn stuck(&self, stuck_days: u32, today: NaiveDate) -> Option<String> {
        let in_stage = (today - self.stage_since).num_days();
        if in_stage > i64::from(stuck_days) {
            return Some(format!(
                "in {} for {in_stage} days (stuck after {stuck_days})",
                self.stage.label().to_lowercase()
            ));
        }
        match self.expected_close {
            Some(close) if close < today && self.stage_since <= close => {
                Some(format!("{} days past its expected close on {close}", (today - close).num_days()))
            }
            _ => None,
        }
    }
}

/// Everything health reads about one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSignals {
    pub account_id: i64,
    pub tier: Tier,
    pub status: AccountStatus,
    /// The last call, e-mail or meeting.
    pub last_touch: Option<NaiveDate>,
    pub renewal_date: Option<NaiveDate>,
    /// The last meeting, when one was in the last 180 days.
    pub last_meeting: Option<NaiveDate>,
    pub open_conflicts: Vec<ConflictSignal>,
    /// Conflicts opened in the last 90 days, resolved or not.
    pub conflicts_90d: u32,
    pub open_deals: Vec<DealSignal>,
    /// An open deal whose name says it is the renewal.
    pub renewal_deal_open: bool,
    /// Deals lost in the last 90 days: (count, amount).
    pub lost_90d: (u32, Money),
    /// Deals won in the last 365 days.
    pub won_365d: u32,
    /// Activities (calls, e-mails, meetings, notes) in the last 90 days and the 90 before.
    pub activities_recent: u32,
    pub activities_before: u32,
    /// Live contacts, and whether one of them is a decision maker or champion.
    pub contacts: u32,
    pub has_sponsor: bool,
}

impl AccountSignals {
    /// An account with nothing known about it yet.
    pub fn new(account_id: i64, tier: Tier, status: AccountStatus) -> AccountSignals {
        AccountSignals {
            account_id,
            tier,
            status,
            last_touch: None,
            renewal_date: None,
            last_meeting: None,
            open_conflicts: Vec::new(),
            conflicts_90d: 0,
            open_deals: Vec::new(),
            renewal_deal_open: false,
            lost_90d: (0, Money::ZERO),
            won_365d: 0,
            activities_recent: 0,
            activities_before: 0,
            contacts: 0,
            has_sponsor: false,
        }
    }
}

fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The cadence signal alone: `Some((days since the touch or None for never,
/// cadence))` when the account is past its cadence. Suggestions share it.
pub fn past_cadence(s: &AccountSignals, cfg: &HealthConfig, today: NaiveDate) -> Option<(Option<i64>, u32)> {
    if s.status == AccountStatus::Churned {
        return None;
    }
    let cadence = cfg.cadence.of(s.tier);
    match s.last_touch {
        None => Some((None, cadence)),
        Some(t) => {
            let days = (today - t).num_days();
            (days > i64::from(cadence)).then_some((Some(days), cadence))
        }
    }
}

/// The account's health on `today`.
pub fn score(inputs: &AccountSignals, cfg: &HealthConfig, today: NaiveDate) -> Health {
    let w = &cfg.weights;
    let s = inputs;
    let mut reasons: Vec<Reason> = Vec::new();
    let mut add = |signal: &'static str, points: i32, fact: String| {
        if points != 0 {
            reasons.push(Reason { signal, points, fact });
        }
    };

    // Cadence: half the weight past the cadence, all of it past twice the cadence or never touched.
    if let Some((days, cadence)) = past_cadence(s, cfg, today) {
        let tier = s.tier.as_str();
        match days {
            None => add("cadence", -w.cadence, format!("never touched; cadence for {tier} is {cadence} days")),
            Some(d) => {
                let full = d > 2 * i64::from(cadence);
                let points = if full { w.cadence } else { (w.cadence + 1) / 2 };
                add("cadence", -points, format!("no touch in {d} days; cadence for {tier} is {cadence} days"))
            }
        }
    }

    // Open conflicts by severity, breached ones weighing more.
    if !s.open_conflicts.is_empty() {
        let mut points = 0;
        let mut by_sev: Vec<(Severity, u32, u32)> = Vec::new();
        for c in &s.open_conflicts {
            points += w.severity(c.severity) + if c.breached { w.conflict_breached } else { 0 };
            match by_sev.iter_mut().find(|(sev, ..)| *sev == c.severity) {
                Some(e) => {
                    e.1 += 1;
                    e.2 += u32::from(c.breached);
                }
                None => by_sev.push((c.severity, 1, u32::from(c.breached))),
            }
        }
        by_sev.sort_by_key(|e| std::cmp::Reverse(e.0));
        let parts: Vec<String> = by_sev
            .iter()
            .map(|(sev, n, breached)| {
                let b = if *breached > 0 { format!(" ({breached} breached)") } else { String::new() };
                format!("{n} {}{b}", sev.as_str())
            })
            .collect();
        let n = s.open_conflicts.len() as i64;
        add(
            "conflicts",
            -points.min(50),
            format!("{}: {}", plural(n, "open conflict", "open conflicts"), parts.join(", ")),
        );
    }
    if s.conflicts_90d > 0 {
        let counted = s.conflicts_90d.min(3) as i32;
        add(
            "recent conflicts",
            -(w.conflict_recent * counted),
            format!(
                "{} in the last 90 days",
                plural(i64::from(s.conflicts_90d), "conflict opened", "conflicts opened")
            ),
        );
    }

    // Renewals.
    if s.status != AccountStatus::Churned {
        if let Some(renewal) = s.renewal_date {
            let days = (renewal - today).num_days();
            if days < 0 && s.renewal_deal_open {
                add(
                    "renewal",
                    -w.renewal_lapsed,
                    format!("renewal lapsed {} days ago ({renewal}) with the renewal deal still open", -days),
                );
            } else if (0..=90).contains(&days) {
                let met = s.last_meeting.is_some_and(|m| (today - m).num_days() <= 30);
                if !met {
                    add(
                        "renewal",
                        -w.renewal_no_meeting,
                        format!("renewal in {days} days ({renewal}); no meeting in the last 30 days"),
                    );
                }
            }
        }
    }

    // Deal momentum: stuck deals, recent losses, no pipeline.
    let stuck: Vec<(&DealSignal, String)> =
        s.open_deals.iter().filter_map(|d| d.stuck(cfg.stuck_days, today).map(|why| (d, why))).collect();
    if let Some((first, why)) = stuck.first() {
        let more = if stuck.len() > 1 { format!(" (+{} more)", stuck.len() - 1) } else { String::new() };
        add(
            "stuck deals",
            -(w.stuck_deal * stuck.len().min(3) as i32),
            format!("{} stuck: \"{}\" {why}{more}", plural(stuck.len() as i64, "deal", "deals"), first.name),
        );
    }
    if s.lost_90d.0 > 0 {
        add(
            "lost deals",
            -(w.recent_loss * s.lost_90d.0.min(2) as i32),
            format!(
                "{} lost in the last 90 days ({})",
                plural(i64::from(s.lost_90d.0), "deal", "deals"),
                s.lost_90d.1.compact()
            ),
        );
    }
    if s.status == AccountStatus::Customer && s.open_deals.is_empty() && s.won_365d == 0 {
        add("pipeline", -w.no_pipeline, "no open deal and nothing won in the last 365 days".into());
    }

    // Activity trend over the last two quarters (90-day windows).
    if s.activities_before >= 4 && s.activities_recent * 2 < s.activities_before {
        add(
            "activity trend",
            -w.activity_drop,
            format!(
                "activity down from {} to {} (the 90 days before against the last 90)",
                s.activities_before, s.activities_recent
            ),
        );
    }

    // Role coverage.
    if s.status != AccountStatus::Churned && !s.has_sponsor {
        let fact = if s.contacts == 0 {
            "no contacts, so no decision maker or champion".to_string()
        } else {
            format!("no decision maker or champion among {}", plural(i64::from(s.contacts), "contact", "contacts"))
        };
        add("role coverage", -w.role_coverage, fact);
    }

    reasons.sort_by(|a, b| a.points.cmp(&b.points).then(a.signal.cmp(b.signal)));
    let total: i32 = 100 + reasons.iter().map(|r| r.points).sum::<i32>();
    let score = total.clamp(0, 100) as u8;
    Health { score, band: cfg.band(score), reasons }
}

#[cfg(test)]
mod tests;
