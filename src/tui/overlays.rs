//! What can sit over the panes: lookup, palette, help, a filter menu, the
//! full text of a timeline entry, and the question before a delete (with
//! its keys here).

use super::app::{App, PaneId};
use super::forms::EditForm;
use super::keymap::{Action, Context};
use super::lists::RecordList;
use super::widgets::input::TextInput;
use super::widgets::nav::Nav;
use crate::domain::{AccountStatus, Severity, Tier};
use crate::lookup::Hit;
use crate::store::{Account, AccountFilter, Activity, Conflict, Contact, Deal, Entity, Record, Rep, Target};
use crate::tui::panes::conflicts::StatusFilter;
use anyhow::Result;
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use ratatui::crossterm::event::KeyEvent;

pub enum Overlay {
    None,
    Search(Search),
    Palette(Palette),
    /// The key list, scrolled by this many lines.
    Help(usize),
    Filter(Filter),
    Detail(Detail),
    Form(EditForm),
    List(RecordList),
    Confirm(Confirm),
    /// A form kept when the terminal closed, offered back.
    Draft(super::drafts::Draft),
    /// Today, over the panes where the screen has no room for its pane.
    Today,
    /// Why a suggestion is dismissed, or until when it is snoozed.
    Ask(Ask),
}

/// What an `Ask` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AskFor {
    /// An optional reason to dismiss the suggestion for good.
    Dismiss,
    /// Until when to snooze it: a day, a week, or a date typed.
    Snooze,
}

/// A one-line question about a suggestion of Today.
#[derive(Debug, Clone)]
pub struct Ask {
    pub what: AskFor,
    /// The suggestion's key, and how it reads ("Call Jane Roe at Acme").
    pub key: String,
    pub label: String,
    /// For a snooze: 0 a day, 1 a week, 2 the date typed.
    pub choice: usize,
    pub input: TextInput,
    pub error: Option<String>,
    /// Today was open over the panes: it opens again afterwards.
    pub over: bool,
}

impl Ask {
    pub const SNOOZE_CHOICES: [&'static str; 3] = ["a day", "a week", "until"];

    pub fn new(what: AskFor, key: String, label: String, over: bool) -> Ask {
        Ask { what, key, label, choice: 0, input: TextInput::default(), error: None, over }
    }
}

/// A question before a destructive step.
pub struct Confirm {
    pub question: String,
    pub entity: Entity,
    pub id: i64,
    /// The list to return to afterwards, if the question came from one.
    pub back_to: Option<RecordList>,
    /// Deleting a rep who owns something: who may take it over (id, name),
    /// and which one is picked. Empty for every other delete.
    pub successors: Vec<(i64, String)>,
    pub pick: usize,
}

impl Confirm {
    /// The rep picked to take over, if the question offers a choice.
    pub fn successor(&self) -> Option<&(i64, String)> {
        self.successors.get(self.pick)
    }
}

impl Overlay {
    /// Whether typed characters go to the overlay rather than the keymap.
    pub fn takes_text(&self) -> bool {
        matches!(self, Overlay::Search(_) | Overlay::Palette(_) | Overlay::Form(_) | Overlay::Ask(_))
    }
}

pub struct Search {
    pub input: TextInput,
    pub hits: Vec<Hit>,
    pub nav: Nav,
    /// Focus, current account and portfolio position before `/`, for `Esc`.
    pub previous: (PaneId, Option<i64>, Nav),
}

impl Search {
    pub fn new(previous: (PaneId, Option<i64>, Nav)) -> Search {
        Search { input: TextInput::default(), hits: Vec::new(), nav: Nav::default(), previous }
    }

    pub fn set_hits(&mut self, hits: Vec<Hit>) {
        self.hits = hits;
        self.nav = Nav::default();
    }

