//! Forms that keep what was typed: targets of every metric and scope, dates
//! people say, a clock that flows in a cockpit left open, and Ctrl-C or a
//! closed terminal that never loses a changed form.

mod common;

use common::{ctrl, key, press, screen};

use rapport::domain::*;
use rapport::store::*;
use rapport::tui::app::App;
use rapport::tui::forms;
use rapport::tui::overlays::Overlay;
use ratatui::crossterm::event::KeyCode;

fn app_on(store: Store) -> App {
    common::app_over(store, 120, 40)
}

fn app() -> (App, common::Ids) {
    common::app(120, 40)
}

/// The screen line holding a form field's label.
fn field_line(app: &App, label: &str) -> String {
    screen(app).lines().find(|l| l.contains(&format!("{label}  ")) && l.contains('│')).unwrap_or_default().to_string()
}

fn form_open(app: &App) -> bool {
    matches!(app.overlay(), Overlay::Form(_))
}

fn q4() -> Period {
    Period::Quarter(2026, 4)
}

/// Who and what a target is, without its bookkeeping.
fn essence(t: &Target) -> (TargetScope, Option<i64>, Option<i64>, Period, TargetMetric, i64) {
    (t.scope, t.rep_id, t.account_id, t.period, t.metric, t.amount)
}

fn insert_target(
    s: &Store,
    scope: TargetScope,
    rep: Option<i64>,
    account: Option<i64>,
    metric: TargetMetric,
    amount: i64,
) -> i64 {
    let mut t = Target { meta: Meta::default(), scope, rep_id: rep, account_id: account, period: q4(), metric, amount };
    s.insert(&mut t).unwrap();
    t.meta.id
}

fn open_target(app: &mut App, id: i64) {
    let form = forms::target_form(app.store(), Some(id), q4(), app.today()).unwrap();
    app.open_form(Ok(form));
}

// --- 12. targets of every metric -------------------------------------------

#[test]
fn a_count_target_is_saved_through_the_form_as_a_count() {
    let (mut app, _) = app();
    press(&mut app, "4a");
    assert!(form_open(&app), "a in the tracker sets a target");
    // Scope: company (its letter moves on to Rep); Tab to Account, Tab to Metric.
    press(&mut app, "c");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    // Metric: new deals (moves on to Period, which holds the tracker's quarter).
    press(&mut app, "n");
    key(&mut app, KeyCode::Tab);
    press(&mut app, "4");
    assert!(field_line(&app, "Amount").contains("→ 4 deals"), "{}", screen(&app));
    key(&mut app, KeyCode::Enter);
    assert!(!form_open(&app), "saved: {:?}", app.message());
    let saved: Vec<_> = app
        .store()
        .targets_for(q4())
        .unwrap()
        .iter()
        .filter(|t| t.metric == TargetMetric::NewDeals)
        .map(essence)
        .collect();
    assert_eq!(saved, vec![(TargetScope::Company, None, None, q4(), TargetMetric::NewDeals, 4)]);
}

#[test]
fn an_account_target_is_saved_through_the_form() {
    let (mut app, ids) = app();
    press(&mut app, "4a");
    press(&mut app, "a");
    key(&mut app, KeyCode::Tab);
    press(&mut app, "Borealis");
    key(&mut app, KeyCode::Tab);
    press(&mut app, "w");
    key(&mut app, KeyCode::Tab);
    press(&mut app, "50k");
    key(&mut app, KeyCode::Enter);
    assert!(!form_open(&app), "saved: {:?} {}", app.message(), screen(&app));
    let saved: Vec<_> = app
        .store()
        .targets_for(q4())
        .unwrap()
        .iter()
        .filter(|t| t.scope == TargetScope::Account)
        .map(essence)
        .collect();
    assert_eq!(
        saved,
        vec![(TargetScope::Account, None, Some(ids.borealis), q4(), TargetMetric::WonRevenue, 5_000_000)]
    );
}

#[test]
fn an_account_target_without_an_account_is_refused_by_name() {
    let (mut app, _) = app();
    press(&mut app, "4aa");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    press(&mut app, "w");
    key(&mut app, KeyCode::Tab);
    press(&mut app, "5k");
    let before = app.store().targets_for(q4()).unwrap().len();
    key(&mut app, KeyCode::Enter);
    assert!(form_open(&app));
    assert!(screen(&app).contains("an account target needs an account"), "{}", screen(&app));
    assert_eq!(app.store().targets_for(q4()).unwrap().len(), before, "nothing written");
}

