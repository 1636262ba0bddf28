//! The pure scoring core: validated answers in, numbers out. No I/O, no async,
//! no generated protobuf types; every table it reads lives in
//! [`crate::methodology`]. Imports `methodology`, `catalogue` and `domain`.
//!
//! Scoring is split in two steps so a round can be re-graded under another
//! calibration without keeping the answers: [`ssb2018::measure`] reduces answers
//! to counts and categories (calibration-free), [`ssb2018::grade`] turns those
//! into scores and composite grades under a [`ssb2018::Calibrations`].

pub mod maturity;
pub mod ssb2018;
