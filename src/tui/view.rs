//! Draws the whole cockpit from the app state: header, panes, footer, and
//! whatever overlay is open. Reads state only.

use super::app::{App, PaneId};
use super::keymap::{Action, Context};
use super::layout::{self, tab_label};
use super::overlays::{Detail, Filter, Overlay, Palette, Search};
use super::panes::{conflicts, portfolio, targets, timeline, today};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(f: &mut Frame, app: &App) {
    let areas = layout::areas(f.area(), app.focus, app.zoom);
    header(f, areas.header, app);
    if let Some(bar) = areas.tab_bar {
        let mut spans = Vec::new();
        for (i, p) in PaneId::ALL.iter().enumerate() {
            let style = if *p == app.focus { app.theme.selected(true) } else { app.theme.dim() };
            spans.push(Span::styled(tab_label(i, *p, bar.width), style));
            spans.push(Span::raw(" "));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), bar);
    }
    for pane in PaneId::EVERY {
        if let Some(area) = areas.pane(pane) {
            match pane {
                PaneId::Portfolio => portfolio::draw(f, area, app),
                PaneId::Timeline => timeline::draw(f, area, app),
                PaneId::Conflicts => conflicts::draw(f, area, app),
                PaneId::Targets => targets::draw(f, area, app),
                PaneId::Today => today::draw(f, area, app, false),
            }
        }
    }
    footer(f, areas.footer, app);
    match &app.overlay {
        Overlay::None => {}
        Overlay::Search(s) => search(f, app, s),
        Overlay::Palette(p) => palette(f, app, p),
        Overlay::Help(scroll) => help(f, app, *scroll),
        Overlay::Filter(flt) => filter(f, app, flt),
        Overlay::Detail(d) => detail(f, app, d),
        Overlay::Form(form) => form_view(f, app, form),
        Overlay::List(list) => list_view(f, app, list),
        Overlay::Draft(d) => draft_view(f, app, d),
        // Over the panes, as a pane zoomed would be.
        Overlay::Today => today::draw(f, areas.body, app, true),
        Overlay::Ask(ask) => {
            if ask.over {
                today::draw(f, areas.body, app, true);
            }
            ask_view(f, app, ask);
        }
        Overlay::Confirm(c) => {
            let mut lines = vec![Line::from(c.question.clone())];
            for (i, (_, name)) in c.successors.iter().enumerate() {
                let style = if i == c.pick { app.theme.selected(true) } else { app.theme.text() };
                lines.push(Line::from(Span::styled(format!("  {name}"), style)));
            }
            let mut keys: Vec<(&[Action], &str)> = vec![(&[Action::Yes], "yes")];
            if !c.successors.is_empty() {
                keys.insert(0, (&[Action::Down, Action::Up], "pick who takes over"));
            }
            let keys = format!("{} · any other key: no", app.keymap.hint(Context::Confirm, &keys));
            lines.push(Line::from(Span::styled(keys, app.theme.dim())));
            // A long question wraps inside the screen rather than losing its end.
            let w = (lines.iter().map(|l| l.width() as u16).max().unwrap_or(0) + 6).max(40);
            let text_w = w.min(f.area().width.saturating_sub(2)).saturating_sub(2).max(1) as usize;
            let rows: usize = lines.iter().map(|l| l.width().div_ceil(text_w).max(1)).sum();
            // Words wrap before the edge: a row more per wrapped line at most.
            let wrapped = lines.iter().filter(|l| l.width() > text_w).count();
            let inner = popup(f, app, w, (rows + wrapped) as u16 + 2, "Confirm");
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
    }
}

