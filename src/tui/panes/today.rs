//! Today: what the day asks for in one list — follow-ups overdue, due today
//! and this week (mine first), conflicts about to breach, renewals in the
//! next 30 days, and the top suggested actions. Read on a second connection
//! (see `App::load_insights`); drawing only reads the rows kept here.

use super::{fit, frame};
use crate::domain::scope::Resolved;
use crate::domain::suggest::{Suggestion, SuggestionKind};
use crate::domain::{sanitize, time, Money};
use crate::store::{timestamp, Store};
use crate::tui::app::{App, PaneId};
use crate::tui::widgets::nav::Nav;
use anyhow::Result;
use chrono::{DateTime, Datelike, Days, NaiveDate, TimeDelta, Utc};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// How many rows a section shows at most; its heading counts them all.
const SECTION_MAX: usize = 50;
/// How many suggestions Today shows: the top of the ranking.
pub const SUGGESTIONS_MAX: usize = 12;
/// How far ahead a renewal counts.
pub const RENEWAL_DAYS: u64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Overdue,
    DueToday,
    ThisWeek,
    Breaching,
    Renewals,
    Suggested,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Overdue,
        Section::DueToday,
        Section::ThisWeek,
        Section::Breaching,
        Section::Renewals,
        Section::Suggested,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Overdue => "Overdue follow-ups",
            Section::DueToday => "Due today",
            Section::ThisWeek => "Due this week",
            Section::Breaching => "Conflicts past or near their SLA",
            Section::Renewals => "Renewals in the next 30 days",
            Section::Suggested => "Suggested",
        }
    }

    fn index(self) -> usize {
        Section::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// What a row stands for, and so what `Enter`, `x` and `s` do with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    FollowUp(i64),
    Conflict(i64),
    Renewal,
    Suggestion(Box<Suggestion>),
}

/// One row of Today, its text ready to draw (sanitised once, here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub section: Section,
    /// The account it is about; `None` for a suggestion about a rep (coach).
    pub account_id: Option<i64>,
    pub account: String,
    /// "3d overdue", "today", "fri", "in 5h", "in 12d", or a suggestion's kind.
    pub when: String,
    pub text: String,
    /// Whose it is, when it is not mine.
    pub who: Option<String>,
    /// The line under the list for the selected row: a suggestion's reason.
    pub why: Option<String>,
    pub value: Option<Money>,
    pub alert: bool,
    pub what: What,
    /// A conflict's deadline: its time left is counted when drawn, so it never goes stale.
    pub due_at: Option<chrono::NaiveDateTime>,
}

impl Item {
    pub fn suggestion(&self) -> Option<&Suggestion> {
        match &self.what {
            What::Suggestion(s) => Some(s),
            _ => None,
        }
    }
}

/// What Today is computed for.
#[derive(Debug, Clone)]
pub struct Request {
    pub resolved: Resolved,
    /// The user's own rep: their rows come first.
    pub me: Option<i64>,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
}

/// Today's rows, as a background load hands them over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rows {
    pub items: Vec<Item>,
    /// Per section, how many there are in all (a section shows at most `SECTION_MAX`).
    pub counts: [usize; 6],
    /// Why the suggestions could not be worked out; the rest of Today stands without them.
    pub suggest_error: Option<String>,
}

/// The last day of the week `today` is in (weeks end on Sunday).
pub fn end_of_week(today: NaiveDate) -> NaiveDate {
    let left = 6 - today.weekday().num_days_from_monday();
    today.checked_add_days(Days::new(u64::from(left))).unwrap_or(today)
}

/// "1d late", "3w late", "4mo late".
fn late(days: i64) -> String {
    if days >= 60 {
        format!("{}mo late", days / 30)
    } else if days >= 14 {
        format!("{}w late", days / 7)
    } else {
        format!("{days}d late")
    }
}

/// "3h left", "28h late": an SLA in the words Today uses for follow-ups.
fn sla_short(now: chrono::NaiveDateTime, due: chrono::NaiveDateTime) -> String {
    if due >= now {
        format!("{} left", time::duration_span(due - now))
    } else {
        format!("{} late", time::duration_span(now - due))
    }
}

fn clean(s: &str) -> String {
    sanitize::line(s).into_owned()
}

