//! Composite grades: a 5×5 table over two 0–4 scores.

/// `cells[row][column]` is the grade for that pair of scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompositeTable {
    cells: [[u8; 5]; 5],
}

impl CompositeTable {
    /// A table whose every grade is 0–4 (checked at compile time).
    pub const fn new(cells: [[u8; 5]; 5]) -> Self {
        let mut r = 0;
        while r < 5 {
            let mut c = 0;
            while c < 5 {
                assert!(cells[r][c] <= 4);
                c += 1;
            }
            r += 1;
        }
        Self { cells }
    }

    /// Grade for a row score and a column score (both 0–4).
    pub fn grade(&self, row: u8, column: u8) -> u8 {
        self.cells[usize::from(row)][usize::from(column)]
    }

    /// Every cell as (row, column, grade), row-major.
    pub fn cells(&self) -> impl Iterator<Item = (u8, u8, u8)> + '_ {
        (0..5u8).flat_map(move |r| (0..5u8).map(move |c| (r, c, self.grade(r, c))))
    }
}

#[cfg(test)]
mod tests {
    use crate::methodology::ssb2018 as m;

    /// docs/method.md §1.1, word for word: S = strategy score, P = project score.
    fn priority_rule(s: u8, p: u8) -> u8 {
        if s == 0 && p == 0 {
            0
        } else if s >= 3 && p >= 3 {
            4
        } else if s >= 3 && p <= 2 {
            2
        } else if p >= 3 && s <= 2 {
            3
        } else {
            1
        }
    }

    /// docs/method.md §1.3, word for word, for both activity composites.
    fn activity_rule(c: u8, d: u8) -> u8 {
        let (lo, hi) = (c.min(d), c.max(d));
        if c >= 3 && d >= 3 {
            4
        } else if d >= 3 && c <= 2 {
            3
        } else if c >= 3 && d <= 2 {
            2
        } else if (c == 0 && d == 0) || (lo == 0 && hi == 1) {
            0
        } else {
            // both in 1–2, or one 0 and the other 2
            assert!((1..=2).contains(&lo) || (lo == 0 && hi == 2));
            1
        }
    }

    #[test]
    fn all_25_digital_priority_cells_follow_the_published_rule() {
        for (s, p, grade) in m::DIGITAL_PRIORITY.table.cells() {
            assert_eq!(grade, priority_rule(s, p), "S={s} P={p}");
        }
        assert_eq!(m::DIGITAL_PRIORITY.table.cells().count(), 25);
    }

    #[test]
    fn all_25_digital_use_cells_follow_the_published_rule() {
        for (c, d, grade) in m::DIGITAL_USE.table.cells() {
            assert_eq!(grade, activity_rule(c, d), "C={c} D={d}");
        }
    }

    #[test]
    fn all_25_digital_activity_cells_follow_the_published_rule() {
        for (u, o, grade) in m::DIGITAL_ACTIVITY.table.cells() {
            assert_eq!(grade, activity_rule(u, o), "U={u} O={o}");
        }
    }

    #[test]
    fn priority_and_activity_rules_differ_only_where_the_method_says() {
        let differing: Vec<_> = m::DIGITAL_PRIORITY
            .table
            .cells()
            .filter(|&(r, c, g)| g != m::DIGITAL_USE.table.grade(r, c))
            .map(|(r, c, _)| (r, c))
            .collect();
        assert_eq!(differing, vec![(0, 1), (1, 0)]);
    }
}
