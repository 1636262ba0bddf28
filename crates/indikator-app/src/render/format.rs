//! One number style per language: bokmål text writes decimal commas and a
//! space before «%» («94,5 %»), the English gloss decimal points («94.5 %»).
//! Shares are written as percentages only, never as proportions.

/// The language a number is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Nb,
    En,
}

impl Lang {
    /// `x` with `decimals` decimals in this language's style.
    pub fn number(self, x: f64, decimals: usize) -> String {
        let s = format!("{x:.decimals$}");
        match self {
            Lang::Nb => s.replace('.', ",").replace('-', "−"),
            Lang::En => s,
        }
    }
}

/// A share (0–1) as a percentage with one decimal: «94,5 %».
pub fn percent(share: f64, lang: Lang) -> String {
    format!("{} %", lang.number(100.0 * share, 1))
}

/// `n` of `base` as a percentage, or «–» where the base is empty.
pub fn share_of(n: u64, base: u64, lang: Lang) -> String {
    if base == 0 { "–".into() } else { percent(n as f64 / base as f64, lang) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bokmal_writes_decimal_commas_and_english_decimal_points() {
        assert_eq!(percent(0.945, Lang::Nb), "94,5 %");
        assert_eq!(percent(0.945, Lang::En), "94.5 %");
        assert_eq!(Lang::Nb.number(2.25, 2), "2,25");
        assert_eq!(Lang::Nb.number(-0.5, 1), "−0,5");
        assert_eq!(share_of(1, 0, Lang::Nb), "–");
        assert_eq!(share_of(327, 350, Lang::Nb), "93,4 %");
    }
}