/// Reads Today from `store` for `req`.
pub fn load(store: &Store, req: &Request) -> Result<Rows> {
    let mut rows = Rows::default();
    let today = req.today;
    let week_end = end_of_week(today);
    let push = |rows: &mut Rows, mut items: Vec<Item>, section: Section| {
        rows.counts[section.index()] = items.len();
        items.truncate(if section == Section::Suggested { SUGGESTIONS_MAX } else { SECTION_MAX });
        rows.items.extend(items);
    };

    // Follow-ups: mine first, then by date, in each of the three sections.
    let mut due = store.follow_ups_due(week_end)?;
    due.retain(|f| req.resolved.includes(f.rep_id));
    due.sort_by_key(|f| (req.me.is_some() && f.rep_id != req.me, f.due_on, f.id));
    for section in [Section::Overdue, Section::DueToday, Section::ThisWeek] {
        let items = due
            .iter()
            .filter(|f| match section {
                Section::Overdue => f.due_on < today,
                Section::DueToday => f.due_on == today,
                _ => f.due_on > today,
            })
            .map(|f| Item {
                section,
                account_id: Some(f.account_id),
                account: clean(&f.account),
                when: match section {
                    Section::Overdue => late((today - f.due_on).num_days()),
                    Section::DueToday => "today".into(),
                    _ => f.due_on.format("%a %d").to_string().to_lowercase(),
                },
                text: clean(&f.summary),
                who: (req.me.is_some() && f.rep_id != req.me).then(|| clean(f.rep.as_deref().unwrap_or("nobody"))),
                why: None,
                value: None,
                alert: section == Section::Overdue,
                what: What::FollowUp(f.id),
                due_at: None,
            })
            .collect();
        push(&mut rows, items, section);
    }

    // As `rapport brief` counts them: past their SLA, or due within the
    // config's warning (a clock standing still is not running out).
    let now_text = timestamp(req.now);
    let warning = TimeDelta::hours(i64::from(store.health_config().breach_warning_hours));
    let mut breaching = store.conflicts_due_before(&timestamp(req.now + warning))?;
    breaching.retain(|c| req.resolved.includes(c.owner_id) && (c.breached(&now_text) || c.paused_left.is_none()));
    let now = req.now.naive_utc();
    let items = breaching
        .iter()
        .map(|c| {
            let due = time::parse_timestamp(&c.sla_due_at).unwrap_or(now);
            Item {
                due_at: Some(due),
                section: Section::Breaching,
                account_id: Some(c.account_id),
                account: clean(&c.account),
                when: sla_short(now, due),
                text: format!("{} ({})", clean(&c.title), c.severity.label().to_lowercase()),
                who: (req.me.is_some() && c.owner_id != req.me).then(|| clean(c.owner.as_deref().unwrap_or("nobody"))),
                why: None,
                value: None,
                alert: true,
                what: What::Conflict(c.id),
            }
        })
        .collect();
    push(&mut rows, items, Section::Breaching);

    let horizon = today.checked_add_days(Days::new(RENEWAL_DAYS)).unwrap_or(today);
    let mut renewals = store.renewals_between(today, horizon)?;
    renewals.retain(|a| req.resolved.includes(a.owner_id));
    let items = renewals
        .iter()
        .map(|a| {
            let on = a.renewal_date.unwrap_or(today);
            Item {
                section: Section::Renewals,
                account_id: Some(a.id),
                account: clean(&a.name),
                when: time::ago(today, on),
                text: format!("{} a year · renews {}", a.annual_value.compact(), on.format("%a %d %b")),
                who: (req.me.is_some() && a.owner_id != req.me).then(|| clean(a.owner.as_deref().unwrap_or("nobody"))),
                why: None,
                value: Some(a.annual_value),
                alert: (on - today).num_days() <= 7,
                what: What::Renewal,
                due_at: None,
            }
        })
        .collect();
    push(&mut rows, items, Section::Renewals);

    match store.suggestions(&req.resolved, today) {
        Ok(list) => push(&mut rows, list.into_iter().map(suggestion_item).collect(), Section::Suggested),
        Err(e) => rows.suggest_error = Some(clean(&format!("{e:#}"))),
    }
    Ok(rows)
}

