//! The target tracker: periods (`[`, `]`, `y`), the scope (`m`) in the
//! header, agenda and portfolio, sorting and `Enter`, snapshots at the
//! sizes people use, and the same figures as `rapport report … --format json`.

mod common;

use common::{app_over, key, press, screen};

use rapport::domain::metrics::Coverage;
use rapport::domain::*;
use rapport::store::*;
use rapport::tui::app::{App, PaneId};
use rapport::tui::panes::targets::{RowKind, View};
use ratatui::crossterm::event::KeyCode;
use serde_json::Value;
use std::process::Command;

/// The fixed book with `me` set to `who`.
fn book_as(who: &str) -> (Store, common::Ids) {
    let (s, ids) = common::store();
    s.set_setting("me", who).unwrap();
    (s, ids)
}

fn add_target(s: &Store, scope: TargetScope, rep: Option<i64>, period: Period, metric: TargetMetric, amount: i64) {
    let mut t = Target { meta: Meta::default(), scope, rep_id: rep, account_id: None, period, metric, amount };
    s.insert(&mut t).unwrap();
}

#[test]
fn brackets_step_the_period_and_y_switches_quarter_and_year() {
    let mut a = app_over(book_as("Morgan Avery").0, 80, 24);
    press(&mut a, "4");
    assert_eq!(a.targets().period, Period::Quarter(2026, 4));
    press(&mut a, "]");
    assert_eq!(a.targets().period, Period::Quarter(2027, 1));
    press(&mut a, "[[");
    assert_eq!(a.targets().period, Period::Quarter(2026, 3));
    press(&mut a, "y");
    assert_eq!(a.targets().period, Period::Year(2026));
    let s = screen(&a);
    assert!(s.lines().next().unwrap().contains("FY2026"), "{s}");
    assert!(s.contains("Target tracker · FY2026"), "{s}");
    // The year's company target, 1.5M, with 150k + 60k won so far.
    assert_eq!(a.targets().rows[0].pace.target, Some(Money::from_units(1_500_000)));
    assert_eq!(a.targets().rows[0].metrics.won, Money::from_units(210_000));
    press(&mut a, "]");
    assert_eq!(a.targets().period, Period::Year(2027));
    // Back to a quarter: today is not in FY2027, so its first quarter.
    press(&mut a, "y");
    assert_eq!(a.targets().period, Period::Quarter(2027, 1));
    press(&mut a, "[y");
    assert_eq!(a.targets().period, Period::Year(2026));
    // From the current year, the quarter holding today.
    press(&mut a, "y");
    assert_eq!(a.targets().period, Period::Quarter(2026, 4));
    assert!(screen(&a).lines().next().unwrap().contains("2026Q4"));
}

#[test]
fn a_closed_period_speaks_in_the_past() {
    let (s, ids) = book_as("Morgan Avery");
    add_target(&s, TargetScope::Company, None, Period::Quarter(2026, 3), TargetMetric::WonRevenue, 5_000_000);
    let _ = ids;
    let mut a = app_over(s, 80, 24);
    press(&mut a, "4[");
    assert_eq!(a.targets().period, Period::Quarter(2026, 3));
    let text = screen(&a);
    // 60k won of a 50k target.
    assert!(text.contains("2026Q3 closed: 120% of 50k"), "{text}");
    assert!(!text.contains("expected by today"), "{text}");
    assert!(!text.contains("behind") && !text.contains("ahead"), "{text}");
    // The current quarter says where today stands, in words people read.
    press(&mut a, "]");
    let text = screen(&a);
    assert!(text.contains("150k of 500k · expected by today 309k · behind by 159k"), "{text}");
    assert!(!text.to_lowercase().contains("pace"), "{text}");
}

