//! An account's deals: the first contract and yearly renewals (won, or lost
//! when the customer left), the renewal coming up, now and then an add-on,
//! and for prospects a first offer. Each leaves events on the timeline.

use super::account::{round_to, units, Book, Facts};
use super::calendar::{add_years, days, office_moment, workday, Quarter};
use super::rng::Rng;
use super::timeline::Timeline;
use super::QUARTERS;
use crate::domain::{AccountStatus, ActivityKind, ContactRole, DealStage, Money};
use crate::store::Deal;
use anyhow::Result;
use chrono::{Datelike, NaiveDate};

/// A deal before it is written.
struct DealPlan {
    label: String,
    product: &'static str,
    stage: DealStage,
    /// Cents.
    amount: i64,
    closed_on: Option<NaiveDate>,
    expected_close: Option<NaiveDate>,
    renewal: bool,
}

fn open_stage(rng: &mut Rng, weights: &[u32; 4]) -> DealStage {
    [DealStage::Prospecting, DealStage::Qualified, DealStage::Proposal, DealStage::Negotiation][rng.weighted(weights)]
}

/// How far along a renewal due in `until` days is.
fn renewal_stage(until: i64) -> DealStage {
    match until {
        ..=30 => DealStage::Negotiation,
        31..=75 => DealStage::Proposal,
        76..=120 => DealStage::Qualified,
        _ => DealStage::Prospecting,
    }
}