#[test]
fn targets_of_every_metric_and_scope_survive_a_round_trip_through_the_form() {
    let (mut app, ids) = app();
    let cases = [
        insert_target(app.store(), TargetScope::Company, None, None, TargetMetric::NewDeals, 4),
        insert_target(app.store(), TargetScope::Rep, Some(ids.rae), None, TargetMetric::Activities, 1_200),
        insert_target(app.store(), TargetScope::Account, None, Some(ids.acme), TargetMetric::WonRevenue, 1_234_567),
        insert_target(app.store(), TargetScope::Account, None, Some(ids.acme_gmbh), TargetMetric::NewDeals, 2),
        insert_target(app.store(), TargetScope::Team, Some(ids.lead), None, TargetMetric::WonRevenue, 40_000_000),
    ];
    for id in cases {
        let before = app.store().require::<Target>(id).unwrap();
        open_target(&mut app, id);
        if before.metric == TargetMetric::NewDeals && before.amount == 4 {
            let line = field_line(&app, "Amount");
            assert!(line.contains(" 4") && !line.contains("0.04"), "a count shows as a count: {line}");
        }
        key(&mut app, KeyCode::Enter);
        assert!(!form_open(&app), "target {id} saved unchanged: {:?}", app.message());
        let after = app.store().require::<Target>(id).unwrap();
        assert_eq!(essence(&after), essence(&before), "target {id}");
    }
}

#[test]
fn changing_the_metric_checks_the_amount_in_the_new_unit() {
    let (mut app, _) = app();
    let id = insert_target(app.store(), TargetScope::Company, None, None, TargetMetric::WonRevenue, 25_000_000);
    open_target(&mut app, id);
    assert!(field_line(&app, "Amount").contains("250,000"), "{}", screen(&app));
    if let Overlay::Form(f) = app.overlay_mut() {
        f.focus_on("Metric");
    }
    press(&mut app, "n");
    assert!(field_line(&app, "Amount").contains("not a count"), "{}", screen(&app));
    key(&mut app, KeyCode::Enter);
    assert!(form_open(&app), "not saved with a money amount as a count");
    assert_eq!(app.store().require::<Target>(id).unwrap().metric, TargetMetric::WonRevenue);
}

// --- 11. dates people say --------------------------------------------------

fn backspace(app: &mut App, n: usize) {
    for _ in 0..n {
        key(app, KeyCode::Backspace);
    }
}

#[test]
fn the_log_form_reads_dates_people_say_and_shows_the_day_understood() {
    let (store, _) = common::store();
    // A fiscal year from February: this quarter runs November to January.
    store.set_setting("fiscal_start_month", "2").unwrap();
    let mut app = app_on(store);
    assert_eq!(app.today(), common::date(2026, 11, 26), "a Thursday");
    press(&mut app, "lc");
    press(&mut app, "Roadmap promised");
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    press(&mut app, "fri");
    assert!(
        field_line(&app, "Follow-up").contains("→ Fri 27 Nov 2026"),
        "fri on a Thursday is tomorrow: {}",
        screen(&app)
    );
    backspace(&mut app, 3);
    press(&mut app, "next fri");
    assert!(field_line(&app, "Follow-up").contains("→ Fri 04 Dec 2026"), "{}", screen(&app));
    backspace(&mut app, 8);
    press(&mut app, "in 2 weeks");
    assert!(field_line(&app, "Follow-up").contains("→ Thu 10 Dec 2026"), "{}", screen(&app));
    backspace(&mut app, 10);
    press(&mut app, "eom");
    assert!(field_line(&app, "Follow-up").contains("→ Mon 30 Nov 2026"), "{}", screen(&app));
    backspace(&mut app, 3);
    press(&mut app, "eoq");
    assert!(field_line(&app, "Follow-up").contains("→ Sun 31 Jan 2027"), "the fiscal quarter's end: {}", screen(&app));
    key(&mut app, KeyCode::Enter);
    assert!(!form_open(&app), "{:?}", app.message());
    assert!(app.message().unwrap_or("").contains("follow-up due 2027-01-31"), "{:?}", app.message());
}

