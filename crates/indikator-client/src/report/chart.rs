//! The report's charts: horizontal bars as SSB draws them (Figur 3.1–5.3), one
//! row per item or group with its Norwegian label (the English gloss beneath
//! it, `lang="en"`), the whole answer distribution stacked, the base n at the
//! end of each row and a published figure as a marker on the bar where it
//! counts the answers the bar's first (or last) segments show. Drawn as inline
//! SVG by hand so that the layout is known: every text has a column or a line
//! of its own, long labels are cut with the whole label on hover, and the axis
//! runs 0–100 % (or over the scale of a mean) with its title.

use std::fmt::Write;

use indikator_app::render::format::{Lang, percent};

/// The colours of a distribution's answers: blues from dark to light in the
/// scale's order; greys for the answers outside it («vet ikke», «ikke relevant»).
const BLUES: [&str; 5] = ["#1f5f8b", "#3f7fae", "#6fa3cc", "#9cc2e0", "#c4dcef"];
const GREYS: [&str; 2] = ["#8c8c8c", "#c8c8c8"];

/// Whether an answer code is one outside the scale («vet ikke», «ikke relevant»).
fn outside_scale(code: &str) -> bool {
    let code = code.to_ascii_lowercase();
    ["dont_know", "not_relevant", "vet-ikke"].iter().any(|c| code.ends_with(c))
}
/// A group too small to be shown as shares is drawn in this grey, hatched.
const SMALL: &str = "#e4e4e4";
/// The text colour (the page's) and the axis' grid.
const INK: &str = "#1b1b1b";
const GRID: &str = "#d0d0d0";

/// The columns of a chart: labels, bars, n; a row's height and the bars' in it.
const WIDTH: f64 = 760.0;
const LABEL_X: f64 = 4.0;
const BAR_X: f64 = 300.0;
const BAR_W: f64 = 380.0;
const N_X: f64 = 690.0;
const ROW_H: f64 = 32.0;
const BAR_H: f64 = 16.0;
/// Generous text widths per character (px) at the sizes used, so a cut label
/// never reaches the next column.
const CHAR_12: f64 = 7.2;
const CHAR_10: f64 = 6.0;

/// What a chart's axis measures.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Axis {
    /// Shares, drawn 0–100 %.
    Percent,
    /// A mean on a scale 0–`max` (KS areas: 0–5).
    Mean { max: f64 },
}

/// A published figure set on a row: where the bar's matching answers end and
/// the published value, both as fractions of the axis.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Marker {
    /// The published figure's id (`ssb-2018/fig-5.3/receiving_invoices`).
    pub figure: String,
    /// The answer codes it counts, which the marked bar part counts too.
    pub answers: Vec<String>,
    /// The published value (0–1 of the axis).
    pub value: f64,
    /// As published («93,4 %»).
    pub published: String,
    /// Measured from the bar's right end (a set of the last answers).
    pub from_end: bool,
}

/// One row: its labels, base and the values of its segments (fractions of the
/// axis, in the order of the chart's `segments`).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Row {
    pub label: String,
    pub label_en: String,
    pub n: u64,
    pub values: Vec<f64>,
    pub marker: Option<Marker>,
    /// A row's code for the checks (`data-row`), never shown.
    pub key: String,
}

/// One segment kind: an answer with its labels.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Segment {
    pub code: String,
    pub label: String,
    pub label_en: String,
}

/// A chart: its title (bokmål, English), axis, segments and rows.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Chart {
    /// The element id (the table beside it is `{id}-table`).
    pub id: String,
    pub title: String,
    pub title_en: String,
    pub axis: Axis,
    pub segments: Vec<Segment>,
    pub rows: Vec<Row>,
    /// Rows with an n under this are greyed as «få svar».
    pub small_group: u64,
}

fn escape(s: &str) -> String {
    super::escape(s)
}

/// `s` cut to `max` characters with «…».
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_owned() } else { format!("{}…", s.chars().take(max - 1).collect::<String>()) }
}

fn chars_in(width: f64, per_char: f64) -> usize {
    (width / per_char).floor() as usize
}

