//! Speed of the cockpit on the large demo set (100,000 accounts, ≈300,000
//! contacts, ≈1,000,000 activities), against the budgets in the design:
//! open to first frame ≤ 100 ms, keystroke to results median ≤ 16 ms and
//! p99 ≤ 50 ms, select → timeline ≤ 10 ms, full redraw at 200×60 ≤ 2 ms.
//!
//! The database is built once into target/bench-data and reused.
//! `RAPPORT_BENCH_ACCOUNTS` picks another size. Each budget is also printed
//! as a `budget NAME VALUE` line (milliseconds) for `bench/budgets.sh`;
//! `RAPPORT_BENCH_BUDGETS_ONLY=1` stops after those, without criterion's runs.

use criterion::{criterion_group, Criterion};
use rapport::demo::{self, DemoSpec};
use rapport::lookup::Lookup;
use rapport::store::{OpenMode, Store};
use rapport::tui::app::App;
use rapport::tui::keymap::Keymap;
use rapport::tui::theme::Theme;
use rapport::tui::view;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::Terminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn accounts() -> usize {
    std::env::var("RAPPORT_BENCH_ACCOUNTS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000)
}

fn database() -> PathBuf {
    let n = accounts();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("demo-{n}.db"));
    if !path.exists() {
        let partial = dir.join(format!("demo-{n}.db.partial"));
        let _ = std::fs::remove_file(&partial);
        let started = Instant::now();
        {
            let (store, _) = Store::open(&partial, OpenMode::Create).unwrap();
            let now = store.clock().now();
            let spec = DemoSpec { accounts: n, seed: 42, today: now.date_naive(), now };
            demo::generate(&store, &spec, &mut |_, _, _| {}).unwrap();
            store.set_setting("demo", "1").unwrap();
        }
        std::fs::rename(&partial, &path).unwrap();
        eprintln!("built {} in {:.1}s", path.display(), started.elapsed().as_secs_f64());
    }
    path
}

const SIZE: Rect = Rect { x: 0, y: 0, width: 200, height: 60 };

fn open_app() -> App {
    let (store, _) = Store::open(&database(), OpenMode::Existing).unwrap();
    App::new(store, Keymap::default(), Theme { color: true }, SIZE).unwrap()
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(SIZE.width, SIZE.height)).unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    percentile(times, 0.5)
}

/// The processor time this thread has used: what opening costs, whatever the machine's load.
fn thread_cpu() -> Duration {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes the timespec it is given and nothing else.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// A line `bench/budgets.sh` reads.
fn budget(name: &str, value: f64) {
    eprintln!("budget {name} {value:.3}");
}

/// Queries as a caller would give them: parts of account names, contact
/// surnames, e-mail fragments and phone digits, from the data itself.
fn typed_queries(store: &Store) -> Vec<String> {
    let rows = store.account_rows().unwrap();
    let mut queries = Vec::new();
    for (i, r) in rows.iter().step_by(rows.len() / 60 + 1).enumerate() {
        let word = r.name.split_whitespace().next().unwrap_or("a").to_lowercase();
        queries.push(word.chars().take(3 + i % 4).collect::<String>());
        if let Some(c) = store.contacts_of(r.id).unwrap().first() {
            let surname = c.name.split_whitespace().last().unwrap_or("x").to_lowercase();
            queries.push(surname.chars().take(4).collect());
            if let Some(p) = &c.phone {
                let digits: String = p.chars().filter(|c| c.is_ascii_digit()).collect();
                queries.push(digits.chars().rev().take(7).collect::<Vec<_>>().into_iter().rev().collect());
                // Whole numbers, as a caller ID shows them and as written.
                queries.extend(c.phone_e164.clone());
                queries.push(p.clone());
            }
        }
    }
    queries
}

/// The index: read from the tables, written beside the database, read back.
fn lookup_figures(store: &Store) {
    let started = Instant::now();
    let lookup = Lookup::build(store).unwrap();
    eprintln!(
        "lookup index: {} entries, {:.1} MB, built from the tables in {:.0} ms",
        lookup.len(),
        lookup.heap_bytes() as f64 / 1e6,
        ms(started.elapsed())
    );
    drop(lookup);
    // Written once (a cockpit or a writing command does so), then read back.
    Lookup::open_and_keep(store).unwrap();
    let mut opens: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            Lookup::open(store).unwrap();
            t.elapsed()
        })
        .collect();
    let open = median(&mut opens);
    eprintln!("lookup index read from its file: median {:.1} ms", ms(open));
    budget("lookup_open", ms(open));
}