fn header(f: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let b = &app.badges;
    let period = crate::tui::panes::targets::period_name(app.targets.period);
    // Narrow screens get the short words, so every count stays visible (and
    // a wide one too when the sync's words need the room).
    let words = |narrow: bool| {
        let date = if narrow { app.today.format("%a %d %b") } else { app.today.format("%a %d %b %Y") };
        // The scope's name where there is room; the short word always.
        let scope = if narrow || app.resolved.root.is_none() {
            app.scope_word().to_string()
        } else {
            format!("{} ({})", app.scope_word(), app.resolved.label)
        };
        // The counts are read behind the first frame: "…" until they are in, never a false 0.
        let count = |n: i64| if app.loading() { "…".to_string() } else { n.to_string() };
        let overdue_style = if b.overdue_follow_ups > 0 { t.bad() } else { t.dim() };
        let follow = if narrow { "" } else { " follow-ups" };
        let mut counts =
            vec![Span::styled(format!("  {} overdue{follow}", count(b.overdue_follow_ups as i64)), overdue_style)];
        if b.due_today > 0 {
            counts.push(Span::styled(format!(" · {} due today", b.due_today), t.warn()));
        }
        let breach_style = if b.breached > 0 { t.bad() } else { t.dim() };
        let sla = if narrow { "" } else { "SLA " };
        counts.push(Span::styled(format!(" · {} {sla}breached", count(b.breached)), breach_style));
        (date.to_string(), scope, counts)
    };
    let team_style = |team: &str| {
        if team.starts_with("sync failed") {
            t.bad()
        } else if team.contains("offline") || team.contains("conflict") {
            t.warn()
        } else {
            t.dim()
        }
    };
    // What gives way, in turn, so the counts and the scope stay: the
    // database's name, then the date, then the period; then the long
    // words; then the sync's words that need nothing of the user (see `team_variants`).
    // Both forms once: the tries below only put them together.
    let (wide_words, narrow_words) = (words(false), words(true));
    let line = |team: &str, narrow: bool, with_db: bool, with_date: bool, with_period: bool| {
        let (date, scope, counts) = if narrow { &narrow_words } else { &wide_words };
        let mut counts = counts.clone();
        if !team.is_empty() {
            counts.push(Span::styled(format!(" · {team}"), team_style(team)));
        }
        let mut spans = vec![Span::styled(" rapport ", t.selected(true)), Span::raw(" ")];
        if with_db {
            spans.push(Span::styled(app.db_name.clone(), t.title()));
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(scope.clone(), t.title()));
        let when = match (with_period, with_date) {
            (true, true) => format!(" · {period} · {date}"),
            (true, false) => format!(" · {period}"),
            (false, true) => format!(" · {date}"),
            (false, false) => String::new(),
        };
        spans.push(Span::styled(when, t.dim()));
        spans.extend(counts);
        Line::from(spans)
    };
    let choices = [(true, true, true), (false, true, true), (false, false, true), (false, false, false)];
    let narrows: &[bool] = if area.width < 100 { &[true] } else { &[false, true] };
    let teams = team_variants(app.team_line.as_deref().unwrap_or(""));
    let shortest = teams.last().cloned().unwrap_or_default();
    let tries = teams.iter().flat_map(|team| narrows.iter().flat_map(move |n| choices.map(move |c| (team, *n, c))));
    let fits =
        tries.map(|(team, narrow, c)| line(team, narrow, c.0, c.1, c.2)).find(|l| l.width() <= area.width as usize);
    f.render_widget(Paragraph::new(fits.unwrap_or_else(|| line(&shortest, true, false, false, false))), area);
}

/// The sync's header words, then shorter forms for a narrow header: when
/// it last synced goes first, then how many changes wait, then offline
/// (nothing to do about it); a failure and the sync conflicts, which ask
/// something of the user, stay.
fn team_variants(line: &str) -> Vec<String> {
    let parts: Vec<&str> = line.split(" · ").filter(|p| !p.is_empty()).collect();
    let without = |drop: &[&str]| {
        parts.iter().filter(|p| !drop.iter().any(|d| p.contains(d))).copied().collect::<Vec<_>>().join(" · ")
    };
    let mut variants = vec![
        parts.join(" · "),
        without(&["synced"]),
        without(&["synced", "waiting"]),
        without(&["synced", "waiting", "offline"]),
    ];
    variants.dedup();
    variants
}

