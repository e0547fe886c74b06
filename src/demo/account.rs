//! One account and everything in it. This file makes the company and its
//! people and settles the facts the rest hangs on (value, renewal, how
//! long the relationship has run); `deals`, `conflicts` and `timeline` add
//! the rest, and all activities are written at the end in time order.

use super::calendar::{add_years, at, days, Quarter};
use super::names::{phone, CompanyName, CompanyNames, Person};
use super::plan::{Profile, STREAM_ACCOUNT};
use super::rng::Rng;
use super::timeline::{Speaker, Timeline};
use super::words::{City, Country, Words};
use super::{Tally, QUARTERS};
use crate::domain::{AccountStatus, ContactRole, Money, Tier};
use crate::store::{Account, Contact, Store};
use anyhow::Result;
use chrono::{DateTime, Datelike, NaiveDate, Utc};

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
    pub tally: Tally,
    /// Champions and decision makers of earlier accounts, who may turn up at a later one.
    pub movers: Vec<String>,
}

/// A contact as the rest of the account refers to it.
pub struct ContactRef {
    pub id: i64,
    pub name: String,
    pub first: &'static str,
    pub role: ContactRole,
}

/// What deals, conflicts and the timeline of one account build on.
pub struct Facts<'a> {
    pub p: Profile,
    pub account_id: i64,
    pub owner: Owner,
    /// Annual value now, in cents, and how fast it grew per year.
    pub value: i64,
    pub growth: f64,
    /// Deal amounts are rounded to this many currency units.
    pub step: i64,
    pub renewal: Option<NaiveDate>,
    pub people: Vec<ContactRef>,
    /// Index of its sector in the word lists.
    pub sector: usize,
    pub speaker: Speaker<'a>,
    /// Typical days between touches today, for this account.
    pub cadence: f64,
    pub last_touch: NaiveDate,
    /// The span of the timeline.
    pub hist_start: NaiveDate,
    pub hist_end: NaiveDate,
}

impl Facts<'_> {
    /// Annual value, in cents, as it was on `d`.
    pub fn value_at(&self, today: NaiveDate, d: NaiveDate) -> f64 {
        let years = (today - d).num_days() as f64 / 365.0;
        self.value as f64 / (1.0 + self.growth * years)
    }

    /// Someone at the account, the primary contact more often than not.
    pub fn anyone(&self, rng: &mut Rng) -> &ContactRef {
        if rng.chance(0.4) {
            &self.people[0]
        } else {
            rng.pick(&self.people)
        }
    }

    /// Someone in one of `roles`, or the primary contact.
    pub fn someone_in(&self, rng: &mut Rng, roles: &[ContactRole]) -> &ContactRef {
        let fits: Vec<&ContactRef> = self.people.iter().filter(|c| roles.contains(&c.role)).collect();
        if fits.is_empty() {
            &self.people[0]
        } else {
            fits[rng.index(fits.len())]
        }
    }

    /// Contact with the customer ends here (stale and churned accounts).
    pub fn touch_limit(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        if self.p.stale || self.p.churned_on.is_some() {
            at(self.last_touch, 23 * 60 + 59)
        } else {
            now
        }
    }
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

/// Rounds to a whole number of `step_units` units, never to zero; in cents.
pub fn round_to(cents: f64, step_units: i64) -> i64 {
    let step = step_units * 100;
    (((cents / step as f64) + 0.5) as i64).max(1) * step
}

impl<'a> Book<'a> {
    /// Writes account number `i` with its contacts, deals, conflicts and
    /// timeline.
    pub fn account(&mut self, i: usize, p: &Profile) -> Result<()> {
        let mut rng = Rng::derive(self.seed, STREAM_ACCOUNT, i as u64);
        let facts = self.company(&mut rng, i, p)?;
        let mut tl = Timeline::new(facts.account_id, self.now, facts.touch_limit(self.now));
        self.deals(&mut rng, &facts, &mut tl)?;
        self.conflicts(&mut rng, &facts, &mut tl)?;
        self.everyday(&mut rng, &facts, &mut tl);
        self.open_follow_ups(&mut rng, &facts, &mut tl);
        self.situations(i, &facts, &mut tl)?;
        self.tally.activities += tl.write(self.store)?;
        Ok(())
    }

    /// The company and its people, and the facts the rest builds on.
    fn company(&mut self, rng: &mut Rng, i: usize, p: &Profile) -> Result<Facts<'a>> {
        let w = self.w;
        let today = self.today;
        let owner = self.owners[p.owner].clone();

