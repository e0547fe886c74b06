//! Forms: labelled fields that check what is typed as it is typed, say what
//! is wrong next to the field, and will not save until all is valid.

use super::input::TextInput;
use crate::domain::{rules, time, FiscalCalendar, Money, Period, TargetMetric};
use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a field holds and how it is checked.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    Text,
    /// Several lines; Alt-Enter or Ctrl-J adds a line break.
    Body,
    Email,
    Phone,
    Money,
    /// A target's amount in its metric's unit: money, or a whole count.
    Amount(TargetMetric),
    /// A whole number from 0 to 100.
    Percent,
    Date,
    Period,
    /// One of fixed values, chosen with ←/→ or a letter key: (stored, label, key).
    Choice(Vec<(String, String, char)>),
    /// One of many records, found by typing: (id, label). Empty input is none.
    Pick(Vec<(i64, String)>),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub label: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    pub input: TextInput,
    /// For Choice: the chosen index.
    pub choice: usize,
    /// For Pick: the record the form opened with, kept while its name is
    /// typed unchanged (two records may share a name).
    pub picked: Option<i64>,
    /// For Date: the fiscal calendar "eoq" and "eoy" follow.
    pub calendar: FiscalCalendar,
    pub error: Option<String>,
    /// The value when the form was opened (or last rebased on the stored
    /// record): what tells a person's change from someone else's.
    pub initial: String,
    /// For Date: a new date must be today or later (a follow-up's due date).
    pub not_past: bool,
}

impl Field {
    pub fn new(label: &'static str, kind: FieldKind) -> Field {
        Field {
            label,
            kind,
            required: false,
            input: TextInput::default(),
            choice: 0,
            picked: None,
            calendar: FiscalCalendar::default(),
            error: None,
            initial: String::new(),
            not_past: false,
        }
    }

    /// A date that, once changed, must be today or later.
    pub fn not_past(mut self) -> Field {
        self.not_past = true;
        self
    }

    /// What the field holds: the chosen value of a Choice, else the text.
    pub fn value(&self) -> &str {
        match &self.kind {
            FieldKind::Choice(_) => self.choice_value(),
            _ => self.text(),
        }
    }

    /// Sets what the field holds, as `value` gives it.
    pub fn set_value(&mut self, value: &str) {
        match &self.kind {
            FieldKind::Choice(options) => self.choice = options.iter().position(|o| o.0 == value).unwrap_or(0),
            _ => {
                self.input.text = value.to_string();
                self.input.cursor = self.input.text.chars().count();
            }
        }
    }