/// The keys that matter in the focused pane, from the keymap; what does not
/// fit is left out, but help and quit always show.
fn footer(f: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    if let Some(msg) = &app.message {
        f.render_widget(Paragraph::new(Span::styled(format!(" {msg}"), t.warn())), area);
        return;
    }
    if !matches!(app.overlay, Overlay::None) {
        // The overlay shows its own keys.
        return;
    }
    let ctx = app.context();
    // Logging a call is global, yet it is what the portfolio and the
    // timeline are for during a call: it and the lookup come first there.
    let mut actions: Vec<Action> = match ctx {
        Context::Portfolio | Context::Timeline => vec![Action::Log, Action::Search],
        _ => Vec::new(),
    };
    actions.extend(app.keymap.entries(ctx).into_iter().map(|(a, _)| a));
    actions.extend([Action::Search, Action::Open, Action::NextPane, Action::Zoom, Action::Palette]);
    let key_of = |a: Action| app.keymap.first_key(ctx, a).map(|k| format!(" {k} {}", short(a)));
    let tail: Vec<String> = [Action::Help, Action::Quit].into_iter().filter_map(key_of).collect();
    let mut room = (area.width as usize).saturating_sub(tail.iter().map(|s| s.chars().count()).sum());
    let mut items = Vec::new();
    let mut seen = Vec::new();
    for a in actions {
        if seen.contains(&a) {
            continue;
        }
        seen.push(a);
        if let Some(text) = key_of(a) {
            let w = text.chars().count();
            if w <= room {
                room -= w;
                items.push(text);
            }
        }
    }
    items.extend(tail);
    let spans: Vec<Span> = items
        .into_iter()
        .flat_map(|text| {
            let (key, word) = text[1..].split_once(' ').unwrap_or((&text[1..], ""));
            [Span::styled(format!(" {key}"), t.key()), Span::styled(format!(" {word}"), t.dim())]
        })
        .collect();
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Footer words: short enough that the common keys fit in 80 columns.
fn short(a: Action) -> &'static str {
    match a {
        Action::Search => "find",
        Action::Open => "open",
        Action::NextPane => "pane",
        Action::Zoom => "zoom",
        Action::Palette => "commands",
        Action::Help => "help",
        Action::Quit => "quit",
        Action::CycleSort => "sort",
        Action::Filter => "filter",
        Action::ClearFilter => "unfilter",
        Action::PrevPeriod => "prev",
        Action::NextPeriod => "next",
        Action::PeriodKind => "year/qtr",
        Action::NextView => "view",
        Action::CycleScope => "scope",
        Action::ScrollLeft | Action::ScrollRight => "cols",
        Action::Reasons => "why",
        Action::Agenda => "today",
        _ => a.name(),
    }
}

/// A centred box of at most `w`×`h`, cleared, with a title.
fn popup(f: &mut Frame, app: &App, w: u16, h: u16, title: &str) -> Rect {
    let area = f.area();
    let w = w.min(area.width.saturating_sub(2)).max(10);
    let h = h.min(area.height.saturating_sub(2)).max(3);
    let rect = Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h);
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border(true))
        .title(format!(" {title} "))
        .title_style(app.theme.title());
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    inner
}

/// Text with the matched character positions emphasised.
fn highlighted<'a>(text: &str, indices: &[u32], app: &App) -> Vec<Span<'a>> {
    let clean = crate::domain::sanitize::line(text);
    // Sanitising may shift positions; highlight only when it changed nothing.
    if clean.len() != text.len() {
        return vec![Span::raw(clean.into_owned())];
    }
    clean
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if indices.binary_search(&(i as u32)).is_ok() {
                Span::styled(c.to_string(), app.theme.matched())
            } else {
                Span::raw(c.to_string())
            }
        })
        .collect()
}

