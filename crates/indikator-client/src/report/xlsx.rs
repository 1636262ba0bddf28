//! The round as an Excel workbook (`--xlsx`): a sheet per summary table of
//! `--tables-csv`, a sheet of the published figures beside the round's, and a
//! sheet of score cards with the `--csv` columns.
//!
//! A table sheet holds, for each group and item, a block: the item's title,
//! the group and the base (n) above a row per answer with its count and its
//! share. Labels are Norwegian ([`indikator_app::render::labels`], the methodology's names);
//! shares are numbers (0.945) shown as percentages with one decimal
//! (`0.0 %`), so they can be computed with; where the 2018 publication has a
//! figure for a row (the composite grades of the municipalities, the KS
//! national means), it stands beside the round's. Sheet names are at most 31
//! characters and unique, as Excel requires.
//!
//! The score cards are written as they come, row by row, into a sheet that
//! keeps nothing in memory ([`rust_xlsxwriter`]'s constant-memory mode); a
//! sheet holds at most [`MAX_CARDS`] of them.

use std::io::{Seek, Write};

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::parquet::{CellRows, ColumnType, card_column_type};
use crate::proto::v1 as pb;
use indikator_app::render::csv::{self, CardColumns, Table};
use indikator_app::render::labels;
use indikator_core::catalogue::{Catalogues, KS_2018, RIKSREVISJONEN_2015};
use indikator_core::methodology::ssb2018 as m;

/// Score cards a sheet holds: Excel's 1 048 576 rows, less the header.
pub const MAX_CARDS: u32 = 1_048_575;

/// Excel's longest sheet name.
const SHEET_NAME_CHARS: usize = 31;

/// What a table sheet says when the round has nothing for it.
const NO_ANSWERS: &str = "Runden har ingen svar til denne tabellen.";

/// The share format: a number shown as a percentage with one decimal.
const PERCENT: &str = "0.0 %";

/// The workbook, its score card sheet filled as the cards come.
pub struct RoundWorkbook {
    book: Workbook,
    cards: Worksheet,
    types: Vec<ColumnType>,
    /// Rows of the score card sheet written (the header included).
    rows: u32,
    bold: Format,
}

impl RoundWorkbook {
    /// A workbook whose score card sheet has `columns` (the `--csv` columns).
    pub fn new(columns: &CardColumns) -> Result<Self, XlsxError> {
        let mut book = Workbook::new();
        let mut cards = book.new_worksheet_with_constant_memory()?;
        cards.set_name("Poengkort")?;
        let bold = Format::new().set_bold();
        let header = columns.header();
        cards.write_row_with_format(0, 0, header.iter().map(String::as_str), &bold)?;
        cards.set_freeze_panes(1, 0)?;
        let types = header.iter().map(|c| card_column_type(c)).collect();
        Ok(Self { book, cards, types, rows: 1, bold })
    }

    /// Appends score cards, each a row of the `--csv` cells: numbers as
    /// numbers, the rest as text, an empty cell left empty.
    pub fn cards(&mut self, rows: &CellRows) -> Result<(), XlsxError> {
        for cells in rows.rows() {
            if self.rows > MAX_CARDS {
                return Err(XlsxError::ParameterError(format!(
                    "more than {MAX_CARDS} score cards do not fit in an Excel sheet; write them with --csv or --parquet"
                )));
            }
            let row = self.rows;
            self.rows += 1;
            for (column, (cell, kind)) in cells.zip(&self.types).enumerate() {
                let column = column as u16;
                if cell.is_empty() {
                    continue;
                }
                match (kind, cell.parse::<f64>()) {
                    (ColumnType::Integer | ColumnType::Number, Ok(x)) => self.cards.write_number(row, column, x)?,
                    _ => self.cards.write_string(row, column, cell)?,
                };
            }
        }
        Ok(())
    }

    /// The table sheets and the published figures, then the score cards;
    /// the whole workbook written to `out`.
    pub fn finish<W: Write + Seek + Send>(
        mut self,
        summary: &pb::RoundSummary,
        catalogues: &Catalogues,
        out: W,
    ) -> Result<(), XlsxError> {
        let mut names = SheetNames::default();
        let percent = Format::new().set_num_format(PERCENT);
        let mean = Format::new().set_num_format("0.00");
        let formats = Formats { bold: &self.bold, percent: &percent, mean: &mean };
        for table in csv::tables(summary) {
            let sheet = self.book.add_worksheet();
            let (title, _) = table_title(table.name);
            sheet.set_name(names.unique(title))?;
            if table.rows.is_empty() {
                sheet.write_string_with_format(0, 0, table_title(table.name).1, &self.bold)?;
                sheet.write_string(2, 0, NO_ANSWERS)?;
                continue;
            }
            match table.name {
                "ks_2018_means.csv" => ks_sheet(sheet, &table, catalogues, &formats)?,
                "calibration.csv" => calibration_sheet(sheet, &table, &formats)?,
                _ => tidy_sheet(sheet, &table, catalogues, &formats)?,
            };
        }
        let sheet = self.book.add_worksheet();
        sheet.set_name(names.unique("Publiserte tall"))?;
        figures_sheet(sheet, &summary.published_figures, &formats)?;
        self.cards.set_name(names.unique("Poengkort"))?;
        self.book.push_worksheet(self.cards);
        self.book.save_to_writer(out)
    }
}

