//! Reports of a scored round for people and for statistics packages: the CSV
//! exports ([`csv`]) and the self-contained HTML report ([`html`]). Pure
//! rendering from the `indikator.v1` messages (score cards and the round
//! summary) into text; where the files go, and that they appear only when a
//! run succeeded, is the batch client's (`client::batch`).
//!
//! May import [`crate::proto`], [`crate::methodology`] and [`crate::catalogue`];
//! nothing of the batch client or the server.

pub mod csv;
pub mod html;