#[test]
fn m_cycles_mine_my_team_and_everyone_in_header_counts_and_tracker() {
    let (s, ids) = book_as("Rae Lindqvist");
    let mut a = app_over(s, 120, 30);
    // Rae alone: her overdue follow-up and her breached conflict; Sam's due-today is not hers.
    assert_eq!(a.resolved().reps, Some(vec![ids.rae]));
    assert_eq!((a.badges().overdue_follow_ups, a.badges().due_today, a.badges().breached), (1, 0, 1));
    assert!(screen(&a).lines().next().unwrap().contains("mine (Rae Lindqvist)"));
    assert_eq!(a.targets().reps.iter().map(|r| r.rep_id).collect::<Vec<_>>(), vec![ids.rae]);
    assert_eq!(a.targets().rows[0].pace.target, Some(Money::from_units(250_000)));

    press(&mut a, "m");
    let mut team = a.resolved().reps.clone().unwrap();
    team.sort();
    assert_eq!(team, vec![ids.lead, ids.rae, ids.sam]);
    assert_eq!((a.badges().overdue_follow_ups, a.badges().due_today, a.badges().breached), (1, 1, 1));
    assert!(screen(&a).lines().next().unwrap().contains("my team (Lee Okafor's team)"));
    assert_eq!(a.targets().rows[0].pace.target, Some(Money::from_units(400_000)), "the team's own target");

    press(&mut a, "m");
    assert_eq!(a.resolved().reps, None);
    assert!(screen(&a).lines().next().unwrap().contains("everyone"));
    assert_eq!(a.targets().rows[0].label, "Company");
    assert_eq!(a.targets().rows[0].pace.target, Some(Money::from_units(500_000)));
    assert_eq!(a.targets().reps.len(), 4);

    press(&mut a, "m");
    assert_eq!(a.resolved().reps, Some(vec![ids.rae]));

    // The agenda shows my follow-ups only.
    press(&mut a, "t");
    let text = screen(&a);
    assert!(text.contains("Send renewal pricing"), "{text}");
    assert!(!text.contains("Check delivery date"), "{text}");
}

#[test]
fn a_top_managers_team_is_theirs_so_m_goes_on_to_everyone() {
    let (s, ids) = book_as("Morgan Avery");
    let mut a = app_over(s, 80, 24);
    let mut mine = a.resolved().reps.clone().unwrap();
    mine.sort();
    assert_eq!(mine, vec![ids.manager, ids.lead, ids.rae, ids.sam]);
    press(&mut a, "m");
    assert_eq!(a.resolved().reps, None);
    press(&mut a, "m");
    assert!(a.resolved().reps.is_some());
}

#[test]
fn without_me_the_scope_is_everyone_and_m_says_how_to_set_it() {
    let mut a = app_over(common::store().0, 80, 24);
    assert_eq!(a.resolved().reps, None);
    press(&mut a, "m");
    assert_eq!(a.resolved().reps, None);
    assert!(a.message().unwrap().contains("rapport config set me"), "{:?}", a.message());
}

#[test]
fn s_sorts_the_reps_and_enter_filters_the_portfolio_to_one() {
    let (s, ids) = book_as("Morgan Avery");
    let mut a = app_over(s, 80, 24);
    // Enter on the gauges opens the table to pick a rep in.
    press(&mut a, "4");
    key(&mut a, KeyCode::Enter);
    assert_eq!((a.focus(), a.targets().view), (PaneId::Targets, View::Reps));
    // Furthest behind first, no target last.
    let order = |a: &App| a.targets().reps.iter().map(|r| r.rep_id).collect::<Vec<_>>();
    assert_eq!(&order(&a)[..2], &[ids.sam, ids.rae]);
    // Gap, largest first: Sam 150k, Rae 100k.
    press(&mut a, "s");
    assert_eq!(&order(&a)[..2], &[ids.sam, ids.rae]);
    // On to activities in the period, most first: Rae 6, Sam 2.
    press(&mut a, "sssss");
    assert_eq!(&order(&a)[..2], &[ids.rae, ids.sam]);
    let text = screen(&a);
    assert!(text.contains("Activ.▼"), "{text}");

    // Select Rae and open her accounts.
    press(&mut a, "g");
    assert_eq!(a.targets().selected_rep(), Some(ids.rae));
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.focus(), PaneId::Portfolio);
    assert_eq!(a.portfolio().filter.owner_id, Some(ids.rae));
    let shown: Vec<i64> = a.portfolio().view.iter().map(|&i| a.portfolio().rows[i as usize].id).collect();
    assert_eq!(shown, vec![ids.acme, ids.cobalt]);
    assert!(screen(&a).contains("owner Rae Lindqvist"));
}