    pub fn selected_hit(&self) -> Option<&Hit> {
        self.hits.get(self.nav.selected)
    }
}

#[derive(Default)]
pub struct Palette {
    pub input: TextInput,
    pub nav: Nav,
}

impl Palette {
    /// Actions whose name or description matches the typed text, best first.
    pub fn matches(&self) -> Vec<(Action, String)> {
        let all: Vec<(Action, String)> = Action::all()
            // A deal's stage keys act on a list's selected row, which the palette has not.
            .filter(|(a, _, _)| {
                !matches!(
                    a,
                    Action::Palette
                        | Action::NextStage
                        | Action::PrevStage
                        | Action::Won
                        | Action::Lost
                        // A menu's and a question's own keys, likewise.
                        | Action::PrevChoice
                        | Action::NextChoice
                        | Action::Apply
                        | Action::Yes
                )
            })
            .map(|(a, name, desc)| (a, format!("{name} — {desc}")))
            .collect();
        let query = self.input.text.trim();
        if query.is_empty() {
            return all;
        }
        let pattern = Pattern::new(query, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy);
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        // The action's own name counts first: `undo` must not lose to a
        // description that merely mentions undoing.
        let lower = query.to_lowercase();
        let mut scored: Vec<(u32, usize)> = all
            .iter()
            .enumerate()
            .filter_map(|(i, (a, text))| {
                let name = a.name();
                let by_name = if name == lower {
                    Some(30_000)
                } else if name.starts_with(&lower) {
                    Some(20_000)
                } else {
                    pattern.score(Utf32Str::new(name, &mut buf), &mut matcher).map(|s| 10_000 + s)
                };
                by_name.or_else(|| pattern.score(Utf32Str::new(text, &mut buf), &mut matcher)).map(|s| (s, i))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, i)| all[i].clone()).collect()
    }

    pub fn selected_action(&self) -> Option<Action> {
        let list = self.matches();
        let i = self.nav.selected.min(list.len().saturating_sub(1));
        list.get(i).map(|(a, _)| *a)
    }
}

/// One line of a filter menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterField {
    Owner,
    Tier,
    Status,
    Severity,
    ConflictStatus,
}

impl FilterField {
    pub fn label(self) -> &'static str {
        match self {
            FilterField::Owner => "Owner",
            FilterField::Tier => "Tier",
            FilterField::Status => "Status",
            FilterField::Severity => "Severity",
            FilterField::ConflictStatus => "Status",
        }
    }
}

/// A menu of fields, each cycling through "any" and its values.
pub struct Filter {
    pub pane: PaneId,
    pub fields: Vec<FilterField>,
    /// Per field: the choices, with "any" first, and the chosen index.
    pub choices: Vec<(Vec<String>, usize)>,
    pub owners: Vec<i64>,
    /// My team's reps, offered as the owner choice after "any" (portfolio only).
    pub team: Option<Vec<i64>>,
    pub field: usize,
}

fn labels<T: Copy>(all: &[T], label: impl Fn(T) -> &'static str) -> Vec<String> {
    std::iter::once("any".to_string()).chain(all.iter().map(|v| label(*v).to_string())).collect()
}

fn index_of<T: PartialEq + Copy>(all: &[T], v: Option<T>) -> usize {
    v.and_then(|v| all.iter().position(|x| *x == v)).map_or(0, |i| i + 1)
}

impl Filter {
    pub fn fields_for(pane: PaneId) -> Vec<FilterField> {
        match pane {
            PaneId::Conflicts => vec![FilterField::Owner, FilterField::Severity, FilterField::ConflictStatus],
            _ => vec![FilterField::Owner, FilterField::Tier, FilterField::Status],
        }
    }

    /// A menu showing the pane's current filter.
    pub fn for_pane(app: &App) -> Filter {
        let pane = app.focus;
        let owners: Vec<(i64, String)> = app.owner_choices();
        let owner_ids: Vec<i64> = owners.iter().map(|o| o.0).collect();
        // "my team" when I lead anyone: everyone below me, and me.
        let team = app.resolved.reps.clone().filter(|ids| pane == PaneId::Portfolio && ids.len() > 1);
        let mut owner_labels: Vec<String> =
            std::iter::once("any".to_string()).chain(owners.iter().map(|o| o.1.clone())).collect();
        if team.is_some() {
            owner_labels.insert(1, "my team".into());
        }
        let fields = Filter::fields_for(pane);
        let choices = fields
            .iter()
            .map(|f| match f {
                FilterField::Owner => {
                    let current = match pane {
                        PaneId::Conflicts => app.conflicts.owner_filter,
                        _ => app.portfolio.filter.owner_id,
                    };
                    let chosen = match (&team, &app.portfolio.filter.owners) {
                        (Some(_), Some(_)) => 1,
                        (Some(_), None) => index_of(&owner_ids, current) + usize::from(current.is_some()),
                        _ => index_of(&owner_ids, current),
                    };
                    (owner_labels.clone(), chosen)
                }
                FilterField::Tier => (labels(Tier::ALL, Tier::label), index_of(Tier::ALL, app.portfolio.filter.tier)),
                FilterField::Status => (
                    labels(AccountStatus::ALL, AccountStatus::label),
                    index_of(AccountStatus::ALL, app.portfolio.filter.status),
                ),
                FilterField::Severity => {
                    (labels(Severity::ALL, Severity::label), index_of(Severity::ALL, app.conflicts.severity_filter))
                }
                FilterField::ConflictStatus => (
                    StatusFilter::ALL.iter().map(|s| s.label().to_string()).collect(),
                    StatusFilter::ALL.iter().position(|s| *s == app.conflicts.status_filter).unwrap_or(0),
                ),
            })
            .collect();
        Filter { pane, fields, choices, owners: owner_ids, team, field: 0 }
    }

