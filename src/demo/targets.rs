//! Targets sized from the revenue the generator actually won, so that
//! attainment lands between roughly 60% and 130%, as in a real team.

use super::account::{round_to, Owner};
use super::calendar::Quarter;
use super::rng::Rng;
use super::QUARTERS;
use crate::domain::{Period, TargetMetric, TargetScope};
use crate::store::{Meta, Target};

const CURRENT: usize = QUARTERS - 1;

fn target(scope: TargetScope, rep_id: Option<i64>, period: Period, amount: i64) -> Target {
    Target { meta: Meta::default(), scope, rep_id, account_id: None, period, metric: TargetMetric::WonRevenue, amount }
}

fn period(q: Quarter) -> Period {
    Period::Quarter(q.year, q.q)
}

/// Targets for the quarters of `actual` (index 0 = `first_q`, the last is
/// the current quarter) from `from` on: past quarters so that actual ÷
/// target falls in `attain`, the current one from a year ago plus growth.
fn quarter_amounts(
    rng: &mut Rng,
    actual: &[i64; QUARTERS],
    from: usize,
    attain: (f64, f64),
    step_units: i64,
) -> Vec<i64> {
    let nonzero: Vec<i64> = actual[..CURRENT].iter().copied().filter(|&a| a > 0).collect();
    let typical = if nonzero.is_empty() {
        (step_units * 100 * 25) as f64
    } else {
        nonzero.iter().sum::<i64>() as f64 / nonzero.len() as f64
    };
    // Plans grow on the same quarter last year (renewals come round
    // again), or on the recent run rate when that quarter was empty.
    let year_ago = match actual[CURRENT - 4] {
        0 => match actual[CURRENT - 4..CURRENT].iter().sum::<i64>() {
            0 => typical,
            s => s as f64 / 4.0,
        },
        a => a as f64,
    };
    (from..QUARTERS)
        .map(|i| {
            let cents = if i == CURRENT {
                year_ago * rng.uniform(1.08, 1.25)
            } else if actual[i] > 0 {
                actual[i] as f64 / rng.uniform(attain.0, attain.1)
            } else {
                typical * rng.uniform(0.6, 1.0)
            };
            round_to(cents, step_units)
        })
        .collect()
}

/// Company targets for every quarter with history and for the current
/// year; team and rep targets for the last four quarters and this one.
pub fn targets(rng: &mut Rng, first_q: Quarter, owners: &[Owner], won: &[[i64; QUARTERS]]) -> Vec<Target> {
    let mut out = Vec::new();
    let quarter = |i: usize| first_q.shift(i as i32);

    let mut company = [0i64; QUARTERS];
    for w in won {
        for (c, v) in company.iter_mut().zip(w) {
            *c += v;
        }
    }
    let company_amounts = quarter_amounts(rng, &company, 0, (0.85, 1.15), 10_000);
    for (i, &amount) in company_amounts.iter().enumerate() {
        out.push(target(TargetScope::Company, None, period(quarter(i)), amount));
    }
    // The year: its quarters' targets, with the rest of the year at the
    // current quarter's level plus a little growth.
    let current = quarter(CURRENT);
    let mut year = 0i64;
    for q in 1..=4u8 {
        let i = Quarter { year: current.year, q }.since(first_q);
        year += match usize::try_from(i) {
            Ok(i) if i < QUARTERS => company_amounts[i],
            _ => company_amounts[CURRENT] + company_amounts[CURRENT] / 20 * i64::from(q - current.q),
        };
    }
    out.push(target(TargetScope::Company, None, Period::Year(current.year), round_to(year as f64, 10_000)));

    let leads: Vec<i64> = owners.iter().filter(|o| o.lead_id == o.id).map(|o| o.id).collect();
    for lead in leads {
        let mut team = [0i64; QUARTERS];
        for (o, w) in owners.iter().zip(won) {
            if o.lead_id == lead {
                for (t, v) in team.iter_mut().zip(w) {
                    *t += v;
                }
            }
        }
        for (k, amount) in quarter_amounts(rng, &team, CURRENT - 4, (0.75, 1.2), 5_000).into_iter().enumerate() {
            let q = quarter(CURRENT - 4 + k);
            out.push(target(TargetScope::Team, Some(lead), period(q), amount));
        }
    }
    for (o, w) in owners.iter().zip(won) {
        for (k, amount) in quarter_amounts(rng, w, CURRENT - 4, (0.6, 1.3), 1_000).into_iter().enumerate() {
            let q = quarter(CURRENT - 4 + k);
            out.push(target(TargetScope::Rep, Some(o.id), period(q), amount));
        }
    }
    out
}
