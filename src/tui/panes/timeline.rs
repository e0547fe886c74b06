//! Client timeline: a card with what matters about the current account over
//! its history, newest first. History loads page by page through the
//! (account, time) index, so 50,000 entries open as fast as 5.

use super::frame;
use crate::domain::time::Zone;
use crate::domain::{sanitize, time, ActivityKind, Money};
use crate::store::{Account, Activity, Store, TimelineItem};
use crate::tui::app::{sanitize_in_place, App, PaneId};
use crate::tui::overlays::Detail;
use crate::tui::widgets::nav::Nav;
use anyhow::Result;
use chrono::NaiveDate;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Entries fetched per page.
pub const PAGE: usize = 100;
/// Lines the card takes, its rule included.
pub const CARD_LINES: u16 = 7;

/// What the card shows, with every string already safe to draw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Card {
    pub id: i64,
    pub name: String,
    pub facts: Vec<String>,
    pub money: Vec<String>,
    /// The same, shorter, for a narrow card: value, renewal, then the owner,
    /// so what gives way last is the money and the date.
    pub money_short: Vec<String>,
    pub contacts: Vec<String>,
    pub deals: Vec<String>,
    pub conflicts: Vec<(String, bool)>,
    pub next_follow_up: Option<(NaiveDate, String)>,
    /// The account's own targets this quarter and year, each against what is done.
    pub targets: Vec<String>,
    /// Fields kept from an import that rapport has no place for ("Region: EMEA").
    pub custom: Vec<String>,
    /// The contact the account was looked up by, during a call: their id,
    /// who they are ("Jane Roe · CFO · Finance") and how to reach them (phone,
    /// e-mail), each on a line of its own first on the card.
    pub caller: Option<(i64, Vec<String>, Vec<String>)>,
    /// The renewal date, when it has passed with the renewal deal still open.
    pub lapsed: Option<NaiveDate>,
}

impl Card {
    /// Lines the card takes: one more when the account has targets, one
    /// more when it has custom fields.
    pub fn lines(&self) -> u16 {
        CARD_LINES
            + u16::from(!self.targets.is_empty())
            + u16::from(!self.custom.is_empty())
            + 2 * u16::from(self.caller.is_some())
    }
}

#[derive(Default)]
pub struct Timeline {
    pub card: Option<Card>,
    pub items: Vec<TimelineItem>,
    pub nav: Nav,
    pub total: i64,
    pub exhausted: bool,
    /// The reasons behind the account's health shown under the card (`h`).
    pub show_reasons: bool,
    /// The card's account's health with its reasons, read while they are shown
    /// (the portfolio keeps only every account's score and band).
    pub health: Option<crate::domain::health::Health>,
}

/// Most reasons shown under the card; the rest are counted.
const REASONS_MAX: usize = 8;

/// Lines the health reasons take under the card: none unless shown.
pub fn reason_lines(app: &App) -> u16 {
    if !app.timeline.show_reasons {
        return 0;
    }
    let n = app.timeline.health.as_ref().map_or(1, |h| {
        if h.reasons.len() > REASONS_MAX {
            REASONS_MAX + 1
        } else {
            h.reasons.len().max(1)
        }
    });
    n as u16
}

/// One drawn line of the history: a day heading or an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Day(NaiveDate),
    Item(usize),
}

/// The lines shown from item `offset` in `height` rows.
/// Days are the user's days: an entry at 23:30 UTC is on the next day in Berlin.
pub fn visible(items: &[TimelineItem], offset: usize, height: usize, zone: Zone) -> Vec<Entry> {
    let mut out = Vec::with_capacity(height);
    let mut day = None;
    for (i, item) in items.iter().enumerate().skip(offset) {
        let d = time::local_date(&item.occurred_at, zone);
        if d != day {
            if out.len() + 2 > height {
                break;
            }
            if let Some(d) = d {
                out.push(Entry::Day(d));
            }
            day = d;
        }
        if out.len() >= height {
            break;
        }
        out.push(Entry::Item(i));
    }
    out
}

