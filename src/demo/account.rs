//! One account and everything in it: the company, its people, its deals
//! and conflicts, and a timeline that fits all of these.

use super::calendar::{add_years, at, days, office_moment, workday, Quarter};
use super::names::{fill, phone, CompanyNames, Person, Vars};
use super::plan::{feature, Profile, STREAM_ACCOUNT};
use super::rng::Rng;
use super::words::Words;
use super::{DemoSummary, QUARTERS};
use crate::domain::{
    AccountStatus, ActivityKind, ConflictStatus, ContactRole, DealStage, Money, Severity, Tier,
};
use crate::store::{timestamp, Account, Activity, Conflict, Contact, Deal, Store};
use anyhow::Result;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

/// The timeline keeps its tier's cadence for this many days back...
const STEADY_DAYS: f64 = 40.0;
/// ...and then thins out: this many days further back the gaps between
/// touches are twice as long, twice as far back three times, and so on.
/// Older history in a CRM is always sparser than this month's.
const THINNING_DAYS: f64 = 25.0;

/// A rep who owns accounts.
#[derive(Debug, Clone)]
pub struct Owner {
    pub id: i64,
    /// The team lead of the owner's team (the owner, for a lead).
    pub lead_id: i64,
}

/// An account that subsidiaries may hang under.
#[derive(Debug, Clone)]
pub struct ParentInfo {
    id: i64,
    short: String,
    sector: usize,
}

/// Everything the generator carries from one account to the next.
pub struct Book<'a> {
    pub store: &'a Store,
    pub w: &'a Words,
    pub seed: u64,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    /// The first of the quarters with history; the current one is the last.
    pub first_q: Quarter,
    pub owners: Vec<Owner>,
    pub manager_id: i64,
    pub names: CompanyNames,
    pub parents: Vec<ParentInfo>,
    /// Won revenue in cents, per owner and quarter (0 = `first_q`).
    pub won: Vec<[i64; QUARTERS]>,
    pub next_ref: u32,
    pub summary: DemoSummary,
}

/// A contact as the timeline needs it.
struct Person2 {
    id: i64,
    name: String,
    first: &'static str,
    role: ContactRole,
}

/// Fills templates for one account.
struct Speaker<'a> {
    w: &'a Words,
    short: &'a str,
    plan: &'static str,
}

impl Speaker<'_> {
    fn fill(
        &self,
        rng: &mut Rng,
        template: &str,
        who: Option<&Person2>,
        d: NaiveDate,
        product: Option<&str>,
    ) -> String {
        let product = product.unwrap_or_else(|| {
            if rng.chance(0.45) {
                self.plan
            } else {
                *rng.pick(&self.w.addons)
            }
        });
        let next = Quarter::of(d).shift(1).label();
        let year = (d.year() + 1).to_string();
        let invoice = format!("INV-{}-{:05}", d.year(), rng.below(100_000));
        let v = Vars {
            contact: who.map_or("their team", |p| p.name.as_str()),
            first: who.map_or("they", |p| p.first),
            company: self.short,
            product,
            competitor: rng.word(self.w.templates("competitor")),
            quarter: &next,
            year: &year,
            invoice: &invoice,
        };
        fill(template, &v)
    }

    fn say(&self, rng: &mut Rng, section: &str, who: Option<&Person2>, d: NaiveDate) -> String {
        let t = *rng.pick(self.w.templates(section));
        self.fill(rng, t, who, d, None)
    }

    /// One to two sentences of notes.
    fn body(&self, rng: &mut Rng, who: Option<&Person2>, d: NaiveDate) -> String {
        let mut b = self.say(rng, "body", who, d);
        if rng.chance(0.45) {
            b.push(' ');
            b.push_str(&self.say(rng, "body", who, d));
        }
        b
    }
}

/// The activities of one account, collected before they are written in
/// time order.
struct Timeline {
    account_id: i64,
    now: DateTime<Utc>,
    /// Contact with the customer ends here (stale and churned accounts).
    touch_limit: DateTime<Utc>,
    items: Vec<(DateTime<Utc>, Activity)>,
}