#[test]
fn the_portfolio_owner_filter_offers_my_team() {
    let (s, ids) = book_as("Lee Okafor");
    // An account of the manager's, outside Lee's team.
    let mut gmbh = s.require::<Account>(ids.acme_gmbh).unwrap();
    gmbh.owner_id = Some(ids.manager);
    s.update(&mut gmbh).unwrap();
    let mut a = app_over(s, 80, 24);
    press(&mut a, "1f");
    key(&mut a, KeyCode::Right);
    assert!(screen(&a).contains("my team"));
    key(&mut a, KeyCode::Enter);
    let shown: Vec<i64> = a.portfolio().view.iter().map(|&i| a.portfolio().rows[i as usize].id).collect();
    assert_eq!(shown.len(), 3);
    assert!(!shown.contains(&ids.acme_gmbh));
    assert!(screen(&a).contains("owner my team"));
}

#[test]
fn gauges_show_their_filled_part_without_colour_and_counts_in_their_unit() {
    let (s, ids) = book_as("Morgan Avery");
    let q4 = Period::Quarter(2026, 4);
    add_target(&s, TargetScope::Rep, Some(ids.rae), q4, TargetMetric::NewDeals, 4);
    add_target(&s, TargetScope::Company, None, q4, TargetMetric::Activities, 20);
    let mut a = app_over(s, 80, 24);
    press(&mut a, "4");
    let text = screen(&a);
    let rae = text.lines().find(|l| l.contains("Rae Lindqvist") && l.contains('█')).expect(&text);
    // 60% of 250k: a filled part, an unfilled part and today's marker.
    assert!(rae.contains('░') && rae.contains('│'), "{rae}");
    assert!(text.contains("Company: 8 activities of 20"), "{text}");
    // Of Rae's four deals, three were opened this quarter (the pilot won in 2025 was not).
    let deals = a.targets().counts.iter().find(|c| c.metric == TargetMetric::NewDeals).unwrap();
    assert_eq!((deals.label.as_str(), deals.actual, deals.target), ("Rae Lindqvist", 3, 4));
    assert!(text.contains("Rae Lindqvist: 3 deals of 4"), "{text}");
    assert!(!text.contains("0.04"), "{text}");
}

#[test]
fn every_rep_gauge_is_grouped_under_its_team() {
    let mut a = app_over(book_as("Morgan Avery").0, 160, 48);
    press(&mut a, "4z");
    let kinds: Vec<(RowKind, &str)> = a.targets().rows.iter().map(|r| (r.kind, r.label.as_str())).collect();
    assert_eq!(
        kinds,
        vec![
            (RowKind::Scope, "Morgan Avery's team"),
            (RowKind::Team, "Team Lee Okafor"),
            (RowKind::Rep, "Rae Lindqvist"),
            (RowKind::Rep, "Sam Moreau"),
        ]
    );
    // Names are whole when there is room.
    assert!(screen(&a).contains("Team Lee Okafor "));
}

