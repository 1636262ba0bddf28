use std::sync::Arc;

use arrow_array::builder::{LargeListBuilder, ListBuilder, StringBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int64Array, LargeStringArray, RecordBatch, StringArray,
    StringViewArray, UInt16Array, UInt32Array,
};

use super::*;

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).unwrap()
}

fn strings(values: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(values.to_vec()))
}

/// The records of a batch, checked as a whole.
fn read(batch: &RecordBatch) -> Vec<Result<pb::RoundRecord, RowError>> {
    let rows = ArrowRows::new(&batch.schema()).unwrap();
    rows.records(batch, 1).collect()
}

/// The same cells read as a CSV file's row.
fn csv_record(header: &[&str], row: &[&str]) -> pb::RoundRecord {
    let columns = CsvHeader::parse(&header.iter().copied().collect()).unwrap();
    f::parse_row(&columns, &row.iter().copied().collect()).unwrap()
}

const IDENTITY: [&str; 7] =
    ["organisation_number", "kind", "municipality_number", "county_number", "name", "inhabitants", "survey_year"];

#[test]
fn string_columns_read_as_the_same_csv_row_does() {
    let header = [&IDENTITY[..], &["record_id", "has_strategy", "strategy_areas", "hindrance"]].concat();
    let row = [
        "958935420",
        "municipality",
        "0301",
        "",
        "Oslo kommune",
        "673469",
        "2018",
        "oslo",
        "Yes",
        "green_ict; information_security;",
        "fairly_large",
    ];
    let columns: Vec<(&str, ArrayRef)> =
        header.iter().zip(row).map(|(name, cell)| (*name, strings(&[(!cell.is_empty()).then_some(cell)]))).collect();
    let records = read(&batch(columns));
    assert_eq!(records, vec![Ok(csv_record(&header, &row))]);
}

#[test]
fn natural_arrow_types_read_as_their_csv_text() {
    let mut areas = ListBuilder::new(StringBuilder::new());
    areas.append_value([Some("green_ict"), None, Some("robotisation")]);
    areas.append_null();
    let mut large_areas = LargeListBuilder::new(StringBuilder::new());
    large_areas.append_value([Some("storage")]);
    large_areas.append_value::<[Option<&str>; 0], _>([]);
    let kind: DictionaryArray<Int32Type> = vec!["municipality", "county_municipality"].into_iter().collect();
    let typed = batch(vec![
        ("record_id", Arc::new(Int64Array::from(vec![17, 18])) as ArrayRef),
        ("organisation_number", Arc::new(UInt32Array::from(vec![958935420, 938626367]))),
        ("kind", Arc::new(kind)),
        ("municipality_number", Arc::new(Int64Array::from(vec![Some(301), None]))),
        ("county_number", Arc::new(UInt16Array::from(vec![None, Some(3)]))),
        ("name", Arc::new(LargeStringArray::from(vec!["Oslo kommune", "Viken"]))),
        ("inhabitants", Arc::new(Float64Array::from(vec![Some(673469.0), None]))),
        ("survey_year", Arc::new(StringViewArray::from(vec!["2018", "2018"]))),
        ("has_strategy", Arc::new(BooleanArray::from(vec![Some(true), Some(false)]))),
        ("strategy_areas", Arc::new(areas.finish())),
        ("uses_cloud", Arc::new(BooleanArray::from(vec![Some(true), None]))),
        ("cloud_areas", Arc::new(large_areas.finish())),
    ]);
    let header =
        [&["record_id"], &IDENTITY[..], &["has_strategy", "strategy_areas", "uses_cloud", "cloud_areas"]].concat();
    let expected = [
        csv_record(
            &header,
            &[
                "17",
                "958935420",
                "municipality",
                "0301",
                "",
                "Oslo kommune",
                "673469",
                "2018",
                "yes",
                "green_ict;robotisation",
                "yes",
                "storage",
            ],
        ),
        csv_record(
            &header,
            &["18", "938626367", "county_municipality", "", "03", "Viken", "", "2018", "no", "", "", ""],
        ),
    ];
    let records: Vec<_> = read(&typed).into_iter().map(Result::unwrap).collect();
    assert_eq!(records, expected);
    let respondent = records[0].response.as_ref().unwrap().respondent.as_ref().unwrap();
    assert_eq!(respondent.municipality_number, "0301", "an integer municipality number is padded to four digits");
}