impl Book<'_> {
    /// At most four deals, oldest first.
    fn plan_deals(&self, rng: &mut Rng, f: &Facts<'_>) -> Vec<DealPlan> {
        let today = self.today;
        let window_start = self.first_q.start();
        let plan = f.speaker.plan;
        let mut plans = Vec::new();
        let Some(since) = f.p.since else {
            // A prospect: perhaps a trial that came to nothing, perhaps an
            // offer on the table.
            let history = (today - f.hist_start).num_days();
            if rng.chance(0.25) && history > 40 {
                let d = f.hist_start + days(rng.range(20, history - 10));
                plans.push(DealPlan {
                    label: format!("{plan} trial"),
                    product: plan,
                    stage: DealStage::Lost,
                    amount: round_to(f.value as f64 * rng.uniform(0.2, 0.5), f.step),
                    closed_on: Some(workday(d)),
                    expected_close: None,
                    renewal: false,
                });
            }
            if rng.chance(0.6) {
                plans.push(DealPlan {
                    label: plan.to_string(),
                    product: plan,
                    stage: open_stage(rng, &[35, 30, 20, 15]),
                    amount: round_to(f.value as f64 * rng.uniform(0.7, 1.0), f.step),
                    closed_on: None,
                    expected_close: Some(today + days(rng.range(30, 180))),
                    renewal: false,
                });
            }
            return plans;
        };
        if since >= window_start {
            plans.push(DealPlan {
                label: plan.to_string(),
                product: plan,
                stage: DealStage::Won,
                amount: round_to(f.value_at(today, since) * rng.uniform(0.6, 0.95), f.step),
                closed_on: Some(workday(since).max(window_start)),
                expected_close: None,
                renewal: false,
            });
        }
        // Renewals signed up to two weeks early; the last three weeks'
        // are still open.
        let renewed_until = f.p.churned_on.unwrap_or(today - days(21));
        for a in (1..).map(|k| add_years(since, k)).take_while(|a| *a < renewed_until).filter(|a| *a >= window_start) {
            plans.push(DealPlan {
                label: format!("Renewal {}", a.year()),
                product: plan,
                stage: DealStage::Won,
                amount: round_to(f.value_at(today, a), f.step),
                closed_on: Some(workday(a - days(rng.range(0, 14))).max(window_start)),
                expected_close: None,
                renewal: true,
            });
        }
        if let Some(c) = f.p.churned_on {
            plans.push(DealPlan {
                label: format!("Renewal {}", c.year()),
                product: plan,
                stage: DealStage::Lost,
                amount: round_to(f.value_at(today, c), f.step),
                closed_on: Some(workday(c)),
                expected_close: None,
                renewal: true,
            });
        }
        if let Some(r) = f.renewal {
            let until = (r - today).num_days();
            if until <= 150 {
                // An overdue renewal has slipped to the coming weeks.
                let close = if until < 3 { today + days(rng.range(5, 20)) } else { r };
                plans.push(DealPlan {
                    label: format!("Renewal {}", r.year()),
                    product: plan,
                    stage: renewal_stage(until),
                    amount: round_to(f.value as f64 * rng.uniform(1.0, 1.12), f.step),
                    closed_on: None,
                    expected_close: Some(close),
                    renewal: true,
                });
            }
        }
        if f.p.status == AccountStatus::Customer && rng.chance(0.3) {
            let addon = rng.word(&self.w.addons);
            let amount = round_to(f.value as f64 * rng.uniform(0.08, 0.35), f.step);
            let lo = (since + days(60)).max(window_start);
            let span = (today - days(1) - lo).num_days();
            let roll = rng.weighted(&[40, 20, 40]);
            let (stage, closed_on, expected_close) = if roll < 2 && span > 0 {
                let d = workday(lo + days(rng.range(0, span)));
                let stage = if roll == 0 { DealStage::Won } else { DealStage::Lost };
                (stage, Some(d), None)
            } else {
                let stage = open_stage(rng, &[30, 30, 25, 15]);
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
        // At most four: the oldest closed ones give way.
        plans.sort_by_key(|d| d.closed_on.or(d.expected_close));
        let extra = plans.len().saturating_sub(4);
        plans.drain(..extra);
        plans
    }

    /// When a deal was opened: a sales cycle before it closed (renewals
    /// short, new business longer), or some weeks ago for an open one; never
    /// before the account's history begins nor after the deal closed.
    fn opened_on(&self, plan: &DealPlan, f: &Facts<'_>, index: u64) -> NaiveDate {
        let mut rng = Rng::derive(self.seed, super::plan::STREAM_OPENED, index);
        let (end, cycle) = match (plan.closed_on, plan.renewal) {
            (Some(c), true) => (c, rng.range(20, 60)),
            (Some(c), false) => (c, rng.range(30, 120)),
            (None, true) => (self.today, rng.range(5, 60)),
            (None, false) => (self.today, rng.range(5, 100)),
        };
        workday(end - days(cycle)).max(f.hist_start).min(end)
    }

    /// Writes the account's deals with their events, and counts won revenue
    /// towards its owner's quarters.
    pub fn deals(&mut self, rng: &mut Rng, f: &Facts<'_>, tl: &mut Timeline) -> Result<()> {
        let (today, now) = (self.today, self.now);
        let window_start = self.first_q.start();
        let owner = f.owner.id;
        for plan in self.plan_deals(rng, f) {
            let manual = plan.closed_on.is_none() && rng.chance(0.15);
            let default = plan.stage.default_probability();
            let probability =
                if manual { (i64::from(default) + rng.range(-3, 3) * 5).clamp(5, 95) as u8 } else { default };
            let external_ref = rng.chance(0.4).then(|| {
                self.next_ref += 1;
                format!("OPP-{:06}", self.next_ref)
            });
            let opened_on = self.opened_on(&plan, f, self.tally.deals as u64);
            let mut deal = Deal {
                opened_on: Some(opened_on),
                account_id: f.account_id,
                owner_id: Some(owner),
                name: format!("{} - {}", f.speaker.short(), plan.label),
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
            self.tally.deals += 1;

            let label = &plan.label;
            let event = |tl: &mut Timeline, rng: &mut Rng, d: NaiveDate, s: String| {
                let t = office_moment(rng, d, now);
                if let Some(a) = tl.add(t, ActivityKind::Event, s) {
                    a.deal_id = Some(deal_id);
                    a.rep_id = Some(owner);
                }
            };
            match (plan.stage, plan.closed_on) {
                (DealStage::Won, Some(d)) => {
                    let q = Quarter::of(d).since(self.first_q);
                    if (0..QUARTERS as i32).contains(&q) {
                        self.won[f.p.owner][q as usize] += plan.amount;
                    }
                    let before = d - days(rng.range(7, 35));
                    if rng.chance(0.15) && before >= window_start {
                        let s = format!("Deal \"{label}\" moved to negotiation");
                        event(tl, rng, before, s);
                    }
                    let s = format!("Deal \"{label}\" won: {}", units(plan.amount));
                    event(tl, rng, d, s);
                }
                (_, Some(d)) => {
                    let reason = if plan.renewal {
                        "did not renew".to_string()
                    } else {
                        match rng.below(4) {
                            0 => format!("went with {}", rng.word(self.w.templates("competitor"))),
                            1 => "no budget this year".to_string(),
                            2 => "project cancelled".to_string(),
                            _ => "price".to_string(),
                        }
                    };
                    event(tl, rng, d, format!("Deal \"{label}\" lost: {reason}"));
                }
                (stage, None) => {
                    let d = (today - days(rng.range(1, 40))).max(f.hist_start);
                    let s = if stage == DealStage::Prospecting {
                        format!("Deal \"{label}\" opened")
                    } else {
                        let stage = stage.label().to_lowercase();
                        format!("Deal \"{label}\" moved to {stage}")
                    };
                    event(tl, rng, d, s);
                }
            }
            // Talking about it with someone who decides or pays.
            if rng.chance(0.3) {
                let d = match plan.closed_on {
                    Some(c) => c - days(rng.range(2, 25)),
                    None => today - days(rng.range(1, 30)),
                };
                if d >= f.hist_start {
                    let line = rng.word(self.w.templates("deal_touch"));
                    let (kind, template) = line.split_once('|').unwrap_or(("email", line));
                    let kind = kind.trim().parse().unwrap_or(ActivityKind::Email);
                    let roles = [ContactRole::DecisionMaker, ContactRole::Finance, ContactRole::Champion];
                    let who = f.someone_in(rng, &roles);
                    let s = f.speaker.fill(rng, template.trim(), who, d, Some(plan.product));
                    let t = office_moment(rng, d, now);
                    if let Some(a) = tl.add(t, kind, s) {
                        a.deal_id = Some(deal_id);
                        a.contact_id = Some(who.id);
                        a.rep_id = Some(owner);
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewals_move_along_as_their_date_nears() {
        assert_eq!(renewal_stage(-5), DealStage::Negotiation);
        assert_eq!(renewal_stage(30), DealStage::Negotiation);
        assert_eq!(renewal_stage(60), DealStage::Proposal);
        assert_eq!(renewal_stage(100), DealStage::Qualified);
        assert_eq!(renewal_stage(140), DealStage::Prospecting);
    }
}