fn search(f: &mut Frame, app: &App, s: &Search) {
    let area = f.area();
    let inner = popup(
        f,
        app,
        area.width.saturating_sub(4).min(110),
        area.height.saturating_sub(2),
        "Look up: name, contact, e-mail or phone",
    );
    let [input, list, help] =
        Layout::vertical([Constraint::Length(2), Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let before: String = s.input.text.chars().take(s.input.cursor).collect();
    let after: String = s.input.text.chars().skip(s.input.cursor).collect();
    let line = Line::from(vec![
        Span::styled("/ ", app.theme.key()),
        Span::raw(crate::domain::sanitize::line(&before).into_owned()),
        Span::styled("▏", app.theme.key()),
        Span::raw(crate::domain::sanitize::line(&after).into_owned()),
    ]);
    let status = if s.input.text.trim().is_empty() {
        "type a few letters of an account, a contact, an e-mail, or digits of a phone".to_string()
    } else if s.hits.is_empty() {
        "no match".to_string()
    } else {
        let n = s.hits.len();
        let more = if n >= super::app::search::RESULTS { "+" } else { "" };
        format!("{n}{more} account{}", if n == 1 { "" } else { "s" })
    };
    f.render_widget(Paragraph::new(vec![line, Line::from(Span::styled(status, app.theme.dim()))]), input);
    let height = list.height as usize;
    let start = s.nav.selected.saturating_sub(height.saturating_sub(1));
    let lines: Vec<Line> = s
        .hits
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(i, h)| {
            let mut spans = vec![Span::raw(if i == s.nav.selected { "▶ " } else { "  " })];
            if h.field == crate::lookup::Field::Account {
                spans.extend(highlighted(&h.account, &h.indices, app));
            } else {
                spans.push(Span::raw(crate::domain::sanitize::line(&h.account).into_owned()));
                spans.push(Span::styled("  ← ", app.theme.dim()));
                let reason = h.reason.clone().unwrap_or_default();
                let (label, _) = reason.split_once(':').unwrap_or(("", ""));
                if h.field == crate::lookup::Field::Contact {
                    spans.push(Span::styled(format!("{label}: "), app.theme.dim()));
                    spans.extend(highlighted(&h.text, &h.indices, app));
                    if let Some((_, role)) = reason.split_once(", ") {
                        spans.push(Span::styled(format!(", {}", crate::domain::sanitize::line(role)), app.theme.dim()));
                    }
                } else {
                    spans.extend(highlighted(&h.text, &h.indices, app));
                    spans.push(Span::styled(format!("  {}", crate::domain::sanitize::line(&reason)), app.theme.dim()));
                }
            }
            let line = Line::from(spans);
            if i == s.nav.selected {
                line.style(app.theme.selected(true))
            } else {
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), list);
    let keys = app.keymap.hint(
        Context::Search,
        &[(&[Action::Up, Action::Down], "choose"), (&[Action::Open], "open"), (&[Action::Back], "back")],
    );
    f.render_widget(Paragraph::new(Span::styled(keys, app.theme.dim())), help);
}

fn palette(f: &mut Frame, app: &App, p: &Palette) {
    let inner = popup(f, app, 70, 20, "Commands");
    let [input, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(": ", app.theme.key()),
            Span::raw(crate::domain::sanitize::line(&p.input.text).into_owned()),
            Span::styled("▏", app.theme.key()),
        ])),
        input,
    );
    let matches = p.matches();
    let selected = p.nav.selected.min(matches.len().saturating_sub(1));
    let height = list.height as usize;
    let start = selected.saturating_sub(height.saturating_sub(1));
    let lines: Vec<Line> = matches
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(i, (a, text))| {
            let key = app.keymap.first_key(app.context(), *a).map(|k| k.to_string()).unwrap_or_default();
            let line = Line::from(vec![Span::styled(format!("{key:>10}  "), app.theme.key()), Span::raw(text.clone())]);
            if i == selected {
                line.style(app.theme.selected(true))
            } else {
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), list);
}