impl Timeline {
    pub fn load(&mut self, store: &Store, account_id: i64) -> Result<()> {
        let same = self.card.as_ref().is_some_and(|c| c.id == account_id);
        let keep = if same { self.nav } else { Nav::default() };
        let Some(account) = store.get::<Account>(account_id)? else {
            *self = Timeline { show_reasons: self.show_reasons, ..Timeline::default() };
            return Ok(());
        };
        // The caller stays on the card while it shows the same account (a save reloads it).
        let caller = if same { self.card.as_ref().and_then(|c| c.caller.as_ref()).map(|c| c.0) } else { None };
        self.card = Some(card(store, &account)?);
        if let Some(id) = caller {
            self.set_caller(store, id)?;
        }
        self.load_health(store);
        self.total = store.timeline_len(account_id)?;
        self.items.clear();
        self.exhausted = false;
        let want = (keep.selected + PAGE).max(PAGE);
        while self.items.len() < want && !self.exhausted {
            self.fetch(store)?;
        }
        self.nav = keep;
        Ok(())
    }

    fn fetch(&mut self, store: &Store) -> Result<()> {
        let Some(id) = self.card.as_ref().map(|c| c.id) else { return Ok(()) };
        let after = self.items.last().map(|i| (i.occurred_at.as_str(), i.id));
        let mut page = store.timeline(id, after, PAGE)?;
        self.exhausted = page.len() < PAGE;
        for item in &mut page {
            sanitize_in_place(&mut item.summary);
            for s in [&mut item.contact, &mut item.rep].into_iter().flatten() {
                sanitize_in_place(s);
            }
        }
        self.items.extend(page);
        Ok(())
    }

    /// Puts the contact an account was found by first on its card: during a
    /// call, who is calling, their part, phone and e-mail. A contact of
    /// another account is ignored.
    pub fn set_caller(&mut self, store: &Store, contact_id: i64) -> Result<()> {
        let Some(card) = self.card.as_mut() else { return Ok(()) };
        card.caller = match store.get::<crate::store::Contact>(contact_id)? {
            Some(c) if c.account_id == card.id => {
                let clean = |s: &str| sanitize::line(s).into_owned();
                let mut who = vec![clean(&c.name)];
                who.extend(c.title.as_deref().map(clean));
                who.push(c.role.label().to_string());
                let mut reach: Vec<String> = [&c.phone, &c.email].into_iter().flatten().map(|s| clean(s)).collect();
                if reach.is_empty() {
                    reach.push("no phone or e-mail on file".into());
                }
                Some((contact_id, who, reach))
            }
            _ => None,
        };
        Ok(())
    }

    /// Reads the card's account's health with its reasons, if they are shown.
    /// Not being able to is no reason to refuse the timeline: the lines say so.
    pub fn load_health(&mut self, store: &Store) {
        self.health = match (&self.card, self.show_reasons) {
            (Some(c), true) => store.health_of(c.id, store.clock().today()).ok().flatten(),
            _ => None,
        };
    }

    fn card_lines(&self) -> u16 {
        self.card.as_ref().map_or(CARD_LINES, Card::lines)
    }

    /// Rows left for the history under the card.
    pub fn list_rows(&self, area: Rect) -> usize {
        area.height.saturating_sub(2 + self.card_lines()) as usize
    }

    pub fn step(&mut self, delta: isize, height: usize, store: &Store) -> Result<()> {
        let target = self.nav.selected.saturating_add_signed(delta);
        // Fetch ahead so the selection never waits at a page edge.
        while !self.exhausted && target + height >= self.items.len() {
            self.fetch(store)?;
        }
        self.nav.selected = target.min(self.items.len().saturating_sub(1));
        self.follow(height, store.clock().zone());
        Ok(())
    }

    /// Scrolls so the selected entry is on screen, day headings included.
    pub fn follow(&mut self, height: usize, zone: Zone) {
        if self.items.is_empty() {
            self.nav = Nav::default();
            return;
        }
        self.nav.selected = self.nav.selected.min(self.items.len() - 1);
        if self.nav.selected < self.nav.offset {
            self.nav.offset = self.nav.selected;
        }
        while self.nav.offset < self.nav.selected
            && !visible(&self.items, self.nav.offset, height, zone).contains(&Entry::Item(self.nav.selected))
        {
            self.nav.offset += 1;
        }
    }