/// What a person feels per keystroke in the cockpit's search: the key
/// through `App::on_key` (matching, reasons, state) and the frame drawn on a
/// 200×60 `TestBackend`, over every prefix of the typed queries.
fn keystroke_to_frame() {
    let (store, _) = Store::open(&database(), OpenMode::Existing).unwrap();
    let queries = typed_queries(&store);
    let mut app = App::new(store, Keymap::default(), Theme { color: true }, SIZE).unwrap();
    app.poll_loading(true).unwrap();
    app.poll_tracker(true).unwrap();
    let mut term = terminal();
    let key = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
    // As the event loop does after the first frame; the first search waits for it, untimed.
    app.prepare_lookup();
    for c in [KeyCode::Char('/'), KeyCode::Char('a'), KeyCode::Esc] {
        app.on_key(key(c)).unwrap();
    }
    let (mut times, mut phone_times) = (Vec::new(), Vec::new());
    for q in &queries {
        app.on_key(key(KeyCode::Char('/'))).unwrap();
        term.draw(|f| view::draw(f, &app)).unwrap();
        let phone = q.chars().filter(char::is_ascii_digit).count() >= 6;
        for c in q.chars() {
            let t = Instant::now();
            app.on_key(key(KeyCode::Char(c))).unwrap();
            term.draw(|f| view::draw(f, &app)).unwrap();
            times.push(t.elapsed());
            if phone {
                phone_times.push(t.elapsed());
            }
        }
        app.on_key(key(KeyCode::Esc)).unwrap();
    }
    for (what, times) in [("keystroke → frame", &mut times), ("  of which phone numbers", &mut phone_times)] {
        times.sort();
        eprintln!(
            "{what} over {} keystrokes of {} queries: median {:.2} ms, p99 {:.2} ms, max {:.2} ms (budget: 16 / 50 ms)",
            times.len(),
            queries.len(),
            ms(percentile(times, 0.5)),
            ms(percentile(times, 0.99)),
            ms(*times.last().unwrap())
        );
    }
    budget("keystroke_median", ms(percentile(&times, 0.5)));
    budget("keystroke_p99", ms(percentile(&times, 0.99)));
}

/// Open to the first frame, select → timeline drawn, one full redraw:
/// medians of plain loops, for the budget table.
fn frame_budgets() {
    let mut cpus = Vec::new();
    let mut opens: Vec<Duration> = (0..9)
        .map(|_| {
            let (start, cpu) = (Instant::now(), thread_cpu());
            let mut app = open_app();
            terminal().draw(|f| view::draw(f, &app)).unwrap();
            let took = start.elapsed();
            cpus.push(thread_cpu() - cpu);
            app.poll_loading(true).unwrap();
            app.poll_tracker(true).unwrap();
            took
        })
        .collect();
    budget("open_first_frame", ms(median(&mut opens)));
    // Processor time moves much less than wall time on a shared machine.
    budget("open_first_frame_cpu", ms(median(&mut cpus)));
    let mut app = open_app();
    app.poll_loading(true).unwrap();
    app.poll_tracker(true).unwrap();
    let mut term = terminal();
    let ids: Vec<i64> = app.portfolio().rows.iter().step_by(997).map(|r| r.id).collect();
    let mut selects: Vec<Duration> = ids
        .iter()
        .map(|&id| {
            let t = Instant::now();
            app.set_current(id).unwrap();
            term.draw(|f| view::draw(f, &app)).unwrap();
            t.elapsed()
        })
        .collect();
    budget("select_timeline", ms(median(&mut selects)));
    let mut redraws: Vec<Duration> = (0..200)
        .map(|_| {
            let t = Instant::now();
            term.draw(|f| view::draw(f, &app)).unwrap();
            t.elapsed()
        })
        .collect();
    budget("redraw", ms(median(&mut redraws)));
}

/// Types many realistic queries key by key, timing each keystroke in the
/// lookup alone (matching plus the reasons looked up for the shown results).
fn keystroke_percentiles() {
    let (store, _) = Store::open(&database(), OpenMode::Existing).unwrap();
    lookup_figures(&store);
    let mut lookup = Lookup::open(&store).unwrap();
    let queries = typed_queries(&store);
    let mut times = Vec::new();
    let mut phone_times = Vec::new();
    for q in &queries {
        lookup.query("", 50);
        let phone = q.chars().filter(char::is_ascii_digit).count() >= 6;
        for end in 1..=q.chars().count() {
            let typed: String = q.chars().take(end).collect();
            let t = Instant::now();
            let mut hits = lookup.query(&typed, 50);
            rapport::lookup::explain(&store, &mut hits, &typed).unwrap();
            times.push(t.elapsed());
            if phone {
                phone_times.push(t.elapsed());
            }
        }
    }
    for (what, times) in
        [("lookup alone, keystroke → results", &mut times), ("  of which phone numbers", &mut phone_times)]
    {
        times.sort();
        eprintln!(
            "{what} over {} keystrokes: median {:.2} ms, p99 {:.2} ms, max {:.2} ms (budget: 16 / 50 ms)",
            times.len(),
            percentile(times, 0.5).as_secs_f64() * 1e3,
            percentile(times, 0.99).as_secs_f64() * 1e3,
            times.last().unwrap().as_secs_f64() * 1e3
        );
    }
}

