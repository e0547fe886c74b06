//! Forecast history: a period's daily snapshots reduced to the last one of
//! each ISO week, with the change from the week before and, once the period
//! has closed, how accurate each was (forecast ÷ actual won). `rapport
//! report forecast` and the tracker both show these lines.

use super::metrics::percent;
use super::Money;
use chrono::{Datelike, NaiveDate};

/// One day's snapshot of a scope's figures for a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayFigures {
    pub taken_on: NaiveDate,
    pub closed: Money,
    pub commit: Money,
    pub best_case: Money,
    pub forecast: Money,
}

/// The last snapshot of a week.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekLine {
    pub figures: DayFigures,
    /// `2026-W32`.
    pub week: String,
    /// Forecast minus the previous week's; `None` for the first week.
    pub change: Option<Money>,
    /// Forecast ÷ actual won in percent, for a closed period with something won.
    pub accuracy: Option<f64>,
}

/// The last snapshot of each ISO week, oldest first. `days` must be oldest
/// first, one per day; `actual` is the won revenue of a closed period
/// (`None` while the period is open).
pub fn weekly(days: &[DayFigures], actual: Option<Money>) -> Vec<WeekLine> {
    let mut last_of_week: Vec<DayFigures> = Vec::new();
    for day in days {
        match last_of_week.last_mut() {
            Some(last) if last.taken_on.iso_week() == day.taken_on.iso_week() => *last = *day,
            _ => last_of_week.push(*day),
        }
    }
    let mut previous: Option<Money> = None;
    last_of_week
        .into_iter()
        .map(|figures| {
            let week = figures.taken_on.iso_week();
            let line = WeekLine {
                figures,
                week: format!("{}-W{:02}", week.year(), week.week()),
                change: previous.map(|p| figures.forecast - p),
                accuracy: actual.and_then(|a| percent(i128::from(figures.forecast.cents()), i128::from(a.cents()))),
            };
            previous = Some(figures.forecast);
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: &str, forecast: i64) -> DayFigures {
        let m = Money::from_units;
        DayFigures {
            taken_on: d.parse().unwrap(),
            closed: m(10),
            commit: m(20),
            best_case: m(30),
            forecast: m(forecast),
        }
    }

    #[test]
    fn each_weeks_last_snapshot_with_its_change_and_accuracy() {
        // Mon 3 Aug and Sun 9 Aug are one ISO week; Mon 10 Aug starts the next.
        let days = [day("2026-08-03", 80), day("2026-08-09", 90), day("2026-08-10", 60)];
        let lines = weekly(&days, Some(Money::from_units(60)));
        assert_eq!(lines.len(), 2);
        assert_eq!((lines[0].figures.taken_on.to_string(), lines[0].week.as_str()), ("2026-08-09".into(), "2026-W32"));
        assert_eq!(lines[0].change, None);
        assert_eq!(lines[0].accuracy, Some(150.0));
        assert_eq!(lines[1].week, "2026-W33");
        assert_eq!(lines[1].change, Some(Money::from_units(-30)));
        assert_eq!(lines[1].accuracy, Some(100.0));
    }

    #[test]
    fn no_accuracy_while_open_or_when_nothing_was_won() {
        let days = [day("2026-08-03", 80)];
        assert_eq!(weekly(&days, None)[0].accuracy, None);
        assert_eq!(weekly(&days, Some(Money::ZERO))[0].accuracy, None);
        assert!(weekly(&[], Some(Money::ZERO)).is_empty());
    }

    #[test]
    fn weeks_across_a_year_end_keep_their_iso_year() {
        // 31 Dec 2026 is a Thursday of 2026-W53; 1 Jan 2027 is in the same week.
        let lines = weekly(&[day("2026-12-31", 1), day("2027-01-01", 2), day("2027-01-04", 3)], None);
        assert_eq!(lines.iter().map(|l| l.week.as_str()).collect::<Vec<_>>(), ["2026-W53", "2027-W01"]);
        assert_eq!(lines[0].figures.forecast, Money::from_units(2));
    }
}