fn help(f: &mut Frame, app: &App, scroll: usize) {
    let ctx = app.context();
    let mut lines = Vec::new();
    let own = if ctx == Context::Today { "Today".to_string() } else { app.focus.title().to_string() };
    let mut sections = vec![(format!("{own} keys"), ctx)];
    // Today opens from anywhere (t): its keys are always listed.
    if ctx != Context::Today {
        sections.push(("Today keys (t opens it)".to_string(), Context::Today));
    }
    sections.push(("In record lists (C contacts, D deals, T targets, R reps)".to_string(), Context::List));
    sections.push(("In the filter menu (f)".to_string(), Context::Filter));
    sections.push(("Before a delete (any other key keeps the record)".to_string(), Context::Confirm));
    sections.push(("In lookup (/): type to search, and".to_string(), Context::Search));
    sections.push(("Everywhere".to_string(), Context::Global));
    for (heading, c) in sections {
        lines.push(Line::from(Span::styled(heading, app.theme.title())));
        let entries: Vec<(Action, String)> = app
            .keymap
            .entries(c)
            .into_iter()
            .map(|(a, keys)| (a, keys.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(", ")))
            .collect();
        // A section whose keys run longer (a question's four ways to move) gets a wider column.
        let w = entries.iter().map(|(_, k)| k.chars().count()).max().unwrap_or(0).max(16) + 2;
        for (action, keys) in entries {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<w$}"), app.theme.key()),
                Span::raw(action.description()),
            ]));
        }
        lines.push(Line::from(""));
    }
    let inner = popup(f, app, 76, lines.len() as u16 + 3, "Keys");
    let [body, hint] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let max_scroll = lines.len().saturating_sub(body.height as usize);
    let scroll = scroll.min(max_scroll);
    f.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), body);
    let more = if scroll < max_scroll {
        "j/k scroll · more below · "
    } else if scroll > 0 {
        "j/k scroll · "
    } else {
        ""
    };
    f.render_widget(Paragraph::new(Span::styled(format!("{more}any other key closes"), app.theme.dim())), hint);
}

fn filter(f: &mut Frame, app: &App, flt: &Filter) {
    let keys = app.keymap.hint(
        Context::Filter,
        &[
            (&[Action::Up, Action::Down], "field"),
            (&[Action::PrevChoice, Action::NextChoice], "value"),
            (&[Action::ClearFilter], "clear"),
            (&[Action::Apply], "apply"),
            (&[Action::Back], "cancel"),
        ],
    );
    // As wide as its line of keys, which the config may make longer.
    let w = (keys.chars().count() as u16 + 2).max(52);
    let title = format!("Filter {}", flt.pane.title().to_lowercase());
    let inner = popup(f, app, w, flt.fields.len() as u16 + 4, &title);
    let mut lines: Vec<Line> = flt
        .fields
        .iter()
        .zip(&flt.choices)
        .enumerate()
        .map(|(i, (field, (values, chosen)))| {
            let line = Line::from(vec![
                Span::styled(format!("{:<10}", field.label()), app.theme.dim()),
                Span::raw(format!("◀ {} ▶", values[*chosen])),
            ]);
            if i == flt.field {
                line.style(app.theme.selected(true))
            } else {
                line
            }
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(keys, app.theme.dim())));
    f.render_widget(Paragraph::new(lines), inner);
}

fn detail(f: &mut Frame, app: &App, d: &Detail) {
    let area = f.area();
    let inner =
        popup(f, app, area.width.saturating_sub(8).min(100), (d.lines.len() as u16 + 4).min(area.height), &d.title);
    let lines: Vec<Line> = d.lines.iter().map(|l| Line::from(l.clone())).collect();
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((d.scroll as u16, 0)), inner);
}

/// What a valid field means, shown beside it: the contact picked, the date understood.
fn field_hint(field: &super::widgets::form::Field, today: chrono::NaiveDate) -> Option<String> {
    use super::widgets::form::FieldKind;
    if field.error.is_some() || field.text().is_empty() {
        return None;
    }
    match &field.kind {
        FieldKind::Pick(_) => {
            field.pick().filter(|(_, name)| *name != field.text()).map(|(_, name)| format!("→ {name}"))
        }
        FieldKind::Date => crate::domain::time::parse_date_in(field.text(), today, field.calendar)
            .ok()
            .map(|d| format!("→ {}", d.format("%a %d %b %Y"))),
        FieldKind::Money => crate::domain::Money::parse(field.text()).ok().map(|m| format!("→ {m}")),
        FieldKind::Amount(metric) => metric.parse_amount(field.text()).ok().map(|a| {
            if metric.is_money() {
                format!("→ {}", metric.format_amount(a))
            } else {
                format!("→ {a} {}", metric.unit())
            }
        }),
        _ => None,
    }
}