#[test]
fn the_log_forms_follow_up_text_follows_the_summary_until_written_over() {
    let (mut app, ids) = app();
    app.set_current(ids.cobalt).unwrap();
    press(&mut app, "lc");
    press(&mut app, "Pilot call");
    assert!(
        field_line(&app, "Follow-up text").contains("Follow up: Pilot call"),
        "prefilled as the summary is typed: {}",
        screen(&app)
    );
    backspace(&mut app, 4);
    assert!(field_line(&app, "Follow-up text").contains("Follow up: Pilot"), "{}", screen(&app));
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    press(&mut app, "fri");
    key(&mut app, KeyCode::Tab);
    // Written over, it stays the person's own, whatever the summary becomes.
    backspace(&mut app, "Follow up: Pilot".len());
    press(&mut app, "Send the pilot report");
    // Round to the summary.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    press(&mut app, "review");
    assert!(field_line(&app, "Follow-up text").contains("Send the pilot report"), "{}", screen(&app));
    key(&mut app, KeyCode::Enter);
    assert!(!form_open(&app), "{:?}", app.message());
    let follow = app.store().follow_ups_due(common::date(2026, 11, 27)).unwrap();
    let f = follow.iter().find(|f| f.account_id == ids.cobalt && f.due_on == common::date(2026, 11, 27)).unwrap();
    assert_eq!(f.summary, "Send the pilot report");
    assert!(summaries(app.store(), ids.cobalt).contains(&"Pilot review".to_string()));
    // The timeline shows it in its own words.
    app.set_current(ids.cobalt).unwrap();
    assert!(screen(&app).contains("Send the pilot report"), "{}", screen(&app));

    // Left as it was, the follow-up takes the usual words.
    press(&mut app, "lm");
    press(&mut app, "Site visit");
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    press(&mut app, "fri");
    key(&mut app, KeyCode::Enter);
    assert!(!form_open(&app), "{:?}", app.message());
    let follow = app.store().follow_ups_due(common::date(2026, 11, 27)).unwrap();
    assert!(follow.iter().any(|f| f.summary == "Follow up: Site visit"), "{follow:?}");
}

// --- 10. a clock that flows --------------------------------------------------

fn at(app: &mut App, y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) {
    use chrono::TimeZone;
    app.store_mut().set_clock(Clock::Fixed(chrono::Utc.with_ymd_and_hms(y, m, d, h, min, s).unwrap()));
}

/// The conflict queue's row for `title`.
fn queue_row(app: &App, title_part: &str) -> String {
    screen(app).lines().find(|l| l.contains(title_part)).unwrap_or_default().to_string()
}

#[test]
fn a_cockpit_left_open_sees_an_sla_breach_happen() {
    let (mut app, _) = app();
    press(&mut app, "3z");
    assert_eq!(app.badges().breached, 1, "the invoice dispute is already late");
    assert!(queue_row(&app, "Late delivery").contains("3d left"), "{}", screen(&app));

    // Within the same minute nothing needs drawing.
    at(&mut app, 2026, 11, 26, 14, 0, 40);
    assert!(!app.tick().unwrap());

    // Late delivery is due 2026-11-30 09:00.
    at(&mut app, 2026, 11, 30, 8, 59, 0);
    assert!(app.tick().unwrap(), "a new minute is drawn");
    assert!(queue_row(&app, "Late delivery").contains("1m left"), "{}", screen(&app));
    assert!(screen(&app).contains("1 SLA breached"), "{}", screen(&app));

    at(&mut app, 2026, 11, 30, 9, 1, 0);
    assert!(app.tick().unwrap());
    assert_eq!(app.badges().breached, 2);
    let s = screen(&app);
    assert!(queue_row(&app, "Late delivery").contains("breached 1m"), "{s}");
    assert!(s.contains("2 SLA breached"), "the header counts it: {s}");
    assert!(s.contains("2 breached"), "the queue's title counts it: {s}");
}

#[test]
fn a_cockpit_left_open_over_midnight_moves_to_the_new_day() {
    let (mut app, ids) = app();
    at(&mut app, 2026, 11, 26, 23, 59, 0);
    app.tick().unwrap();
    let s = screen(&app);
    assert!(s.contains("Thu 26 Nov 2026"), "{s}");
    assert!(s.contains("1 overdue follow-ups · 1 due today"), "{s}");

    at(&mut app, 2026, 11, 27, 0, 0, 30);
    assert!(app.tick().unwrap());
    assert_eq!(app.today(), common::date(2026, 11, 27));
    assert_eq!(app.targets().today, app.today(), "the tracker's pace counts from the new day");
    let s = screen(&app);
    assert!(s.contains("Fri 27 Nov 2026") && !s.contains("Thu 26 Nov 2026"), "{s}");
    assert!(s.contains("2 overdue follow-ups") && !s.contains("due today"), "yesterday's follow-up is overdue: {s}");

    // "fri" typed now means the Friday after this one, and "today" is the 27th.
    app.set_current(ids.acme).unwrap();
    press(&mut app, "lc");
    press(&mut app, "Late night call");
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    press(&mut app, "fri");
    assert!(field_line(&app, "Follow-up").contains("→ Fri 04 Dec 2026"), "{}", screen(&app));
}

// --- 6. Ctrl-C and a closed terminal never lose a changed form -------------

