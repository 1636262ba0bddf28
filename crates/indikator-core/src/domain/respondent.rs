use super::{CountyNumber, MunicipalityNumber, OrganisationNumber};

/// The three kinds of respondent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RespondentKind {
    Municipality,
    CountyMunicipality,
    StateAgency,
}

/// Size classes by inhabitants (docs/method.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SizeClass {
    Under2000,
    From2000To4999,
    From5000To9999,
    From10000To19999,
    From20000To29999,
    From30000To49999,
    From50000,
}

impl SizeClass {
    pub const ALL: [SizeClass; 7] = [
        SizeClass::Under2000,
        SizeClass::From2000To4999,
        SizeClass::From5000To9999,
        SizeClass::From10000To19999,
        SizeClass::From20000To29999,
        SizeClass::From30000To49999,
        SizeClass::From50000,
    ];

    /// Lower bound of each class, in [`SizeClass::ALL`] order.
    const LOWER_BOUNDS: [u32; 7] = [0, 2_000, 5_000, 10_000, 20_000, 30_000, 50_000];

    pub fn of(inhabitants: u32) -> Self {
        let index = Self::LOWER_BOUNDS.iter().rposition(|&lower| inhabitants >= lower).unwrap_or(0);
        Self::ALL[index]
    }

    /// A short label such as `2000–4999`.
    pub fn label(self) -> &'static str {
        ["< 2000", "2000–4999", "5000–9999", "10000–19999", "20000–29999", "30000–49999", "≥ 50000"][self as usize]
    }
}

/// A validated respondent identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Respondent {
    pub organisation_number: OrganisationNumber,
    pub kind: RespondentKind,
    /// Municipalities only.
    pub municipality: Option<MunicipalityNumber>,
    /// Municipalities (from their number) and county municipalities.
    pub county: Option<CountyNumber>,
    pub name: String,
    /// `None` when not given (only allowed for non-municipalities).
    pub inhabitants: Option<u32>,
    pub survey_year: u16,
}

impl Respondent {
    pub fn size_class(&self) -> Option<SizeClass> {
        self.inhabitants.map(SizeClass::of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_classes_change_exactly_at_each_boundary() {
        let edges = [
            (0, SizeClass::Under2000),
            (1_999, SizeClass::Under2000),
            (2_000, SizeClass::From2000To4999),
            (4_999, SizeClass::From2000To4999),
            (5_000, SizeClass::From5000To9999),
            (9_999, SizeClass::From5000To9999),
            (10_000, SizeClass::From10000To19999),
            (19_999, SizeClass::From10000To19999),
            (20_000, SizeClass::From20000To29999),
            (29_999, SizeClass::From20000To29999),
            (30_000, SizeClass::From30000To49999),
            (49_999, SizeClass::From30000To49999),
            (50_000, SizeClass::From50000),
            (u32::MAX, SizeClass::From50000),
        ];
        for (inhabitants, class) in edges {
            assert_eq!(SizeClass::of(inhabitants), class, "{inhabitants}");
        }
    }
}