#[test]
fn snapshots_of_the_quarter_and_the_year() {
    let mut a = app_over(book_as("Morgan Avery").0, 80, 24);
    press(&mut a, "4");
    insta::assert_snapshot!("tracker_quarter_gauges_80x24", screen(&a));
    press(&mut a, "v");
    insta::assert_snapshot!("tracker_quarter_reps_80x24", screen(&a));
    // The columns that did not fit, scrolled into view.
    for _ in 0..6 {
        key(&mut a, KeyCode::Right);
    }
    insta::assert_snapshot!("tracker_quarter_reps_right_80x24", screen(&a));
    press(&mut a, "v");
    insta::assert_snapshot!("tracker_quarter_chart_80x24", screen(&a));
    press(&mut a, "y");
    insta::assert_snapshot!("tracker_year_chart_80x24", screen(&a));
    // Past the history, back to the gauges.
    press(&mut a, "vv");
    insta::assert_snapshot!("tracker_year_gauges_80x24", screen(&a));

    let mut a = app_over(book_as("Morgan Avery").0, 160, 48);
    press(&mut a, "4z");
    insta::assert_snapshot!("tracker_quarter_160x48", screen(&a));
    press(&mut a, "y");
    insta::assert_snapshot!("tracker_year_160x48", screen(&a));
}

// --- the same numbers as `rapport report` ---------------------------------

