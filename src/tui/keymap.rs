//! Keys as data: (context, key) → action. The help overlay, the footer and
//! the command palette are all generated from this table, and a config file
//! can rebind any entry.

use anyhow::{bail, Result};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

/// Where a binding applies. `Global` works in every pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Portfolio,
    Timeline,
    Conflicts,
    Targets,
    Today,
    /// A record list open over the panes: contacts, deals, reps, targets.
    List,
    /// The filter menu of the portfolio or the queue.
    Filter,
    /// The question before a delete.
    Confirm,
    /// The lookup (`/`). Its keys do not fall back to the global ones:
    /// every other key is typed into the search line.
    Search,
}

impl Context {
    pub const ALL: [Context; 10] = [
        Context::Global,
        Context::Portfolio,
        Context::Timeline,
        Context::Conflicts,
        Context::Targets,
        Context::Today,
        Context::List,
        Context::Filter,
        Context::Confirm,
        Context::Search,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Portfolio => "portfolio",
            Context::Timeline => "timeline",
            Context::Conflicts => "conflicts",
            Context::Targets => "targets",
            Context::Today => "today",
            Context::List => "list",
            Context::Filter => "filter",
            Context::Confirm => "confirm",
            Context::Search => "search",
        }
    }

    /// Whether a key this context does not bind goes to the global table.
    pub fn falls_back(self) -> bool {
        self != Context::Search
    }
}

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    Help,
    Search,
    Palette,
    NextPane,
    PrevPane,
    FocusPortfolio,
    FocusTimeline,
    FocusConflicts,
    FocusTargets,
    Zoom,
    Back,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Open,
    CycleSort,
    Filter,
    ClearFilter,
    PrevPeriod,
    NextPeriod,
    Refresh,
    Log,
    Add,
    Edit,
    Delete,
    Undo,
    Redo,
    Complete,
    Escalate,
    Status,
    Agenda,
    Contacts,
    Deals,
    Reps,
    TargetList,
    CycleScope,
    PeriodKind,
    NextView,
    ScrollLeft,
    ScrollRight,
    FocusToday,
    Dismiss,
    Snooze,
    Reasons,
    Export,
    NextStage,
    PrevStage,
    Won,
    Lost,
    PrevChoice,
    NextChoice,
    Apply,
    Yes,
    SyncConflicts,
    KeepMine,
    KeepTheirs,
}