    pub fn click(&mut self, area: Rect, row: u16, store: &Store) -> Result<()> {
        let top = area.y + 1 + self.card_lines();
        if row < top {
            return Ok(());
        }
        let height = self.list_rows(area);
        if let Some(Entry::Item(i)) =
            visible(&self.items, self.nav.offset, height, store.clock().zone()).get((row - top) as usize)
        {
            let delta = *i as isize - self.nav.selected as isize;
            self.step(delta, height, store)?;
        }
        Ok(())
    }

    /// The selected entry in full.
    pub fn detail(&self, store: &Store) -> Result<Option<Detail>> {
        let Some(item) = self.items.get(self.nav.selected) else { return Ok(None) };
        let Some(a) = store.get::<Activity>(item.id)? else { return Ok(None) };
        let zone = store.clock().zone();
        let mut lines = vec![
            format!("{} · {}", a.kind.label(), time::local_minute(&a.occurred_at, zone)),
            format!("Contact: {}", item.contact.as_deref().unwrap_or("—")),
            format!("Rep: {}", item.rep.as_deref().unwrap_or("—")),
        ];
        if let Some(due) = a.due_on {
            let state = a.done_at.as_deref().map_or("open".to_string(), |d| {
                format!("done {}", time::local_date(d, zone).map_or_else(|| d.to_string(), |d| d.to_string()))
            });
            lines.push(format!("Due: {due} ({state})"));
        }
        lines.push(String::new());
        lines.push(sanitize::line(&a.summary).into_owned());
        if let Some(body) = &a.body {
            lines.push(String::new());
            lines.extend(sanitize::multiline(body).lines().map(str::to_string));
        }
        Ok(Some(Detail { title: a.kind.label().to_string(), lines, scroll: 0 }))
    }
}

fn card(store: &Store, a: &Account) -> Result<Card> {
    let clean = |s: &str| sanitize::line(s).into_owned();
    let owner = match a.owner_id {
        Some(id) => store.get::<crate::store::Rep>(id)?.map(|r| clean(&r.name)),
        None => None,
    };
    let parent = match a.parent_id {
        Some(id) => store.get::<Account>(id)?.map(|p| clean(&p.name)),
        None => None,
    };
    let mut facts = vec![a.tier.label().to_string(), a.status.label().to_string()];
    facts.extend(a.sector.as_deref().map(clean));
    facts.extend(a.city.as_deref().map(clean));
    if let Some(p) = parent {
        facts.push(format!("part of {p}"));
    }
    let currency = store.currency()?;
    let mut money =
        vec![format!("Owner {}", owner.as_deref().unwrap_or("—")), format!("Value {}", currency.show(a.annual_value))];
    let mut money_short = vec![currency.show_compact(a.annual_value)];
    let open_deals = store.open_deals_of(a.meta.id)?;
    // Health's rule: the date has passed and a renewal deal is still open.
    let lapsed = a.renewal_date.filter(|r| {
        *r < store.clock().today()
            && a.status != crate::domain::AccountStatus::Churned
            && open_deals.iter().any(|d| d.name.to_lowercase().contains("renewal"))
    });
    if let Some(r) = a.renewal_date.filter(|_| lapsed.is_none()) {
        money.push(format!("Renews {r}"));
        money_short.push(format!("renews {r}"));
    }
    money_short.push(owner.clone().unwrap_or_else(|| "no owner".into()));
    let contacts = store
        .contacts_of(a.meta.id)?
        .iter()
        .map(|c| {
            let what = c.title.as_deref().map(clean).unwrap_or_else(|| c.role.label().to_string());
            format!("{} ({what})", clean(&c.name))
        })
        .collect();
    let deals = open_deals
        .iter()
        .map(|d| format!("{} — {} {}", clean(&d.name), d.stage.label().to_lowercase(), d.amount.compact()))
        .collect();
    let conflicts = store
        .open_conflicts_of(a.meta.id)?
        .iter()
        .map(|c| (format!("{} — {}", clean(&c.title), c.severity.label().to_lowercase()), false))
        .collect();
    let next_follow_up = store.next_follow_up(a.meta.id)?.map(|(d, s)| (d, clean(&s)));
    let targets = account_targets(store, a.meta.id)?;
    let (_, custom) = store.import_extras(crate::store::Entity::Account, a.meta.id)?;
    let custom = crate::interop::export::custom_fields(custom.as_deref())
        .into_iter()
        .map(|(k, v)| format!("{}: {}", clean(&k), clean(&v)))
        .collect();
    Ok(Card {
        id: a.meta.id,
        name: clean(&a.name),
        facts,
        money,
        money_short,
        contacts,
        deals,
        conflicts,
        next_follow_up,
        targets,
        custom,
        caller: None,
        lapsed,
    })
}

