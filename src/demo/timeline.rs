//! The timeline of one account: text from templates, the everyday calls,
//! e-mails, meetings and notes walking back from the last touch, and the
//! follow-ups still to do. Activities are collected here and written in
//! time order once the account is complete.

use super::account::{Book, ContactRef, Facts};
use super::calendar::{days, office_moment, workday, Quarter};
use super::names::{fill, Vars};
use super::plan::feature;
use super::rng::Rng;
use super::words::Words;
use crate::domain::{ActivityKind, Tier};
use crate::store::{timestamp, Activity, Store};
use anyhow::Result;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

/// The timeline keeps its tier's cadence for this many days back...
const STEADY_DAYS: f64 = 40.0;
/// ...and then thins out: this many days further back the gaps between
/// touches are twice as long, twice as far back three times, and so on.
/// Older history in a CRM is always sparser than this month's.
const THINNING_DAYS: f64 = 25.0;

/// Fills templates for one account.
pub struct Speaker<'a> {
    w: &'a Words,
    /// The company's short name.
    short: String,
    /// The subscription it has or is offered.
    pub plan: &'static str,
}

impl<'a> Speaker<'a> {
    pub fn new(w: &'a Words, short: String, plan: &'static str) -> Speaker<'a> {
        Speaker { w, short, plan }
    }

    pub fn short(&self) -> &str {
        &self.short
    }

    /// `template` filled in for a moment around `d`; the product is the
    /// plan or an add-on unless given.
    pub fn fill(&self, rng: &mut Rng, template: &str, who: &ContactRef, d: NaiveDate, product: Option<&str>) -> String {
        let product = product.unwrap_or_else(|| if rng.chance(0.45) { self.plan } else { rng.word(&self.w.addons) });
        let next = Quarter::of(d).shift(1).label();
        let year = (d.year() + 1).to_string();
        let invoice = format!("INV-{}-{:05}", d.year(), rng.below(100_000));
        let v = Vars {
            contact: &who.name,
            first: who.first,
            company: &self.short,
            product,
            competitor: rng.word(self.w.templates("competitor")),
            quarter: &next,
            year: &year,
            invoice: &invoice,
        };
        fill(template, &v)
    }

    /// A template from `section`, filled in.
    pub fn say(&self, rng: &mut Rng, section: &str, who: &ContactRef, d: NaiveDate) -> String {
        let t = rng.word(self.w.templates(section));
        self.fill(rng, t, who, d, None)
    }

    /// One or two sentences of notes.
    fn body(&self, rng: &mut Rng, who: &ContactRef, d: NaiveDate) -> String {
        let mut b = self.say(rng, "body", who, d);
        if rng.chance(0.45) {
            b.push(' ');
            b.push_str(&self.say(rng, "body", who, d));
        }
        b
    }
}

/// The activities of one account, collected before they are written.
pub struct Timeline {
    account_id: i64,
    now: DateTime<Utc>,
    /// No contact with the customer after this (stale and churned accounts).
    touch_limit: DateTime<Utc>,
    items: Vec<(DateTime<Utc>, Activity)>,
}

impl Timeline {
    pub fn new(account_id: i64, now: DateTime<Utc>, touch_limit: DateTime<Utc>) -> Timeline {
        Timeline { account_id, now, touch_limit, items: Vec::with_capacity(32) }
    }

    /// Adds an activity and returns it for the caller to fill in, unless it
    /// would lie in the future or break off-contact.
    pub fn add(&mut self, when: DateTime<Utc>, kind: ActivityKind, summary: String) -> Option<&mut Activity> {
        if when > self.now || (kind.is_touch() && when > self.touch_limit) {
            return None;
        }
        self.items.push((
            when,
            Activity {
                account_id: self.account_id,
                kind,
                occurred_at: timestamp(when),
                summary,
                ..Activity::default()
            },
        ));
        self.items.last_mut().map(|(_, a)| a)
    }

    /// Writes everything, oldest first; returns how many.
    pub fn write(mut self, store: &Store) -> Result<usize> {
        self.items.sort_by_key(|(t, _)| *t);
        let n = self.items.len();
        for (_, mut a) in self.items {
            store.insert_unlogged(&mut a)?;
        }
        Ok(n)
    }
}