/// (action, name in config and palette, description for help).
const ACTIONS: &[(Action, &str, &str)] = &[
    (Action::Quit, "quit", "Quit rapport"),
    (Action::Help, "help", "Show the keys"),
    (Action::Search, "search", "Look up an account, contact, e-mail or phone"),
    (Action::Palette, "palette", "Run any command by name"),
    (Action::NextPane, "next_pane", "Focus the next pane"),
    (Action::PrevPane, "prev_pane", "Focus the previous pane"),
    (Action::FocusPortfolio, "focus_portfolio", "Focus the portfolio"),
    (Action::FocusTimeline, "focus_timeline", "Focus the client timeline"),
    (Action::FocusConflicts, "focus_conflicts", "Focus the conflict queue"),
    (Action::FocusTargets, "focus_targets", "Focus the target tracker"),
    (Action::Zoom, "zoom", "Zoom the pane to full screen and back"),
    (Action::Back, "back", "Close, or go back"),
    (Action::Up, "up", "Move up"),
    (Action::Down, "down", "Move down"),
    (Action::Top, "top", "Go to the top"),
    (Action::Bottom, "bottom", "Go to the bottom"),
    (Action::PageUp, "page_up", "Page up"),
    (Action::PageDown, "page_down", "Page down"),
    (Action::Open, "open", "Open the selected item"),
    (Action::CycleSort, "sort", "Change the sort order"),
    (Action::Filter, "filter", "Filter the list"),
    (Action::ClearFilter, "clear_filter", "Clear the filter"),
    (Action::PrevPeriod, "prev_period", "Previous period"),
    (Action::NextPeriod, "next_period", "Next period"),
    (Action::Refresh, "refresh", "Reload everything from the database"),
    (Action::Log, "log", "Log a call, e-mail, meeting or note on the current account"),
    (Action::Add, "add", "Add a record here"),
    (Action::Edit, "edit", "Edit the selected record"),
    (Action::Delete, "delete", "Delete the selected record (asks first; u undoes)"),
    (Action::Undo, "undo", "Undo the last change made in this window"),
    (Action::Redo, "redo", "Redo what was undone"),
    (Action::Complete, "complete", "Complete the follow-up, or resolve the conflict"),
    (Action::Escalate, "escalate", "Escalate the conflict"),
    (Action::Status, "status", "Move the conflict to its next status"),
    (Action::Agenda, "today", "Today: follow-ups due, conflicts about to breach, renewals, suggestions"),
    (Action::Contacts, "contacts", "The account's contacts: add, edit, delete"),
    (Action::Deals, "deals", "The account's deals: move, add, edit, delete"),
    (Action::Reps, "reps", "The reps: add, edit, delete"),
    (Action::TargetList, "targets", "The period's targets: set, edit, delete"),
    (Action::CycleScope, "scope", "Whose numbers: mine, my team, everyone"),
    (Action::PeriodKind, "period_kind", "Switch the tracker between quarter and fiscal year"),
    (Action::NextView, "tracker_view", "Show the tracker's next part: gauges, reps, chart"),
    (Action::ScrollLeft, "scroll_left", "Show the table's columns to the left"),
    (Action::ScrollRight, "scroll_right", "Show the table's columns to the right"),
    (Action::FocusToday, "focus_today", "Focus Today, where the screen has room for it"),
    (Action::Dismiss, "dismiss", "Dismiss the suggestion (u undoes it), or complete the follow-up"),
    (Action::Snooze, "snooze", "Snooze the suggestion: a day, a week, or to a date (u undoes it)"),
    (Action::Reasons, "reasons", "Show or hide the reasons behind the account's health"),
    (Action::Export, "export", "Write the focused pane's rows to a CSV file here (export xlsx: Excel)"),
    (Action::NextStage, "next_stage", "Move the deal to the next stage"),
    (Action::PrevStage, "prev_stage", "Move the deal back a stage"),
    (Action::Won, "won", "Mark the deal won"),
    (Action::Lost, "lost", "Mark the deal lost"),
    (Action::PrevChoice, "prev_choice", "The field's previous value"),
    (Action::NextChoice, "next_choice", "The field's next value"),
    (Action::Apply, "apply", "Apply the filter"),
    (Action::Yes, "yes", "Yes: delete it (any other key keeps it)"),
    (Action::SyncConflicts, "sync_conflicts", "Sync conflicts of a team book: keep mine or theirs"),
    (Action::KeepMine, "keep_mine", "Sync conflicts: keep my value of the field"),
    (Action::KeepTheirs, "keep_theirs", "Sync conflicts: keep the other writer's value"),
];

impl Action {
    pub fn name(self) -> &'static str {
        ACTIONS.iter().find(|a| a.0 == self).map(|a| a.1).unwrap_or("?")
    }

    pub fn description(self) -> &'static str {
        ACTIONS.iter().find(|a| a.0 == self).map(|a| a.2).unwrap_or("")
    }

    pub fn from_name(name: &str) -> Option<Action> {
        // Today took the place of the agenda; configs that name it still work.
        let name = if name == "agenda" { "today" } else { name };
        ACTIONS.iter().find(|a| a.1 == name).map(|a| a.0)
    }

    /// Every action, in the order help lists them.
    pub fn all() -> impl Iterator<Item = (Action, &'static str, &'static str)> {
        ACTIONS.iter().copied()
    }
}