/// The account's own targets for this quarter and fiscal year, each in its
/// unit against what is done: "2026Q4 target 50k: 20k won (40%)".
fn account_targets(store: &Store, account_id: i64) -> Result<Vec<String>> {
    use crate::domain::metrics::{deal_metrics, percent, Span};
    use crate::domain::{Period, TargetMetric};
    let cal = store.fiscal_calendar()?;
    let today = store.clock().today();
    let mut out = Vec::new();
    let mut deals = None;
    for period in [Period::quarter_of(cal, today), Period::year_of(cal, today)] {
        let mine: Vec<_> =
            store.targets_for(period)?.into_iter().filter(|t| t.account_id == Some(account_id)).collect();
        if mine.is_empty() {
            continue;
        }
        // Read only for an account that has a target: most have none.
        if deals.is_none() {
            deals = Some(store.account_deal_facts(account_id)?);
        }
        let facts = deals.as_deref().unwrap_or_default();
        let span = Span::of(period, cal);
        let name = super::targets::period_name(period);
        for t in mine {
            let text = match t.metric {
                TargetMetric::WonRevenue => {
                    let won = deal_metrics(facts, span).won;
                    let pct = percent(i128::from(won.cents()), i128::from(t.amount))
                        .map_or_else(String::new, |p| format!(" ({p:.0}%)"));
                    format!("{name} target {}: {} won{pct}", Money(t.amount).compact(), won.compact())
                }
                TargetMetric::NewDeals => {
                    let opened = facts.iter().filter(|d| d.opened_on.is_some_and(|o| span.contains(o))).count();
                    format!("{name} target {} new deals: {opened}", t.amount)
                }
                TargetMetric::Activities => {
                    let done = store.account_activity_count(account_id, span.start, span.end)?;
                    format!("{name} target {} activities: {done}", t.amount)
                }
            };
            out.push(text);
        }
    }
    Ok(out)
}

fn kind_label(k: ActivityKind) -> &'static str {
    match k {
        ActivityKind::Call => "Call   ",
        ActivityKind::Email => "Email  ",
        ActivityKind::Meeting => "Meeting",
        ActivityKind::Note => "Note   ",
        ActivityKind::FollowUp => "Follow ",
        ActivityKind::Event => "Event  ",
    }
}

/// "a · b · c" that stops before `width` and says how many were left out.
fn joined(items: &[String], width: usize) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        let more = items.len() - i;
        let tail = if more > 1 { format!(" +{}", more - 1).len() } else { 0 };
        // The first always shows, cut visibly when it is too long alone.
        let piece = if out.is_empty() { super::fit(item, width.saturating_sub(tail)) } else { format!(" · {item}") };
        if !out.is_empty() && out.chars().count() + piece.chars().count() + tail > width {
            out.push_str(&format!(" +{more}"));
            return out;
        }
        out.push_str(&piece);
    }
    out
}