fn suggestion_item(s: Suggestion) -> Item {
    Item {
        section: Section::Suggested,
        account_id: (s.kind != SuggestionKind::Coach || s.account_id != 0).then_some(s.account_id),
        account: clean(&s.account),
        when: s.kind.label().to_string(),
        text: clean(&s.action),
        who: None,
        why: Some(format!("{} — {} · at stake {}", clean(&s.action), clean(&s.reason), s.value.compact())),
        value: Some(s.value),
        alert: false,
        what: What::Suggestion(Box::new(s)),
        due_at: None,
    }
}

/// Today's view state: its rows and the selection.
#[derive(Debug, Clone, Default)]
pub struct Today {
    pub rows: Rows,
    pub nav: Nav,
    /// Being read again in the background; the rows shown are the last ones.
    pub loading: bool,
    /// Read at least once.
    pub loaded: bool,
    /// Why the last read failed, shown in its place.
    pub error: Option<String>,
}

impl Today {
    /// Takes in fresh rows, keeping the selection on the same row where it still is.
    pub fn set_rows(&mut self, rows: Rows) {
        let keep = self.selected().map(|i| (i.section, i.what.clone()));
        let at = self.nav.selected;
        self.rows = rows;
        self.loading = false;
        self.loaded = true;
        self.error = None;
        let len = self.rows.items.len();
        self.nav.selected = keep
            .and_then(|(section, what)| self.rows.items.iter().position(|i| i.section == section && i.what == what))
            .unwrap_or(at.min(len.saturating_sub(1)));
    }

    pub fn selected(&self) -> Option<&Item> {
        self.rows.items.get(self.nav.selected)
    }

    pub fn step(&mut self, delta: isize) {
        let len = self.rows.items.len();
        self.nav.step(delta, len, len.max(1));
    }

    pub fn top(&mut self) {
        self.nav.top();
    }

    pub fn bottom(&mut self) {
        let len = self.rows.items.len();
        self.nav.bottom(len, len.max(1));
    }

    /// Takes a suggestion off the list at once (dismissed or snoozed); the
    /// background reload that follows confirms it.
    pub fn remove_suggestion(&mut self, key: &str) {
        let before = self.rows.items.len();
        self.rows.items.retain(|i| i.suggestion().is_none_or(|s| s.key != key));
        if self.rows.items.len() < before {
            let n = &mut self.rows.counts[Section::Suggested.index()];
            *n = n.saturating_sub(1);
        }
        let len = self.rows.items.len();
        self.nav.selected = self.nav.selected.min(len.saturating_sub(1));
    }

    /// The lines to draw: a heading over each section that has rows, then
    /// its rows; with, for each line, the item it shows.
    fn lines(&self) -> Vec<(Option<usize>, Section)> {
        let mut out = Vec::new();
        let mut last = None;
        for (i, item) in self.rows.items.iter().enumerate() {
            if last != Some(item.section) {
                out.push((None, item.section));
                last = Some(item.section);
            }
            out.push((Some(i), item.section));
        }
        out
    }
}

