use rapport::store::*;
use std::time::Instant;
#[test]
#[ignore]
fn probe() {
    let path = std::path::Path::new("target/bench-data/demo-100000.db");
    let t = Instant::now();
    let (store, _) = Store::open(path, OpenMode::Existing).unwrap();
    eprintln!("open {:?}", t.elapsed());
    let t = Instant::now();
    let rows = store.account_rows().unwrap();
    eprintln!("account_rows {} {:?}", rows.len(), t.elapsed());
    let mut rows2 = rows.clone();
    let t = Instant::now();
    AccountSort::Name.apply(&mut rows2);
    eprintln!("sort {:?}", t.elapsed());
    let t = Instant::now();
    let c = store.open_conflicts().unwrap();
    eprintln!("open_conflicts {} {:?}", c.len(), t.elapsed());
    let t = Instant::now();
    let f = store.follow_ups_due(chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()).unwrap();
    eprintln!("follow_ups {} {:?}", f.len(), t.elapsed());
    let t = Instant::now();
    let b = store.breached_conflicts("2026-11-26T14:00:00Z").unwrap();
    eprintln!("breached {} {:?}", b, t.elapsed());
    let t = Instant::now();
    let d = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    let e = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    let w = store.won_total(d, e).unwrap();
    eprintln!("won_total {:?} {:?}", w, t.elapsed());
    let t = Instant::now();
    let w = store.won_by_rep(d, e).unwrap();
    eprintln!("won_by_rep {:?} {:?}", w.len(), t.elapsed());
    let t = Instant::now();
    let r = store.reps().unwrap();
    eprintln!("reps {:?} {:?}", r.len(), t.elapsed());
}

#[test]
#[ignore]
fn probe_lookup() {
    let path = std::path::Path::new("target/bench-data/demo-100000.db");
    let (store, _) = Store::open(path, OpenMode::Existing).unwrap();
    let mut l = rapport::lookup::Lookup::build(&store).unwrap();
    let qs: Vec<String> = std::env::var("QS").map(|v| v.split(',').map(String::from).collect()).unwrap_or_else(|_| {
        ["k", "ko", "kor", "korh", "a", "an", "ann", "anna", "m", "mi", "mil", "5", "55", "555", "5550"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    });
    for q in qs.iter().map(String::as_str) {
        if q.len() == 1 {
            l.query("", 50);
        }
        let t = Instant::now();
        let hits = l.query(q, 50);
        eprintln!("{q:6} {:>3} hits {:?}", hits.len(), t.elapsed());
    }
}
