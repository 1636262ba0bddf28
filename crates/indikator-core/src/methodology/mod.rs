//! Methodologies as data: item lists, answer scales, bands, composite tables and
//! labels, each entry with its provenance. Scoring (the `scoring` module) reads these
//! tables; `GetMethodology` renders them. The value types read themselves (the
//! band of a count, the cell of a table) and a calibration knows how it is
//! derived from a round's counts (docs/method.md §1.5); nothing here scores a
//! response.
//!
//! Imports [`crate::domain`] only.

pub mod bands;
pub mod composite;
pub mod figures;
pub mod ssb2018;

/// Whether a catalogue entry is stated in a source or is our best completion of
/// something the sources mention but do not list (docs/method.md, introduction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    Published,
    Reconstructed,
}

/// One entry of an item list or answer scale.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    /// Stable key; the proto enum value is `PREFIX_` + the key in upper case.
    pub key: &'static str,
    /// Norwegian (bokmål) label, as published where published.
    pub label: &'static str,
    /// English name beside it.
    pub label_en: &'static str,
    pub provenance: Provenance,
}

/// A named, ordered list of items. Position `i` is proto enum value `i + 1`
/// (value 0 is always `*_UNSPECIFIED`).
#[derive(Debug)]
pub struct ItemList {
    pub id: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    /// The proto enum's value prefix, e.g. `STRATEGY_AREA`.
    pub enum_prefix: &'static str,
    pub items: &'static [Item],
}

impl ItemList {
    /// Number of items in the list (the highest possible count).
    pub const fn len(&self) -> usize {
        self.items.len()
    }

    pub const fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Labels of a 0–4 grade or score.
#[derive(Debug, Clone, Copy)]
pub struct GradeLabel {
    pub code: &'static str,
    pub label: &'static str,
    pub label_en: &'static str,
}

/// Shorthand constructors keep the tables readable.
pub(crate) const fn published(key: &'static str, label: &'static str, label_en: &'static str) -> Item {
    Item { key, label, label_en, provenance: Provenance::Published }
}

pub(crate) const fn reconstructed(key: &'static str, label: &'static str, label_en: &'static str) -> Item {
    Item { key, label, label_en, provenance: Provenance::Reconstructed }
}