/// Draws Today in `area` as a pane (focused or not) or, where the screen
/// has no room for the pane, over the panes with its keys at the bottom.
pub fn draw(f: &mut Frame, area: Rect, app: &App, over: bool) {
    let t = &app.today_view;
    let theme = app.theme;
    let focused = over || app.focus == PaneId::Today;
    let count: usize = t.rows.items.len();
    let mut title = format!("Today · {}", app.today.format("%a %d %b"));
    if t.loading {
        title.push_str(" · updating…");
    } else if count > 0 {
        title.push_str(&format!(" · {count} to look at"));
    }
    let block = frame(4, title, focused, theme);
    let inner = block.inner(area);
    f.render_widget(ratatui::widgets::Clear, area);
    f.render_widget(block, area);
    if let Some(e) = &t.error {
        let text = format!("Today could not be read: {e}");
        f.render_widget(Paragraph::new(text).style(theme.bad()).wrap(Wrap { trim: true }), inner);
        return;
    }
    if count == 0 {
        let text = if !t.loaded {
            "Looking through the book…".to_string()
        } else if let Some(e) = &t.rows.suggest_error {
            format!("Nothing due, nothing about to breach, no renewal in the next 30 days; suggestions could not be worked out: {e}")
        } else {
            "Nothing due, nothing about to breach, no renewal in the next 30 days, and nothing to suggest.".to_string()
        };
        f.render_widget(Paragraph::new(text).style(theme.dim()).wrap(Wrap { trim: true }), inner);
        return;
    }
    // The selected row's reason in full under the list, and the keys when over the panes.
    let why = t.selected().and_then(|i| i.why.clone());
    let why_height = why.as_ref().map_or(0, |w| {
        let width = inner.width.max(1) as usize;
        (unicode_width::UnicodeWidthStr::width(w.as_str()).div_ceil(width) as u16).clamp(1, 4)
    });
    let keys_height = u16::from(over);
    let [list, why_area, keys_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(why_height), Constraint::Length(keys_height)])
            .areas(inner);

    let lines = t.lines();
    let height = list.height as usize;
    let at = lines.iter().position(|(i, _)| *i == Some(t.nav.selected)).unwrap_or(0);
    // The selection's section heading stays in sight when it fits.
    let start = if at < height { 0 } else { at + 1 - height };
    let width = list.width as usize;
    let when_w = 11;
    // As wide as the longest name shown, up to a third of the width.
    let longest = t.rows.items.iter().map(|i| unicode_width::UnicodeWidthStr::width(i.account.as_str())).max();
    let share = if width >= 60 { width / 3 } else { width / 4 };
    let account_w = longest.unwrap_or(0).min(share).clamp(10, 28);
    // Only suggestions carry a value column; other rows give its room to their text.
    let value_w = if width >= 70 { 8 } else { 0 };
    let text_room = width.saturating_sub(when_w + account_w + 1);
    let out: Vec<Line> = lines
        .iter()
        .skip(start)
        .take(height)
        .map(|(i, section)| match i {
            None => {
                let n = t.rows.counts[section.index()];
                let shown = t.rows.items.iter().filter(|it| it.section == *section).count();
                let more = if n > shown { format!(" · {shown} of {n}") } else { format!(" · {n}") };
                Line::from(vec![Span::styled(section.title(), theme.title()), Span::styled(more, theme.dim())])
            }
            Some(i) => {
                let item = &t.rows.items[*i];
                let when_style = if item.alert { theme.bad() } else { theme.dim() };
                let when = match item.due_at {
                    Some(due) => sla_short(app.now.naive_utc(), due),
                    None => item.when.clone(),
                };
                let mut text = item.text.clone();
                if let Some(who) = &item.who {
                    text.push_str(&format!(" · {who}"));
                }
                let value = item.value.filter(|_| value_w > 0 && item.section == Section::Suggested);
                let text_w = if value.is_some() { text_room.saturating_sub(value_w + 1) } else { text_room };
                let mut spans = vec![
                    Span::styled(format!(" {:<w$}", fit(&when, when_w - 2), w = when_w - 1), when_style),
                    Span::raw(format!("{:<w$} ", super::fit_middle(&item.account, account_w), w = account_w)),
                    Span::raw(format!("{:<w$}", fit(&text, text_w), w = text_w)),
                ];
                if let Some(v) = value {
                    spans.push(Span::styled(format!(" {:>w$}", v.compact(), w = value_w), theme.dim()));
                }
                let line = Line::from(spans);
                if *i == t.nav.selected {
                    line.style(theme.selected(focused))
                } else {
                    line
                }
            }
        })
        .collect();
    f.render_widget(Paragraph::new(out), list);
    if let Some(why) = why {
        f.render_widget(Paragraph::new(why).style(theme.dim()).wrap(Wrap { trim: true }), why_area);
    }
    if let Some(e) = &t.rows.suggest_error {
        // Over the last list line: the list is still useful, and this must not go unseen.
        let last = Rect { y: list.bottom().saturating_sub(1), height: 1, ..list };
        let text = fit(&format!("Suggestions could not be worked out: {e}"), last.width as usize);
        f.render_widget(Paragraph::new(Span::styled(text, theme.bad())), last);
    }
    if over {
        let keys = "Enter go to · x dismiss · s snooze · u undo · Esc close";
        f.render_widget(Paragraph::new(Span::styled(fit(keys, keys_area.width as usize), theme.key())), keys_area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_week_ends_on_sunday() {
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(end_of_week(d(11, 26)), d(11, 29), "a Thursday");
        assert_eq!(end_of_week(d(11, 29)), d(11, 29), "a Sunday is its own week's end");
        assert_eq!(end_of_week(d(11, 30)), d(12, 6), "a Monday");
    }
}
