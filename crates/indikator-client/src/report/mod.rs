//! The self-contained HTML round report ([`html`], its charts in `chart`),
//! the typed Parquet exports ([`parquet`]) and the Excel workbook
//! ([`xlsx`]), rendered from the `indikator.v1` messages (score cards and the round
//! summary) with the labels and number style of
//! [`indikator_app::render`], which also writes the CSV exports. Where the
//! files go, and that they appear only when a run succeeded, is the batch
//! client's (`crate::batch`).

mod chart;
pub mod html;
pub mod parquet;
pub mod xlsx;

/// Text for HTML and SVG: `&`, `<`, `>` and `"` escaped.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
