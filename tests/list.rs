//! `rapport list` run as the built binary on a small imported book, at a
//! fixed now (2026-11-26, in 2026Q4): filters with relative dates, owner
//! scopes, sorts and limits, asserting on the rows that come back.

mod common;

use common::book::{book, Book};
use serde_json::Value;

fn team() -> Book {
    let b = book();
    let reps = b.file(
        "reps.csv",
        "Id,Name,Manager,Region\nR1,Morgan Avery,,North\nR2,Jane Doe,R1,North\nR3,Sam Lee,R1,South\nR4,Olga Berg,,East\n",
    );
    let accounts = b.file(
        "accounts.csv",
        "Id,Account Name,Owner,Tier,Renewal Date,Annual Revenue,Region\n\
         A1,Acme,Jane Doe,strategic,2026-12-20,100000,EMEA\n\
         A2,Beta,Sam Lee,key,2027-06-01,50000,\n\
         A3,Cobalt,Olga Berg,standard,2027-01-15,20000,APAC\n",
    );
    let deals = b.file(
        "deals.csv",
        "Id,Deal Name,Account,Owner,Stage,Amount,Close Date\n\
         D1,Acme expansion,A1,R2,proposal,30000,2026-12-15\n\
         D2,Beta renewal,A2,R3,negotiation,45000,2026-11-30\n\
         D3,Cobalt new,A3,R4,qualified,10000,2027-02-10\n\
         D4,Acme pilot,A1,R2,Closed Won,5000,2026-10-01\n",
    );
    let conflicts = b.file(
        "conflicts.csv",
        "Id,Subject,Account,Status,Priority,Created Date\n\
         C1,Late delivery,A1,Escalated,high,2026-11-20\n\
         C2,Billing error,A2,open,low,2026-11-25\n",
    );
    let activities = b.file(
        "activities.csv",
        "Id,Account,Type,Date,Subject,Due Date,Done\n\
         T1,A1,task,2026-11-10,Send the proposal,2026-11-20,no\n\
         T2,A2,call,2026-11-12,Renewal call,,\n\
         T3,A2,task,2026-11-01,Old chase,2026-11-05,yes\n",
    );
    for (kind, file) in
        [("reps", reps), ("accounts", accounts), ("deals", deals), ("conflicts", conflicts), ("activities", activities)]
    {
        b.ok(&["import", kind, &file]);
    }
    b.ok(&["config", "set", "me", "Jane Doe"]);
    b
}

fn json(b: &Book, args: &[&str]) -> Vec<Value> {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let doc = serde_json::from_str::<Value>(&b.ok(&all)).unwrap();
    assert_eq!(doc["currency"], "USD", "{doc}");
    doc[args[1]].as_array().unwrap().clone()
}

fn column(rows: &[Value], field: &str) -> Vec<String> {
    rows.iter().map(|r| r[field].as_str().unwrap_or("").to_string()).collect()
}

#[test]
fn open_deals_of_my_team_closing_this_quarter() {
    let b = team();
    let rows = json(
        &b,
        &["list", "deals", "--owner", "team", "--where", "expected_close_on=this-quarter", "--where", "closed_on="],
    );
    assert_eq!(column(&rows, "ref"), vec!["D1", "D2"]);
    // References are source ids; money is a number in major units.
    assert_eq!(rows[0]["account"], "A1");
    assert_eq!(rows[0]["owner"], "R2");
    assert_eq!(rows[1]["amount"], 45000.0);
    assert_eq!(rows[1]["probability"], 75);
    // Mine alone: Jane's deals, open and won.
    assert_eq!(column(&json(&b, &["list", "deals", "--owner", "me"]), "ref"), vec!["D1", "D4"]);
    // One rep by name; everyone.
    assert_eq!(column(&json(&b, &["list", "deals", "--owner", "Sam Lee"]), "ref"), vec!["D2"]);
    assert_eq!(json(&b, &["list", "deals", "--owner", "all"]).len(), 4);
}

