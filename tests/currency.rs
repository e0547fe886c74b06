//! The book's currency: set and read with `rapport config`, checked as an
//! ISO 4217 code, and named wherever amounts are shown.

mod common;

use common::book::book;
use common::{app_over, press, screen};

#[test]
fn config_sets_and_gets_the_books_currency_and_refuses_what_is_not_a_code() {
    let b = book();
    let file = b.file("accounts.csv", "name,annual_value\nAcme Logistics,48500\n");
    b.ok(&["import", "accounts", &file]);
    assert_eq!(b.ok(&["config", "get", "currency"]), "USD\n", "a new book is in US dollars");
    let find = b.ok(&["find", "acme"]);
    assert!(find.contains("annual value (USD)") && find.contains("48,500.00"), "{find}");

    let before = b.sha();
    for bad in ["euro", "EU", "XYZ", "€", ""] {
        let err = b.fails(&["config", "set", "currency", bad]);
        assert!(err.contains("not an ISO 4217 currency code"), "{bad}: {err}");
        assert!(err.contains("EUR"), "the message gives an example: {err}");
    }
    assert_eq!(b.sha(), before, "a refused code changes nothing");
    let err = b.fails(&["config", "get", "colour"]);
    assert!(err.contains("'colour' is not a setting; expected one of: currency"), "{err}");

    let said = b.ok(&["config", "set", "currency", "eur"]);
    assert!(said.starts_with("currency = EUR (Euro) in "), "{said}");
    assert_eq!(b.ok(&["config", "get", "currency"]), "EUR\n");
    assert_eq!(b.rows("SELECT value FROM settings WHERE key = 'currency'"), vec![vec!["EUR".to_string()]]);
    let find = b.ok(&["find", "acme"]);
    assert!(find.contains("annual value (EUR)"), "{find}");
    let list = b.ok(&["list", "accounts"]);
    assert!(list.contains("annual_value (EUR)"), "{list}");
}

#[test]
fn the_cockpit_shows_amounts_in_the_books_currency() {
    let (store, _) = common::store();
    store.set_setting("currency", "EUR").unwrap();
    let mut app = app_over(store, 80, 24);
    let text = screen(&app);
    let header = text.lines().find(|l| l.contains("Account")).unwrap();
    assert!(header.contains("€ "), "the value column names the currency: {header}");
    press(&mut app, "2");
    let text = screen(&app);
    insta::assert_snapshot!("card_in_euros_80x24", text);
    assert!(text.contains("Value €1,200,000.00"), "{text}");
    press(&mut app, "D");
    assert!(screen(&app).contains("Amount €"), "{}", screen(&app));
    let (store, _) = common::store();
    store.set_setting("currency", "CHF").unwrap();
    let mut app = app_over(store, 60, 20);
    press(&mut app, "2");
    assert!(screen(&app).contains("CHF 1.2M · renews 2027-02-01"), "{}", screen(&app));
}