fn form_view(f: &mut Frame, app: &App, form: &super::forms::EditForm) {
    use super::widgets::form::FieldKind;
    let t = app.theme;
    const WIDTH: u16 = 78;
    // The popup's inner width, known before its height: choices wrap to it.
    let inner_width = WIDTH.min(f.area().width.saturating_sub(2)).max(10).saturating_sub(2) as usize;
    // Labels in one column, two spaces clear of the longest.
    let label_width = form.fields.iter().map(|fl| fl.label.chars().count() + 2).max().unwrap_or(0).max(14);
    let indent = " ".repeat(label_width + 2);
    let mut lines = Vec::new();
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let label_style = if focused { t.key() } else { t.dim() };
        let mark = if field.required { "*" } else { " " };
        let mut spans = vec![Span::styled(
            format!("{}{mark}{:<label_width$}", if focused { "▶" } else { " " }, field.label),
            label_style,
        )];
        match &field.kind {
            FieldKind::Choice(options) => {
                // Choices that do not fit go on to the next line under the
                // first, so each of them, the chosen one too, stays in sight.
                let mut used = label_width + 2;
                let mut on_line = 0;
                for (j, (_, label, key)) in options.iter().enumerate() {
                    let piece = label.chars().count() + 2 + usize::from(focused);
                    if on_line > 0 && used + piece > inner_width {
                        lines.push(Line::from(std::mem::take(&mut spans)));
                        spans.push(Span::raw(indent.clone()));
                        used = indent.len();
                        on_line = 0;
                    }
                    let style = if j == field.choice { t.selected(focused) } else { t.dim() };
                    spans.push(Span::styled(format!(" {label} "), style));
                    if focused {
                        spans.push(Span::styled(format!("{key}"), t.key()));
                    }
                    used += piece;
                    on_line += 1;
                }
            }
            FieldKind::Body => {
                let text = crate::domain::sanitize::multiline(&field.input.text).into_owned();
                let mut body = text.lines().map(str::to_string).collect::<Vec<_>>();
                if body.is_empty() {
                    body.push(String::new());
                }
                let shown = body.len().min(4);
                let skip = body.len() - shown;
                for (k, l) in body.into_iter().skip(skip).enumerate() {
                    let cursor = if focused && k + 1 == shown { "▏" } else { "" };
                    if k == 0 {
                        spans.push(Span::raw(format!("{l}{cursor}")));
                        lines.push(Line::from(std::mem::take(&mut spans)));
                    } else {
                        lines.push(Line::from(vec![Span::raw(indent.clone()), Span::raw(format!("{l}{cursor}"))]));
                    }
                }
                if let Some(e) = &field.error {
                    lines.push(Line::from(vec![Span::raw(indent.clone()), Span::styled(format!("⚠ {e}"), t.bad())]));
                }
                continue;
            }
            _ => {
                let before: String = field.input.text.chars().take(field.input.cursor).collect();
                let after: String = field.input.text.chars().skip(field.input.cursor).collect();
                spans.push(Span::raw(crate::domain::sanitize::line(&before).into_owned()));
                if focused {
                    spans.push(Span::styled("▏", t.key()));
                }
                spans.push(Span::raw(crate::domain::sanitize::line(&after).into_owned()));
            }
        }
        if let Some(hint) = field_hint(field, app.today) {
            spans.push(Span::styled(format!("  {hint}"), t.good()));
        }
        if let Some(e) = &field.error {
            spans.push(Span::styled(format!("  ⚠ {e}"), t.bad()));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::from(""));
    if !form.clash.is_empty() {
        lines.push(Line::from(Span::styled("Changed by someone else since you opened this form:", t.warn())));
        for c in &form.clash {
            let field = form.fields.iter().find(|fl| fl.label == c.label);
            let shown = |v: &str| {
                let v = field.map_or(v.to_string(), |fl| fl.shown(v));
                crate::domain::sanitize::line(&v).into_owned()
            };
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<14}", c.label), t.key()),
                Span::raw(format!("theirs: {}", shown(&c.theirs))),
                Span::styled(" · ", t.dim()),
                Span::raw(format!("mine: {}", shown(&c.mine))),
            ]));
        }
        lines.push(Line::from(Span::styled("m: save mine anyway · t: keep theirs · Esc: back to the form", t.warn())));
    } else if form.confirm_discard {
        let question = if form.quit_after_discard {
            "Quit and throw away your changes? y: yes · any other key: keep editing"
        } else {
            "Throw away your changes? y: yes · any other key: keep editing"
        };
        lines.push(Line::from(Span::styled(question, t.warn())));
    } else if let Some(e) = &form.error {
        lines.push(Line::from(Span::styled(e.clone(), t.bad())));
    } else {
        let focused = &form.fields[form.focus];
        let hint = match focused.kind {
            FieldKind::Body => "Enter save · Alt-Enter new line · Tab next field · Esc cancel",
            FieldKind::Choice(_) => "Enter save · ←→ or its letter chooses · Tab next field · Esc cancel",
            _ => "Enter save · Tab/↑↓ next field · Esc cancel · * required",
        };
        lines.push(Line::from(Span::styled(hint, t.dim())));
    }
    let inner = popup(f, app, WIDTH, lines.len() as u16 + 2, &form.title);
    f.render_widget(Paragraph::new(lines), inner);
}