impl Chart {
    /// Whether a row is too small a group to show as shares.
    pub(super) fn is_small(&self, row: &Row) -> bool {
        self.axis == Axis::Percent && row.n < self.small_group
    }

    /// The axis' title and its ticks (bokmål).
    fn axis_text(&self) -> (String, String, Vec<(f64, String)>) {
        match self.axis {
            Axis::Percent => (
                "Andel av grunnlaget (prosent)".into(),
                "share of the base (per cent)".into(),
                (0..=5).map(|i| (f64::from(i) / 5.0, format!("{} %", i * 20))).collect(),
            ),
            Axis::Mean { max } => (
                format!("Gjennomsnitt (skala 0–{})", Lang::Nb.number(max, 0)),
                format!("mean (scale 0–{max:.0})"),
                (0..=max as u32).map(|i| (f64::from(i) / max, i.to_string())).collect(),
            ),
        }
    }

    /// The chart as SVG, named by its title and described by the table
    /// `{id}-table`.
    pub(super) fn svg(&self) -> String {
        let fills = self.fills();
        let legend = self.legend_lines();
        let top = 8.0 + legend.len() as f64 * 18.0 + 18.0;
        let plot_h = self.rows.len() as f64 * ROW_H;
        let height = top + plot_h + 56.0;
        let mut s = String::new();
        let _ = write!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"{id}\" viewBox=\"0 0 {WIDTH} {height}\" \
             width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{id}-title\" \
             aria-describedby=\"{id}-desc\" data-axis=\"{axis}\" font-family=\"system-ui, sans-serif\">",
            id = self.id,
            axis = if self.axis == Axis::Percent { "percent" } else { "mean" },
        );
        let _ = write!(
            s,
            "<title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>",
            id = self.id,
            title = escape(&self.title),
            desc = escape(&format!(
                "Tallene står i tabellen under figuren. {} — the numbers are in the table below.",
                self.title_en
            )),
        );
        // Legend.
        for (line, entries) in legend.iter().enumerate() {
            let y = 8.0 + line as f64 * 18.0;
            for (x, i) in entries {
                let seg = &self.segments[*i];
                let _ = write!(
                    s,
                    "<rect x=\"{x}\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"{fill}\" stroke=\"{INK}\" stroke-width=\"0.5\"/>\
                     <text class=\"legend\" x=\"{tx}\" y=\"{ty}\" font-size=\"11\" fill=\"{INK}\">{label}</text>",
                    fill = fills[*i],
                    tx = x + 16.0,
                    ty = y + 10.0,
                    label = escape(&seg.label),
                );
            }
        }
        if self.rows.iter().any(|r| r.marker.is_some()) {
            let y = 8.0;
            let x = WIDTH - 150.0;
            let _ = write!(
                s,
                "<path d=\"M{x0} {y0} l5 6 l-5 6 l-5 -6 z\" fill=\"{INK}\"/>\
                 <text class=\"legend\" x=\"{tx}\" y=\"{ty}\" font-size=\"11\" fill=\"{INK}\">Publisert tall</text>",
                x0 = x + 6.0,
                y0 = y,
                tx = x + 16.0,
                ty = y + 10.0,
            );
        }
        // Grid and ticks.
        let (axis_title, axis_title_en, ticks) = self.axis_text();
        for (at, label) in &ticks {
            let x = BAR_X + at * BAR_W;
            let _ = write!(
                s,
                "<line x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"{y2}\" stroke=\"{GRID}\"/>\
                 <text class=\"tick\" x=\"{x}\" y=\"{ty}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{INK}\">{label}</text>",
                y2 = top + plot_h,
                ty = top + plot_h + 14.0,
            );
        }
        let _ = write!(
            s,
            "<text class=\"axis-title\" x=\"{x}\" y=\"{y}\" font-size=\"12\" text-anchor=\"middle\" fill=\"{INK}\">{t} \
             <tspan lang=\"en\" font-style=\"italic\">{te}</tspan></text>",
            x = BAR_X + BAR_W / 2.0,
            y = top + plot_h + 34.0,
            t = escape(&axis_title),
            te = escape(&axis_title_en),
        );
        let _ = write!(
            s,
            "<text class=\"axis-title\" x=\"{x}\" y=\"{y}\" font-size=\"11\" text-anchor=\"start\" fill=\"{INK}\">n</text>",
            x = N_X,
            y = top - 4.0,
        );
        // Rows.
        for (r, row) in self.rows.iter().enumerate() {
            let y = top + r as f64 * ROW_H;
            let small = self.is_small(row);
            let _ = write!(
                s,
                "<g class=\"row\" data-row=\"{key}\"><title>{full}</title>",
                key = escape(&row.key),
                full = escape(&self.row_text(row)),
            );
            let _ = write!(
                s,
                "<text class=\"label\" x=\"{LABEL_X}\" y=\"{y1}\" font-size=\"12\" fill=\"{INK}\">{nb}</text>\
                 <text class=\"label\" lang=\"en\" x=\"{LABEL_X}\" y=\"{y2}\" font-size=\"10\" font-style=\"italic\" \
                 fill=\"#555\">{en}</text>",
                y1 = y + 13.0,
                y2 = y + 26.0,
                nb = escape(&cut(&row.label, chars_in(BAR_X - LABEL_X - 8.0, CHAR_12))),
                en = escape(&cut(&row.label_en, chars_in(BAR_X - LABEL_X - 8.0, CHAR_10))),
            );
            let bar_y = y + (ROW_H - BAR_H) / 2.0;
            if small {
                let _ = write!(
                    s,
                    "<rect class=\"small\" x=\"{BAR_X}\" y=\"{bar_y}\" width=\"{BAR_W}\" height=\"{BAR_H}\" fill=\"{SMALL}\" \
                     stroke=\"{GRID}\"/>\
                     <text class=\"small-note\" x=\"{tx}\" y=\"{ty}\" font-size=\"11\" fill=\"{INK}\">få svar \
                     <tspan lang=\"en\" font-style=\"italic\">few respondents</tspan></text>",
                    tx = BAR_X + 6.0,
                    ty = bar_y + 12.0,
                );
            } else {
                let mut x = BAR_X;
                for (i, v) in row.values.iter().enumerate() {
                    let w = v.clamp(0.0, 1.0) * BAR_W;
                    let code = self.segments.get(i).map_or("", |g| g.code.as_str());
                    let _ = write!(
                        s,
                        "<rect class=\"segment\" data-answer=\"{code}\" data-value=\"{v}\" x=\"{x:.2}\" y=\"{bar_y}\" \
                         width=\"{w:.2}\" height=\"{BAR_H}\" fill=\"{fill}\" stroke=\"#fff\" stroke-width=\"0.5\"/>",
                        code = escape(code),
                        fill = fills.get(i).copied().unwrap_or(GREYS[0]),
                    );
                    x += w;
                }
                if self.segments.len() > 1 {
                    // The whole bar's outline, so its lightest parts stand out from the page.
                    let _ = write!(
                        s,
                        "<rect x=\"{BAR_X}\" y=\"{bar_y}\" width=\"{w:.2}\" height=\"{BAR_H}\" fill=\"none\" \
                         stroke=\"#555\" stroke-width=\"0.75\"/>",
                        w = x - BAR_X,
                    );
                }
                if let Some(m) = &row.marker {
                    let at = if m.from_end { 1.0 - m.value } else { m.value };
                    let mx = BAR_X + at.clamp(0.0, 1.0) * BAR_W;
                    let _ = write!(
                        s,
                        "<g class=\"marker\" data-figure=\"{fig}\" data-answers=\"{answers}\" data-value=\"{v}\" \
                         data-from-end=\"{end}\"><line x1=\"{mx:.2}\" y1=\"{y1}\" x2=\"{mx:.2}\" y2=\"{y2}\" stroke=\"{INK}\" \
                         stroke-width=\"2\"/><path d=\"M{mx:.2} {y1} l5 -6 l-10 0 z\" fill=\"{INK}\"/></g>",
                        fig = escape(&m.figure),
                        answers = escape(&m.answers.join(" ")),
                        v = m.value,
                        end = m.from_end,
                        y1 = bar_y - 2.0,
                        y2 = bar_y + BAR_H + 2.0,
                    );
                }
            }
            let _ = write!(
                s,
                "<text class=\"n\" x=\"{N_X}\" y=\"{ty}\" font-size=\"11\" fill=\"{INK}\">{n}</text></g>",
                ty = bar_y + 12.0,
                n = row.n,
            );
        }
        s.push_str("</svg>");
        s
    }

    /// Each segment's colour: the scale's answers spread over the blues, the
    /// others grey.
    fn fills(&self) -> Vec<&'static str> {
        let on_scale = self.segments.iter().filter(|s| !outside_scale(&s.code)).count();
        let (mut blue, mut grey) = (0, 0);
        self.segments
            .iter()
            .map(|s| {
                if outside_scale(&s.code) {
                    grey += 1;
                    GREYS[(grey - 1) % GREYS.len()]
                } else {
                    blue += 1;
                    let at = if on_scale <= 1 { 0 } else { (blue - 1) * (BLUES.len() - 1) / (on_scale - 1).max(1) };
                    BLUES[at.min(BLUES.len() - 1)]
                }
            })
            .collect()
    }

    /// A row's whole text for its hover title.
    fn row_text(&self, row: &Row) -> String {
        let mut parts = vec![format!("{} ({}), n = {}", row.label, row.label_en, row.n)];
        if self.is_small(row) {
            parts.push("få svar, andeler vises ikke (few respondents)".into());
        } else {
            for (seg, v) in self.segments.iter().zip(&row.values) {
                let value = match self.axis {
                    Axis::Percent => percent(*v, Lang::Nb),
                    Axis::Mean { max } => Lang::Nb.number(v * max, 2),
                };
                parts.push(format!("{}: {value}", seg.label));
            }
            if let Some(m) = &row.marker {
                parts.push(format!("publisert: {}", m.published));
            }
        }
        parts.join("; ")
    }

    /// The legend's entries (x, segment) in lines that fit the width; no
    /// legend for a single unnamed segment.
    fn legend_lines(&self) -> Vec<Vec<(f64, usize)>> {
        let mut lines: Vec<Vec<(f64, usize)>> = vec![Vec::new()];
        let right = WIDTH - 160.0;
        let mut x = LABEL_X;
        for (i, seg) in self.segments.iter().enumerate() {
            let w = 16.0 + seg.label.chars().count() as f64 * 6.6 + 14.0;
            if x + w > right && !lines.last().is_some_and(Vec::is_empty) {
                lines.push(Vec::new());
                x = LABEL_X;
            }
            lines.last_mut().expect("one line at least").push((x, i));
            x += w;
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(n: u64) -> Chart {
        Chart {
            id: "c".into(),
            title: "T".into(),
            title_en: "T".into(),
            axis: Axis::Percent,
            segments: vec![
                Segment { code: "YES".into(), label: "Ja".into(), label_en: "Yes".into() },
                Segment { code: "NO".into(), label: "Nei".into(), label_en: "No".into() },
            ],
            rows: vec![Row {
                label: "En svært lang etikett som ikke får plass i kolonnen for etiketter i figuren".into(),
                label_en: "A label".into(),
                n,
                values: vec![0.25, 0.75],
                marker: None,
                key: "ROW".into(),
            }],
            small_group: 5,
        }
    }

    #[test]
    fn a_long_label_is_cut_with_the_whole_label_on_hover() {
        let svg = chart(10).svg();
        assert!(svg.contains("En svært lang etikett som ikke får plass i kolonnen for etiketter i figuren (A label)"));
        assert!(svg.contains("…</text>"), "{svg}");
    }

    #[test]
    fn a_row_under_the_small_group_size_is_greyed_without_shares() {
        let svg = chart(4).svg();
        assert!(svg.contains("få svar") && !svg.contains("class=\"segment\""), "{svg}");
        let svg = chart(5).svg();
        assert!(!svg.contains("få svar") && svg.matches("class=\"segment\"").count() == 2, "{svg}");
    }
}
