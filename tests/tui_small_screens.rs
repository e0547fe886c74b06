//! Every number readable at 80×24 and usable at 60×20: the cockpit drawn on a
//! test terminal over the fixed book, compared with reviewed snapshots, with
//! the point of each screen asserted as well.

mod common;

use common::{app_over, key, press, screen};

use rapport::domain::*;
use rapport::store::*;
use ratatui::crossterm::event::KeyCode;

/// A deal with a long name and a seven-figure amount on Acme.
fn big_deal(store: &Store, account: i64, name: &str, amount: i64) {
    let mut d = Deal {
        account_id: account,
        name: name.into(),
        stage: DealStage::Proposal,
        amount: Money::from_units(amount),
        probability: 40,
        expected_close: Some(common::date(2026, 12, 18)),
        ..Default::default()
    };
    store.insert(&mut d).unwrap();
}

#[test]
fn deals_list_shows_every_amount_whole_at_80x24() {
    let (store, ids) = common::store();
    big_deal(&store, ids.acme, "Fleet telematics roll-out for the northern European depots", 1_669_000);
    let mut app = app_over(store, 80, 24);
    press(&mut app, "2D");
    let text = screen(&app);
    insta::assert_snapshot!("deals_list_80x24", text);
    let row =
        text.lines().find(|l| l.contains("Fleet telemat") && l.contains("Proposal")).expect("the long deal is listed");
    assert!(row.contains("1,669,000.00"), "the amount shows whole: {row}");
    assert!(row.contains('…'), "the title is cut instead, visibly: {row}");
    for amount in ["300,000.00", "150,000.00", "80,000.00"] {
        assert!(text.contains(amount), "{amount} shows whole:\n{text}");
    }
    // Amounts are right-aligned: their last digits share a column.
    let ends: Vec<usize> = text
        .lines()
        .filter(|l| l.contains('│'))
        .filter_map(|l| l.find(".00 ").map(|i| l[..i].chars().count()))
        .collect();
    assert!(ends.len() >= 4 && ends.iter().all(|e| *e == ends[0]), "{ends:?}\n{text}");
    key(&mut app, KeyCode::Esc);
}

#[test]
fn contact_form_shows_every_role_at_80x24() {
    let (store, ids) = common::store();
    let mut app = app_over(store, 80, 24);
    press(&mut app, "2Ca");
    press(&mut app, "Zoe Park");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    let text = screen(&app);
    insta::assert_snapshot!("contact_form_roles_80x24", text);
    for role in ContactRole::ALL {
        assert!(text.contains(&format!(" {} ", role.label())), "{} is on screen:\n{text}", role.label());
    }
    // A choice on the second line, picked with the arrows, is the one saved.
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.message(), Some("saved contact Zoe Park"));
    let zoe = app.store().contacts_of(ids.acme).unwrap().into_iter().find(|c| c.name == "Zoe Park").unwrap();
    assert_eq!(zoe.role, ContactRole::Technical);
}

#[test]
fn a_corrected_field_loses_its_old_error() {
    let (store, ids) = common::store();
    let mut app = app_over(store, 80, 24);
    press(&mut app, "2Ca");
    press(&mut app, "Zoe Park");
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    press(&mut app, "zoe@acme");
    key(&mut app, KeyCode::Enter);
    let text = screen(&app);
    assert!(text.contains("not saved: 'zoe@acme' is not an e-mail address"), "the save says why:\n{text}");
    press(&mut app, ".example");
    let text = screen(&app);
    insta::assert_snapshot!("contact_form_corrected_80x24", text);
    assert!(!text.contains("not saved"), "the corrected value is not blamed:\n{text}");
    assert!(!text.contains('⚠'), "{text}");
    assert!(text.contains("zoe@acme.example"), "{text}");
    // Moving between fields changes nothing, so a live complaint stays.
    press(&mut app, "@");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Tab);
    assert!(screen(&app).contains("not saved"));
    key(&mut app, KeyCode::BackTab);
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.message(), Some("saved contact Zoe Park"));
    assert!(app.store().contacts_of(ids.acme).unwrap().iter().any(|c| c.email.as_deref() == Some("zoe@acme.example")));
}

#[test]
fn header_tabs_and_card_read_whole_at_60x20() {
    let (store, _) = common::store();
    let mut app = app_over(store, 60, 20);
    press(&mut app, "2");
    let text = screen(&app);
    insta::assert_snapshot!("timeline_60x20", text);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with("1 overdue · 1 due today · 1 breached"), "every count in the header: {}", lines[0]);
    assert!(lines[1].contains(" 4 Targets"), "every tab whole: {}", lines[1]);
    let card = lines.iter().find(|l| l.contains("renews 2027-02-01")).expect("the renewal date on the card");
    assert!(card.contains("1.2M") && card.contains("Rae Lindqvist") && card.contains("watch"), "{card}");
    assert!(text.lines().all(|l| l.chars().count() <= 60));
}