/// The fixed book in a file (drafts live beside a database file).
fn book_file(dir: &std::path::Path) -> (std::path::PathBuf, common::Ids) {
    let path = dir.join("book.db");
    let (store, _) = Store::open(&path, OpenMode::Create).unwrap();
    let ids = common::seed(&store.with_clock(common::clock()));
    (path, ids)
}

fn open_app(path: &std::path::Path) -> App {
    let (store, _) = Store::open(path, OpenMode::Existing).unwrap();
    let mut app = app_on(store.with_clock(common::clock()));
    app.poll_loading(true).unwrap();
    app
}

fn summaries(store: &Store, account: i64) -> Vec<String> {
    store.timeline(account, None, 100).unwrap().into_iter().map(|i| i.summary).collect()
}

#[test]
fn ctrl_c_in_a_changed_form_asks_before_quitting() {
    let (mut app, _) = app();
    press(&mut app, "l");
    ctrl(&mut app, 'c');
    assert!(app.has_quit(), "an untouched form: Ctrl-C quits at once");

    let (mut app, _) = self::app();
    press(&mut app, "lc");
    press(&mut app, "Jane wants a discount");
    ctrl(&mut app, 'c');
    assert!(!app.has_quit(), "the typed note is not thrown away unasked");
    assert!(screen(&app).contains("Quit and throw away your changes?"), "{}", screen(&app));
    press(&mut app, "n");
    assert!(!app.has_quit() && form_open(&app));
    assert!(field_line(&app, "Summary").contains("Jane wants a discount"), "{}", screen(&app));
    ctrl(&mut app, 'c');
    press(&mut app, "y");
    assert!(app.has_quit(), "confirmed: quit");
}

#[test]
fn a_form_open_when_the_terminal_closes_is_offered_back_and_restored() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book_file(dir.path());
    let mut app = open_app(&db);
    app.set_current(ids.cobalt).unwrap();
    press(&mut app, "le");
    press(&mut app, "Sent the pilot contract");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    press(&mut app, "Signed copy expected friday");
    // What the event loop does when a hang-up (or any signal) stops it.
    assert!(app.keep_draft().unwrap());
    drop(app);

    let kept = rapport::tui::drafts::path_for(&db);
    assert_eq!(kept, dir.path().join("book.db.drafts.json"));
    let text = std::fs::read_to_string(&kept).unwrap();
    assert!(text.contains("Sent the pilot contract"), "{text}");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kept).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a draft holds customer notes: owner only");
    }

    let mut app = open_app(&db);
    assert!(matches!(app.overlay(), Overlay::Draft(_)), "offered on the next start");
    let s = screen(&app);
    assert!(
        s.contains("A kept draft") && s.contains("Log on Cobalt Mining") && s.contains("Sent the pilot contract"),
        "{s}"
    );
    assert!(s.contains("r restore · d discard"), "{s}");
    press(&mut app, "r");
    assert!(form_open(&app), "{:?}", app.message());
    assert!(!kept.exists(), "a restored draft is no longer kept");
    if let Overlay::Form(f) = app.overlay() {
        assert_eq!(f.field("Kind").choice_value(), "email");
        assert_eq!(f.field("Summary").text(), "Sent the pilot contract");
        assert_eq!(f.field("Body").text(), "Signed copy expected friday");
        assert!(f.changed, "Esc on it still asks");
    }
    key(&mut app, KeyCode::Enter);
    assert!(!form_open(&app), "{:?}", app.message());
    assert!(summaries(app.store(), ids.cobalt).contains(&"Sent the pilot contract".to_string()));
    drop(app);
    assert!(!matches!(open_app(&db).overlay(), Overlay::Draft(_)), "offered once");
}

#[test]
fn a_kept_draft_can_be_discarded_or_left_for_later() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book_file(dir.path());
    let mut app = open_app(&db);
    app.set_current(ids.cobalt).unwrap();
    press(&mut app, "ln");
    press(&mut app, "Never to be saved");
    assert!(app.keep_draft().unwrap());
    drop(app);

    let mut app = open_app(&db);
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay(), Overlay::None));
    assert!(rapport::tui::drafts::path_for(&db).exists(), "Esc leaves it for the next start");
    drop(app);

    let mut app = open_app(&db);
    press(&mut app, "d");
    assert!(matches!(app.overlay(), Overlay::None));
    assert!(!rapport::tui::drafts::path_for(&db).exists());
    assert!(!summaries(app.store(), ids.cobalt).contains(&"Never to be saved".to_string()));
}

#[test]
fn an_untouched_form_or_an_in_memory_book_keeps_no_draft() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = book_file(dir.path());
    let mut app = open_app(&db);
    press(&mut app, "l");
    assert!(!app.keep_draft().unwrap(), "nothing typed, nothing kept");
    assert!(!rapport::tui::drafts::path_for(&db).exists());
}