struct Formats<'a> {
    bold: &'a Format,
    percent: &'a Format,
    mean: &'a Format,
}

/// Sheet names made unique and valid: at most 31 characters, none of `[]:*?/\`.
#[derive(Default)]
struct SheetNames {
    used: Vec<String>,
}

impl SheetNames {
    fn unique(&mut self, wanted: &str) -> String {
        let clean: String = wanted.chars().map(|c| if "[]:*?/\\".contains(c) { '-' } else { c }).collect();
        let cut = |s: &str, chars: usize| s.chars().take(chars).collect::<String>();
        let mut name = cut(&clean, SHEET_NAME_CHARS);
        let mut n = 2;
        while self.used.iter().any(|u| u.to_lowercase() == name.to_lowercase()) {
            let suffix = format!(" ({n})");
            name = format!("{}{suffix}", cut(&clean, SHEET_NAME_CHARS - suffix.chars().count()));
            n += 1;
        }
        self.used.push(name.clone());
        name
    }
}

/// A table's sheet name and its title (Norwegian).
fn table_title(file: &str) -> (&'static str, &'static str) {
    match file {
        "composite_grades.csv" => ("Sammensatte indikatorer", "Sammensatte indikatorer: respondenter per karakter"),
        "composite_robustness.csv" => {
            ("Robusthet", "Skjøre karakterer og karakterer som skiller mellom kalibreringene")
        }
        "simple_scores.csv" => ("Enkle indikatorer", "Enkle indikatorer: respondenter per poeng (0–4)"),
        "counts.csv" => ("Antall", "Enkle indikatorer: respondenter per antall"),
        "competence.csv" => ("Kompetanse", "Rekruttering av IKT-spesialister og kompetansehindring"),
        "ks_2018_means.csv" => ("KS 2018", "KS 2018: gjennomsnitt per område (0–5)"),
        "riksrevisjonen_2015_coverage.csv" => ("Riksrevisjonen 2015", "Riksrevisjonen 2015: tjenestenivå"),
        "calibration.csv" => ("Kalibrering", "Kalibrering: medianer og skillepunkter per indikator"),
        _ => ("Tabell", "Tabell"),
    }
}

/// An `ssb-2018` composite or count indicator by its full id.
fn composite(item: &str) -> Option<&'static m::Composite> {
    let id = item.strip_prefix(m::ID)?.strip_prefix('/')?;
    m::COMPOSITES.iter().copied().find(|c| c.id == id)
}

/// An item of a table in Norwegian.
fn item_title(table: &str, item: &str, catalogues: &Catalogues) -> String {
    if let Some(c) = composite(item) {
        return format!("{} ({})", c.name, c.published_table);
    }
    if let Some(id) = item.strip_prefix(m::ID).and_then(|i| i.strip_prefix('/'))
        && let Some(i) = m::COUNT_INDICATORS.iter().find(|i| i.id == id)
    {
        return i.name.to_owned();
    }
    if table == "competence.csv" {
        let title = match item {
            "recruitment" => "Rekruttering av IKT-spesialister",
            "hindrance" => "Mangel på kompetanse hindrer digitale tjenester",
            "hindrance_by_recruitment" => "Kompetansehindring etter rekruttering",
            "hindrance_by_sourcing" => "Kompetansehindring etter IKT-kapasitet",
            other => other,
        };
        return title.to_owned();
    }
    if let Some(rest) = item.strip_prefix("riksrevisjonen-2015/") {
        return match rest.split_once('/') {
            Some(("area", id)) => format!("Område: {}", labels::list(RIKSREVISJONEN_2015, id, catalogues).0),
            Some(("service", id)) => format!("Tjeneste: {}", labels::item(RIKSREVISJONEN_2015, id, catalogues).0),
            _ if rest == "municipalities" => "Kommuner".to_owned(),
            _ if rest == "municipalities_under_5000" => "Kommuner under 5 000 innbyggere".to_owned(),
            _ if rest == "pairs" => "Kommune × tjeneste".to_owned(),
            _ => rest.to_owned(),
        };
    }
    item.to_owned()
}

