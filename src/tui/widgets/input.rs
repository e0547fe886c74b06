//! A one-line text editor for the search line, the palette and forms.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    pub text: String,
    /// Cursor position in chars.
    pub cursor: usize,
}

impl TextInput {
    fn byte(&self, char_pos: usize) -> usize {
        self.text.char_indices().nth(char_pos).map_or(self.text.len(), |(i, _)| i)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// The start of the word before the cursor.
    fn word_left(&self) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut i = self.cursor;
        while i > 0 && chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !chars[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    }

    fn word_right(&self) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut i = self.cursor;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        i
    }

    pub fn insert_str(&mut self, s: &str) {
        for c in s.chars().filter(|c| !c.is_control()) {
            let at = self.byte(self.cursor);
            self.text.insert(at, c);
            self.cursor += 1;
        }
    }

    /// Applies an editing key. Returns whether the text changed.
    pub fn handle(&mut self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let before = self.text.clone();
        match key.code {
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.len(),
            KeyCode::Char('u') if ctrl => {
                let at = self.byte(self.cursor);
                self.text.replace_range(..at, "");
                self.cursor = 0;
            }
            KeyCode::Char('k') if ctrl => {
                let at = self.byte(self.cursor);
                self.text.truncate(at);
            }
            KeyCode::Char('w') if ctrl => self.delete_to(self.word_left()),
            KeyCode::Backspace if ctrl || alt => self.delete_to(self.word_left()),
            KeyCode::Char('b') if alt => self.cursor = self.word_left(),
            KeyCode::Char('f') if alt => self.cursor = self.word_right(),
            KeyCode::Left if ctrl || alt => self.cursor = self.word_left(),
            KeyCode::Right if ctrl || alt => self.cursor = self.word_right(),
            KeyCode::Char(c) if !ctrl && !alt => self.insert_str(&c.to_string()),
            KeyCode::Backspace if self.cursor > 0 => self.delete_to(self.cursor - 1),
            KeyCode::Delete if self.cursor < self.len() => {
                let (a, b) = (self.byte(self.cursor), self.byte(self.cursor + 1));
                self.text.replace_range(a..b, "");
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.len()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.len(),
            _ => {}
        }
        self.text != before
    }

    /// Deletes from char `start` up to the cursor.
    fn delete_to(&mut self, start: usize) {
        let (a, b) = (self.byte(start), self.byte(self.cursor));
        self.text.replace_range(a..b, "");
        self.cursor = start;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn edits_like_a_line_editor() {
        let mut t = TextInput::default();
        for c in "jane roé".chars() {
            t.handle(&key(KeyCode::Char(c)));
        }
        assert_eq!((t.text.as_str(), t.cursor), ("jane roé", 8));
        t.handle(&key(KeyCode::Backspace));
        t.handle(&KeyEvent::new(KeyCode::Left, KeyModifiers::CONTROL));
        assert_eq!(t.cursor, 5);
        t.handle(&key(KeyCode::Char('x')));
        assert_eq!(t.text, "jane xro");
        assert!(t.handle(&KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL)));
        assert_eq!((t.text.as_str(), t.cursor), ("jane ro", 5));
        t.handle(&key(KeyCode::Home));
        assert!(!t.handle(&key(KeyCode::Backspace)), "nothing before the cursor");
        t.handle(&key(KeyCode::End));
        t.handle(&KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(t.text, "");
        t.insert_str("a\x1bb\nc");
        assert_eq!(t.text, "abc", "pasted control characters are dropped");
    }
}
