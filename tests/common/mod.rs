//! A small fixed book of business for state and render tests: four reps,
//! four accounts, a few contacts, deals, conflicts, targets and a timeline,
//! all around a fixed "now" of 2026-11-26 14:00 UTC.
#![allow(dead_code)]

pub mod book;

use chrono::{NaiveDate, TimeZone, Utc};
use rapport::domain::*;
use rapport::store::*;

pub fn clock() -> Clock {
    Clock::Fixed(Utc.with_ymd_and_hms(2026, 11, 26, 14, 0, 0).unwrap())
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub struct Ids {
    pub manager: i64,
    pub lead: i64,
    pub rae: i64,
    pub sam: i64,
    pub acme: i64,
    pub borealis: i64,
    pub cobalt: i64,
    pub acme_gmbh: i64,
    pub jane: i64,
}

fn rep(s: &Store, name: &str, role: RepRole, manager: Option<i64>) -> i64 {
    let mut r = Rep { name: name.into(), role, manager_id: manager, ..Default::default() };
    s.insert(&mut r).unwrap()
}

#[allow(clippy::too_many_arguments)]
fn account(
    s: &Store,
    name: &str,
    tier: Tier,
    status: AccountStatus,
    owner: i64,
    value: i64,
    renewal: Option<NaiveDate>,
    sector: &str,
) -> i64 {
    let mut a = Account {
        name: name.into(),
        tier,
        status,
        owner_id: Some(owner),
        annual_value: Money::from_units(value),
        renewal_date: renewal,
        sector: Some(sector.into()),
        city: Some("Rotterdam".into()),
        ..Default::default()
    };
    s.insert(&mut a).unwrap()
}

#[allow(clippy::too_many_arguments)]
fn contact(
    s: &Store,
    account: i64,
    name: &str,
    title: &str,
    role: ContactRole,
    email: &str,
    phone: &str,
    primary: bool,
) -> i64 {
    let mut c = Contact {
        account_id: account,
        name: name.into(),
        title: Some(title.into()),
        role,
        email: Some(email.into()),
        phone: Some(phone.into()),
        is_primary: primary,
        ..Default::default()
    };
    s.insert(&mut c).unwrap()
}

pub fn activity(
    s: &Store,
    account: i64,
    kind: ActivityKind,
    at: &str,
    summary: &str,
    contact: Option<i64>,
    rep: Option<i64>,
) -> i64 {
    let mut a = Activity {
        account_id: account,
        kind,
        occurred_at: at.into(),
        summary: summary.into(),
        contact_id: contact,
        rep_id: rep,
        ..Default::default()
    };
    s.insert(&mut a).unwrap()
}

fn follow_up(s: &Store, account: i64, at: &str, due: NaiveDate, summary: &str, rep: i64) {
    let mut a = Activity {
        account_id: account,
        kind: ActivityKind::FollowUp,
        occurred_at: at.into(),
        summary: summary.into(),
        due_on: Some(due),
        rep_id: Some(rep),
        ..Default::default()
    };
    s.insert(&mut a).unwrap();
}

fn deal(s: &Store, account: i64, owner: i64, name: &str, stage: DealStage, amount: i64, closed: Option<NaiveDate>) {
    let mut d = Deal {
        account_id: account,
        owner_id: Some(owner),
        name: name.into(),
        stage,
        amount: Money::from_units(amount),
        probability: stage.default_probability(),
        closed_on: closed,
        expected_close: if closed.is_none() { Some(date(2027, 1, 15)) } else { None },
        ..Default::default()
    };
    s.insert(&mut d).unwrap();
}

#[allow(clippy::too_many_arguments)]
fn conflict(
    s: &Store,
    account: i64,
    owner: i64,
    title: &str,
    sev: Severity,
    status: ConflictStatus,
    opened: &str,
    due: &str,
) {
    let mut c = Conflict {
        account_id: account,
        owner_id: Some(owner),
        title: title.into(),
        severity: sev,
        status,
        opened_at: opened.into(),
        sla_due_at: due.into(),
        ..Default::default()
    };
    if status == ConflictStatus::Resolved {
        c.resolved_at = Some("2026-11-10T12:00:00Z".into());
        c.resolution = Some("Credit note issued".into());
    }
    s.insert(&mut c).unwrap();
}

fn target(s: &Store, scope: TargetScope, rep: Option<i64>, period: Period, amount: i64) {
    let mut t = Target {
        meta: Meta::default(),
        scope,
        rep_id: rep,
        account_id: None,
        period,
        metric: TargetMetric::WonRevenue,
        amount: Money::from_units(amount).cents(),
    };
    s.insert(&mut t).unwrap();
}

pub fn seed(s: &Store) -> Ids {
    use AccountStatus::*;
    use ActivityKind::*;
    s.write(|s| {
        let manager = rep(s, "Morgan Avery", RepRole::Manager, None);
        let lead = rep(s, "Lee Okafor", RepRole::Lead, Some(manager));
        let rae = rep(s, "Rae Lindqvist", RepRole::Rep, Some(lead));
        let sam = rep(s, "Sam Moreau", RepRole::Rep, Some(lead));
        let acme = account(
            s,
            "Acme Logistics",
            Tier::Strategic,
            Customer,
            rae,
            1_200_000,
            Some(date(2027, 2, 1)),
            "Logistics",
        );
        let borealis =
            account(s, "Borealis Systems", Tier::Key, Customer, sam, 180_000, Some(date(2026, 12, 10)), "Software");
        let cobalt = account(s, "Cobalt Mining", Tier::Standard, Prospect, rae, 20_000, None, "Mining");
        let acme_gmbh = account(
            s,
            "Acme Logistik GmbH",
            Tier::Standard,
            Customer,
            lead,
            40_000,
            Some(date(2027, 6, 30)),
            "Logistics",
        );
        let mut sub = s.require::<Account>(acme_gmbh).unwrap();
        sub.parent_id = Some(acme);
        s.update(&mut sub).unwrap();

        let jane = contact(
            s,
            acme,
            "Jane Roe",
            "CFO",
            ContactRole::Finance,
            "jane.roe@acme.example",
            "+1 (555) 010-2030",
            true,
        );
        let tom = contact(
            s,
            acme,
            "Tom Hardy",
            "CTO",
            ContactRole::Technical,
            "tom.hardy@acme.example",
            "+1 555 010 7788",
            false,
        );
        let priya = contact(
            s,
            borealis,
            "Priya Patel",
            "VP Sales",
            ContactRole::DecisionMaker,
            "priya@borealis.example",
            "+44 20 7946 0123",
            true,
        );
        contact(
            s,
            cobalt,
            "Ola Nordmann",
            "Head of Ops",
            ContactRole::Champion,
            "ola@cobalt.example",
            "+47 22 12 34 56",
            true,
        );

        activity(s, acme, Call, "2026-11-25T15:30:00Z", "Called Jane about renewal pricing", Some(jane), Some(rae));
        activity(s, acme, Email, "2026-11-25T09:10:00Z", "Sent updated fleet proposal", Some(tom), Some(rae));
        activity(s, acme, Meeting, "2026-11-18T13:00:00Z", "Quarterly business review", Some(jane), Some(rae));
        activity(s, acme, Note, "2026-11-18T16:00:00Z", "Jane hinted at budget cuts in Q1", Some(jane), Some(rae));
        activity(s, acme, Call, "2026-11-03T10:00:00Z", "Intro call with new CTO", Some(tom), Some(rae));
        follow_up(s, acme, "2026-11-18T16:05:00Z", date(2026, 11, 24), "Send renewal pricing", rae);
        activity(s, borealis, Meeting, "2026-10-15T10:00:00Z", "Analytics kickoff", Some(priya), Some(sam));
        follow_up(s, borealis, "2026-11-20T10:00:00Z", date(2026, 11, 26), "Check delivery date with Priya", sam);

        deal(s, acme, rae, "Renewal 2027", DealStage::Negotiation, 300_000, None);
        deal(s, acme, rae, "Fleet add-on", DealStage::Won, 150_000, Some(date(2026, 10, 20)));
        deal(s, acme, rae, "Tracking pilot", DealStage::Won, 80_000, Some(date(2025, 12, 1)));
        deal(s, borealis, sam, "Analytics", DealStage::Won, 60_000, Some(date(2026, 8, 15)));
        deal(s, borealis, sam, "Data lake", DealStage::Lost, 90_000, Some(date(2026, 11, 2)));
        deal(s, cobalt, rae, "Pilot", DealStage::Proposal, 15_000, None);

        conflict(
            s,
            acme,
            rae,
            "Invoice dispute",
            Severity::High,
            ConflictStatus::Open,
            "2026-11-23T10:00:00Z",
            "2026-11-25T10:00:00Z",
        );
        conflict(
            s,
            borealis,
            sam,
            "Late delivery",
            Severity::Normal,
            ConflictStatus::InProgress,
            "2026-11-25T09:00:00Z",
            "2026-11-30T09:00:00Z",
        );
        conflict(
            s,
            cobalt,
            rae,
            "Wrong contact on file",
            Severity::Low,
            ConflictStatus::Resolved,
            "2026-11-01T09:00:00Z",
            "2026-11-11T09:00:00Z",
        );

        target(s, TargetScope::Company, None, Period::Quarter(2026, 4), 500_000);
        target(s, TargetScope::Company, None, Period::Year(2026), 1_500_000);
        target(s, TargetScope::Team, Some(lead), Period::Quarter(2026, 4), 400_000);
        target(s, TargetScope::Rep, Some(rae), Period::Quarter(2026, 4), 250_000);
        target(s, TargetScope::Rep, Some(sam), Period::Quarter(2026, 4), 150_000);
        Ok(Ids { manager, lead, rae, sam, acme, borealis, cobalt, acme_gmbh, jane })
    })
    .unwrap()
}

pub fn store() -> (Store, Ids) {
    let s = Store::in_memory(clock()).unwrap();
    let ids = seed(&s);
    (s, ids)
}

/// The cockpit over `store`, `w`×`h`, without colours and with the default keys.
pub fn app_over(store: Store, w: u16, h: u16) -> rapport::tui::app::App {
    use rapport::tui::{app::App, keymap::Keymap, theme::Theme};
    App::new(store, Keymap::default(), Theme { color: false }, ratatui::layout::Rect::new(0, 0, w, h)).unwrap()
}

/// Types `keys`, one character at a time.
pub fn press(app: &mut rapport::tui::app::App, keys: &str) {
    for c in keys.chars() {
        key(app, ratatui::crossterm::event::KeyCode::Char(c));
    }
}

/// One key with no modifier.
pub fn key(app: &mut rapport::tui::app::App, code: ratatui::crossterm::event::KeyCode) {
    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE)).unwrap();
}

/// Ctrl and a letter.
pub fn ctrl(app: &mut rapport::tui::app::App, c: char) {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)).unwrap();
}

/// The drawn screen as text, each line without its trailing blanks.
pub fn screen(app: &rapport::tui::app::App) -> String {
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(app.size().width, app.size().height)).unwrap();
    term.draw(|f| rapport::tui::view::draw(f, app)).unwrap();
    let buf = term.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>().trim_end().to_string()
                + "\n"
        })
        .collect()
}

/// The cockpit over the fixed book, `w`×`h`.
pub fn app(w: u16, h: u16) -> (rapport::tui::app::App, Ids) {
    let (store, ids) = store();
    (app_over(store, w, h), ids)
}

/// The fixed book written to a new database file at `path`, for tests that
/// run the built binary on it.
pub fn seed_file(path: &std::path::Path) -> Ids {
    let (store, _) = Store::open(path, OpenMode::Create).unwrap();
    seed(&store.with_clock(clock()))
}

/// `seed_file` as `book.db` in `dir`.
pub fn book_in(dir: &std::path::Path) -> (std::path::PathBuf, Ids) {
    let path = dir.join("book.db");
    let ids = seed_file(&path);
    (path, ids)
}

/// What a finished command wrote to stdout, as text.
pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