/// The default bindings. Several keys may run one action.
const DEFAULTS: &[(Context, &str, Action)] = &[
    (Context::Global, "q", Action::Quit),
    (Context::Global, "ctrl-c", Action::Quit),
    (Context::Global, "?", Action::Help),
    (Context::Global, "/", Action::Search),
    (Context::Global, ":", Action::Palette),
    (Context::Global, "tab", Action::NextPane),
    (Context::Global, "shift-tab", Action::PrevPane),
    (Context::Global, "1", Action::FocusPortfolio),
    (Context::Global, "2", Action::FocusTimeline),
    (Context::Global, "3", Action::FocusConflicts),
    (Context::Global, "4", Action::FocusTargets),
    (Context::Global, "z", Action::Zoom),
    (Context::Global, "esc", Action::Back),
    (Context::Global, "j", Action::Down),
    (Context::Global, "down", Action::Down),
    (Context::Global, "k", Action::Up),
    (Context::Global, "up", Action::Up),
    (Context::Global, "g", Action::Top),
    (Context::Global, "home", Action::Top),
    (Context::Global, "G", Action::Bottom),
    (Context::Global, "end", Action::Bottom),
    (Context::Global, "pageup", Action::PageUp),
    (Context::Global, "ctrl-u", Action::PageUp),
    (Context::Global, "pagedown", Action::PageDown),
    (Context::Global, "ctrl-d", Action::PageDown),
    (Context::Global, "enter", Action::Open),
    (Context::Global, "ctrl-l", Action::Refresh),
    (Context::Global, "l", Action::Log),
    (Context::Global, "u", Action::Undo),
    (Context::Global, "ctrl-r", Action::Redo),
    (Context::Global, "t", Action::Agenda),
    (Context::Portfolio, "a", Action::Add),
    (Context::Portfolio, "e", Action::Edit),
    (Context::Portfolio, "d", Action::Delete),
    (Context::Timeline, "a", Action::Add),
    (Context::Timeline, "e", Action::Edit),
    (Context::Timeline, "d", Action::Delete),
    (Context::Timeline, "x", Action::Complete),
    (Context::Timeline, "C", Action::Contacts),
    (Context::Timeline, "D", Action::Deals),
    (Context::Conflicts, "a", Action::Add),
    (Context::Conflicts, "e", Action::Edit),
    (Context::Conflicts, "d", Action::Delete),
    (Context::Conflicts, "x", Action::Complete),
    (Context::Conflicts, "E", Action::Escalate),
    (Context::Conflicts, "s", Action::Status),
    (Context::Targets, "a", Action::Add),
    (Context::Targets, "T", Action::TargetList),
    (Context::Targets, "R", Action::Reps),
    (Context::Portfolio, "s", Action::CycleSort),
    (Context::Portfolio, "f", Action::Filter),
    (Context::Portfolio, "F", Action::ClearFilter),
    (Context::Conflicts, "f", Action::Filter),
    (Context::Conflicts, "F", Action::ClearFilter),
    (Context::Targets, "[", Action::PrevPeriod),
    (Context::Targets, "]", Action::NextPeriod),
    (Context::Global, "m", Action::CycleScope),
    (Context::Targets, "y", Action::PeriodKind),
    (Context::Targets, "s", Action::CycleSort),
    (Context::Targets, "v", Action::NextView),
    (Context::Targets, "left", Action::ScrollLeft),
    (Context::Targets, "right", Action::ScrollRight),
    (Context::Global, "5", Action::FocusToday),
    (Context::Today, "x", Action::Dismiss),
    (Context::Today, "s", Action::Snooze),
    (Context::Timeline, "h", Action::Reasons),
    (Context::Portfolio, "h", Action::Reasons),
    // Record lists; moving, closing and quitting fall back to the global keys.
    (Context::List, "a", Action::Add),
    (Context::List, "e", Action::Edit),
    (Context::List, "d", Action::Delete),
    (Context::List, "x", Action::Complete),
    (Context::List, "]", Action::NextStage),
    (Context::List, "[", Action::PrevStage),
    (Context::List, "w", Action::Won),
    (Context::List, "L", Action::Lost),
    (Context::Global, "S", Action::SyncConflicts),
    (Context::List, "m", Action::KeepMine),
    (Context::List, "t", Action::KeepTheirs),
    // The filter menu; Esc and q fall back to the global keys. The arrows
    // come first: the menu's hint line shows the first key of each.
    (Context::Filter, "up", Action::Up),
    (Context::Filter, "k", Action::Up),
    (Context::Filter, "down", Action::Down),
    (Context::Filter, "j", Action::Down),
    (Context::Filter, "left", Action::PrevChoice),
    (Context::Filter, "h", Action::PrevChoice),
    (Context::Filter, "right", Action::NextChoice),
    (Context::Filter, "l", Action::NextChoice),
    (Context::Filter, "space", Action::NextChoice),
    (Context::Filter, "x", Action::ClearFilter),
    (Context::Filter, "backspace", Action::ClearFilter),
    (Context::Filter, "enter", Action::Apply),
    // Before a delete: any key bound to nothing here keeps the record.
    (Context::Confirm, "y", Action::Yes),
    (Context::Confirm, "enter", Action::Yes),
    (Context::Confirm, "Y", Action::Yes),
    // Choosing who takes over a deleted rep's accounts.
    (Context::Confirm, "j", Action::Down),
    (Context::Confirm, "down", Action::Down),
    (Context::Confirm, "right", Action::Down),
    (Context::Confirm, "tab", Action::Down),
    (Context::Confirm, "k", Action::Up),
    (Context::Confirm, "up", Action::Up),
    (Context::Confirm, "left", Action::Up),
    (Context::Confirm, "shift-tab", Action::Up),
    // The lookup: only keys that type nothing, for the rest is the query.
    (Context::Search, "esc", Action::Back),
    (Context::Search, "enter", Action::Open),
    (Context::Search, "up", Action::Up),
    (Context::Search, "ctrl-p", Action::Up),
    (Context::Search, "down", Action::Down),
    (Context::Search, "ctrl-n", Action::Down),
    (Context::Search, "ctrl-c", Action::Quit),
];

