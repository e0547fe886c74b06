//! Realistic demo data: a sales team and its book of business — accounts,
//! contacts, two years of timeline, deals, conflicts and targets — made up
//! from the word lists in `assets/demo/` and anchored to a given day.
//!
//! The same seed and day give the same content every time (the stable ids
//! and creation times that the store stamps on rows differ). Scale goes from
//! a handful of accounts for tests to 100,000 for benchmarks; rows are
//! written as they are made, so memory stays flat.

mod account;
mod calendar;
mod conflicts;
mod deals;
mod names;
mod plan;
mod rng;
mod situations;
mod targets;
mod timeline;
mod words;

use crate::domain::RepRole;
use crate::store::{Rep, Store};
use account::{Book, Owner};
use anyhow::{bail, Result};
use calendar::Quarter;
use chrono::{DateTime, NaiveDate, Utc};
use names::{CompanyNames, Person};
use rng::Rng;
use serde::Serialize;
use words::Words;

/// The quarters the generator keeps revenue for: the eight before the
/// current one, and the current one.
const QUARTERS: usize = 9;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSpec {
    pub accounts: usize,
    pub seed: u64,
    /// The day the data is built around: renewals ahead, history behind.
    pub today: NaiveDate,
    /// Nothing except follow-up due dates lies after this moment.
    pub now: DateTime<Utc>,
}

impl DemoSpec {
    /// 300 accounts from seed 42, around `now`.
    pub fn at(now: DateTime<Utc>) -> DemoSpec {
        DemoSpec { accounts: 300, seed: 42, today: now.date_naive(), now }
    }
}

impl Default for DemoSpec {
    /// 300 accounts from seed 42, around the present moment.
    fn default() -> DemoSpec {
        DemoSpec::at(Utc::now())
    }
}

/// How many rows of each kind were written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    /// (entity, rows) in the order `rapport db info` lists them: reps,
    /// accounts, contacts, activities, deals, conflicts, targets.
    pub counts: Vec<(&'static str, usize)>,
}

impl DemoSummary {
    /// Rows written of one entity ("accounts"); 0 for an unknown name.
    pub fn count(&self, entity: &str) -> usize {
        self.counts.iter().find(|(e, _)| *e == entity).map_or(0, |(_, n)| *n)
    }
}

/// Rows written so far.
#[derive(Debug, Clone, Default)]
struct Tally {
    reps: usize,
    accounts: usize,
    contacts: usize,
    activities: usize,
    deals: usize,
    conflicts: usize,
    targets: usize,
}

impl Tally {
    fn summary(&self) -> DemoSummary {
        DemoSummary {
            counts: vec![
                ("reps", self.reps),
                ("accounts", self.accounts),
                ("contacts", self.contacts),
                ("activities", self.activities),
                ("deals", self.deals),
                ("conflicts", self.conflicts),
                ("targets", self.targets),
            ],
        }
    }
}

/// How often `progress` hears about accounts.
const PROGRESS_EVERY: usize = 1_000;

