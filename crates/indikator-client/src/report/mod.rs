//! The self-contained HTML round report ([`html`], its charts in `chart`),
//! rendered from the `indikator.v1` messages (score cards and the round
//! summary) with the labels and number style of
//! [`indikator_app::render`], which also writes the CSV exports. Where the
//! files go, and that they appear only when a run succeeded, is the batch
//! client's (`crate::batch`).

mod chart;
pub mod html;

/// Text for HTML and SVG: `&`, `<`, `>` and `"` escaped.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