    /// The value as a person reads it: a Choice's label.
    pub fn shown(&self, value: &str) -> String {
        match &self.kind {
            FieldKind::Choice(options) => {
                options.iter().find(|o| o.0 == value).map_or(value.to_string(), |o| o.1.clone())
            }
            _ if value.is_empty() => "—".to_string(),
            _ => value.to_string(),
        }
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn with(mut self, text: impl Into<String>) -> Field {
        self.input.text = text.into();
        self.input.cursor = self.input.text.chars().count();
        self
    }

    /// Chooses the value stored as `value`.
    pub fn chosen(mut self, value: &str) -> Field {
        if let FieldKind::Choice(options) = &self.kind {
            self.choice = options.iter().position(|o| o.0 == value).unwrap_or(0);
        }
        self
    }

    /// For Pick: the record named `id`, if any.
    pub fn picked_id(mut self, id: Option<i64>) -> Field {
        let label = match (&self.kind, id) {
            (FieldKind::Pick(options), Some(id)) => options.iter().find(|o| o.0 == id).map(|o| o.1.clone()),
            _ => None,
        };
        if let Some(label) = label {
            self = self.with(label);
            self.picked = id;
        }
        self
    }

    pub fn text(&self) -> &str {
        self.input.text.trim()
    }

    /// The chosen value of a Choice field.
    pub fn choice_value(&self) -> &str {
        match &self.kind {
            FieldKind::Choice(o) => o.get(self.choice).map_or("", |c| c.0.as_str()),
            _ => "",
        }
    }

    /// The best record for the typed text in a Pick field.
    pub fn pick(&self) -> Option<(i64, &str)> {
        let FieldKind::Pick(options) = &self.kind else { return None };
        let q = self.text().to_lowercase();
        if q.is_empty() {
            return None;
        }
        if let Some(o) = self.picked.and_then(|id| options.iter().find(|o| o.0 == id)) {
            if o.1.to_lowercase() == q {
                return Some((o.0, o.1.as_str()));
            }
        }
        options
            .iter()
            .find(|o| o.1.to_lowercase() == q)
            .or_else(|| options.iter().find(|o| o.1.to_lowercase().starts_with(&q)))
            .or_else(|| options.iter().find(|o| o.1.to_lowercase().contains(&q)))
            .map(|o| (o.0, o.1.as_str()))
    }

    /// Checks the field; the error says what is expected.
    pub fn check(&mut self, today: NaiveDate) {
        let t = self.text().to_string();
        self.error = if t.is_empty() {
            (self.required && !matches!(self.kind, FieldKind::Choice(_))).then(|| format!("{} is required", self.label))
        } else {
            match &self.kind {
                FieldKind::Text | FieldKind::Body | FieldKind::Choice(_) => None,
                FieldKind::Email => rules::check_email(&t).err(),
                FieldKind::Phone => rules::check_phone(&t).err(),
                FieldKind::Money => Money::parse(&t).err().map(|_| "not an amount; try 12,500 or 12.5k".to_string()),
                FieldKind::Amount(metric) => metric.parse_amount(&t).err(),
                FieldKind::Percent => match t.trim_end_matches('%').parse::<u8>() {
                    Ok(p) if p <= 100 => None,
                    _ => Some("not a percentage from 0 to 100".to_string()),
                },
                FieldKind::Date => match time::parse_date_in(&t, today, self.calendar) {
                    // A date left as it was may be past (an overdue follow-up).
                    Ok(d) if self.not_past && t != self.initial => rules::check_due(d, today).err(),
                    Ok(_) => None,
                    Err(e) => Some(e),
                },
                FieldKind::Period => Period::parse(&t).err(),
                FieldKind::Pick(_) => self.pick().is_none().then(|| format!("no match for '{t}'")),
            }
        };
    }
}

/// A form being filled in.
#[derive(Debug, Clone)]
pub struct Form<T> {
    pub title: String,
    pub target: T,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub changed: bool,
    /// Asking whether to throw away the changes.
    pub confirm_discard: bool,
    /// The question came from Ctrl-C: yes quits rapport, not just the form.
    pub quit_after_discard: bool,
    /// Why the last save failed.
    pub error: Option<String>,
    /// Fields that someone else changed, differently, since the form was
    /// opened: the person chooses whose value to keep before it is saved.
    pub clash: Vec<Clash>,
}

/// One field changed both here and elsewhere since the form was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub label: &'static str,
    /// The stored value now, as the field holds it.
    pub theirs: String,
    /// What this form holds.
    pub mine: String,
}

/// What a key did to a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormEvent {
    None,
    Save,
    Cancel,
    /// Ctrl-C: quit rapport.
    Quit,
}

impl<T> Form<T> {
    pub fn new(title: impl Into<String>, target: T, fields: Vec<Field>, today: NaiveDate) -> Form<T> {
        let mut f = Form {
            title: title.into(),
            target,
            fields,
            focus: 0,
            changed: false,
            confirm_discard: false,
            quit_after_discard: false,
            error: None,
            clash: Vec::new(),
        };
        for field in &mut f.fields {
            field.initial = field.value().to_string();
            field.check(today);
            // A pristine required field is not an error yet, only unfinished.
            if field.text().is_empty() {
                field.error = None;
            }
        }
        f
    }

