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

/// Every `--json` document that `add`, `edit`, `target`, `suggest list` and
/// `report` print names the book's currency once, at the top, and carries
/// money in major units, as `find`, `list`, `export` and `brief` do.
#[test]
fn every_json_document_names_the_books_currency_once_at_the_top() {
    let b = book();
    let file = b.file("accounts.csv", "name,annual_value\nAcme Logistics,48500\n");
    b.ok(&["import", "accounts", &file]);
    b.ok(&["config", "set", "currency", "EUR"]);
    let json = |args: &[&str]| -> serde_json::Value {
        let out = b.ok(args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}\n{out}"))
    };
    let top = |args: &[&str]| -> serde_json::Value {
        let v = json(args);
        assert_eq!(v["currency"], "EUR", "{args:?} names the currency at the top: {v}");
        // Once: no row or record below repeats it.
        assert_eq!(v.to_string().matches("\"currency\"").count(), 1, "{args:?}: {v}");
        v
    };

    let added = top(&["add", "account", "--name", "Borealis Foods", "--value", "5,200", "--json"]);
    assert_eq!(added["annual_value"], 5200.0, "money in major units: {added}");
    assert_eq!(added["name"], "Borealis Foods");
    let id = added["id"].as_i64().unwrap().to_string();
    let edited = top(&["edit", "account", &id, "--value", "6,000.50", "--json"]);
    assert_eq!(edited["annual_value"], 6000.5, "{edited}");
    let deal = top(&["add", "deal", "--account", &id, "--name", "Cold chain", "--amount", "12.5k", "--json"]);
    assert_eq!(deal["amount"], 12500.0, "{deal}");
    let contact = top(&["add", "contact", "--account", &id, "--name", "Jane Roe", "--json"]);
    assert_eq!(contact["name"], "Jane Roe");

    let period = "2027Q1";
    let target = top(&["target", "set", "--period", period, "--amount", "500k", "--json"]);
    assert_eq!(target["amount"], 500000.0, "revenue in major units: {target}");
    let counted = top(&["add", "target", "--period", "2027Q2", "--metric", "new_deals", "--amount", "12", "--json"]);
    assert_eq!(counted["amount"], 12, "a count of deals stays a count: {counted}");
    let targets = top(&["target", "list", "--json"]);
    let amounts: Vec<&serde_json::Value> =
        targets["targets"].as_array().unwrap().iter().map(|t| &t["amount"]).collect();
    assert_eq!(amounts.len(), 2, "{targets}");
    assert!(amounts.contains(&&serde_json::json!(500000.0)) && amounts.contains(&&serde_json::json!(12)), "{targets}");

    // A renewal ahead: brief lists it, and suggests it, with its value in major units.
    b.ok(&["edit", "account", &id, "--renewal", "+10d"]);
    let brief = top(&["brief", "--scope", "all", "--json"]);
    let renewals = brief["renewals"].as_array().unwrap();
    let renewal = renewals.iter().find(|r| r["account"] == "Borealis Foods").unwrap_or_else(|| panic!("{brief}"));
    assert_eq!(renewal["annual_value"], 6000.5, "{brief}");
    for money in ["won", "forecast", "pipeline"] {
        assert!(brief["quarter"][money].is_f64(), "quarter.{money} in major units: {brief}");
    }
    let suggestions = top(&["suggest", "list", "--scope", "all", "--json"]);
    let list = suggestions["suggestions"].as_array().unwrap();
    assert!(!list.is_empty(), "{suggestions}");
    assert!(list.iter().all(|s| s["value"].is_f64()), "values in major units: {suggestions}");
    let renewing = list.iter().find(|s| s["account"] == "Borealis Foods").unwrap_or_else(|| panic!("{suggestions}"));
    assert_eq!(renewing["value"], 6000.5, "{renewing}");
    for report in ["quarterly", "forecast", "pipeline", "reps", "conflicts", "targets"] {
        let v = top(&["report", report, "--scope", "all", "--format", "json"]);
        let tables = v.as_object().unwrap();
        assert!(tables.len() >= 2 && tables.iter().all(|(k, t)| k == "currency" || t.is_array()), "{report}: {v}");
    }
    let quarter = top(&["report", "targets", "--period", period, "--scope", "all", "--format", "json"]);
    assert!(quarter.to_string().contains("500000.0"), "the target in major units: {quarter}");
    for args in [
        &["find", "borealis", "--json"][..],
        &["list", "accounts", "--format", "json"],
        &["export", "accounts", "--format", "json"],
    ] {
        top(args);
    }
}