    pub fn move_field(&mut self, delta: isize) {
        let n = self.fields.len() as isize;
        self.field = (self.field as isize + delta).rem_euclid(n) as usize;
    }

    pub fn cycle(&mut self, delta: isize) {
        let (values, chosen) = &mut self.choices[self.field];
        *chosen = (*chosen as isize + delta).rem_euclid(values.len() as isize) as usize;
    }

    pub fn clear(&mut self) {
        for c in &mut self.choices {
            c.1 = 0;
        }
    }

    fn chosen(&self, field: FilterField) -> usize {
        self.fields.iter().position(|f| *f == field).map_or(0, |i| self.choices[i].1)
    }

    fn pick<T: Copy>(all: &[T], chosen: usize) -> Option<T> {
        chosen.checked_sub(1).and_then(|i| all.get(i).copied())
    }

    pub fn apply(&self, app: &mut App, rows: usize) -> anyhow::Result<()> {
        let mut chosen = self.chosen(FilterField::Owner);
        let mut owners = None;
        if self.team.is_some() && chosen >= 1 {
            // Index 1 is "my team"; the reps come after it.
            if chosen == 1 {
                owners = self.team.clone();
                chosen = 0;
            } else {
                chosen -= 1;
            }
        }
        let owner = Filter::pick(&self.owners, chosen);
        match self.pane {
            PaneId::Conflicts => {
                let severity = Filter::pick(Severity::ALL, self.chosen(FilterField::Severity));
                let status =
                    StatusFilter::ALL.get(self.chosen(FilterField::ConflictStatus)).copied().unwrap_or_default();
                app.conflicts.set_status_filter(status, &app.store)?;
                app.conflicts.set_filter(owner, severity, rows);
            }
            _ => {
                let filter = AccountFilter {
                    owner_id: owner,
                    owners,
                    tier: Filter::pick(Tier::ALL, self.chosen(FilterField::Tier)),
                    status: Filter::pick(AccountStatus::ALL, self.chosen(FilterField::Status)),
                };
                app.portfolio.set_filter(filter, rows);
            }
        }
        Ok(())
    }
}

/// The full text of one timeline entry.
pub struct Detail {
    pub title: String,
    pub lines: Vec<String>,
    pub scroll: usize,
}

impl App {
    pub(super) fn confirm<T: Record>(&mut self, id: i64, back_to: Option<RecordList>) -> Result<()> {
        let rec: T = self.store.require(id)?;
        self.overlay = Overlay::Confirm(Confirm {
            question: format!("Delete {}? (u undoes it)", crate::domain::sanitize::line(&rec.describe())),
            entity: T::ENTITY,
            id,
            back_to,
            successors: Vec::new(),
            pick: 0,
        });
        Ok(())
    }

    /// Names what goes with the account before it goes.
    pub(super) fn confirm_account(&mut self, id: i64) -> Result<()> {
        self.confirm::<Account>(id, None)?;
        let hanging = self.store.account_hanging(id)?;
        if let Overlay::Confirm(c) = &mut self.overlay {
            if !hanging.is_empty() {
                let name = crate::domain::sanitize::line(&self.store.require::<Account>(id)?.describe()).into_owned();
                c.question = format!("Delete {name} with {}? (u undoes it)", hanging.describe());
            }
        }
        Ok(())
    }