impl Timeline {
    fn add(
        &mut self,
        when: DateTime<Utc>,
        kind: ActivityKind,
        summary: String,
    ) -> Option<&mut Activity> {
        if when > self.now || (kind.is_touch() && when > self.touch_limit) {
            return None;
        }
        let a = Activity {
            account_id: self.account_id,
            kind,
            occurred_at: timestamp(when),
            summary,
            ..Activity::default()
        };
        self.items.push((when, a));
        self.items.last_mut().map(|(_, a)| a)
    }
}

/// A plan for one deal before it is written.
struct DealPlan {
    label: String,
    product: &'static str,
    stage: DealStage,
    amount: i64,
    closed_on: Option<NaiveDate>,
    expected_close: Option<NaiveDate>,
    renewal: bool,
}

/// `cents` in whole units with thousands separators: `48,500`.
pub fn units(cents: i64) -> String {
    let s = (cents / 100).to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Rounds to a whole number of `step` units, never to zero; in cents.
pub(super) fn round_to(cents: f64, step_units: i64) -> i64 {
    let step = step_units * 100;
    (((cents / step as f64) + 0.5) as i64).max(1) * step
}

fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

fn stage_from(rng: &mut Rng, weights: &[u32; 4]) -> DealStage {
    [
        DealStage::Prospecting,
        DealStage::Qualified,
        DealStage::Proposal,
        DealStage::Negotiation,
    ][rng.weighted(weights)]
}

impl Book<'_> {
    pub fn account(&mut self, i: usize, p: &Profile) -> Result<()> {
        let mut rng = Rng::derive(self.seed, STREAM_ACCOUNT, i as u64);
        let w = self.w;
        let (today, now) = (self.today, self.now);
        let window_start = self.first_q.start();
        let owner = self.owners[p.owner].clone();

        // The company.
        let parent = (i >= 20 && !self.parents.is_empty() && rng.chance(0.05))
            .then(|| self.parents[rng.index(self.parents.len())].clone());
        let sector_idx = match &parent {
            Some(pa) => pa.sector,
            None => rng.index(w.sectors.len()),
        };
        let sector = &w.sectors[sector_idx];
        let country = &w.countries[rng.weighted(&w.country_weights)];
        let city = rng.pick(&country.cities);
        let name = match &parent {
            Some(pa) => self.names.subsidiary(w, &mut rng, &pa.short, country, city),
            None => self.names.company(w, &mut rng, sector, country, city),
        };
        let (lo, hi, step) = match p.tier {
            Tier::Strategic => (250_000, 2_000_000, 1_000),
            Tier::Key => (50_000, 250_000, 500),
            Tier::Standard => (5_000, 50_000, 100),
        };
        // Most accounts sit in the lower part of their tier's band.
        let u = rng.unit();
        let value = round_to((lo as f64 + (hi - lo) as f64 * u * u) * 100.0, step);
        let growth = if p.status == AccountStatus::Churned {
            rng.uniform(-0.1, 0.05)
        } else {
            rng.uniform(0.0, 0.16)
        };
        let value_at = |d: NaiveDate| -> f64 {
            let years = (today - d).num_days() as f64 / 365.0;
            value as f64 / (1.0 + growth * years)
        };
        let renewal = match (p.status, p.since) {
            (AccountStatus::Customer, Some(since)) => {
                let mut r = since;
                let mut k = 1;
                while r <= since || r < today - days(21) {
                    r = add_years(since, k);
                    k += 1;
                }
                Some(r)
            }
            _ => None,
        };
        let notes = match p.status {
            AccountStatus::Prospect => rng
                .chance(0.5)
                .then(|| rng.pick(w.templates("prospect_note")).to_string()),
            AccountStatus::Churned => p.churned_on.map(|c| {
                format!(
                    "Did not renew in {}; moved to a competitor.",
                    c.format("%B %Y")
                )
            }),
            AccountStatus::Customer => rng.chance(0.35).then(|| {
                let since = p.since.map_or(today.year(), |s| s.year());
                let mut n = format!("Customer since {since}.");
                if rng.chance(0.6) {
                    n.push(' ');
                    n.push_str(rng.pick(w.templates("account_note")).as_ref());
                }
                n
            }),
        };
        let mut account = Account {
            name: name.full.clone(),
            sector: Some(sector.name.to_string()),
            tier: p.tier,
            status: p.status,
            owner_id: Some(owner.id),
            parent_id: parent.as_ref().map(|pa| pa.id),
            annual_value: Money(value),
            renewal_date: renewal,
            website: rng.chance(0.9).then(|| format!("www.{}", name.domain)),
            phone: Some(phone(&mut rng, country, city, true)),
            city: Some(city.name.to_string()),
            country: Some(country.name.to_string()),
            notes,
            ..Account::default()
        };
        let account_id = self.store.insert_unlogged(&mut account)?;
        self.summary.accounts += 1;
        if parent.is_none() && p.tier != Tier::Standard && p.status != AccountStatus::Churned {
            self.parents.push(ParentInfo {
                id: account_id,
                short: name.short.clone(),
                sector: sector_idx,
            });
        }

        // The people.
        let count = 2 + match p.tier {
            Tier::Strategic => rng.weighted(&[5, 30, 35, 30]),
            _ => rng.weighted(&[30, 40, 20, 10]),
        };
        let mut people: Vec<Person2> = Vec::with_capacity(count);
        for k in 0..count {
            let mut person = Person::random(w, &mut rng, country);
            while people.iter().any(|x| x.name == person.name()) {
                person = Person::random(w, &mut rng, country);
            }
            let role = if k == 0 {
                if rng.chance(0.55) {
                    ContactRole::DecisionMaker
                } else {
                    ContactRole::Champion
                }
            } else {
                ContactRole::ALL[rng.weighted(&[10, 10, 15, 20, 18, 20, 7])]
            };
            let mut c = Contact {
                account_id,
                name: person.name(),
                title: Some(rng.pick(w.titles(role)).to_string()),
                role,
                email: rng.chance(0.95).then(|| person.email(&name.domain)),
                phone: rng
                    .chance(0.85)
                    .then(|| phone(&mut rng, country, city, false)),
                is_primary: k == 0,
                ..Contact::default()
            };
            let id = self.store.insert_unlogged(&mut c)?;
            people.push(Person2 {
                id,
                name: c.name,
                first: person.first,
                role,
            });
        }
        self.summary.contacts += people.len();

        // The span of the relationship.
        let base = match p.tier {
            Tier::Strategic => rng.uniform(4.0, 9.0),
            Tier::Key => rng.uniform(15.0, 24.0),
            Tier::Standard => rng.uniform(35.0, 50.0),
        };
        let last_touch = if p.stale {
            today - days(rng.range(90, 200))
        } else if let Some(c) = p.churned_on {
            (c + days(rng.range(0, 10))).min(today - days(1))
        } else {
            today - days(rng.range(0, base as i64))
        };
        let start = match p.since {
            Some(s) => (s - days(rng.range(20, 90))).max(window_start),
            None => today - days(rng.range(30, 420)),
        };
        let hist_start = start.min(last_touch - days(14));
        let hist_end = if p.churned_on.is_some() {
            last_touch
        } else {
            today
        };
        let touch_limit = if p.stale || p.churned_on.is_some() {
            at(last_touch, 23 * 60 + 59)
        } else {
            now
        };
        let mut tl = Timeline {
            account_id,
            now,
            touch_limit,
            items: Vec::with_capacity(32),
        };
        let speaker = Speaker {
            w,
            short: &name.short,
            plan: w.plan(p.tier),
        };
        let pick_contact = |rng: &mut Rng| -> usize {
            if rng.chance(0.4) {
                0
            } else {
                rng.index(people.len())
            }
        };
        let someone_in = |rng: &mut Rng, roles: &[ContactRole]| -> usize {
            let fits: Vec<usize> = (0..people.len())
                .filter(|&k| roles.contains(&people[k].role))
                .collect();
            if fits.is_empty() {
                0
            } else {
                *rng.pick(&fits)
            }
        };

        // Deals, oldest first.
        let mut plans: Vec<DealPlan> = Vec::new();
        if let Some(since) = p.since {
            if since >= window_start {
                plans.push(DealPlan {
                    label: speaker.plan.to_string(),
                    product: speaker.plan,
                    stage: DealStage::Won,
                    amount: round_to(value_at(since) * rng.uniform(0.6, 0.95), step),
                    closed_on: Some(workday(since).max(window_start)),
                    expected_close: None,
                    renewal: false,
                });
            }
            let renewed_until = p.churned_on.unwrap_or(today - days(21));
            for k in 1..=40 {
                let a = add_years(since, k);
                if a >= renewed_until {
                    break;
                }
                if a < window_start {
                    continue;
                }
                plans.push(DealPlan {
                    label: format!("Renewal {}", a.year()),
                    product: speaker.plan,
                    stage: DealStage::Won,
                    amount: round_to(value_at(a), step),
                    closed_on: Some(workday(a - days(rng.range(0, 14))).max(window_start)),
                    expected_close: None,
                    renewal: true,
                });
            }
            if let Some(c) = p.churned_on {
                plans.push(DealPlan {
                    label: format!("Renewal {}", c.year()),
                    product: speaker.plan,
                    stage: DealStage::Lost,
                    amount: round_to(value_at(c), step),
                    closed_on: Some(workday(c)),
                    expected_close: None,
                    renewal: true,
                });
            }
            if let Some(r) = renewal {
                let until = (r - today).num_days();
                if until <= 150 {
                    let stage = match until {
                        ..=30 => DealStage::Negotiation,
                        31..=75 => DealStage::Proposal,
                        76..=120 => DealStage::Qualified,
                        _ => DealStage::Prospecting,
                    };
                    let close = if until < 3 {
                        today + days(rng.range(5, 20))
                    } else {
                        r
                    };
                    plans.push(DealPlan {
                        label: format!("Renewal {}", r.year()),
                        product: speaker.plan,
                        stage,
                        amount: round_to(value as f64 * rng.uniform(1.0, 1.12), step),
                        closed_on: None,
                        expected_close: Some(close),
                        renewal: true,
                    });
                }
            }
            if p.status == AccountStatus::Customer && rng.chance(0.3) {
                let addon = *rng.pick(&w.addons);
                let amount = round_to(value as f64 * rng.uniform(0.08, 0.35), step);
                let lo = (since + days(60)).max(window_start);
                let span = (today - days(1) - lo).num_days();
                let roll = rng.weighted(&[40, 20, 40]);
                let (stage, closed_on, expected_close) = if roll < 2 && span > 0 {
                    let d = workday(lo + days(rng.range(0, span)));
                    let stage = if roll == 0 {
                        DealStage::Won
                    } else {
                        DealStage::Lost
                    };
                    (stage, Some(d), None)
                } else {
                    let stage = stage_from(&mut rng, &[30, 30, 25, 15]);
                    (stage, None, Some(today + days(rng.range(30, 180))))
                };
                plans.push(DealPlan {
                    label: addon.to_string(),
                    product: addon,
                    stage,
                    amount,
                    closed_on,
                    expected_close,
                    renewal: false,
                });
            }
        } else {
            if rng.chance(0.25) && (today - hist_start).num_days() > 40 {
                let d = hist_start + days(rng.range(20, (today - hist_start).num_days() - 10));
                plans.push(DealPlan {
                    label: format!("{} trial", speaker.plan),
                    product: speaker.plan,
                    stage: DealStage::Lost,
                    amount: round_to(value as f64 * rng.uniform(0.2, 0.5), step),
                    closed_on: Some(workday(d)),
                    expected_close: None,
                    renewal: false,
                });
            }
            if rng.chance(0.6) {
                plans.push(DealPlan {
                    label: speaker.plan.to_string(),
                    product: speaker.plan,
                    stage: stage_from(&mut rng, &[35, 30, 20, 15]),
                    amount: round_to(value as f64 * rng.uniform(0.7, 1.0), step),
                    closed_on: None,
                    expected_close: Some(today + days(rng.range(30, 180))),
                    renewal: false,
                });
            }
        }
        // At most four per account: the oldest closed ones give way.
        plans.sort_by_key(|d| d.closed_on.or(d.expected_close));
        while plans.len() > 4 {
            plans.remove(0);
        }
        for plan in plans {
            let manual = plan.closed_on.is_none() && rng.chance(0.15);
            let default = plan.stage.default_probability();
            let probability = if manual {
                (i64::from(default) + rng.range(-3, 3) * 5).clamp(5, 95) as u8
            } else {
                default
            };
            let external_ref = rng.chance(0.4).then(|| {
                self.next_ref += 1;
                format!("OPP-{:06}", self.next_ref)
            });
            let mut deal = Deal {
                account_id,
                owner_id: Some(owner.id),
                name: format!("{} - {}", name.short, plan.label),
                product: Some(plan.product.to_string()),
                stage: plan.stage,
                amount: Money(plan.amount),
                probability,
                probability_manual: manual,
                expected_close: plan.expected_close.or(plan.closed_on),
                closed_on: plan.closed_on,
                external_ref,
                ..Deal::default()
            };
            let deal_id = self.store.insert_unlogged(&mut deal)?;
            self.summary.deals += 1;
            let label = &plan.label;
            match (plan.stage, plan.closed_on) {
                (DealStage::Won, Some(d)) => {
                    let q = Quarter::of(d).since(self.first_q);
                    if (0..QUARTERS as i32).contains(&q) {
                        self.won[p.owner][q as usize] += plan.amount;
                    }
                    let before = d - days(rng.range(7, 35));
                    if rng.chance(0.15) && before >= window_start {
                        let t = office_moment(&mut rng, before, now);
                        let s = format!("Deal \"{label}\" moved to negotiation");
                        if let Some(a) = tl.add(t, ActivityKind::Event, s) {
                            a.deal_id = Some(deal_id);
                            a.rep_id = Some(owner.id);
                        }
                    }
                    let t = office_moment(&mut rng, d, now);
                    let s = format!("Deal \"{label}\" won: {}", units(plan.amount));
                    if let Some(a) = tl.add(t, ActivityKind::Event, s) {
                        a.deal_id = Some(deal_id);
                        a.rep_id = Some(owner.id);
                    }
                }
                (_, Some(d)) => {
                    let reason = if plan.renewal {
                        "did not renew".to_string()
                    } else {
                        match rng.below(4) {
                            0 => format!("went with {}", rng.pick(w.templates("competitor"))),
                            1 => "no budget this year".to_string(),
                            2 => "project cancelled".to_string(),
                            _ => "price".to_string(),
                        }
                    };
                    let t = office_moment(&mut rng, d, now);
                    let s = format!("Deal \"{label}\" lost: {reason}");
                    if let Some(a) = tl.add(t, ActivityKind::Event, s) {
                        a.deal_id = Some(deal_id);
                        a.rep_id = Some(owner.id);
                    }
                }
                (stage, None) => {
                    let d = (today - days(rng.range(1, 40))).max(hist_start);
                    let t = office_moment(&mut rng, d, now);
                    let s = if stage == DealStage::Prospecting {
                        format!("Deal \"{label}\" opened")
                    } else {
                        format!("Deal \"{label}\" moved to {}", stage.label().to_lowercase())
                    };
                    if let Some(a) = tl.add(t, ActivityKind::Event, s) {
                        a.deal_id = Some(deal_id);
                        a.rep_id = Some(owner.id);
                    }
                }
            }
            // Talking about it.
            if rng.chance(0.3) {
                let d = match plan.closed_on {
                    Some(c) => c - days(rng.range(2, 25)),
                    None => today - days(rng.range(1, 30)),
                };
                if d >= hist_start {
                    let line = *rng.pick(w.templates("deal_touch"));
                    let (kind, template) = line.split_once('|').unwrap_or(("email", line));
                    let kind: ActivityKind = kind.trim().parse().unwrap_or(ActivityKind::Email);
                    let k = someone_in(
                        &mut rng,
                        &[
                            ContactRole::DecisionMaker,
                            ContactRole::Finance,
                            ContactRole::Champion,
                        ],
                    );
                    let who = &people[k];
                    let s =
                        speaker.fill(&mut rng, template.trim(), Some(who), d, Some(plan.product));
                    let t = office_moment(&mut rng, d, now);
                    if let Some(a) = tl.add(t, kind, s) {
                        a.deal_id = Some(deal_id);
                        a.contact_id = Some(who.id);
                        a.rep_id = Some(owner.id);
                    }
                }
            }
        }

        // Conflicts.
        #[derive(Clone, Copy, PartialEq)]
        enum Shape {
            Resolved,
            Breached,
            Close,
            Open,
        }
        let mut shapes = Vec::new();
        if p.has(feature::CONFLICT_BREACHED) {
            shapes.push(Shape::Breached);
        }
        if p.has(feature::CONFLICT_CLOSE) {
            shapes.push(Shape::Close);
        }
        if p.has(feature::CONFLICT_OPEN) {
            shapes.push(Shape::Open);
        }
        if p.status != AccountStatus::Prospect && rng.chance(0.12) {
            for _ in 0..=rng.weighted(&[70, 20, 10]) {
                shapes.push(Shape::Resolved);
            }
        }
        for shape in shapes {
            let severity = Severity::ALL[if shape == Shape::Breached {
                rng.weighted(&[15, 35, 30, 20])
            } else {
                rng.weighted(&[30, 40, 20, 10])
            }];
            let sla = severity.sla_hours() * 60;
            let (opened, resolved, level) = match shape {
                Shape::Resolved => {
                    let lo = hist_start.max(window_start);
                    let span = (hist_end - days(31) - lo).num_days();
                    if span <= 0 {
                        continue;
                    }
                    let day = lo + days(rng.range(0, span));
                    let opened = office_moment(&mut rng, day, now);
                    let late = rng.chance(0.2);
                    let took = if late {
                        sla as f64 * rng.uniform(1.05, 3.0)
                    } else {
                        sla as f64 * rng.uniform(0.1, 0.9)
                    };
                    let level = if late {
                        rng.weighted(&[20, 55, 25]) as u8
                    } else {
                        u8::from(rng.chance(0.1))
                    };
                    (opened, Some(opened + minutes(took as i64)), level)
                }
                Shape::Breached => {
                    let opened = now - minutes(sla + rng.range(60, 60 * 60));
                    let level = if rng.chance(0.7) {
                        1 + u8::from(rng.chance(0.35))
                    } else {
                        0
                    };
                    (opened, None, level)
                }
                Shape::Close => (now - minutes(sla - rng.range(60, 360)), None, 0),
                Shape::Open => {
                    let opened = now - minutes((sla as f64 * rng.uniform(0.05, 0.6)) as i64);
                    (opened, None, u8::from(rng.chance(0.15)))
                }
            };
            let escalated = (level > 0).then(|| {
                let cap = resolved.unwrap_or(now);
                (opened + minutes(sla * 3 / 4)).min(opened + (cap - opened) / 2)
            });
            let k = pick_contact(&mut rng);
            let who = &people[k];
            let line = *rng.pick(w.templates("conflict"));
            let mut parts = line.split('|').map(str::trim);
            let title = parts.next().unwrap_or(line);
            let fixes: Vec<&str> = parts.collect();
            let title = speaker.fill(&mut rng, title, Some(who), opened.date_naive(), None);
            let description = rng.chance(0.7).then(|| {
                speaker.say(
                    &mut rng,
                    "conflict_description",
                    Some(who),
                    opened.date_naive(),
                )
            });
            let resolution = resolved.map(|r| {
                let fix = if fixes.is_empty() {
                    "Resolved with the customer."
                } else {
                    *rng.pick(&fixes)
                };
                speaker.fill(&mut rng, fix, Some(who), r.date_naive(), None)
            });
            let status = if resolved.is_some() {
                ConflictStatus::Resolved
            } else {
                [
                    ConflictStatus::Open,
                    ConflictStatus::InProgress,
                    ConflictStatus::Waiting,
                ][rng.weighted(&[40, 40, 20])]
            };
            let mut c = Conflict {
                account_id,
                contact_id: Some(who.id),
                owner_id: Some(owner.id),
                title: title.clone(),
                description,
                severity,
                status,
                opened_at: timestamp(opened),
                sla_due_at: timestamp(opened + minutes(sla)),
                escalation_level: level,
                escalated_at: escalated.map(timestamp),
                resolved_at: resolved.map(timestamp),
                resolution: resolution.clone(),
                ..Conflict::default()
            };
            let conflict_id = self.store.insert_unlogged(&mut c)?;
            self.summary.conflicts += 1;
            let event = |tl: &mut Timeline, t: DateTime<Utc>, s: String, body: Option<String>| {
                if let Some(a) = tl.add(t, ActivityKind::Event, s) {
                    a.conflict_id = Some(conflict_id);
                    a.rep_id = Some(owner.id);
                    a.body = body;
                }
            };
            event(&mut tl, opened, format!("Conflict opened: {title}"), None);
            if let Some(t) = escalated {
                event(
                    &mut tl,
                    t,
                    format!("Conflict escalated to level {level}: {title}"),
                    None,
                );
            }
            if let Some(t) = resolved {
                event(
                    &mut tl,
                    t,
                    format!("Conflict resolved: {title}"),
                    resolution,
                );
            }
            if rng.chance(0.6) {
                let t = opened + minutes(rng.range(30, 600));
                if resolved.is_none_or(|r| t < r) {
                    let kind = if rng.chance(0.7) {
                        ActivityKind::Call
                    } else {
                        ActivityKind::Email
                    };
                    let s = speaker.say(&mut rng, "conflict_touch", Some(who), t.date_naive());
                    if let Some(a) = tl.add(t, kind, s) {
                        a.conflict_id = Some(conflict_id);
                        a.contact_id = Some(who.id);
                        a.rep_id = Some(owner.id);
                    }
                }
            }
        }

        // The everyday timeline, walking back from the last touch.
        let kind_weights: &[u32] = match p.tier {
            Tier::Strategic => &[30, 30, 26, 14],
            Tier::Key => &[36, 36, 14, 14],
            Tier::Standard => &[42, 40, 6, 12],
        };
        const KINDS: [ActivityKind; 4] = [
            ActivityKind::Call,
            ActivityKind::Email,
            ActivityKind::Meeting,
            ActivityKind::Note,
        ];
        let mut day = last_touch;
        let mut first = true;
        while day >= hist_start {
            let t = office_moment(&mut rng, day, now);
            let kind = if first {
                KINDS[rng.weighted(&kind_weights[..3])]
            } else {
                KINDS[rng.weighted(kind_weights)]
            };
            first = false;
            let section = kind.as_str();
            let template = *rng.pick(w.templates(section));
            let k = pick_contact(&mut rng);
            let who = &people[k];
            let names_someone = template.contains("{contact}") || template.contains("{first}");
            let summary = speaker.fill(&mut rng, template, Some(who), day, None);
            let body_share = match kind {
                ActivityKind::Call => 0.3,
                ActivityKind::Meeting => 0.5,
                ActivityKind::Note => 0.6,
                _ => 0.15,
            };
            let body = rng
                .chance(body_share)
                .then(|| speaker.body(&mut rng, Some(who), day));
            let rep = if rng.chance(0.1) {
                if owner.lead_id == owner.id {
                    self.manager_id
                } else {
                    owner.lead_id
                }
            } else {
                owner.id
            };
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
            // A follow-up it led to, done by now.
            if let Some((due, done)) = follow_up {
                let done_at = office_moment(&mut rng, done, now);
                if due < today - days(1) && done_at > t {
                    let s = speaker.say(&mut rng, "follow_up", Some(who), day);
                    if let Some(a) = tl.add(t + minutes(5), ActivityKind::FollowUp, s) {
                        a.contact_id = Some(who.id);
                        a.rep_id = Some(owner.id);
                        a.due_on = Some(due);
                        a.done_at = Some(timestamp(done_at));
                    }
                }
            }
            // A churned account was as busy before it left as others are now.
            let age = (hist_end - day).num_days() as f64;
            let thinning = 1.0 + (age - STEADY_DAYS).max(0.0) / THINNING_DAYS;
            let gap = base * rng.uniform(0.5, 1.5) * thinning;
            day -= days((gap as i64).max(1));
        }

        // Follow-ups still to do.
        let open: [(u8, i64, i64); 3] = [
            (feature::FOLLOW_UP_OVERDUE, -10, -1),
            (feature::FOLLOW_UP_TODAY, 0, 0),
            (feature::FOLLOW_UP_UPCOMING, 1, 21),
        ];
        for (f, lo, hi) in open {
            if !p.has(f) {
                continue;
            }
            let due = today + days(rng.range(lo, hi));
            let made = (due - days(rng.range(2, 10))).min(today);
            let t = office_moment(&mut rng, made, now);
            let who = &people[pick_contact(&mut rng)];
            let s = speaker.say(&mut rng, "follow_up", Some(who), made);
            if let Some(a) = tl.add(t, ActivityKind::FollowUp, s) {
                a.contact_id = Some(who.id);
                a.rep_id = Some(owner.id);
                a.due_on = Some(due);
            }
        }

        tl.items.sort_by_key(|(t, _)| *t);
        for (_, mut a) in tl.items {
            self.store.insert_unlogged(&mut a)?;
            self.summary.activities += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_like_money() {
        assert_eq!(units(4_850_000), "48,500");
        assert_eq!(units(100), "1");
        assert_eq!(units(12_345_678_900), "123,456,789");
        assert_eq!(round_to(4_849_999.0, 100), 4_850_000);
        assert_eq!(round_to(10.0, 100), 10_000);
    }
}