/// An answer of a table in Norwegian.
fn answer_label(table: &str, item: &str, answer: &str) -> String {
    if let Some(c) = composite(item)
        && let Some((grade, g)) = c.grades.iter().enumerate().find(|(_, g)| g.code == answer)
    {
        return format!("{grade}: {}", g.label);
    }
    match (table, answer) {
        ("simple_scores.csv", score) => {
            let label = score.parse::<usize>().ok().and_then(|s| m::SCORE_LABELS.get(s)).map(|l| l.label);
            label.map_or_else(|| score.to_owned(), |l| format!("{score}: {l}"))
        }
        (_, "fragile") => "Skjør karakter (ett svar fra en annen)".to_owned(),
        (_, "differ_between_calibrations") => "Ulik karakter med publisert og relativ kalibrering".to_owned(),
        (_, "none_offered") => "Ingen tjenester tilbudt".to_owned(),
        (_, "at_least_1") => "Minst nivå 1".to_owned(),
        ("competence.csv", answer) => match answer.split_once('.') {
            Some((row, column)) => {
                format!("{} × {}", labels::category(&row.to_uppercase()).0, labels::category(&column.to_uppercase()).0)
            }
            None => labels::category(&answer.to_uppercase()).0,
        },
        (_, answer) => answer.to_owned(),
    }
}

/// The group the 2018 publication's tables count: the municipalities.
fn published_group(dimension: &str, group: &str) -> bool {
    dimension == "respondent_kind" && group == pb::RespondentKind::Municipality.as_str_name()
}

/// A tidy count table: a block per group × item.
fn tidy_sheet(sheet: &mut Worksheet, table: &Table, catalogues: &Catalogues, f: &Formats<'_>) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, table_title(table.name).1, f.bold)?;
    sheet.set_column_width(0, 48)?;
    sheet.set_column_width(1, 12)?;
    sheet.set_column_width(2, 12)?;
    sheet.set_column_width(3, 16)?;
    let mut row = 2u32;
    let mut start = 0;
    while start < table.rows.len() {
        let key = |r: &Vec<String>| (r[0].clone(), r[1].clone(), r[3].clone());
        let block_key = key(&table.rows[start]);
        let end = (start..table.rows.len()).find(|&i| key(&table.rows[i]) != block_key).unwrap_or(table.rows.len());
        let (dimension, group, item) = &block_key;
        let base = table.bases.get(start).copied().unwrap_or(0);
        let published = composite(item).filter(|_| published_group(dimension, group));
        sheet.write_string_with_format(row, 0, item_title(table.name, item, catalogues), f.bold)?;
        sheet.write_string(row + 1, 0, "Gruppe")?;
        sheet.write_string(row + 1, 1, &table.rows[start][2])?;
        sheet.write_string(row + 2, 0, "Grunnlag (n)")?;
        sheet.write_number(row + 2, 1, base as f64)?;
        let mut heading = vec!["Svar", "Antall", "Andel"];
        if published.is_some() {
            heading.extend(["Publisert antall", "Publisert andel"]);
        }
        sheet.write_row_with_format(row + 3, 0, heading, f.bold)?;
        row += 4;
        for (i, cells) in table.rows[start..end].iter().enumerate() {
            sheet.write_string(row, 0, answer_label(table.name, item, &cells[4]))?;
            if let Ok(n) = cells[5].parse::<f64>() {
                sheet.write_number(row, 1, n)?;
            }
            if let Ok(share) = cells[6].parse::<f64>() {
                sheet.write_number_with_format(row, 2, share, f.percent)?;
            }
            if let Some(c) = published {
                let total: u32 = c.published_counts.iter().sum();
                if let Some(&count) = c.published_counts.get(i) {
                    sheet.write_number(row, 3, f64::from(count))?;
                    sheet.write_number_with_format(row, 4, f64::from(count) / f64::from(total), f.percent)?;
                }
            }
            row += 1;
        }
        row += 1;
        start = end;
    }
    Ok(())
}