fn report(db: &std::path::Path, config: &std::path::Path, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .env_remove("RAPPORT_DB")
        .env("RAPPORT_CONFIG", config)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn cents(v: &Value) -> Option<i64> {
    v.as_f64().map(|f| (f * 100.0).round() as i64)
}

fn money(m: Option<Money>) -> Option<i64> {
    m.map(|m| m.cents())
}

fn one_decimal(p: Option<f64>) -> Option<f64> {
    p.map(|p| (p * 10.0).round() / 10.0)
}

fn coverage(c: Coverage) -> Value {
    match c {
        Coverage::NoTarget => Value::Null,
        Coverage::Covered => Value::from("covered"),
        Coverage::Ratio(r) => serde_json::json!((r * 100.0).round() / 100.0),
    }
}

/// The tracker's table against `report reps` rows, figure by figure; the won cents checked.
fn same_reps(reps: &Value, a: &App) -> i64 {
    let reps = reps["reps"].as_array().unwrap();
    assert_eq!(reps.len(), a.targets().reps.len());
    assert!(reps.len() > 3, "the demo has a team");
    let mut checked_won = 0;
    for (row, line) in reps.iter().zip(&a.targets().reps) {
        assert_eq!(row["rep"].as_str(), Some(line.name.as_str()), "same order: furthest behind first");
        assert_eq!(cents(&row["target"]), money(line.pace.target), "{}", line.name);
        assert_eq!(cents(&row["won"]), Some(line.metrics.won.cents()), "{}", line.name);
        assert_eq!(row["attainment"].as_f64(), one_decimal(line.pace.attainment), "{}", line.name);
        assert_eq!(cents(&row["gap"]), money(line.pace.gap), "{}", line.name);
        assert_eq!(cents(&row["pipeline"]), Some(line.metrics.pipeline.cents()));
        assert_eq!(cents(&row["weighted"]), Some(line.metrics.weighted.cents()));
        assert_eq!(row["coverage"], coverage(line.pace.coverage), "{}", line.name);
        assert_eq!(row["win_rate"].as_f64(), one_decimal(line.metrics.win_rate_count()));
        assert_eq!(row["activities"].as_i64(), Some(line.activities));
        assert_eq!(row["stale_accounts"].as_i64(), Some(line.stale));
        assert_eq!(row["open_conflicts"].as_i64(), Some(line.open_conflicts));
        assert_eq!(row["breached_conflicts"].as_i64(), Some(line.breached));
        checked_won += line.metrics.won.cents();
    }
    checked_won
}

#[test]
fn the_tracker_and_report_json_give_the_same_figures_on_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let config = dir.path().join("config.toml");
    let (store, _) = Store::open(&db, OpenMode::Create).unwrap();
    let day = store.clock().today();
    let spec = rapport::demo::DemoSpec { accounts: 120, ..rapport::demo::DemoSpec::at(store.clock().now()) };
    rapport::demo::generate(&store, &spec, &mut |_, _, _| {}).unwrap();
    let mut a = app_over(store, 160, 48);
    // On a file the tracker is computed on a second connection.
    a.poll_tracker(true).unwrap();
    // Both read today from the system clock; a run across midnight would compare two days.
    assert_eq!(a.today(), day);

    let reps = report(&db, &config, &["report", "reps", "--format", "json"]);
    let checked_won = same_reps(&reps, &a);
    assert!(checked_won > 0, "the demo wins deals this quarter");
    // The year: reps measured by the quarter are measured for the year by the sum of its quarters.
    press(&mut a, "4y");
    a.poll_tracker(true).unwrap();
    let year = rapport::tui::panes::targets::period_name(a.targets().period);
    same_reps(&report(&db, &config, &["report", "reps", "--period", &year, "--format", "json"]), &a);
    assert!(a.targets().reps.iter().filter(|r| r.pace.target.is_some()).count() > 3, "year targets for reps");
    press(&mut a, "y");
    a.poll_tracker(true).unwrap();

    // The headline gauge against `report forecast`, for the quarter and the year.
    for (keys, period) in [("4", None), ("y", Some(Period::year_of(a.calendar(), day)))] {
        press(&mut a, keys);
        a.poll_tracker(true).unwrap();
        let mut args = vec!["report", "forecast", "--format", "json"];
        let name = period.map(rapport::tui::panes::targets::period_name);
        if let Some(p) = &name {
            args.extend(["--period", p.as_str()]);
        }
        let v = report(&db, &config, &args);
        let row = &v["forecast"].as_array().unwrap()[0];
        // The report took the day's snapshot; the tracker, reloaded, lists it as the report does.
        press(&mut a, "[]");
        a.poll_tracker(true).unwrap();
        let history = v["history"].as_array().unwrap();
        assert!(!history.is_empty(), "{v}");
        assert_eq!(history.len(), a.targets().history.len());
        for (h, line) in history.iter().zip(&a.targets().history) {
            assert_eq!(h["week"].as_str(), Some(line.week.as_str()));
            assert_eq!(cents(&h["forecast"]), Some(line.figures.forecast.cents()));
            assert_eq!(cents(&h["change"]), money(line.change));
        }
        let g = &a.targets().rows[0];
        assert_eq!(
            row["period"].as_str(),
            Some(rapport::tui::panes::targets::period_name(a.targets().period).as_str())
        );
        assert_eq!(cents(&row["closed"]), Some(g.metrics.closed().cents()));
        assert_eq!(cents(&row["commit"]), Some(g.metrics.commit().cents()));
        assert_eq!(cents(&row["best_case"]), Some(g.metrics.best_case().cents()));
        assert_eq!(cents(&row["forecast"]), Some(g.metrics.forecast().cents()));
        assert_eq!(cents(&row["target"]), money(g.pace.target));
        assert_eq!(cents(&row["expected_by_today"]), money(g.pace.expected_by_today));
        assert_eq!(row["attainment"].as_f64(), one_decimal(g.pace.attainment));
        assert_eq!(cents(&row["gap"]), money(g.pace.gap));
        assert_eq!(row["coverage"], coverage(g.pace.coverage));
        assert!(g.pace.target.is_some(), "the demo sets the company's targets");
    }
}

#[test]
fn account_targets_show_on_the_account_card_in_their_unit() {
    let (s, ids) = book_as("Morgan Avery");
    for (period, metric, amount) in [
        (Period::Quarter(2026, 4), TargetMetric::WonRevenue, Money::from_units(200_000).cents()),
        (Period::Year(2026), TargetMetric::Activities, 10),
    ] {
        let mut t = Target {
            meta: Meta::default(),
            scope: TargetScope::Account,
            rep_id: None,
            account_id: Some(ids.acme),
            period,
            metric,
            amount,
        };
        s.insert(&mut t).unwrap();
    }
    let mut a = app_over(s, 160, 48);
    a.set_current(ids.acme).unwrap();
    press(&mut a, "2z");
    let text = screen(&a);
    let line = text.lines().find(|l| l.contains("Targets")).expect(&text);
    // Fleet add-on, 150k, won in October.
    assert!(line.contains("2026Q4 target 200k: 150k won (75%)"), "{line}");
    // Five calls, e-mails, meetings and notes and one follow-up on Acme this year.
    assert!(line.contains("FY2026 target 10 activities: 6"), "{line}");
    // An account without targets keeps the card as it was.
    a.set_current(ids.borealis).unwrap();
    assert!(!screen(&a).contains("Targets"));
}