/// A key with its modifiers, as written in the table and config: `q`,
/// `G`, `ctrl-r`, `shift-tab`, `enter`, `f5`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    code: KeyCodeOrd,
    ctrl: bool,
    alt: bool,
}

/// KeyCode without the variants rapport never binds, so keys can be sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum KeyCodeOrd {
    Char(char),
    F(u8),
    Named(&'static str),
}

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("shift-tab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("space", KeyCode::Char(' ')),
];

impl Key {
    pub fn parse(text: &str) -> Result<Key> {
        let mut rest = text.trim();
        let (mut ctrl, mut alt) = (false, false);
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-").or_else(|| rest.strip_prefix("C-")) {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-").or_else(|| rest.strip_prefix("M-")) {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = if let Some((name, _)) = NAMED.iter().find(|(n, _)| *n == rest.to_ascii_lowercase()) {
            if *name == "space" {
                KeyCodeOrd::Char(' ')
            } else {
                KeyCodeOrd::Named(name)
            }
        } else if let Some(n) =
            rest.strip_prefix('f').or_else(|| rest.strip_prefix('F')).and_then(|n| n.parse::<u8>().ok())
        {
            if !(1..=12).contains(&n) {
                bail!("'{text}' is not a key; function keys are f1 to f12");
            }
            KeyCodeOrd::F(n)
        } else {
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_control() => KeyCodeOrd::Char(c),
                _ => bail!("'{text}' is not a key; expected one character, a name such as enter or pageup, or ctrl-/alt- and a key"),
            }
        };
        Ok(Key { code, ctrl, alt })
    }

    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let alt = ev.modifiers.contains(KeyModifiers::ALT);
        let code = match ev.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            KeyCode::F(n) => KeyCodeOrd::F(n),
            other => KeyCodeOrd::Named(NAMED.iter().find(|(_, k)| *k == other)?.0),
        };
        Some(Key { code, ctrl, alt })
    }
}