#[test]
fn cut_names_keep_what_tells_them_apart_at_80x24() {
    let (store, ids) = common::store();
    for name in ["Ardent Systems North America Inc.", "Ardent Systems North Europe GmbH"] {
        let mut a = Account { name: name.into(), owner_id: Some(ids.rae), ..Default::default() };
        store.insert(&mut a).unwrap();
        let mut c = Conflict {
            account_id: a.meta.id,
            title: "Late invoice".into(),
            opened_at: "2026-11-26T09:00:00Z".into(),
            sla_due_at: "2026-11-28T09:00:00Z".into(),
            ..Default::default()
        };
        store.insert(&mut c).unwrap();
    }
    let mut app = app_over(store, 80, 24);
    let text = screen(&app);
    insta::assert_snapshot!("portfolio_cut_names_80x24", text);
    let ardent: Vec<&str> = text.lines().filter(|l| l.contains("Ardent")).collect();
    assert_eq!(ardent.len(), 2, "{text}");
    assert!(ardent[0].contains("America") && ardent[1].contains("Europe"), "{ardent:#?}");
    press(&mut app, "3");
    let text = screen(&app);
    let ardent: Vec<String> = text
        .lines()
        .filter(|l| l.contains("Ardent"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(ardent.len(), 2, "{text}");
    assert!(ardent.iter().any(|l| l.contains("America")) && ardent.iter().any(|l| l.contains("Europe")), "{text}");
}

#[test]
fn the_queue_shows_each_conflicts_status_at_80x24_and_60x20() {
    for (w, h, in_progress) in [(80, 24, "In progress"), (60, 20, "In prog.")] {
        let (store, _) = common::store();
        let mut app = app_over(store, w, h);
        press(&mut app, "3");
        let text = screen(&app);
        insta::assert_snapshot!(format!("queue_status_{w}x{h}"), text);
        let header = text.lines().find(|l| l.contains("Severity")).unwrap();
        assert!(header.contains("Status"), "{header}");
        let late = text.lines().find(|l| l.contains("Late delivery") || l.contains("3d left")).unwrap();
        assert!(late.contains(in_progress), "{w}x{h}: {late}");
        let invoice = text.lines().find(|l| l.contains("breached 28h")).unwrap();
        assert!(invoice.contains(" Open "), "{w}x{h}: {invoice}");
        assert!(text.lines().all(|l| l.chars().count() <= w as usize));
        assert!(text.contains("1 breached, 1 to escalate"), "the title's counts whole:\n{text}");
    }
}

#[test]
fn during_a_call_the_caller_is_first_on_the_card_and_a_lapsed_renewal_is_flagged() {
    let (store, ids) = common::store();
    // Borealis renewed on 2026-12-10; move it into the past with its renewal deal open.
    let mut b = store.require::<Account>(ids.borealis).unwrap();
    b.renewal_date = Some(common::date(2026, 11, 10));
    store.update(&mut b).unwrap();
    let mut d = Deal {
        account_id: ids.borealis,
        name: "Renewal 2026".into(),
        stage: DealStage::Negotiation,
        amount: Money::from_units(180_000),
        probability: 75,
        ..Default::default()
    };
    store.insert(&mut d).unwrap();
    let mut app = app_over(store, 80, 24);

    // Looked up by a contact's phone digits: Priya is calling.
    press(&mut app, "/7946 0123");
    key(&mut app, KeyCode::Enter);
    let text = screen(&app);
    insta::assert_snapshot!("caller_and_lapsed_renewal_80x24", text);
    let lines: Vec<&str> = text.lines().collect();
    let caller = lines.iter().position(|l| l.contains("Caller")).expect("a caller line");
    assert!(lines[caller].contains("Priya Patel · VP Sales · Decision maker"), "{}", lines[caller]);
    assert!(lines[caller + 1].contains("+44 20 7946 0123 · priya@borealis.example"), "{}", lines[caller + 1]);
    let contacts = lines.iter().position(|l| l.contains("Contacts")).unwrap();
    assert!(caller < contacts, "the caller comes before the other contacts");
    assert!(text.contains("⚠ renewal lapsed 16d ago (2026-11-10)"), "{text}");
    assert!(!text.contains("Renews 2026-11-10"), "{text}");

    // Looked up by the account's own name: nobody in particular is calling.
    key(&mut app, KeyCode::Esc);
    press(&mut app, "/acme log");
    key(&mut app, KeyCode::Enter);
    let text = screen(&app);
    assert!(!text.contains("Caller"), "{text}");
    assert!(!text.contains("lapsed"), "Acme renews in February: {text}");
    assert!(text.contains("Renews 2027-02-01"), "{text}");
    let _ = ids.jane;
}