#[test]
fn on_a_file_the_tracker_is_computed_behind_the_screen_and_never_shows_another_periods_figures() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(&dir.path().join("book.db"), OpenMode::Create).unwrap();
    let store = store.with_clock(common::clock());
    common::seed(&store);
    store.set_setting("me", "Morgan Avery").unwrap();
    // Wide enough for all four panes and Today, so the tracker is on screen unfocused and whole.
    let mut a = app_over(store, 200, 48);
    assert!(a.tracker_loading(), "the first frame does not wait for the tracker");
    assert!(screen(&a).contains("2026Q4 · computing the figures…"));
    a.poll_tracker(true).unwrap();
    assert!(!a.tracker_loading());
    assert!(screen(&a).contains("150k of 500k · expected by today 309k"));
    press(&mut a, "4");
    a.poll_tracker(true).unwrap();
    press(&mut a, "]");
    let text = screen(&a);
    assert!(text.contains("2027Q1 · computing the figures…"), "{text}");
    assert!(!text.contains("150k"), "{text}");
    a.poll_tracker(true).unwrap();
    assert_eq!(a.targets().figures_for, Some(Period::Quarter(2027, 1)));
    assert!(screen(&a).contains("2027Q1 starts 2027-01-01"));
}

// --- forecast history ------------------------------------------------------

fn on(y: i32, m: u32, d: u32) -> Clock {
    Clock::Fixed(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, y, m, d, 9, 0, 0).unwrap())
}

/// Snapshots of 2026Q3 on four days in three weeks, then the clock back to
/// the book's today (2026-11-26), when Q3 is closed. Q3 won: Sam's Analytics
/// 60k (seeded) and Rae's stretch deal 100k, won on 30 September.
fn q3_snapshots(store: &mut Store, ids: &common::Ids) {
    let c = Money::from_units;
    // Mon 3 Aug (W32): Analytics 60k won, Sam's hope 40k at 50%.
    store.set_clock(on(2026, 8, 3));
    let mut hope = Deal {
        account_id: ids.borealis,
        owner_id: Some(ids.sam),
        name: "Q3 hope".into(),
        stage: DealStage::Proposal,
        probability: 50,
        amount: c(40_000),
        expected_close: Some(common::date(2026, 9, 15)),
        ..Default::default()
    };
    store.insert(&mut hope).unwrap();
    assert!(store.take_forecast_snapshots().unwrap() > 0);
    // Wed 5 Aug, same week: Rae's stretch 100k at 75%. This is W32's last snapshot.
    store.set_clock(on(2026, 8, 5));
    let mut stretch = Deal {
        account_id: ids.acme,
        owner_id: Some(ids.rae),
        name: "Q3 stretch".into(),
        stage: DealStage::Negotiation,
        probability: 75,
        amount: c(100_000),
        expected_close: Some(common::date(2026, 9, 20)),
        ..Default::default()
    };
    store.insert(&mut stretch).unwrap();
    store.take_forecast_snapshots().unwrap();
    // Wed 12 Aug (W33): the hope is lost.
    store.set_clock(on(2026, 8, 12));
    store.move_deal(hope.meta.id, DealStage::Lost).unwrap();
    store.take_forecast_snapshots().unwrap();
    // Wed 30 Sep (W40): the stretch is won.
    store.set_clock(on(2026, 9, 30));
    store.move_deal(stretch.meta.id, DealStage::Won).unwrap();
    store.take_forecast_snapshots().unwrap();
    store.set_clock(common::clock());
}