/// Fills an empty store with demo data in one transaction. `progress` is
/// called with a stage name ("team", "accounts", "targets") and how far
/// along it is.
pub fn generate(store: &Store, spec: &DemoSpec, progress: &mut dyn FnMut(&str, usize, usize)) -> Result<DemoSummary> {
    if spec.accounts == 0 {
        bail!("the demo needs at least one account");
    }
    let w = Words::load();
    store.bulk_write(|s| {
        let info = s.info()?;
        let count = |what: &str| {
            info.counts
                .iter()
                .find(|(n, _)| n == what)
                .map_or(0, |(_, c)| *c)
        };
        let (accounts, reps) = (count("accounts"), count("reps"));
        if accounts > 0 || reps > 0 {
            bail!(
                "{} already holds {accounts} accounts and {reps} reps; demo data only goes into an empty database (pass a new --db file)",
                s.path().display()
            );
        }
        let mut tally = Tally::default();
        progress("team", 0, 1);
        let mut team_rng = Rng::derive(spec.seed, plan::STREAM_TEAM, 0);
        let team = team(s, &w, &mut team_rng, &mut tally)?;
        // The cockpit is the manager's: their team is "my" scope until the config names someone else.
        let manager = s.require::<Rep>(team.manager_id)?;
        s.set_setting("me", &manager.name)?;
        progress("team", 1, 1);

        let current = Quarter::of(spec.today);
        let first_q = current.shift(-(QUARTERS as i32 - 1));
        let profiles = plan::plan(spec.seed, spec.accounts, spec.today, first_q, &team.weights);
        let mut book = Book {
            store: s,
            w: &w,
            seed: spec.seed,
            today: spec.today,
            now: spec.now,
            first_q,
            won: vec![[0; QUARTERS]; team.owners.len()],
            owners: team.owners,
            manager_id: team.manager_id,
            names: CompanyNames::new(),
            parents: Vec::new(),
            next_ref: 10_000,
            tally,
            movers: Vec::new(),
        };
        let total = spec.accounts;
        progress("accounts", 0, total);
        for (i, p) in profiles.iter().enumerate() {
            book.account(i, p)?;
            if (i + 1) % PROGRESS_EVERY == 0 || i + 1 == total {
                progress("accounts", i + 1, total);
            }
        }

        let mut target_rng = Rng::derive(spec.seed, plan::STREAM_TARGETS, 0);
        let all = targets::targets(&mut target_rng, first_q, &book.owners, &book.won);
        progress("targets", 0, all.len());
        for mut t in all {
            s.insert_unlogged(&mut t)?;
            book.tally.targets += 1;
        }
        progress("targets", book.tally.targets, book.tally.targets);
        Ok(book.tally.summary())
    })
}

/// The sales team as the accounts need it.
struct Team {
    /// The reps who own accounts, leads first.
    owners: Vec<Owner>,
    /// Each owner's share of standard accounts and of strategic ones.
    weights: Vec<(u32, u32)>,
    manager_id: i64,
}

/// The sales team: a manager, two team leads, and six to ten reps split
/// between the leads.
fn team(store: &Store, w: &Words, rng: &mut Rng, tally: &mut Tally) -> Result<Team> {
    // The team sits in the United States, the currency's home.
    let home = w.countries.iter().find(|c| c.code == "US").unwrap_or(&w.countries[0]);
    let mut taken: Vec<&str> = Vec::new();
    let mut add = |role: RepRole, manager_id: Option<i64>, rng: &mut Rng| -> Result<i64> {
        // Different family names, so nobody mixes them up.
        let mut person = Person::random(w, rng, home);
        while taken.contains(&person.last) {
            person = Person::random(w, rng, home);
        }
        taken.push(person.last);
        let mut rep = Rep {
            name: person.name(),
            email: Some(person.email("rapport-demo.example")),
            phone: Some(format!("+1 (555) 010-{:04}", rng.below(10_000))),
            role,
            manager_id,
            ..Rep::default()
        };
        let id = store.insert_unlogged(&mut rep)?;
        tally.reps += 1;
        Ok(id)
    };
    let manager = add(RepRole::Manager, None, rng)?;
    let leads = [add(RepRole::Lead, Some(manager), rng)?, add(RepRole::Lead, Some(manager), rng)?];
    let mut owners: Vec<Owner> = leads.iter().map(|&id| Owner { id, lead_id: id }).collect();
    // Leads own a few accounts, more of them strategic.
    let mut weights = vec![(1, 3); 2];
    for k in 0..rng.range(6, 10) as usize {
        let lead_id = leads[k % 2];
        let id = add(RepRole::Rep, Some(lead_id), rng)?;
        owners.push(Owner { id, lead_id });
        weights.push((4, 4));
    }
    Ok(Team { owners, weights, manager_id: manager })
}

#[cfg(test)]
mod tests;