#[test]
fn the_columns_are_checked_as_a_csv_header_is() {
    let identity = |extra: Vec<(&'static str, ArrayRef)>| {
        let mut columns: Vec<(&str, ArrayRef)> = IDENTITY.iter().map(|c| (*c, strings(&[None]))).collect();
        columns.extend(extra);
        batch(columns)
    };
    let error = |batch: RecordBatch| ArrowRows::new(&batch.schema()).unwrap_err().to_string();
    assert_eq!(
        error(identity(vec![("hindrances", strings(&[None]))])),
        "unknown column `hindrances` (docs/batch-formats.md lists the columns)"
    );
    assert_eq!(
        error(batch(vec![("organisation_number", strings(&[None]))])),
        "the header lacks the required column `kind`"
    );
    assert_eq!(
        error(identity(vec![("hindrance", Arc::new(Int64Array::from(vec![1])))])),
        "column `hindrance`: an Arrow column of type Int64 cannot be read here (expected Utf8, LargeUtf8, Utf8View or a dictionary of strings)"
    );
    assert_eq!(
        error(identity(vec![("cloud_areas", Arc::new(BooleanArray::from(vec![true])))])),
        "column `cloud_areas`: an Arrow column of type Boolean cannot be read here (expected Utf8, LargeUtf8, Utf8View, a dictionary of strings, or a List or LargeList of strings)"
    );
}

#[test]
fn a_bad_cell_is_named_by_its_row_and_column() {
    let mut columns: Vec<(&str, ArrayRef)> = IDENTITY.iter().map(|c| (*c, strings(&[None, None, None]))).collect();
    columns[5] = ("inhabitants", Arc::new(Float64Array::from(vec![Some(12.0), Some(1.5), None])));
    columns.push(("hindrance", strings(&[Some("very_small"), None, Some("big")])));
    let mut areas = ListBuilder::new(StringBuilder::new());
    areas.append_value([Some("storage;backup")]);
    areas.append_null();
    areas.append_null();
    columns.push(("cloud_areas", Arc::new(areas.finish())));
    columns.push(("uses_cloud", Arc::new(BooleanArray::from(vec![true, true, true]))));
    let messages: Vec<String> = read(&batch(columns)).into_iter().map(|r| r.unwrap_err().to_string()).collect();
    assert_eq!(
        messages,
        [
            "row 1: column `cloud_areas`: the list item \"storage;backup\" holds `;`",
            "row 2: column `inhabitants`: 1.5 is not a whole number",
            "row 3: column `hindrance`: unknown value \"big\" (expected one of: very_small, fairly_small, neither, fairly_large, very_large, dont_know)",
        ]
    );
}

#[test]
fn a_batch_with_other_columns_is_refused_under_its_first_row() {
    let first = batch(IDENTITY.iter().map(|c| (*c, strings(&[None]))).collect());
    let rows = ArrowRows::new(&first.schema()).unwrap();
    let mut other: Vec<(&str, ArrayRef)> = IDENTITY.iter().map(|c| (*c, strings(&[None]))).collect();
    other[5] = ("inhabitants", Arc::new(Int64Array::from(vec![1])));
    let other = batch(other);
    let errors: Vec<_> = rows.records(&other, 1025).collect();
    assert_eq!(errors.len(), 1);
    let error = errors[0].as_ref().unwrap_err();
    assert_eq!(error.row, 1025);
    assert!(matches!(error.error, ArrowRowsError::Schema { .. }), "{error}");
}

#[test]
fn a_column_of_the_null_type_reads_as_empty_cells() {
    // pyarrow gives the null type to a column whose cells are all empty.
    let header = [&IDENTITY[..], &["has_strategy"]].concat();
    let row = ["958935420", "municipality", "0301", "", "Oslo kommune", "673469", "2018", ""];
    let columns: Vec<(&str, ArrayRef)> = header
        .iter()
        .zip(row)
        .map(|(name, cell)| {
            let column: ArrayRef =
                if cell.is_empty() { Arc::new(arrow_array::NullArray::new(1)) } else { strings(&[Some(cell)]) };
            (*name, column)
        })
        .collect();
    assert_eq!(read(&batch(columns)), vec![Ok(csv_record(&header, &row))]);
}