        // Who and where: a subsidiary keeps its parent's name and trade.
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
            Some(pa) => self.names.subsidiary(w, rng, &pa.short, country, city),
            None => self.names.company(w, rng, sector, country, city),
        };

        // What it is worth: most accounts sit low in their tier's band.
        let (lo, hi, step) = match p.tier {
            Tier::Strategic => (250_000, 2_000_000, 1_000),
            Tier::Key => (50_000, 250_000, 500),
            Tier::Standard => (5_000, 50_000, 100),
        };
        let u = rng.unit();
        let value = round_to((lo as f64 + (hi - lo) as f64 * u * u) * 100.0, step);
        let growth = if p.status == AccountStatus::Churned { rng.uniform(-0.1, 0.05) } else { rng.uniform(0.0, 0.16) };
        // The next anniversary of the contract, or one missed in the last
        // three weeks.
        let renewal = match (p.status, p.since) {
            (AccountStatus::Customer, Some(since)) => {
                (1..).map(|k| add_years(since, k)).find(|r| *r >= today - days(21))
            }
            _ => None,
        };
        let notes = match p.status {
            AccountStatus::Prospect => rng.chance(0.5).then(|| rng.word(w.templates("prospect_note")).to_string()),
            AccountStatus::Churned => {
                p.churned_on.map(|c| format!("Did not renew in {}; moved to a competitor.", c.format("%B %Y")))
            }
            AccountStatus::Customer => rng.chance(0.35).then(|| {
                let since = p.since.map_or(today.year(), |s| s.year());
                let mut n = format!("Customer since {since}.");
                if rng.chance(0.6) {
                    n.push(' ');
                    n.push_str(rng.word(w.templates("account_note")));
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
            phone: Some(phone(rng, country, city, true)),
            city: Some(city.name.to_string()),
            country: Some(country.name.to_string()),
            notes,
            ..Account::default()
        };
        let account_id = self.store.insert_unlogged(&mut account)?;
        self.tally.accounts += 1;
        if parent.is_none() && p.tier != Tier::Standard && p.status != AccountStatus::Churned {
            self.parents.push(ParentInfo { id: account_id, short: name.short.clone(), sector: sector_idx });
        }
        let people = self.contacts(rng, account_id, p.tier, &name, country, city)?;

        // How long and how closely they have been looked after.
        let cadence = match p.tier {
            Tier::Strategic => rng.uniform(4.0, 9.0),
            Tier::Key => rng.uniform(15.0, 24.0),
            Tier::Standard => rng.uniform(35.0, 50.0),
        };
        let last_touch = if p.stale {
            today - days(rng.range(90, 200))
        } else if let Some(c) = p.churned_on {
            (c + days(rng.range(0, 10))).min(today - days(1))
        } else {
            today - days(rng.range(0, cadence as i64))
        };
        let start = match p.since {
            // The sales cycle before the first contract.
            Some(s) => (s - days(rng.range(20, 90))).max(self.first_q.start()),
            None => today - days(rng.range(30, 420)),
        };
        let hist_start = start.min(last_touch - days(14));
        let hist_end = if p.churned_on.is_some() { last_touch } else { today };
        Ok(Facts {
            p: p.clone(),
            account_id,
            owner,
            value,
            growth,
            step,
            renewal,
            people,
            sector: sector_idx,
            speaker: Speaker::new(w, name.short, w.plan(p.tier)),
            cadence,
            last_touch,
            hist_start,
            hist_end,
        })
    }

    /// Two to five people (more at strategic accounts), the first of them
    /// the primary contact and someone with a say.
    fn contacts(
        &mut self,
        rng: &mut Rng,
        account_id: i64,
        tier: Tier,
        name: &CompanyName,
        country: &Country,
        city: &City,
    ) -> Result<Vec<ContactRef>> {
        let w = self.w;
        let count = 2 + match tier {
            Tier::Strategic => rng.weighted(&[5, 30, 35, 30]),
            _ => rng.weighted(&[30, 40, 20, 10]),
        };
        let mut people: Vec<ContactRef> = Vec::with_capacity(count);
        for k in 0..count {
            let mut person = Person::random(w, rng, country);
            while people.iter().any(|x| x.name == person.name()) {
                person = Person::random(w, rng, country);
            }
            let role = if k > 0 {
                ContactRole::ALL[rng.weighted(&[10, 10, 15, 20, 18, 20, 7])]
            } else if rng.chance(0.55) {
                ContactRole::DecisionMaker
            } else {
                ContactRole::Champion
            };
            let mut c = Contact {
                account_id,
                name: person.name(),
                title: Some(rng.word(w.titles(role)).to_string()),
                role,
                email: rng.chance(0.95).then(|| person.email(&name.domain)),
                phone: rng.chance(0.85).then(|| phone(rng, country, city, false)),
                is_primary: k == 0,
                ..Contact::default()
            };
            let id = self.store.insert_unlogged(&mut c)?;
            people.push(ContactRef { id, name: c.name, first: person.first, role });
        }
        self.tally.contacts += people.len();
        Ok(people)
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