/// Owner and value, then the health's mark, score and band, coloured.
fn money_line<'a>(app: &App, card: &Card, w: usize) -> Line<'a> {
    let theme = app.theme;
    // A lapsed renewal comes first and marked, so it reads without colour too.
    let flag = card.lapsed.map(|d| {
        let days = (app.today - d).num_days();
        if w >= 70 {
            format!("⚠ renewal lapsed {days}d ago ({d}) · ")
        } else {
            format!("⚠ lapsed {d} · ")
        }
    });
    let mut line = money_line_after(app, card, w.saturating_sub(flag.as_ref().map_or(0, |f| f.chars().count())));
    if let Some(flag) = flag {
        line.spans.insert(0, Span::styled(flag, theme.bad()));
    }
    line
}

/// Owner and value, then the health, in `w` columns.
fn money_line_after<'a>(app: &App, card: &Card, w: usize) -> Line<'a> {
    let theme = app.theme;
    // The short words when the long ones would leave something out.
    let money = |room: usize| {
        let long = joined(&card.money, room);
        if long.chars().count() == card.money.join(" · ").chars().count() {
            long
        } else {
            joined(&card.money_short, room)
        }
    };
    let Some(h) = app.portfolio.health.get(&card.id) else {
        return Line::from(Span::raw(money(w)));
    };
    let health = format!("{} {} {}", h.band.symbol(), h.score, h.band.label());
    // The hint only where everything else fits as well.
    let whole = card.money.iter().map(|m| m.chars().count() + 3).sum::<usize>() + health.chars().count();
    let hint = if app.timeline.show_reasons || whole + 9 > w { "" } else { " (h: why)" };
    let room = w.saturating_sub(health.chars().count() + hint.len() + 3);
    Line::from(vec![
        Span::raw(money(room)),
        Span::styled(" · ", theme.dim()),
        Span::styled(health, super::portfolio::band_style(theme, h.band)),
        Span::styled(hint, theme.dim()),
    ])
}