/// (week, taken on, forecast, change, commit, best case, accuracy) of each line, in units.
type HistoryRow = (String, String, i64, Option<i64>, i64, i64, Option<f64>);

fn history_rows(a: &App) -> Vec<HistoryRow> {
    let units = |m: Money| m.cents() / 100;
    a.targets()
        .history
        .iter()
        .map(|l| {
            let f = l.figures;
            (
                l.week.clone(),
                f.taken_on.to_string(),
                units(f.forecast),
                l.change.map(units),
                units(f.commit),
                units(f.best_case),
                l.accuracy.map(|p| (p * 1000.0).round() / 1000.0),
            )
        })
        .collect()
}

#[test]
fn the_history_shows_each_weeks_last_snapshot_and_a_closed_periods_accuracy() {
    let (mut s, ids) = common::store();
    q3_snapshots(&mut s, &ids);
    let mut a = app_over(s, 80, 24);
    press(&mut a, "4[");
    assert_eq!(a.targets().period, Period::Quarter(2026, 3));
    let row = |w: &str, d: &str, fc, ch, cm, bc, acc| (w.to_string(), d.to_string(), fc, ch, cm, bc, acc);
    // The company: 160k won in Q3. W32's last snapshot is Wednesday's, not Monday's.
    assert_eq!(
        history_rows(&a),
        vec![
            // 60k won + 20k of the hope + 75k of the stretch; 155 ÷ 160.
            row("2026-W32", "2026-08-05", 155_000, None, 160_000, 200_000, Some(96.875)),
            row("2026-W33", "2026-08-12", 135_000, Some(-20_000), 160_000, 160_000, Some(84.375)),
            row("2026-W40", "2026-09-30", 160_000, Some(25_000), 160_000, 160_000, Some(100.0)),
        ]
    );

    // The open quarter has no snapshot yet, then today's, with no accuracy while it runs.
    press(&mut a, "]");
    assert!(a.targets().history.is_empty());
    press(&mut a, "vvv");
    assert_eq!(a.targets().view, View::History);
    assert!(screen(&a).contains("no snapshots yet"), "{}", screen(&a));
    a.store().take_forecast_snapshots().unwrap();
    press(&mut a, "[]");
    assert_eq!(history_rows(&a), vec![row("2026-W48", "2026-11-26", 150_000, None, 150_000, 150_000, None)]);
    assert!(!screen(&a).contains("Accuracy"));

    // One rep's scope counts only their snapshots, against their own won (Sam: 60k).
    let (mut s, ids) = book_as("Sam Moreau");
    q3_snapshots(&mut s, &ids);
    let mut a = app_over(s, 80, 24);
    assert_eq!(a.resolved().reps, Some(vec![ids.sam]));
    press(&mut a, "4[");
    assert_eq!(
        history_rows(&a),
        vec![
            row("2026-W32", "2026-08-05", 80_000, None, 60_000, 100_000, Some(133.333)),
            row("2026-W33", "2026-08-12", 60_000, Some(-20_000), 60_000, 60_000, Some(100.0)),
            row("2026-W40", "2026-09-30", 60_000, Some(0), 60_000, 60_000, Some(100.0)),
        ]
    );
}

#[test]
fn the_history_at_80x24_and_beside_the_chart_when_wide() {
    let (mut s, ids) = book_as("Morgan Avery");
    q3_snapshots(&mut s, &ids);
    let mut a = app_over(s, 80, 24);
    press(&mut a, "4[vvv");
    let text = screen(&a);
    assert!(text.contains("2026-W33  2026-08-12      135k      -20k      160k       160k     84.4%"), "{text}");
    insta::assert_snapshot!("tracker_history_closed_quarter_80x24", text);

    let (mut s, ids) = book_as("Morgan Avery");
    q3_snapshots(&mut s, &ids);
    let mut a = app_over(s, 160, 48);
    press(&mut a, "4z[");
    let text = screen(&a);
    assert!(text.contains("Forecast history 2026Q3, week by week · accuracy = forecast ÷ won 160k"), "{text}");
    assert!(text.contains("2026-W40  2026-09-30      160k      +25k      160k       160k    100.0%"), "{text}");
}

