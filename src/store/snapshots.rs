//! Forecast snapshots: once a day, each open period's closed, commit, best
//! case and forecast per rep and for the company, so that the forecast's
//! movement (and, once the period closes, its accuracy) can be shown.
//!
//! Snapshots are data: they go in the change log like any record, but under
//! their own session, so that nobody's `undo` takes one back by accident.

use super::record::{columns, Meta, Record};
use super::{Entity, Store};
use crate::domain::history::DayFigures;
use crate::domain::metrics::{deal_metrics, DealMetrics, Span};
use crate::domain::{Money, Period};
use anyhow::Result;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The change-log session snapshots are written under.
pub const SNAPSHOT_SESSION: &str = "snapshots";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastSnapshot {
    #[serde(flatten)]
    pub meta: Meta,
    pub taken_on: NaiveDate,
    #[serde(with = "super::targets::period_text")]
    pub period: Period,
    /// The rep; `None` for the company.
    pub rep_id: Option<i64>,
    pub closed: Money,
    pub commit: Money,
    pub best_case: Money,
    pub forecast: Money,
}

impl Record for ForecastSnapshot {
    const ENTITY: Entity = Entity::Snapshot;
    const TABLE: &'static str = "forecast_snapshots";
    columns! {
        taken_on,
        period,
        rep_id,
        closed,
        commit: "commit_amount",
        best_case,
        forecast,
    }
    fn describe(&self) -> String {
        format!("forecast snapshot of {} taken on {}", self.period, self.taken_on)
    }
}

impl ForecastSnapshot {
    /// The figures the forecast history is made of.
    pub fn figures(&self) -> DayFigures {
        DayFigures {
            taken_on: self.taken_on,
            closed: self.closed,
            commit: self.commit,
            best_case: self.best_case,
            forecast: self.forecast,
        }
    }

    fn of(taken_on: NaiveDate, period: Period, rep_id: Option<i64>, m: &DealMetrics) -> ForecastSnapshot {
        ForecastSnapshot {
            meta: Meta::default(),
            taken_on,
            period,
            rep_id,
            closed: m.closed(),
            commit: m.commit(),
            best_case: m.best_case(),
            forecast: m.forecast(),
        }
    }
}

impl Store {
    /// Takes today's snapshot of the open quarter and fiscal year, unless
    /// one was taken today already. Returns how many rows were written.
    pub fn take_forecast_snapshots(&self) -> Result<usize> {
        let today = self.clock().today();
        let taken: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM forecast_snapshots WHERE taken_on = ?1 AND deleted_at IS NULL)",
            [today],
            |r| r.get(0),
        )?;
        if taken {
            return Ok(0);
        }
        let cal = self.fiscal_calendar()?;
        let periods = [Period::quarter_of(cal, today), Period::year_of(cal, today)];
        self.write(|s| {
            let mut written = 0;
            for period in periods {
                let span = Span::of(period, cal);
                let deals = s.deal_facts(span.start, span.end)?;
                let mut by_rep: BTreeMap<i64, Vec<&crate::domain::metrics::DealFact>> = BTreeMap::new();
                for d in &deals {
                    if let Some(o) = d.owner_id {
                        by_rep.entry(o).or_default().push(d);
                    }
                }
                let mut rows = vec![ForecastSnapshot::of(today, period, None, &deal_metrics(&deals, span))];
                for (rep, list) in by_rep {
                    let m = deal_metrics(list, span);
                    // A rep with nothing closed or open in the period has nothing to track.
                    if m.closed() != Money::ZERO || m.pipeline != Money::ZERO {
                        rows.push(ForecastSnapshot::of(today, period, Some(rep), &m));
                    }
                }
                for mut row in rows {
                    s.insert(&mut row)?;
                    written += 1;
                }
            }
            if let Some(batch) = s.batch.get() {
                s.conn().execute(
                    "UPDATE change_log SET session = ?1 WHERE batch = ?2",
                    rusqlite::params![SNAPSHOT_SESSION, batch],
                )?;
            }
            Ok(written)
        })
    }

    /// The snapshots of a period for the company (`reps` = `None`) or summed
    /// over some reps, oldest first, one per day.
    pub fn forecast_history(&self, period: Period, reps: Option<&[i64]>) -> Result<Vec<ForecastSnapshot>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT * FROM forecast_snapshots WHERE period = ?1 AND deleted_at IS NULL ORDER BY taken_on, id",
        )?;
        let all = stmt.query_map([period], ForecastSnapshot::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        let mut days: BTreeMap<NaiveDate, ForecastSnapshot> = BTreeMap::new();
        for snap in all {
            let counts = match reps {
                None => snap.rep_id.is_none(),
                Some(ids) => snap.rep_id.is_some_and(|r| ids.contains(&r)),
            };
            if !counts {
                continue;
            }
            let day = days.entry(snap.taken_on).or_insert_with(|| ForecastSnapshot {
                rep_id: None,
                closed: Money::ZERO,
                commit: Money::ZERO,
                best_case: Money::ZERO,
                forecast: Money::ZERO,
                ..snap.clone()
            });
            day.closed += snap.closed;
            day.commit += snap.commit;
            day.best_case += snap.best_case;
            day.forecast += snap.forecast;
        }
        Ok(days.into_values().collect())
    }
}