/// Keys in Today (its pane at 200×60, health and suggestions read): each
/// key to the screen drawn, timed one by one, as a person would press them.
fn today_keystrokes() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut app = open_app();
    app.read_insights_behind().unwrap();
    app.poll_loading(true).unwrap();
    app.poll_tracker(true).unwrap();
    app.poll_insights(true).unwrap();
    let mut term = terminal();
    let press = |app: &mut App, c: char| app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)).unwrap();
    press(&mut app, 't');
    let mut times = Vec::new();
    for i in 0..400 {
        // Down through Today and back up, then over to the portfolio (health column) and back.
        let c = match i % 40 {
            0..=17 => 'j',
            18..=35 => 'k',
            36 => '1',
            37 | 38 => 'j',
            _ => '5',
        };
        let t = Instant::now();
        press(&mut app, c);
        term.draw(|f| view::draw(f, &app)).unwrap();
        times.push(t.elapsed());
    }
    times.sort();
    eprintln!(
        "Today and portfolio keys → screen drawn over {} keys: median {:.2} ms, p99 {:.2} ms (budget: 16 / 50 ms); {} rows in Today, health of {} accounts",
        times.len(),
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        app.today_view().rows.items.len(),
        app.portfolio().health.len()
    );
}

/// The budgets with health: open to the first frame as the event loop does
/// it (Today and every account's health then read behind it on a second
/// connection), how long until they are in, the search's keystrokes while
/// they are read and once they are in, and Today's keys with them shown.
fn health_budgets() {
    let queries = {
        let (store, _) = Store::open(&database(), OpenMode::Existing).unwrap();
        typed_queries(&store)
    };
    let key = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
    let start = Instant::now();
    let mut app = open_app();
    let mut term = terminal();
    term.draw(|f| view::draw(f, &app)).unwrap();
    let first = start.elapsed();
    app.prepare_lookup();
    let behind = Instant::now();
    app.read_insights_behind().unwrap();
    let (mut during, mut after, mut take_in) = (Vec::new(), Vec::new(), Duration::ZERO);
    let mut ready = None;
    // Type until health is in, then the queries once more with it shown.
    for round in 0..2 {
        for q in &queries {
            app.on_key(key(KeyCode::Char('/'))).unwrap();
            for c in q.chars() {
                let t = Instant::now();
                app.on_key(key(KeyCode::Char(c))).unwrap();
                term.draw(|f| view::draw(f, &app)).unwrap();
                let took = t.elapsed();
                if ready.is_none() {
                    during.push(took)
                } else {
                    after.push(took)
                }
                // As the event loop looks for them between keys.
                let t = Instant::now();
                app.poll_loading(false).unwrap();
                if ready.is_none() && !app.insights_loading() {
                    ready = Some(behind.elapsed());
                    take_in = t.elapsed();
                }
            }
            app.on_key(key(KeyCode::Esc)).unwrap();
            if round == 0 && ready.is_some() && after.len() >= 400 {
                break;
            }
        }
        if ready.is_none() {
            app.poll_insights(true).unwrap();
            app.poll_loading(false).unwrap();
            ready = Some(behind.elapsed());
        }
    }
    let ready = ready.unwrap();
    let mut today = Vec::new();
    app.on_key(key(KeyCode::Char('t'))).unwrap();
    for i in 0..200 {
        let c = if i % 40 < 20 { 'j' } else { 'k' };
        let t = Instant::now();
        app.on_key(key(KeyCode::Char(c))).unwrap();
        term.draw(|f| view::draw(f, &app)).unwrap();
        today.push(t.elapsed());
    }
    let summary = |times: &mut Vec<Duration>| {
        times.sort();
        if times.is_empty() {
            (0.0, 0.0)
        } else {
            (ms(percentile(times, 0.5)), ms(percentile(times, 0.99)))
        }
    };
    let (during_med, during_p99) = summary(&mut during);
    let (after_med, after_p99) = summary(&mut after);
    let (today_med, today_p99) = summary(&mut today);
    eprintln!(
        "with health: first frame {:.1} ms; Today and the health of {} accounts in {:.0} ms behind it (taken in {:.1} ms); \
         {} search keys while read: median {:.2} ms, p99 {:.2} ms; {} after: median {:.2} ms, p99 {:.2} ms; \
         Today keys ({} rows): median {:.2} ms, p99 {:.2} ms",
        ms(first),
        app.portfolio().health.len(),
        ms(ready),
        ms(take_in),
        during.len(),
        during_med,
        during_p99,
        after.len(),
        after_med,
        after_p99,
        app.today_view().rows.items.len(),
        today_med,
        today_p99
    );
    budget("health_open_first_frame", ms(first));
    budget("health_ready", ms(ready));
    budget("health_keystroke_median_during", during_med);
    budget("health_keystroke_p99_during", during_p99);
    budget("health_keystroke_median", after_med);
    budget("health_keystroke_p99", after_p99);
    budget("health_today_key_median", today_med);
}