#[test]
fn accounts_renewing_in_ninety_days_sorted_by_renewal() {
    let b = team();
    let out = b.ok(&["list", "accounts", "--where", "renewal_on<+90d", "--sort", "renewal_on"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].starts_with("ref") && lines[0].contains("renewal_on"), "{out}");
    // The table names the owner; money is grouped.
    assert!(lines[1].starts_with("A1  ") && lines[1].contains("Jane Doe") && lines[1].contains("100,000.00"), "{out}");
    assert!(lines[2].starts_with("A3  ") && lines[2].contains("2027-01-15"), "{out}");
    let later = json(&b, &["list", "accounts", "--where", "renewal_on>=+90d"]);
    assert_eq!(column(&later, "name"), vec!["Beta"]);
    // Custom fields in JSON.
    let acme = json(&b, &["list", "accounts", "--where", "name=acme"]);
    assert_eq!(acme[0]["custom"], serde_json::json!({"Region": "EMEA"}));
    let all = json(&b, &["list", "accounts", "--sort", "name"]);
    assert_eq!(all[1]["name"], "Beta");
    assert_eq!(all[1]["custom"], serde_json::json!({}));
}

#[test]
fn conflicts_in_progress_and_sorts_and_limits() {
    let b = team();
    let rows = json(&b, &["list", "conflicts", "--where", "status=in progress"]);
    assert_eq!(column(&rows, "title"), vec!["Late delivery"]);
    let rows = json(&b, &["list", "conflicts", "--where", "severity=low"]);
    assert_eq!(column(&rows, "title"), vec!["Billing error"]);
    let rows = json(&b, &["list", "deals", "--sort", "amount:desc", "--limit", "2"]);
    assert_eq!(column(&rows, "title"), vec!["Beta renewal", "Acme expansion"]);
    let rows = json(&b, &["list", "deals", "--sort", "owner", "--where", "amount>=10k"]);
    assert_eq!(column(&rows, "ref"), vec!["D1", "D3", "D2"], "Jane, Olga, Sam by name");
    let rows = json(&b, &["list", "deals", "--where", "stage=won"]);
    assert_eq!(column(&rows, "closed_on"), vec!["2026-10-01"]);
    let rows = json(&b, &["list", "deals", "--where", "account=acme", "--where", "amount<10000"]);
    assert_eq!(column(&rows, "ref"), vec!["D4"]);
}

#[test]
fn follow_ups_reps_and_csv() {
    let b = team();
    let rows = json(&b, &["list", "follow-ups"]);
    assert_eq!(column(&rows, "summary"), vec!["Send the proposal"]);
    assert_eq!(rows[0]["done"], false);
    let rows = json(&b, &["list", "activities", "--where", "occurred_at>=2026-11-10", "--sort", "occurred_at:desc"]);
    assert_eq!(column(&rows, "ref"), vec!["T2", "T1"]);
    let reps = json(&b, &["list", "reps", "--owner", "team"]);
    assert_eq!(column(&reps, "name"), vec!["Morgan Avery", "Jane Doe", "Sam Lee"]);
    assert_eq!(column(&reps, "region"), vec!["North", "North", "South"]);
    let csv = b.ok(&["list", "deals", "--format", "csv", "--where", "ref=D3"]);
    assert_eq!(
        csv,
        "ref,account,owner,title,product,stage,forecast_category,amount,probability,opened_on,expected_close_on,closed_on\n\
         D3,A3,R4,Cobalt new,,qualified,,10000.00,25,2026-11-26,2027-02-10,\n"
    );
    assert_eq!(b.ok(&["list", "deals", "--where", "ref=nothing"]), "no deals match\n");
}

#[test]
fn accounts_are_listed_with_their_health_score_and_band() {
    let b = team();
    let rows = json(&b, &["list", "accounts", "--owner", "all"]);
    assert_eq!(rows.len(), 3);
    // The same figures `rapport find` gives for the account.
    for r in &rows {
        let name = r["name"].as_str().unwrap();
        let found: Value = serde_json::from_str(&b.ok(&["find", name, "--json"])).unwrap();
        let hit = found["accounts"].as_array().unwrap().iter().find(|h| h["name"] == name).expect("find has it");
        assert_eq!(r["health"], hit["health"]["score"], "{name}");
        let band = r["band"].as_str().unwrap();
        let label = hit["health"]["band"].as_str().unwrap().replace('_', " ");
        assert!(band.ends_with(&format!(" {label}")) && band.chars().count() > label.len() + 1, "{name}: {band}");
    }
    let table = b.ok(&["list", "accounts", "--owner", "all"]);
    assert!(table.lines().next().unwrap().contains("health"), "{table}");
    // Export stays what import reads: health is computed, not a field.
    let csv = b.ok(&["export", "accounts"]);
    assert!(!csv.lines().next().unwrap().contains("health"), "{csv}");
}