const KINDS: [ActivityKind; 4] = [ActivityKind::Call, ActivityKind::Email, ActivityKind::Meeting, ActivityKind::Note];

impl Book<'_> {
    /// Calls, e-mails, meetings and notes, walking back from the last touch
    /// to the start of the history; now and then a follow-up, done since.
    pub fn everyday(&self, rng: &mut Rng, f: &Facts<'_>, tl: &mut Timeline) {
        let (today, now) = (self.today, self.now);
        let weights: &[u32] = match f.p.tier {
            Tier::Strategic => &[30, 30, 26, 14],
            Tier::Key => &[36, 36, 14, 14],
            Tier::Standard => &[42, 40, 6, 12],
        };
        // Someone from higher up joins now and then.
        let senior = if f.owner.lead_id == f.owner.id { self.manager_id } else { f.owner.lead_id };
        let mut day = f.last_touch;
        let mut first = true;
        while day >= f.hist_start {
            let t = office_moment(rng, day, now);
            // The newest one is what makes the last touch.
            let kind = KINDS[rng.weighted(if first { &weights[..3] } else { weights })];
            first = false;
            let template = rng.word(self.w.templates(kind.as_str()));
            let who = f.anyone(rng);
            let names_someone = template.contains("{contact}") || template.contains("{first}");
            let summary = f.speaker.fill(rng, template, who, day, None);
            let body_share = match kind {
                ActivityKind::Call => 0.3,
                ActivityKind::Meeting => 0.5,
                ActivityKind::Note => 0.6,
                _ => 0.15,
            };
            let body = rng.chance(body_share).then(|| f.speaker.body(rng, who, day));
            let rep = if rng.chance(0.1) { senior } else { f.owner.id };
            let follow_up = rng.chance(0.08).then(|| {
                let due = day + days(rng.range(2, 10));
                let done = workday(due + days(rng.range(-2, 3))).max(day + days(1));
                (due, done)
            });
            if let Some(a) = tl.add(t, kind, summary) {
                a.contact_id = (kind != ActivityKind::Note || names_someone).then_some(who.id);
                a.rep_id = Some(rep);
                a.body = body;
            }
            if let Some((due, done)) = follow_up {
                let done_at = office_moment(rng, done, now);
                if due < today - days(1) && done_at > t {
                    let s = f.speaker.say(rng, "follow_up", who, day);
                    if let Some(a) = tl.add(t + Duration::minutes(5), ActivityKind::FollowUp, s) {
                        a.contact_id = Some(who.id);
                        a.rep_id = Some(f.owner.id);
                        a.due_on = Some(due);
                        a.done_at = Some(timestamp(done_at));
                    }
                }
            }
            // A churned account was as busy before it left as others are now.
            let age = (f.hist_end - day).num_days() as f64;
            let thinning = 1.0 + (age - STEADY_DAYS).max(0.0) / THINNING_DAYS;
            let gap = f.cadence * rng.uniform(0.5, 1.5) * thinning;
            day -= days((gap as i64).max(1));
        }
    }

    /// The follow-ups placed on this account that are still to do: overdue,
    /// due today, or coming up.
    pub fn open_follow_ups(&self, rng: &mut Rng, f: &Facts<'_>, tl: &mut Timeline) {
        let today = self.today;
        let open: [(u8, i64, i64); 3] = [
            (feature::FOLLOW_UP_OVERDUE, -10, -1),
            (feature::FOLLOW_UP_TODAY, 0, 0),
            (feature::FOLLOW_UP_UPCOMING, 1, 21),
        ];
        for (feature, lo, hi) in open {
            if !f.p.has(feature) {
                continue;
            }
            let due = today + days(rng.range(lo, hi));
            let made = (due - days(rng.range(2, 10))).min(today);
            let t = office_moment(rng, made, self.now);
            let who = f.anyone(rng);
            let s = f.speaker.say(rng, "follow_up", who, made);
            if let Some(a) = tl.add(t, ActivityKind::FollowUp, s) {
                a.contact_id = Some(who.id);
                a.rep_id = Some(f.owner.id);
                a.due_on = Some(due);
            }
        }
    }
}