fn benches(c: &mut Criterion) {
    database();
    keystroke_percentiles();
    keystroke_to_frame();
    frame_budgets();
    health_budgets();
    if std::env::var_os("RAPPORT_BENCH_BUDGETS_ONLY").is_some() {
        return;
    }

    let mut g = c.benchmark_group("cockpit");
    g.sample_size(10).measurement_time(Duration::from_secs(8)).warm_up_time(Duration::from_secs(1));
    // The first frame is timed; the rest of the book then loads in the
    // background, and is waited for untimed so runs do not overlap.
    g.bench_function("open_to_first_frame", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let mut app = open_app();
                terminal().draw(|f| view::draw(f, &app)).unwrap();
                total += start.elapsed();
                app.read_insights_behind().unwrap();
                app.poll_loading(true).unwrap();
                app.poll_tracker(true).unwrap();
                app.poll_insights(true).unwrap();
            }
            total
        })
    });
    g.bench_function("open_to_whole_book_loaded", |b| {
        b.iter(|| {
            let mut app = open_app();
            terminal().draw(|f| view::draw(f, &app)).unwrap();
            app.read_insights_behind().unwrap();
            app.poll_loading(true).unwrap();
            app.poll_tracker(true).unwrap();
            app.poll_insights(true).unwrap();
        })
    });
    // Today and every account's health, read behind the first frame.
    g.bench_function("open_to_today_and_health_read", |b| {
        b.iter(|| {
            let mut app = open_app();
            terminal().draw(|f| view::draw(f, &app)).unwrap();
            app.read_insights_behind().unwrap();
            app.poll_insights(true).unwrap();
            app.poll_loading(true).unwrap();
            app.poll_tracker(true).unwrap();
        })
    });
    g.finish();
    today_keystrokes();

    let mut app = open_app();
    app.read_insights_behind().unwrap();
    app.poll_loading(true).unwrap();
    app.poll_insights(true).unwrap();
    let mut term = terminal();
    let ids: Vec<i64> = app.portfolio().rows.iter().step_by(997).map(|r| r.id).collect();
    let mut g = c.benchmark_group("cockpit");
    g.sample_size(50).measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    let mut i = 0;
    g.bench_function("select_account_to_timeline_drawn", |b| {
        b.iter(|| {
            i = (i + 1) % ids.len();
            app.set_current(ids[i]).unwrap();
            term.draw(|f| view::draw(f, &app)).unwrap();
        })
    });
    g.bench_function("full_redraw_200x60", |b| {
        b.iter(|| {
            term.draw(|f| view::draw(f, &app)).unwrap();
        })
    });
    g.bench_function("portfolio_sort_cycle", |b| b.iter(|| app.portfolio_mut().cycle_sort(50)));
    g.finish();

    // Health is computed, not stored: for the whole book (a portfolio
    // column), for one card, and the suggestions of everyone.
    let (store, _) = Store::open(&database(), OpenMode::Existing).unwrap();
    let today = store.clock().today();
    let one = ids[0];
    let everyone = rapport::domain::scope::Resolved { label: "everyone".into(), root: None, reps: None };
    let mut g = c.benchmark_group("health");
    g.sample_size(10).measurement_time(Duration::from_secs(8)).warm_up_time(Duration::from_secs(1));
    g.bench_function("account_health_whole_book", |b| b.iter(|| store.account_health(None, today).unwrap()));
    g.bench_function("account_health_one_account", |b| b.iter(|| store.health_of(one, today).unwrap()));
    g.bench_function("suggestions_everyone", |b| b.iter(|| store.suggestions(&everyone, today).unwrap()));
    g.finish();
}

criterion_group!(cockpit, benches);

fn main() {
    cockpit();
    Criterion::default().configure_from_args().final_summary();
}