impl Key {
    /// The key as a hint line shows it: arrows as arrows.
    pub fn short(&self) -> String {
        let arrow = match self.code {
            KeyCodeOrd::Named("up") => "↑",
            KeyCodeOrd::Named("down") => "↓",
            KeyCodeOrd::Named("left") => "←",
            KeyCodeOrd::Named("right") => "→",
            _ => return self.to_string(),
        };
        if self.ctrl || self.alt {
            self.to_string()
        } else {
            arrow.to_string()
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCodeOrd::Char(' ') => f.write_str("space"),
            KeyCodeOrd::Char(c) => write!(f, "{c}"),
            KeyCodeOrd::F(n) => write!(f, "f{n}"),
            KeyCodeOrd::Named(n) => f.write_str(n),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: BTreeMap<(Context, Key), Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = DEFAULTS
            .iter()
            .map(|(ctx, key, action)| ((*ctx, Key::parse(key).expect("default keys parse")), *action))
            .collect();
        Keymap { bindings }
    }
}

impl Keymap {
    /// The action for a key in a pane: the pane's own binding first, then
    /// the global one (except where the context types text, see `falls_back`).
    pub fn resolve(&self, ctx: Context, ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev)?;
        let own = self.bindings.get(&(ctx, key));
        own.or_else(|| if ctx.falls_back() { self.bindings.get(&(Context::Global, key)) } else { None }).copied()
    }

    /// Binds `keys` to `action` in `ctx`, replacing the action's old keys there.
    pub fn rebind(&mut self, ctx: Context, action: Action, keys: &[Key]) {
        self.bindings.retain(|(c, _), a| !(*c == ctx && *a == action));
        for key in keys {
            self.bindings.insert((ctx, *key), action);
        }
    }

    /// The keys bound to an action in a context, for help and the footer.
    /// Plain keys come before ones with modifiers, so `q` shows rather than
    /// `ctrl-c`; default keys in the order of the table, so `y` shows rather
    /// than `Y`; keys from the config after them.
    pub fn keys_for(&self, ctx: Context, action: Action) -> Vec<Key> {
        let mut keys: Vec<Key> =
            self.bindings.iter().filter(|((c, _), a)| *c == ctx && **a == action).map(|((_, k), _)| *k).collect();
        let rank = |k: &Key| {
            DEFAULTS
                .iter()
                .position(|(c, text, a)| *c == ctx && *a == action && Key::parse(text).ok() == Some(*k))
                .unwrap_or(usize::MAX)
        };
        keys.sort_by_key(|k| (k.ctrl || k.alt, rank(k)));
        keys
    }

    /// The key a hint shows for `action`: its first in `ctx`, or where `ctx`
    /// falls back and binds none, its first in the global table.
    pub fn first_key(&self, ctx: Context, action: Action) -> Option<Key> {
        let mut keys = self.keys_for(ctx, action);
        if keys.is_empty() && ctx.falls_back() {
            keys = self.keys_for(Context::Global, action);
        }
        keys.first().copied()
    }

