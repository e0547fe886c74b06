//! The situations rapport suggests actions for, so that each shows up a few
//! times on the demo: customers that mostly buy their sector's typical
//! add-on (the few without it are a cross-sell gap), a deal stuck in its
//! stage, and a champion who moved to another account.
//! Drawn from a stream of their own, so the rest of the demo is unchanged.

use super::account::{round_to, units, Book, Facts};
use super::calendar::{days, office_moment, workday, Quarter};
use super::plan::STREAM_SITUATIONS;
use super::rng::Rng;
use super::timeline::Timeline;
use super::QUARTERS;
use crate::domain::{AccountStatus, ActivityKind, ContactRole, DealStage, Money};
use crate::store::{Contact, Deal};
use anyhow::Result;

/// How many of a sector's customers bought its typical add-on.
const TYPICAL_SHARE: f64 = 0.8;
/// Share of accounts with a deal gone quiet.
const STUCK_SHARE: f64 = 0.06;
/// Share of accounts where someone from an earlier account turns up.
const MOVER_SHARE: f64 = 0.03;

impl Book<'_> {
    pub fn situations(&mut self, i: usize, f: &Facts<'_>, tl: &mut Timeline) -> Result<()> {
        let mut rng = Rng::derive(self.seed, STREAM_SITUATIONS, i as u64);
        let (today, now) = (self.today, self.now);
        let owner = f.owner.id;
        let sector_addon = self.w.addons[f.sector % self.w.addons.len()];

        // The add-on most customers of this sector bought, a while ago.
        if let (AccountStatus::Customer, Some(since)) = (f.p.status, f.p.since) {
            let lo = (since + days(30)).max(self.first_q.start());
            let span = (today - days(20) - lo).num_days();
            if span > 0 && rng.chance(TYPICAL_SHARE) {
                let closed = workday(lo + days(rng.range(0, span)));
                let amount = round_to(f.value as f64 * rng.uniform(0.1, 0.3), f.step);
                self.write_deal(
                    f,
                    sector_addon,
                    DealStage::Won,
                    amount,
                    Some(closed),
                    None,
                    (closed - days(rng.range(20, 60))).max(f.hist_start),
                )?;
                let q = Quarter::of(closed).since(self.first_q);
                if (0..QUARTERS as i32).contains(&q) {
                    self.won[f.p.owner][q as usize] += amount;
                }
                let t = office_moment(&mut rng, closed, now);
                if let Some(a) =
                    tl.add(t, ActivityKind::Event, format!("Deal \"{sector_addon}\" won: {}", units(amount)))
                {
                    a.rep_id = Some(owner);
                }
            }
        }

        // A deal that stopped moving: long in its stage.
        if f.p.status != AccountStatus::Churned && rng.chance(STUCK_SHARE) {
            let stage = [DealStage::Qualified, DealStage::Proposal, DealStage::Negotiation][rng.index(3)];
            let moved = workday(today - days(rng.range(50, 120))).max(f.hist_start);
            let opened = (moved - days(rng.range(10, 40))).max(f.hist_start);
            // Its expected close stays ahead (the demo's open deals all look forward).
            let close = today + days(rng.range(20, 90));
            let product = self.w.addons[rng.index(self.w.addons.len())];
            let amount = round_to(f.value as f64 * rng.uniform(0.15, 0.5), f.step);
            let id = self.write_deal(f, product, stage, amount, None, Some(close), opened)?;
            let t = office_moment(&mut rng, moved, now);
            let what = format!("Deal \"{product}\" moved to {}", stage.label().to_lowercase());
            if let Some(a) = tl.add(t, ActivityKind::Event, what) {
                a.deal_id = Some(id);
                a.rep_id = Some(owner);
            }
        }

        // Someone who championed an earlier account now works here.
        if !self.movers.is_empty() && rng.chance(MOVER_SHARE) {
            let name = self.movers.swap_remove(rng.index(self.movers.len()));
            let mut c = Contact {
                account_id: f.account_id,
                name,
                title: Some("Head of Operations".into()),
                role: [ContactRole::Influencer, ContactRole::User, ContactRole::Technical][rng.index(3)],
                ..Contact::default()
            };
            self.store.insert_unlogged(&mut c)?;
            self.tally.contacts += 1;
        }
        // This account's sponsor may move on later; a bounded pool keeps memory flat.
        if let Some(p) = f.people.iter().find(|p| matches!(p.role, ContactRole::Champion | ContactRole::DecisionMaker))
        {
            if self.movers.len() < 64 && rng.chance(0.2) {
                self.movers.push(p.name.clone());
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn write_deal(
        &mut self,
        f: &Facts<'_>,
        product: &str,
        stage: DealStage,
        amount: i64,
        closed_on: Option<chrono::NaiveDate>,
        expected_close: Option<chrono::NaiveDate>,
        opened_on: chrono::NaiveDate,
    ) -> Result<i64> {
        let mut deal = Deal {
            opened_on: Some(opened_on.min(closed_on.unwrap_or(opened_on))),
            account_id: f.account_id,
            owner_id: Some(f.owner.id),
            name: format!("{} - {product}", f.speaker.short()),
            product: Some(product.to_string()),
            stage,
            amount: Money(amount),
            probability: stage.default_probability(),
            expected_close: expected_close.or(closed_on),
            closed_on,
            ..Deal::default()
        };
        let id = self.store.insert_unlogged(&mut deal)?;
        self.tally.deals += 1;
        Ok(id)
    }
}