    /// Reads the form's dates in the book's fiscal calendar.
    pub fn set_calendar(&mut self, calendar: FiscalCalendar, today: NaiveDate) {
        for field in &mut self.fields {
            field.calendar = calendar;
            if field.kind == FieldKind::Date && !field.text().is_empty() {
                field.check(today);
            }
        }
    }

    /// Brings the form up to date with `theirs`, the same form filled from
    /// the record as stored now. A field this person did not change takes
    /// the stored value; one they changed keeps theirs unless someone else
    /// changed it too, differently: those are returned (and kept in
    /// `clash`) for the person to choose. Afterwards the stored values
    /// count as where the form started.
    pub fn rebase(&mut self, theirs: &Form<T>) -> &[Clash] {
        self.clash.clear();
        for (mine, stored) in self.fields.iter_mut().zip(&theirs.fields) {
            let (now, was) = (stored.value(), mine.initial.as_str());
            if mine.value() == was {
                if now != was {
                    mine.set_value(now);
                }
            } else if now != was && now != mine.value() {
                self.clash.push(Clash { label: mine.label, theirs: now.to_string(), mine: mine.value().to_string() });
            }
            mine.initial = now.to_string();
        }
        &self.clash
    }

    /// Keeps the stored values of the clashing fields.
    pub fn keep_theirs(&mut self) {
        for c in std::mem::take(&mut self.clash) {
            if let Some(f) = self.fields.iter_mut().find(|f| f.label == c.label) {
                f.set_value(&c.theirs);
            }
        }
    }

    pub fn field(&self, label: &str) -> &Field {
        self.fields.iter().find(|f| f.label == label).expect("the form has this field")
    }

    pub fn is_valid(&mut self, today: NaiveDate) -> bool {
        for f in &mut self.fields {
            f.check(today);
        }
        self.fields.iter().all(|f| f.error.is_none())
    }

    fn focus_next(&mut self, delta: isize) {
        let n = self.fields.len() as isize;
        self.focus = (self.focus as isize + delta).rem_euclid(n) as usize;
    }

    /// Moves the focus to the field labelled `label`.
    pub fn focus_on(&mut self, label: &str) {
        if let Some(i) = self.fields.iter().position(|f| f.label == label) {
            self.focus = i;
        }
    }

    pub fn paste(&mut self, text: &str, today: NaiveDate) {
        let field = &mut self.fields[self.focus];
        if matches!(field.kind, FieldKind::Body) {
            for (i, line) in text.split('\n').enumerate() {
                if i > 0 {
                    field.input.text.push('\n');
                    field.input.cursor = field.input.text.chars().count();
                }
                field.input.insert_str(line);
            }
        } else {
            field.input.insert_str(&text.replace('\n', " "));
        }
        field.check(today);
        self.changed = true;
    }