    /// A rep who owns accounts or open deals is deleted only once someone
    /// is picked to take them over.
    pub(super) fn confirm_rep(&mut self, id: i64, back_to: Option<RecordList>) -> Result<()> {
        self.confirm::<Rep>(id, back_to)?;
        let holdings = self.store.rep_holdings(id)?;
        if !holdings.needs_successor() {
            return Ok(());
        }
        let rep = self.store.require::<Rep>(id)?;
        let successors: Vec<(i64, String)> = self
            .store
            .reps()?
            .into_iter()
            .filter(|r| r.id != id)
            .map(|r| (r.id, crate::domain::sanitize::line(&r.name).into_owned()))
            .collect();
        if let Overlay::Confirm(c) = &mut self.overlay {
            let name = crate::domain::sanitize::line(&rep.name).into_owned();
            c.question = format!("Delete rep {name}, who owns {}? Hand them to:", holdings.describe());
            // The rep's own manager is the likeliest heir.
            c.pick = successors.iter().position(|s| Some(s.0) == rep.manager_id).unwrap_or(0);
            c.successors = successors;
        }
        if matches!(&self.overlay, Overlay::Confirm(c) if c.successors.is_empty()) {
            self.overlay = Overlay::None;
            self.message =
                Some(format!("{} owns accounts or open deals and there is no other rep to take them", rep.name));
        }
        Ok(())
    }

    pub(super) fn on_confirm_key(&mut self, mut confirm: Confirm, key: KeyEvent) -> Result<()> {
        let len = confirm.successors.len();
        // The keys come from the keymap (context `confirm`); any other key keeps the record.
        match self.keymap.resolve(Context::Confirm, &key) {
            Some(Action::Down) if len > 0 => {
                confirm.pick = (confirm.pick + 1) % len;
                self.overlay = Overlay::Confirm(confirm);
            }
            Some(Action::Up) if len > 0 => {
                confirm.pick = (confirm.pick + len - 1) % len;
                self.overlay = Overlay::Confirm(confirm);
            }
            Some(Action::Yes) => {
                let id = confirm.id;
                let entity = confirm.entity;
                let successor = confirm.successor().cloned();
                let account = match entity {
                    Entity::Rep | Entity::Target => None,
                    _ => self.current,
                };
                self.write(
                    |s| {
                        let what = match entity {
                            Entity::Account => {
                                let (account, hanging) = s.delete_account(id)?;
                                if hanging.is_empty() {
                                    account.describe()
                                } else {
                                    format!("{} with {}", account.describe(), hanging.describe())
                                }
                            }
                            Entity::Contact => s.delete::<Contact>(id)?.describe(),
                            Entity::Deal => s.delete::<Deal>(id)?.describe(),
                            Entity::Conflict => s.delete::<Conflict>(id)?.describe(),
                            Entity::Activity => s.delete::<Activity>(id)?.describe(),
                            Entity::Target => s.delete::<Target>(id)?.describe(),
                            Entity::Rep => {
                                let (rep, _) = s.delete_rep(id, successor.as_ref().map(|s| s.0))?;
                                match &successor {
                                    Some((_, to)) => format!("{}; {to} takes over", rep.describe()),
                                    None => rep.describe(),
                                }
                            }
                            Entity::Snapshot => anyhow::bail!("forecast snapshots are history; they are not deleted"),
                            Entity::Suggestion => {
                                anyhow::bail!("a snoozed or dismissed suggestion is undone, not deleted")
                            }
                        };
                        Ok(format!("deleted {what} (u undoes it)"))
                    },
                    account,
                )?;
                if let Some(mut list) = confirm.back_to {
                    list.reload(&self.store, self.today)?;
                    self.overlay = Overlay::List(list);
                }
            }
            _ => {
                self.message = Some("kept".into());
                if let Some(list) = confirm.back_to {
                    self.overlay = Overlay::List(list);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_ranks_an_actions_name_above_its_description() {
        let mut p = Palette::default();
        p.input.insert_str("undo");
        assert_eq!(p.selected_action(), Some(Action::Undo));
        p.input = Default::default();
        p.input.insert_str("del");
        assert_eq!(p.selected_action(), Some(Action::Delete));
    }
}