/// The KS area means: a block per group, the published national mean beside.
fn ks_sheet(sheet: &mut Worksheet, table: &Table, catalogues: &Catalogues, f: &Formats<'_>) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, table_title(table.name).1, f.bold)?;
    sheet.set_column_width(0, 48)?;
    sheet.set_column_width(3, 26)?;
    let mut row = 2u32;
    let mut start = 0;
    while start < table.rows.len() {
        let key = |r: &Vec<String>| (r[0].clone(), r[1].clone());
        let block_key = key(&table.rows[start]);
        let end = (start..table.rows.len()).find(|&i| key(&table.rows[i]) != block_key).unwrap_or(table.rows.len());
        sheet.write_string_with_format(row, 0, "KS 2018: gjennomsnitt per område", f.bold)?;
        sheet.write_string(row + 1, 0, "Gruppe")?;
        sheet.write_string(row + 1, 1, &table.rows[start][2])?;
        sheet.write_row_with_format(
            row + 2,
            0,
            ["Område", "Grunnlag (n)", "Gjennomsnitt", "Publisert landsgjennomsnitt"],
            f.bold,
        )?;
        row += 3;
        for cells in &table.rows[start..end] {
            let area = cells[3].strip_prefix("ks-2018/").unwrap_or(&cells[3]);
            sheet.write_string(row, 0, labels::list(KS_2018, area, catalogues).0)?;
            for (column, (cell, format)) in
                [(&cells[4], None), (&cells[5], Some(f.mean)), (&cells[6], Some(f.mean))].into_iter().enumerate()
            {
                if let Ok(x) = cell.parse::<f64>() {
                    match format {
                        Some(format) => sheet.write_number_with_format(row, column as u16 + 1, x, format)?,
                        None => sheet.write_number(row, column as u16 + 1, x)?,
                    };
                }
            }
            row += 1;
        }
        row += 1;
        start = end;
    }
    Ok(())
}

/// The calibration: a row per indicator.
fn calibration_sheet(sheet: &mut Worksheet, table: &Table, f: &Formats<'_>) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, table_title(table.name).1, f.bold)?;
    let heading = [
        "Indikator",
        "Median",
        "Grunnlag (n)",
        "Publisert median",
        "Publiserte skillepunkter",
        "Avledede skillepunkter",
        "Brukte skillepunkter",
        "Ikke null",
        "Ikke avledet fordi",
    ];
    sheet.write_row_with_format(2, 0, heading, f.bold)?;
    sheet.set_column_width(0, 28)?;
    for (i, cells) in table.rows.iter().enumerate() {
        let row = 3 + i as u32;
        let id = cells[0].rsplit('/').next().unwrap_or(&cells[0]);
        let name = m::COUNT_INDICATORS.iter().find(|c| c.id == id).map_or(cells[0].as_str(), |c| c.name);
        sheet.write_string(row, 0, name)?;
        for (column, cell) in cells.iter().enumerate().skip(1) {
            let number = matches!(column, 1..=3 | 7).then(|| cell.parse::<f64>().ok()).flatten();
            match number {
                Some(x) => sheet.write_number(row, column as u16, x)?,
                None if cell.is_empty() => continue,
                None => sheet.write_string(row, column as u16, cell)?,
            };
        }
    }
    Ok(())
}

/// Whether a published figure is a share (not a count, a rank or a mean).
fn is_share(f: &pb::PublishedFigureCheck) -> bool {
    !(f.comparison.contains("count")
        || f.comparison.starts_with("ranked")
        || f.comparison.starts_with("equal rounded")
        || f.comparison == "at most")
}

/// The published figures beside the round's (the summary's check).
fn figures_sheet(
    sheet: &mut Worksheet,
    figures: &[pb::PublishedFigureCheck],
    f: &Formats<'_>,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, "Publiserte tall ved siden av rundens", f.bold)?;
    let heading =
        ["Utsagn", "Kilde", "Publisert", "Publisert verdi", "Rundens verdi", "Antall", "Grunnlag (n)", "Stemmer"];
    sheet.write_row_with_format(2, 0, heading, f.bold)?;
    sheet.set_column_width(0, 60)?;
    sheet.set_column_width(1, 40)?;
    for (i, figure) in figures.iter().enumerate() {
        let row = 3 + i as u32;
        sheet.write_string(row, 0, &figure.statement)?;
        sheet.write_string(row, 1, &figure.source)?;
        sheet.write_string(row, 2, &figure.published)?;
        if is_share(figure) {
            sheet.write_number_with_format(row, 3, figure.published_value, f.percent)?;
            sheet.write_number_with_format(row, 4, figure.round_value, f.percent)?;
        } else {
            sheet.write_number(row, 3, figure.published_value)?;
            sheet.write_number(row, 4, figure.round_value)?;
        }
        if figure.round_base > 0 {
            sheet.write_number(row, 5, figure.round_count as f64)?;
            sheet.write_number(row, 6, figure.round_base as f64)?;
        }
        let agrees = match (figure.agrees, figure.impossible.is_empty()) {
            (true, _) => "ja",
            (false, true) => "nei",
            (false, false) => "umulig",
        };
        sheet.write_string(row, 7, agrees)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_at_most_31_characters_valid_and_unique() {
        let mut names = SheetNames::default();
        let long = "Sammensatte indikatorer: respondenter per karakter";
        let first = names.unique(long);
        let second = names.unique(long);
        assert_eq!(first, "Sammensatte indikatorer- respon");
        assert_eq!(second.chars().count(), 31);
        assert_ne!(first, second);
        assert!(second.ends_with(" (2)"));
        assert_eq!(names.unique("a/b"), "a-b");
    }
}