    pub fn on_key(&mut self, key: KeyEvent, today: NaiveDate) -> FormEvent {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        if !self.clash.is_empty() {
            return match key.code {
                // Ctrl-C still asks first: what was typed is not lost silently.
                KeyCode::Char('c') if ctrl => {
                    self.clash.clear();
                    self.confirm_discard = true;
                    self.quit_after_discard = true;
                    FormEvent::None
                }
                KeyCode::Char('m') | KeyCode::Char('M') => {
                    self.clash.clear();
                    FormEvent::Save
                }
                KeyCode::Char('t') | KeyCode::Char('T') => {
                    self.keep_theirs();
                    FormEvent::Save
                }
                // Back to the form, which now starts from the stored record.
                KeyCode::Esc => {
                    self.clash.clear();
                    FormEvent::None
                }
                _ => FormEvent::None,
            };
        }
        if self.confirm_discard {
            return match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') if self.quit_after_discard => FormEvent::Quit,
                KeyCode::Char('y') | KeyCode::Char('Y') => FormEvent::Cancel,
                _ => {
                    self.confirm_discard = false;
                    self.quit_after_discard = false;
                    FormEvent::None
                }
            };
        }
        match key.code {
            // Ctrl-C quits, but asks first when that would lose what was typed.
            KeyCode::Char('c') if ctrl => {
                if self.changed {
                    self.confirm_discard = true;
                    self.quit_after_discard = true;
                    return FormEvent::None;
                }
                return FormEvent::Quit;
            }
            KeyCode::Esc => {
                if self.changed {
                    self.confirm_discard = true;
                    return FormEvent::None;
                }
                return FormEvent::Cancel;
            }
            KeyCode::Char('s') if ctrl => return FormEvent::Save,
            KeyCode::Tab | KeyCode::Down => self.focus_next(1),
            KeyCode::BackTab | KeyCode::Up => self.focus_next(-1),
            KeyCode::Enter if alt => self.insert_line_break(today),
            KeyCode::Char('j') if ctrl => self.insert_line_break(today),
            KeyCode::Enter => return FormEvent::Save,
            _ => {
                // The last save's complaint was about the old value: a changed
                // one is checked afresh as it is typed, and the message goes.
                if self.type_key(key, ctrl, alt, today) {
                    self.error = None;
                }
            }
        }
        FormEvent::None
    }

    /// A key typed into the focused field: a choice picked, or text edited.
    /// Whether the field's value changed.
    fn type_key(&mut self, key: KeyEvent, ctrl: bool, alt: bool, today: NaiveDate) -> bool {
        let field = &mut self.fields[self.focus];
        let before = field.value().to_string();
        if let FieldKind::Choice(options) = &field.kind {
            let n = options.len();
            let chosen = field.choice;
            match key.code {
                KeyCode::Left => field.choice = (field.choice + n - 1) % n,
                KeyCode::Right | KeyCode::Char(' ') => field.choice = (field.choice + 1) % n,
                KeyCode::Char(c) if !ctrl && !alt => {
                    if let Some(i) = options.iter().position(|o| o.2 == c.to_ascii_lowercase()) {
                        field.choice = i;
                        // A letter picks and moves on: the fast path of the log form.
                        self.changed = true;
                        self.focus_next(1);
                        return i != chosen;
                    }
                }
                _ => {}
            }
            self.changed |= field.choice != chosen;
        } else if field.input.handle(&key) {
            self.changed = true;
            field.check(today);
        }
        field.value() != before
    }

    fn insert_line_break(&mut self, today: NaiveDate) {
        let field = &mut self.fields[self.focus];
        if matches!(field.kind, FieldKind::Body) {
            let at = field.input.text.char_indices().nth(field.input.cursor).map_or(field.input.text.len(), |(i, _)| i);
            field.input.text.insert(at, '\n');
            field.input.cursor += 1;
            field.check(today);
            self.changed = true;
        }
    }
}