    /// The first key of each action in `ctx` (or, where it falls back, the
    /// global table), with its word, for an overlay's hint line: "y yes ·
    /// esc close". Actions given together share a word: "↑/↓ choose".
    pub fn hint(&self, ctx: Context, items: &[(&[Action], &str)]) -> String {
        items
            .iter()
            .filter_map(|(actions, word)| {
                let keys: Vec<String> =
                    actions.iter().filter_map(|a| self.first_key(ctx, *a)).map(|k| k.short()).collect();
                (!keys.is_empty()).then(|| format!("{} {word}", keys.join("/")))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// (action, keys) for one context, in the order of the action list.
    pub fn entries(&self, ctx: Context) -> Vec<(Action, Vec<Key>)> {
        Action::all().map(|(a, _, _)| (a, self.keys_for(ctx, a))).filter(|(_, keys)| !keys.is_empty()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn pane_binding_wins_over_global_and_global_is_the_fallback() {
        let km = Keymap::default();
        let f = ev(KeyCode::Char('f'), KeyModifiers::NONE);
        assert_eq!(km.resolve(Context::Portfolio, &f), Some(Action::Filter));
        assert_eq!(km.resolve(Context::Timeline, &f), None);
        let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(km.resolve(Context::Targets, &q), Some(Action::Quit));
        let shift_g = ev(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(km.resolve(Context::Portfolio, &shift_g), Some(Action::Bottom));
        let back = ev(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(km.resolve(Context::Portfolio, &back), Some(Action::PrevPane));
        let ctrl_c = ev(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(km.resolve(Context::Portfolio, &ctrl_c), Some(Action::Quit));
    }

    #[test]
    fn keys_parse_and_print_back() {
        for k in ["q", "G", "ctrl-r", "shift-tab", "enter", "f5", "alt-x", "space", "?"] {
            assert_eq!(Key::parse(k).unwrap().to_string(), k);
        }
        assert!(Key::parse("f13").is_err());
        assert!(Key::parse("ab").is_err());
        assert!(Key::parse("").is_err());
    }

    #[test]
    fn every_default_action_has_a_name_and_description() {
        for (a, name, desc) in Action::all() {
            assert_eq!(Action::from_name(name), Some(a));
            assert!(!desc.is_empty());
        }
    }

    #[test]
    fn record_lists_take_their_keys_from_the_table() {
        let mut km = Keymap::default();
        let w = ev(KeyCode::Char('w'), KeyModifiers::NONE);
        assert_eq!(km.resolve(Context::List, &w), Some(Action::Won));
        let esc = ev(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(km.resolve(Context::List, &esc), Some(Action::Back), "closing is the global key");
        km.rebind(Context::List, Action::Won, &[Key::parse("W").unwrap()]);
        assert_eq!(km.resolve(Context::List, &w), None);
        assert_eq!(km.resolve(Context::List, &ev(KeyCode::Char('W'), KeyModifiers::SHIFT)), Some(Action::Won));
    }

    #[test]
    fn the_lookup_types_what_it_does_not_bind_and_menus_fall_back() {
        let km = Keymap::default();
        let j = ev(KeyCode::Char('j'), KeyModifiers::NONE);
        let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(km.resolve(Context::Search, &j), None, "j is typed into the query");
        assert_eq!(km.resolve(Context::Search, &q), None);
        assert_eq!(km.resolve(Context::Search, &ev(KeyCode::Char('n'), KeyModifiers::CONTROL)), Some(Action::Down));
        assert_eq!(km.resolve(Context::Filter, &q), Some(Action::Quit), "the menu falls back to global keys");
        assert_eq!(km.resolve(Context::Filter, &ev(KeyCode::Enter, KeyModifiers::NONE)), Some(Action::Apply));
        assert_eq!(km.resolve(Context::Confirm, &ev(KeyCode::Char('Y'), KeyModifiers::SHIFT)), Some(Action::Yes));
        assert_eq!(km.keys_for(Context::Confirm, Action::Yes)[0].to_string(), "y", "the table's order, not the sort's");
        assert_eq!(
            km.hint(Context::Filter, &[(&[Action::Up, Action::Down], "field"), (&[Action::Back], "cancel")]),
            "↑/↓ field · esc cancel"
        );
    }

    #[test]
    fn rebinding_replaces_the_old_keys() {
        let mut km = Keymap::default();
        km.rebind(Context::Global, Action::Quit, &[Key::parse("x").unwrap()]);
        let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        let x = ev(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(km.resolve(Context::Portfolio, &q), None);
        assert_eq!(km.resolve(Context::Portfolio, &x), Some(Action::Quit));
    }
}