/// The reasons behind the health, one a line: points, signal, fact.
fn reasons<'a>(app: &App, w: usize) -> Vec<Line<'a>> {
    let theme = app.theme;
    let Some(h) = &app.timeline.health else {
        return vec![Line::from(Span::styled("  the health of this account could not be worked out", theme.dim()))];
    };
    if h.reasons.is_empty() {
        return vec![Line::from(Span::styled("  nothing takes points off: 100", theme.dim()))];
    }
    let signal_w = h.reasons.iter().map(|r| r.signal.chars().count()).max().unwrap_or(0);
    let mut out: Vec<Line> = h
        .reasons
        .iter()
        .take(REASONS_MAX)
        .map(|r| {
            let sign = if r.points < 0 { "−" } else { "+" };
            let points = format!("{sign}{}", r.points.unsigned_abs());
            let style = if r.points < 0 { theme.bad() } else { theme.good() };
            let fact = sanitize::line(&r.fact).into_owned();
            Line::from(vec![
                Span::styled(format!("  {points:>4} "), style),
                Span::styled(format!("{:<signal_w$} ", r.signal), theme.accent()),
                Span::raw(super::fit(&fact, w.saturating_sub(signal_w + 8))),
            ])
        })
        .collect();
    if h.reasons.len() > REASONS_MAX {
        out.push(Line::from(Span::styled(format!("  … {} more", h.reasons.len() - REASONS_MAX), theme.dim())));
    }
    out
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.timeline;
    let theme = app.theme;
    let focused = app.focus == PaneId::Timeline;
    let title = match &t.card {
        Some(c) => format!("{} · {} entries", c.name, t.total),
        None => "Client timeline".to_string(),
    };
    let block = frame(1, title, focused, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(card) = &t.card else {
        f.render_widget(Paragraph::new("Select an account (/ to look one up).").style(theme.dim()), inner);
        return;
    };
    let w = inner.width as usize;
    let label = |s: &'static str| Span::styled(s, theme.dim());
    let mut lines = vec![
        Line::from(vec![
            Span::styled(card.name.clone(), theme.title()),
            Span::raw("  "),
            Span::raw(joined(&card.facts, w.saturating_sub(card.name.len() + 2))),
        ]),
        money_line(app, card, w),
    ];
    if let Some((_, who, reach)) = &card.caller {
        lines.push(Line::from(vec![
            Span::styled("Caller    ", theme.key()),
            Span::styled(joined(who, w.saturating_sub(10)), theme.title()),
        ]));
        lines.push(Line::from(vec![Span::raw("          "), Span::raw(joined(reach, w.saturating_sub(10)))]));
    }
    lines.extend([
        Line::from(vec![
            label("Contacts  "),
            Span::raw(if card.contacts.is_empty() {
                "—".into()
            } else {
                joined(&card.contacts, w.saturating_sub(10))
            }),
        ]),
        Line::from(vec![
            label("Deals     "),
            Span::raw(if card.deals.is_empty() {
                "no open deals".into()
            } else {
                joined(&card.deals, w.saturating_sub(10))
            }),
        ]),
    ]);
    let conflict_line = if card.conflicts.is_empty() {
        Line::from(vec![label("Conflicts "), Span::styled("none open", theme.dim())])
    } else {
        let texts: Vec<String> = card.conflicts.iter().map(|c| c.0.clone()).collect();
        Line::from(vec![label("Conflicts "), Span::styled(joined(&texts, w.saturating_sub(10)), theme.bad())])
    };
    lines.push(conflict_line);
    lines.push(match &card.next_follow_up {
        Some((d, s)) => {
            let style = if *d < app.today {
                theme.bad()
            } else if *d == app.today {
                theme.warn()
            } else {
                theme.text()
            };
            Line::from(vec![
                label("Next      "),
                Span::styled(format!("{d} ({}) ", time::ago(app.today, *d)), style),
                Span::raw(s.clone()),
            ])
        }
        None => Line::from(vec![label("Next      "), Span::styled("no follow-up planned", theme.dim())]),
    });
    if !card.targets.is_empty() {
        lines.push(Line::from(vec![label("Targets   "), Span::raw(joined(&card.targets, w.saturating_sub(10)))]));
    }
    if !card.custom.is_empty() {
        lines.push(Line::from(vec![label("More      "), Span::raw(joined(&card.custom, w.saturating_sub(10)))]));
    }
    if t.show_reasons {
        lines.extend(reasons(app, w));
    }
    lines.push(Line::from(Span::styled("─".repeat(w), theme.dim())));

    let height = t.list_rows(area).saturating_sub(reason_lines(app) as usize);
    if t.items.is_empty() {
        lines.push(Line::from(Span::styled("Nothing on the timeline yet.", theme.dim())));
    }
    let zone = app.store.clock().zone();
    for entry in visible(&t.items, t.nav.offset, height, zone) {
        match entry {
            Entry::Day(d) => lines.push(Line::from(Span::styled(d.format("%a %d %b %Y").to_string(), theme.accent()))),
            Entry::Item(i) => {
                let item = &t.items[i];
                let clock =
                    time::local(&item.occurred_at, zone).map(|t| t.format("%H:%M").to_string()).unwrap_or_default();
                let who: Vec<&str> = [item.contact.as_deref(), item.rep.as_deref()].into_iter().flatten().collect();
                let mut spans = vec![
                    Span::styled(format!("  {clock} "), theme.dim()),
                    Span::styled(kind_label(item.kind), theme.accent()),
                    Span::raw(" "),
                    Span::raw(item.summary.clone()),
                ];
                if let Some(due) = item.due_on {
                    spans.push(match &item.done_at {
                        Some(_) => Span::styled(format!("  ✓ done (due {due})"), theme.good()),
                        None if due < app.today => Span::styled(format!("  overdue since {due}"), theme.bad()),
                        None => Span::styled(format!("  due {due}"), theme.warn()),
                    });
                }
                if item.has_body {
                    spans.push(Span::styled(" ¶", theme.dim()));
                }
                if !who.is_empty() {
                    spans.push(Span::styled(format!("  — {}", who.join(" · ")), theme.dim()));
                }
                let mut line = Line::from(spans);
                if i == t.nav.selected {
                    line = line.style(theme.selected(focused));
                }
                lines.push(line);
            }
        }
    }
    f.render_widget(Paragraph::new(lines), inner);
    let _ = Money::ZERO;
}