/// Choice options from an enum's values: (stored, label, key letter).
pub fn options<T: Copy>(
    all: &[T],
    name: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String, char)> {
    let mut used = Vec::new();
    all.iter()
        .map(|v| {
            let l = label(*v);
            let key = l.to_lowercase().chars().find(|c| c.is_alphabetic() && !used.contains(c)).unwrap_or('?');
            used.push(key);
            (name(*v).to_string(), l.to_string(), key)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    fn type_in(f: &mut Form<()>, s: &str) {
        for c in s.chars() {
            f.on_key(key(KeyCode::Char(c)), today());
        }
    }

    #[test]
    fn fields_check_as_you_type_and_invalid_forms_do_not_pass() {
        let fields = vec![
            Field::new("Name", FieldKind::Text).required(),
            Field::new("E-mail", FieldKind::Email),
            Field::new("Value", FieldKind::Money),
            Field::new("Renewal", FieldKind::Date),
        ];
        let mut f = Form::new("Add", (), fields, today());
        assert!(f.fields.iter().all(|x| x.error.is_none()), "a fresh form shows no errors");
        assert!(!f.is_valid(today()), "but the required name is missing");
        assert_eq!(f.fields[0].error.as_deref(), Some("Name is required"));
        type_in(&mut f, "Acme");
        f.on_key(key(KeyCode::Tab), today());
        type_in(&mut f, "jane@");
        assert!(f.fields[1].error.as_deref().unwrap().contains("not an e-mail"));
        type_in(&mut f, "acme.example");
        assert_eq!(f.fields[1].error, None);
        f.on_key(key(KeyCode::Tab), today());
        type_in(&mut f, "12.5k");
        assert_eq!(f.fields[2].error, None);
        f.on_key(key(KeyCode::Tab), today());
        type_in(&mut f, "fri");
        assert_eq!(f.fields[3].error, None);
        assert!(f.is_valid(today()));
        type_in(&mut f, "day-ish");
        assert!(!f.is_valid(today()));
    }

    #[test]
    fn escape_asks_before_throwing_changes_away() {
        let mut f = Form::new("Add", (), vec![Field::new("Name", FieldKind::Text)], today());
        assert_eq!(f.on_key(key(KeyCode::Esc), today()), FormEvent::Cancel, "nothing typed: just close");
        type_in(&mut f, "x");
        assert_eq!(f.on_key(key(KeyCode::Esc), today()), FormEvent::None);
        assert!(f.confirm_discard);
        assert_eq!(f.on_key(key(KeyCode::Char('n')), today()), FormEvent::None);
        assert!(!f.confirm_discard);
        assert_eq!(f.fields[0].text(), "x", "kept");
        f.on_key(key(KeyCode::Esc), today());
        assert_eq!(f.on_key(key(KeyCode::Char('y')), today()), FormEvent::Cancel);
    }

    #[test]
    fn ctrl_c_asks_before_quitting_a_changed_form() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let mut f = Form::new("Log", (), vec![Field::new("Summary", FieldKind::Text)], today());
        assert_eq!(f.on_key(ctrl_c, today()), FormEvent::Quit, "nothing typed: quit at once");
        type_in(&mut f, "Jane wants a discount");
        assert_eq!(f.on_key(ctrl_c, today()), FormEvent::None, "typed: ask first");
        assert!(f.confirm_discard && f.quit_after_discard);
        assert_eq!(f.on_key(key(KeyCode::Char('n')), today()), FormEvent::None);
        assert!(!f.confirm_discard && !f.quit_after_discard);
        assert_eq!(f.fields[0].text(), "Jane wants a discount", "kept");
        // Esc then yes closes the form; Ctrl-C then yes quits.
        let mut esc = f.clone();
        esc.on_key(key(KeyCode::Esc), today());
        assert_eq!(esc.on_key(key(KeyCode::Char('y')), today()), FormEvent::Cancel);
        f.on_key(ctrl_c, today());
        assert_eq!(f.on_key(key(KeyCode::Char('y')), today()), FormEvent::Quit);
    }

    #[test]
    fn a_choice_letter_picks_and_moves_on() {
        let kinds = vec![("call".into(), "Call".into(), 'c'), ("email".into(), "Email".into(), 'e')];
        let mut f = Form::new(
            "Log",
            (),
            vec![Field::new("Kind", FieldKind::Choice(kinds)), Field::new("Summary", FieldKind::Text)],
            today(),
        );
        f.on_key(key(KeyCode::Char('e')), today());
        assert_eq!(f.fields[0].choice_value(), "email");
        assert_eq!(f.focus, 1);
    }

    #[test]
    fn picks_find_records_by_what_is_typed() {
        let people = vec![(1, "Jane Roe".to_string()), (2, "Tom Hardy".to_string())];
        let mut field = Field::new("Contact", FieldKind::Pick(people)).with("har");
        field.check(today());
        assert_eq!(field.pick(), Some((2, "Tom Hardy")));
        assert_eq!(field.error, None);
        let mut field = field.with("zed");
        field.check(today());
        assert_eq!(field.error.as_deref(), Some("no match for 'zed'"));
    }
}