/// The question before a suggestion is dismissed or snoozed.
fn ask_view(f: &mut Frame, app: &App, ask: &super::overlays::Ask) {
    use super::overlays::{Ask, AskFor};
    let t = app.theme;
    let mut lines = vec![Line::from(crate::domain::sanitize::line(&ask.label).into_owned()), Line::from("")];
    let typed = crate::domain::sanitize::line(&ask.input.text).into_owned();
    match ask.what {
        AskFor::Dismiss => {
            lines.push(Line::from(vec![
                Span::styled("Why (optional): ", t.dim()),
                Span::raw(typed),
                Span::styled("▏", t.key()),
            ]));
        }
        AskFor::Snooze => {
            let mut spans = vec![Span::styled("Snooze for ", t.dim())];
            for (i, label) in Ask::SNOOZE_CHOICES.iter().enumerate() {
                let style = if i == ask.choice { t.selected(true) } else { t.text() };
                spans.push(Span::styled(format!(" {label} "), style));
                spans.push(Span::raw(" "));
            }
            if ask.choice == 2 {
                spans.push(Span::raw(typed.clone()));
                spans.push(Span::styled("▏", t.key()));
                if let Ok(d) = crate::domain::time::parse_date_in(ask.input.text.trim(), app.today, app.calendar) {
                    spans.push(Span::styled(format!("  → {}", d.format("%a %d %b %Y")), t.good()));
                }
            }
            lines.push(Line::from(spans));
        }
    }
    lines.push(Line::from(""));
    if let Some(e) = &ask.error {
        lines.push(Line::from(Span::styled(format!("⚠ {e}"), t.bad())));
    }
    let keys = match ask.what {
        AskFor::Dismiss => "Enter dismiss · Esc keep it · u undoes it afterwards",
        AskFor::Snooze => "←→ choose · type a date (fri, 2026-12-15, +3d) · Enter snooze · Esc keep it",
    };
    lines.push(Line::from(Span::styled(keys, t.dim())));
    let title = match ask.what {
        AskFor::Dismiss => "Dismiss the suggestion",
        AskFor::Snooze => "Snooze the suggestion",
    };
    let width = f.area().width.saturating_sub(4).min(84);
    let inner = popup(f, app, width, lines.len() as u16 + 2, title);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The offer of a form kept when the terminal closed: its title, when, and what was typed.
fn draft_view(f: &mut Frame, app: &App, d: &super::drafts::Draft) {
    use crate::domain::sanitize;
    let t = app.theme;
    let when = crate::domain::time::local_stamp(&d.kept_at, app.store.clock().zone());
    let mut lines = vec![
        Line::from(format!(
            "When the terminal closed, \"{}\" held changes; they were kept at {}.",
            sanitize::line(&d.title),
            sanitize::line(&when)
        )),
        Line::from(""),
    ];
    for field in d.fields.iter().filter(|f| !f.text.trim().is_empty()).take(6) {
        let text: String = sanitize::line(&field.text.replace('\n', " ")).chars().take(56).collect();
        lines.push(Line::from(vec![
            Span::styled(format!("{:<14} ", sanitize::line(&field.label)), t.dim()),
            Span::raw(text),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("r restore · d discard · Esc decide at the next start", t.key())));
    let inner = popup(f, app, 78, lines.len() as u16 + 2, "A kept draft");
    f.render_widget(Paragraph::new(lines), inner);
}

fn list_view(f: &mut Frame, app: &App, list: &super::lists::RecordList) {
    use ratatui::widgets::{Cell, Row, Table};
    use unicode_width::UnicodeWidthStr;
    let t = app.theme;
    let area = f.area();
    let height = (list.rows.len() as u16 + 5).min(area.height.saturating_sub(2)).max(7);
    let inner = popup(f, app, area.width.saturating_sub(6).min(110), height, &list.title);
    let [table_area, hint] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    if list.rows.is_empty() {
        f.render_widget(Paragraph::new(Span::styled(list.empty_text(), t.dim())), table_area);
    } else {
        let visible = table_area.height.saturating_sub(1) as usize;
        let start = list.nav.selected.saturating_sub(visible.saturating_sub(1));
        // Each column as wide as its longest cell (up to 40); when they do not
        // fit, the name gives way and numbers stay whole.
        // A deal's amount is in the book's currency: its header says which.
        let headers: Vec<String> = list
            .header
            .iter()
            .map(|h| match list.kind {
                super::lists::ListKind::Deals(_) if *h == "Amount" => format!("{h} {}", list.currency.mark()),
                _ => h.to_string(),
            })
            .collect();
        let natural: Vec<usize> = (0..headers.len())
            .map(|i| {
                let widest = list.rows.iter().filter_map(|r| r.cells.get(i)).map(|c| c.width()).max().unwrap_or(0);
                widest.max(headers[i].width()).min(40)
            })
            .collect();
        let gaps = list.header.len().saturating_sub(1);
        let widths =
            super::panes::share_widths(&natural, (table_area.width as usize).saturating_sub(gaps), list.numbers);
        let cell = |i: usize, text: &str| -> Cell {
            let w = widths.get(i).copied().unwrap_or(0);
            if list.numbers.contains(&i) {
                Cell::from(Line::from(text.to_string()).right_aligned())
            } else {
                Cell::from(super::panes::fit_middle(text, w))
            }
        };
        let rows = list.rows.iter().enumerate().skip(start).take(visible).map(|(i, r)| {
            let row = Row::new(r.cells.iter().enumerate().map(|(j, c)| cell(j, c)));
            if i == list.nav.selected {
                row.style(t.selected(true))
            } else if r.alert {
                row.style(t.bad())
            } else {
                row
            }
        });
        let header = Row::new(headers.iter().enumerate().map(|(j, h)| cell(j, h))).style(t.header_row());
        let widths: Vec<Constraint> = widths.iter().map(|w| Constraint::Length(*w as u16)).collect();
        f.render_widget(Table::new(rows, widths).header(header), table_area);
    }
    let keys: Vec<String> = list
        .keys
        .iter()
        .filter_map(|(action, word)| app.keymap.first_key(Context::List, *action).map(|k| format!("{k} {word}")))
        .collect();
    f.render_widget(Paragraph::new(Span::styled(keys.join(" · "), t.dim())), hint);
}
