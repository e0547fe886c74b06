//! Moving a selection through a list that is taller than its window.

/// A selection and the first visible row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Nav {
    pub selected: usize,
    pub offset: usize,
}

impl Nav {
    /// Moves by `delta` rows within `len`, keeping the selection in a window of `height`.
    pub fn step(&mut self, delta: isize, len: usize, height: usize) {
        if len == 0 {
            *self = Nav::default();
            return;
        }
        self.selected = self.selected.saturating_add_signed(delta).min(len - 1);
        self.follow(len, height);
    }

    pub fn top(&mut self) {
        *self = Nav::default();
    }

    pub fn bottom(&mut self, len: usize, height: usize) {
        self.selected = len.saturating_sub(1);
        self.follow(len, height);
    }

    pub fn select(&mut self, index: usize, len: usize, height: usize) {
        self.selected = index.min(len.saturating_sub(1));
        self.follow(len, height);
    }

    /// Scrolls so the selection is visible, and never past the end.
    pub fn follow(&mut self, len: usize, height: usize) {
        let height = height.max(1);
        self.selected = self.selected.min(len.saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(len.saturating_sub(height));
    }

    /// Selects the `row`-th visible row, if there is one.
    pub fn click(&mut self, row: usize, len: usize, height: usize) {
        let target = self.offset + row;
        if target < len {
            self.select(target, len, height);
        }
    }

    /// The visible index range.
    pub fn window(&self, len: usize, height: usize) -> std::ops::Range<usize> {
        let start = self.offset.min(len);
        start..(start + height).min(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_stays_in_the_window() {
        let mut n = Nav::default();
        n.step(15, 100, 10);
        assert_eq!(n, Nav { selected: 15, offset: 6 });
        n.step(-10, 100, 10);
        assert_eq!(n, Nav { selected: 5, offset: 5 });
        n.bottom(100, 10);
        assert_eq!(n, Nav { selected: 99, offset: 90 });
        assert_eq!(n.window(100, 10), 90..100);
        n.step(5, 100, 10);
        assert_eq!(n.selected, 99);
        n.step(-500, 100, 10);
        assert_eq!(n, Nav { selected: 0, offset: 0 });
        n.step(3, 0, 10);
        assert_eq!(n, Nav::default());
    }
}