#[test]
fn the_tracker_and_report_forecast_json_give_the_same_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let config = dir.path().join("config.toml");
    let (store, _) = Store::open(&db, OpenMode::Create).unwrap();
    let mut store = store.with_clock(common::clock());
    let ids = common::seed(&store);
    q3_snapshots(&mut store, &ids);

    for (me, scope) in [(None, "all"), (Some("Sam Moreau"), "rep:Sam Moreau"), (Some("Lee Okafor"), "team")] {
        if let Some(me) = me {
            store.set_setting("me", me).unwrap();
        }
        let v =
            report(&db, &config, &["report", "forecast", "--period", "2026Q3", "--scope", scope, "--format", "json"]);
        let (reader, _) = Store::open(&db, OpenMode::Existing).unwrap();
        let mut a = app_over(reader.with_clock(common::clock()), 80, 24);
        a.poll_tracker(true).unwrap();
        press(&mut a, "4[");
        a.poll_tracker(true).unwrap();
        let history = v["history"].as_array().unwrap();
        assert_eq!(history.len(), 3, "{scope}: {v}");
        assert_eq!(history.len(), a.targets().history.len(), "{scope}");
        for (row, line) in history.iter().zip(&a.targets().history) {
            let f = line.figures;
            assert_eq!(row["taken_on"].as_str(), Some(f.taken_on.to_string().as_str()), "{scope}");
            assert_eq!(row["week"].as_str(), Some(line.week.as_str()), "{scope}");
            assert_eq!(cents(&row["closed"]), Some(f.closed.cents()), "{scope}");
            assert_eq!(cents(&row["commit"]), Some(f.commit.cents()), "{scope}");
            assert_eq!(cents(&row["best_case"]), Some(f.best_case.cents()), "{scope}");
            assert_eq!(cents(&row["forecast"]), Some(f.forecast.cents()), "{scope}");
            assert_eq!(cents(&row["change"]), money(line.change), "{scope}");
            assert_eq!(row["accuracy"].as_f64(), one_decimal(line.accuracy), "{scope}");
            assert!(line.accuracy.is_some(), "Q3 is closed");
        }
    }
}

#[test]
fn a_years_history_shows_its_latest_weeks_at_80x24_and_scrolls_back() {
    use chrono::Datelike;
    let (mut s, _) = book_as("Morgan Avery");
    // Every Monday of 2026 up to 23 November: 47 weeks.
    let mut day = common::date(2026, 1, 5);
    while day <= common::date(2026, 11, 23) {
        s.set_clock(on(day.year(), day.month(), day.day()));
        s.take_forecast_snapshots().unwrap();
        day = day + chrono::Days::new(7);
    }
    s.set_clock(common::clock());
    let mut a = app_over(s, 80, 24);
    press(&mut a, "4yvvv");
    assert_eq!((a.targets().period, a.targets().view), (Period::Year(2026), View::History));
    assert_eq!(a.targets().history.len(), 47);
    let text = screen(&a);
    assert!(text.contains("2026-W48  2026-11-23"), "the latest week shows first: {text}");
    assert!(text.contains("33 earlier, 0 later weeks: j/k scroll"), "{text}");
    assert!(!text.contains("Accuracy"), "FY2026 is still open: {text}");
    press(&mut a, "kk");
    let text = screen(&a);
    assert!(!text.contains("2026-W48") && text.contains("2026-W46  2026-11-09"), "{text}");
    assert!(text.contains("31 earlier, 2 later weeks"), "{text}");
    // Scrolling stops at the first week.
    press(&mut a, &"k".repeat(60));
    let text = screen(&a);
    assert!(text.contains("2026-W02  2026-01-05") && text.contains("0 earlier, 33 later weeks"), "{text}");
}
