//! The shipped catalogues, every answer→value map, and every kind of broken catalogue
//! refused with a message naming the file, the entry and the problem.

use super::*;

const FILE: &str = "test.toml";

/// The catalogue's own fields and one area `a` (no published count).
const HEADER: &str = r#"
id = "test"
name_nb = "Test"
name_en = "Test"
source = "Unit test"
provenance = "reconstructed"

[[areas]]
id = "a"
name_nb = "Område A"
name_en = "Area A"
provenance = "published"
"#;

const DEGREE_OPTIONS: &str = r#"options = [
  { id = "1", label_nb = "I svært liten grad", value = 1.0 },
  { id = "2", label_nb = "I liten grad", value = 2.0 },
  { id = "3", label_nb = "I noen grad", value = 3.0 },
  { id = "4", label_nb = "I høy grad", value = 4.0 },
  { id = "5", label_nb = "I svært høy grad", value = 5.0 },
  { id = "vet-ikke", label_nb = "Vet ikke" },
]"#;

const YES_NO_OPTIONS: &str = r#"options = [
  { id = "ja", label_nb = "Ja", value = 5.0 },
  { id = "nei", label_nb = "Nei", value = 0.0 },
  { id = "vet-ikke", label_nb = "Vet ikke" },
]"#;

const SINGLE_OPTIONS: &str = r#"options = [
  { id = "lav", label_nb = "Lav", label_en = "Low", value = 0.0 },
  { id = "middels", label_nb = "Middels", label_en = "Medium", value = 2.5 },
  { id = "hoy", label_nb = "Høy", label_en = "High", value = 5.0 },
  { id = "vet-ikke", label_nb = "Vet ikke" },
]"#;

const MULTI_OPTIONS: &str = r#"options = [
  { id = "x", label_nb = "X" },
  { id = "y", label_nb = "Y" },
  { id = "z", label_nb = "Z" },
]"#;

/// One `[[items]]` table in area `a`; `rest` holds the options and `max_count`.
fn item(id: &str, answer: &str, rest: &str) -> String {
    format!(
        "\n[[items]]\nid = \"{id}\"\narea = \"a\"\nquestion_nb = \"Spørsmål\"\nquestion_en = \"Question\"\n\
         answer = \"{answer}\"\nprovenance = \"published\"\n{rest}\n"
    )
}

/// [`HEADER`] followed by these items.
fn questionnaire(items: &[String]) -> String {
    format!("{HEADER}{}", items.concat())
}

/// One item of every answer type, all valid.
fn every_type() -> Vec<String> {
    vec![
        item("grad", "degree", DEGREE_OPTIONS),
        item("jn", "yes_no", YES_NO_OPTIONS),
        item("valg", "single_choice", SINGLE_OPTIONS),
        item("flere", "multi_choice", &format!("{MULTI_OPTIONS}\nmax_count = 2")),
        item("niva", "level", ""),
    ]
}

fn service(id: &str, area: &str) -> String {
    format!(
        "\n[[services]]\nid = \"{id}\"\narea = \"{area}\"\nname_nb = \"Tjeneste {id}\"\nname_en = \"Service {id}\"\n\
         provenance = \"reconstructed\"\n"
    )
}

fn parsed(text: &str) -> Catalogue {
    Catalogue::parse(FILE, text).unwrap_or_else(|e| panic!("{e}"))
}

/// The message a refused catalogue gives.
fn refused(text: &str) -> String {
    match Catalogue::parse(FILE, text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// `text` with `from` (which must occur exactly once) replaced.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
    text.replacen(from, to, 1)
}

fn ks() -> Catalogue {
    shipped().into_iter().find(|c| c.id == KS_2018).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

// ---------------------------------------------------------------------------------
// The shipped catalogues
// ---------------------------------------------------------------------------------

#[test]
fn the_shipped_catalogues_parse_and_load_without_a_directory_gives_them() {
    let shipped = shipped();
    let ids: Vec<&str> = shipped.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [KS_2018, RIKSREVISJONEN_2015]);
    assert_eq!(load(None).unwrap(), shipped);
    for catalogue in &shipped {
        assert_eq!(catalogue.provenance, Provenance::Reconstructed, "{}", catalogue.id);
        assert_eq!(catalogue.min_coverage, DEFAULT_MIN_COVERAGE, "{}", catalogue.id);
    }
}

#[test]
fn ks_2018_has_the_eight_published_areas_with_their_item_counts_and_means() {
    let ks = ks();
    assert_eq!(ks.kind, CatalogueKind::Questionnaire);
    assert!(ks.services.is_empty());
    let counts: Vec<usize> = (0..ks.areas.len()).map(|a| ks.area_size(a)).collect();
    assert_eq!(counts, [2, 12, 2, 6, 5, 12, 12, 12]);
    let published: Vec<Option<u32>> = ks.areas.iter().map(|a| a.published_item_count).collect();
    assert_eq!(published, counts.iter().map(|&c| Some(c as u32)).collect::<Vec<_>>());
    let means: Vec<f64> = ks.areas.iter().map(|a| a.published_national_mean.unwrap()).collect();
    assert_eq!(means, [1.9, 2.1, 2.6, 2.9, 3.2, 2.7, 3.0, 3.0]);
    assert!(ks.areas.iter().all(|a| a.provenance == Provenance::Published));
    assert_eq!(ks.items.len(), 63);
}

#[test]
fn riksrevisjonen_2015_has_19_services_in_three_areas_and_five_questions_beside_them() {
    let rr = shipped().into_iter().find(|c| c.id == RIKSREVISJONEN_2015).unwrap();
    assert_eq!(rr.kind, CatalogueKind::Services);
    let questions: Vec<&str> = rr.items.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(
        questions,
        ["kravene-koordinert", "godt-samarbeid", "hinder-kompetanse", "hinder-kostnader", "gevinstrealisering"]
    );
    assert!(rr.items.iter().all(|q| q.provenance == Provenance::Reconstructed && q.area == 0));
    assert_eq!(rr.services.len(), 19);
    let areas: Vec<(&str, usize)> = (0..rr.areas.len()).map(|a| (rr.areas[a].id.as_str(), rr.area_size(a))).collect();
    assert_eq!(areas, [("oppvekst-og-utdanning", 6), ("helse-og-velferd", 7), ("plan-bygg-og-geodata", 6)]);
    assert!(rr.services.iter().all(|s| s.provenance == Provenance::Reconstructed));
    assert_eq!(rr.service_index("byggesoknad"), Some(13));
    assert_eq!(rr.service_index("nope"), None);
}

#[test]
fn every_shipped_item_can_be_answered_by_its_type_and_with_dont_know() {
    for item in ks().items {
        let answer = match item.answer {
            AnswerType::Degree => TypedAnswer::Degree(5),
            AnswerType::YesNo => TypedAnswer::YesNo(true),
            AnswerType::SingleChoice => TypedAnswer::Choice(&item.options.last().unwrap().id),
            AnswerType::MultiChoice { .. } => TypedAnswer::Choices(vec![]),
            AnswerType::Level => TypedAnswer::Level(3),
        };
        let value = item.value(&answer).unwrap_or_else(|e| panic!("{}: {e}", item.id));
        assert!(value.is_none_or(|v| (0.0..=5.0).contains(&v)), "{}", item.id);
        assert_eq!(item.value(&TypedAnswer::DontKnow), Ok(None), "{}", item.id);
    }
}

// ---------------------------------------------------------------------------------
// Answer → value maps (docs/method.md §2)
// ---------------------------------------------------------------------------------

#[test]
fn the_test_catalogue_with_one_item_of_every_type_parses() {
    let c = parsed(&questionnaire(&every_type()));
    let types: Vec<AnswerType> = c.items.iter().map(|i| i.answer).collect();
    assert_eq!(
        types,
        [
            AnswerType::Degree,
            AnswerType::YesNo,
            AnswerType::SingleChoice,
            AnswerType::MultiChoice { max_count: 2 },
            AnswerType::Level
        ]
    );
    assert_eq!(c.items[2].options[1].label_en, "Medium");
    assert_eq!(c.items[0].options[0].label_en, "", "label_en may be left out");
    assert_eq!(c.item_index("niva"), Some(4));
    assert_eq!(c.item_index("nope"), None);
}

#[test]
fn degree_k_is_the_value_of_the_k_th_valued_option() {
    let ks = ks();
    let item = &ks.items[ks.item_index("ikt-1").unwrap()];
    let values: Vec<Option<f64>> = (1..=5).map(|k| item.value(&TypedAnswer::Degree(k)).unwrap()).collect();
    assert_eq!(values, [Some(1.0), Some(2.0), Some(3.0), Some(4.0), Some(5.0)]);
}

#[test]
fn degree_follows_the_file_s_values_not_the_degree_number() {
    let shifted = DEGREE_OPTIONS.replace("value = 1.0", "value = 0.0").replace("value = 4.0", "value = 4.5");
    let c = parsed(&questionnaire(&[item("g", "degree", &shifted)]));
    assert_eq!(c.items[0].value(&TypedAnswer::Degree(1)), Ok(Some(0.0)));
    assert_eq!(c.items[0].value(&TypedAnswer::Degree(4)), Ok(Some(4.5)));
}

#[test]
fn yes_is_5_and_no_is_0() {
    let ks = ks();
    let item = &ks.items[ks.item_index("bis-2").unwrap()];
    assert_eq!(item.value(&TypedAnswer::YesNo(true)), Ok(Some(5.0)));
    assert_eq!(item.value(&TypedAnswer::YesNo(false)), Ok(Some(0.0)));
}

#[test]
fn a_single_choice_is_worth_its_option_s_value_and_an_option_without_one_is_unanswered() {
    let ks = ks();
    let sik_1 = &ks.items[ks.item_index("sik-1").unwrap()];
    assert_eq!(sik_1.value(&TypedAnswer::Choice("under-halvparten")), Ok(Some(1.5)));
    assert_eq!(sik_1.value(&TypedAnswer::Choice("samtlige")), Ok(Some(5.0)));
    let sik_3 = &ks.items[ks.item_index("sik-3").unwrap()];
    assert_eq!(sik_3.value(&TypedAnswer::Choice("vet-ikke")), Ok(None));
}

#[test]
fn multi_choice_is_5_times_selected_over_max_count_capped_at_max_count() {
    let ks = ks();
    let bis_1 = &ks.items[ks.item_index("bis-1").unwrap()];
    assert_eq!(bis_1.answer, AnswerType::MultiChoice { max_count: 6 });
    let ids = ["moteplasser", "henvendelser", "undersokelser", "tjenestedesign", "prosessanalyser", "andre"];
    let choose = |n: usize| TypedAnswer::Choices(ids[..n].to_vec());
    assert_eq!(bis_1.value(&choose(0)), Ok(Some(0.0)), "an empty selection is a valid answer worth 0");
    assert_eq!(bis_1.value(&choose(3)), Ok(Some(2.5)));
    assert_eq!(bis_1.value(&choose(6)), Ok(Some(5.0)));

    // max_count 2 of 3 options: one choice 2.5, two or three the full 5.
    let c = parsed(&questionnaire(&every_type()));
    let flere = &c.items[c.item_index("flere").unwrap()];
    let choices = |ids: &[&'static str]| TypedAnswer::Choices(ids.to_vec());
    assert_eq!(flere.value(&choices(&["y"])), Ok(Some(2.5)));
    assert_eq!(flere.value(&choices(&["x", "z"])), Ok(Some(5.0)));
    assert_eq!(flere.value(&choices(&["x", "y", "z"])), Ok(Some(5.0)));
}

#[test]
fn multi_choice_without_max_count_takes_every_option_as_the_full_score() {
    let c = parsed(&questionnaire(&[item("m", "multi_choice", MULTI_OPTIONS)]));
    assert_eq!(c.items[0].answer, AnswerType::MultiChoice { max_count: 3 });
}

#[test]
fn levels_0_to_3_are_worth_0_5_thirds_10_thirds_and_5() {
    let ks = ks();
    let item = &ks.items[ks.item_index("uo-1").unwrap()];
    let values: Vec<f64> = (0..=3).map(|l| item.value(&TypedAnswer::Level(l)).unwrap().unwrap()).collect();
    let expected = [0.0, 5.0 / 3.0, 10.0 / 3.0, 5.0];
    assert!(values.iter().zip(expected).all(|(&v, e)| close(v, e)), "{values:?}");
}

#[test]
fn dont_know_leaves_every_type_of_item_unanswered() {
    let c = parsed(&questionnaire(&every_type()));
    for item in &c.items {
        assert_eq!(item.value(&TypedAnswer::DontKnow), Ok(None), "{}", item.id);
    }
}

// ---------------------------------------------------------------------------------
// Answers an item does not allow
// ---------------------------------------------------------------------------------

fn test_item(id: &str) -> ItemDef {
    let c = parsed(&questionnaire(&every_type()));
    c.items[c.item_index(id).unwrap()].clone()
}

#[test]
fn an_answer_of_the_wrong_kind_for_the_item_s_type_is_refused() {
    let cases = [
        ("grad", TypedAnswer::YesNo(true), "item `grad` is a `degree` item; a yes/no answer does not fit it"),
        ("jn", TypedAnswer::Choice("ja"), "item `jn` is a `yes_no` item; a single choice does not fit it"),
        ("valg", TypedAnswer::Degree(3), "item `valg` is a `single_choice` item; a degree answer does not fit it"),
        ("flere", TypedAnswer::Choice("x"), "item `flere` is a `multi_choice` item; a single choice does not fit it"),
        ("niva", TypedAnswer::Choices(vec![]), "item `niva` is a `level` item; a multiple choice does not fit it"),
        ("grad", TypedAnswer::Level(1), "item `grad` is a `degree` item; a level answer does not fit it"),
    ];
    for (id, answer, message) in cases {
        assert_eq!(test_item(id).value(&answer), Err(message.to_owned()), "{id} {answer:?}");
    }
}

#[test]
fn a_degree_outside_1_to_5_is_refused() {
    let grad = test_item("grad");
    assert_eq!(grad.value(&TypedAnswer::Degree(0)), Err("degree 0 is outside 1–5".to_owned()));
    assert_eq!(grad.value(&TypedAnswer::Degree(6)), Err("degree 6 is outside 1–5".to_owned()));
}

#[test]
fn a_level_above_3_is_refused() {
    assert_eq!(test_item("niva").value(&TypedAnswer::Level(4)), Err("level 4 is outside 0–3".to_owned()));
}

#[test]
fn an_unknown_option_id_is_refused_for_single_and_multi_choice() {
    assert_eq!(
        test_item("valg").value(&TypedAnswer::Choice("kanskje")),
        Err("`kanskje` is not an option of item `valg`".to_owned())
    );
    assert_eq!(
        test_item("flere").value(&TypedAnswer::Choices(vec!["x", "w"])),
        Err("`w` is not an option of item `flere`".to_owned())
    );
}

#[test]
fn an_option_chosen_twice_is_refused() {
    assert_eq!(
        test_item("flere").value(&TypedAnswer::Choices(vec!["x", "y", "x"])),
        Err("option `x` is chosen twice".to_owned())
    );
}

#[test]
fn more_choices_than_options_are_refused() {
    let four = TypedAnswer::Choices(vec!["x", "y", "z", "x"]);
    assert_eq!(test_item("flere").value(&four), Err("4 choices, but item `flere` has only 3 options".to_owned()));
}

// ---------------------------------------------------------------------------------
// Broken catalogues, each refused with a message naming file, entry and problem
// ---------------------------------------------------------------------------------

#[test]
fn a_toml_syntax_error_is_refused_with_its_line() {
    let message = refused(&edit(&questionnaire(&every_type()), "id = \"test\"", "id = \"test"));
    assert!(message.starts_with("test.toml: TOML parse error at line 2"), "{message}");
}

#[test]
fn an_unknown_key_is_refused_wherever_it_is() {
    let top = refused(&format!("colour = \"red\"\n{}", questionnaire(&every_type())));
    assert!(
        top.starts_with("test.toml: TOML parse error at line 1") && top.contains("unknown field `colour`"),
        "{top}"
    );

    let in_item = refused(&questionnaire(&[item("n", "level", "maximum = 3")]));
    assert!(in_item.starts_with("test.toml: ") && in_item.contains("unknown field `maximum`"), "{in_item}");

    let in_option = refused(&questionnaire(&[item(
        "v",
        "single_choice",
        "options = [{ id = \"a\", label_nb = \"A\", points = 1.0 }]",
    )]));
    assert!(in_option.starts_with("test.toml: ") && in_option.contains("unknown field `points`"), "{in_option}");

    let in_area =
        refused(&edit(&questionnaire(&every_type()), "name_en = \"Area A\"", "name_en = \"Area A\"\ncode = 1"));
    assert!(in_area.contains("unknown field `code`"), "{in_area}");
}

#[test]
fn a_catalogue_without_an_id_or_with_an_empty_one_is_refused() {
    let text = questionnaire(&every_type());
    let expected = "test.toml: `id` is missing or empty";
    assert_eq!(refused(&edit(&text, "id = \"test\"\n", "")), expected);
    assert_eq!(refused(&edit(&text, "id = \"test\"", "id = \"\"")), expected);
    assert_eq!(refused(&edit(&text, "id = \"test\"", "id = \"  \"")), expected);
}

#[test]
fn a_missing_name_or_source_is_refused_naming_the_field() {
    let text = questionnaire(&every_type());
    assert_eq!(refused(&edit(&text, "name_nb = \"Test\"\n", "")), "test.toml: `name_nb` is missing or empty");
    assert_eq!(refused(&edit(&text, "name_en = \"Test\"\n", "")), "test.toml: `name_en` is missing or empty");
    assert_eq!(refused(&edit(&text, "source = \"Unit test\"\n", "")), "test.toml: `source` is missing or empty");
    assert_eq!(
        refused(&edit(&text, "name_nb = \"Område A\"\n", "")),
        "test.toml: area `a`: `name_nb` is missing or empty"
    );
    assert_eq!(
        refused(&edit(&text, "name_en = \"Area A\"", "name_en = \"\"")),
        "test.toml: area `a`: `name_en` is missing or empty"
    );
}

#[test]
fn an_item_without_an_id_or_question_is_refused_naming_it_by_position_or_id() {
    let mut items = every_type();
    items[1] = items[1].replace("id = \"jn\"\n", "");
    assert_eq!(refused(&questionnaire(&items)), "test.toml: item #2: `id` is missing or empty");

    let mut items = every_type();
    items[2] = items[2].replace("question_en = \"Question\"\n", "");
    assert_eq!(refused(&questionnaire(&items)), "test.toml: item `valg`: `question_en` is missing or empty");

    let mut items = every_type();
    items[0] = items[0].replace("question_nb = \"Spørsmål\"", "question_nb = \"\"");
    assert_eq!(refused(&questionnaire(&items)), "test.toml: item `grad`: `question_nb` is missing or empty");

    let mut items = every_type();
    items[4] = items[4].replace("answer = \"level\"\n", "");
    assert_eq!(refused(&questionnaire(&items)), "test.toml: item `niva`: `answer` is missing or empty");
}

#[test]
fn an_option_without_an_id_or_label_is_refused() {
    let no_id =
        item("v", "single_choice", "options = [{ id = \"a\", label_nb = \"A\", value = 1.0 }, { label_nb = \"B\" }]");
    assert_eq!(refused(&questionnaire(&[no_id])), "test.toml: item `v`: option #2: `id` is missing or empty");
    let no_label = item("v", "single_choice", "options = [{ id = \"a\", label_nb = \"\", value = 1.0 }]");
    assert_eq!(refused(&questionnaire(&[no_label])), "test.toml: item `v`: option `a`: `label_nb` is missing or empty");
}

#[test]
fn a_service_without_a_name_is_refused() {
    let text = format!("{HEADER}{}", service("s1", "a").replace("name_en = \"Service s1\"\n", ""));
    assert_eq!(refused(&text), "test.toml: service `s1`: `name_en` is missing or empty");
}

#[test]
fn duplicate_area_ids_are_refused() {
    let text = edit(
        &questionnaire(&every_type()),
        "[[areas]]",
        "[[areas]]\nid = \"a\"\nname_nb = \"A\"\nname_en = \"A\"\nprovenance = \"published\"\n\n[[areas]]",
    );
    assert_eq!(refused(&text), "test.toml: area `a`: duplicate id: areas #1 and #2 both use it");
}

#[test]
fn duplicate_item_ids_are_refused() {
    let mut items = every_type();
    items.push(item("jn", "level", ""));
    assert_eq!(refused(&questionnaire(&items)), "test.toml: item `jn`: duplicate id: items #2 and #6 both use it");
}

#[test]
fn duplicate_service_ids_are_refused() {
    let text = format!("{HEADER}{}{}{}", service("s1", "a"), service("s2", "a"), service("s1", "a"));
    assert_eq!(refused(&text), "test.toml: service `s1`: duplicate id: services #1 and #3 both use it");
}

#[test]
fn duplicate_option_ids_within_an_item_are_refused() {
    let options =
        "options = [{ id = \"a\", label_nb = \"A\", value = 1.0 }, { id = \"a\", label_nb = \"B\", value = 2.0 }]";
    assert_eq!(
        refused(&questionnaire(&[item("v", "single_choice", options)])),
        "test.toml: item `v`: option `a` is listed twice"
    );
}

#[test]
fn an_item_or_service_in_an_unknown_area_is_refused() {
    let mut items = every_type();
    items[3] = items[3].replace("area = \"a\"", "area = \"b\"");
    assert_eq!(
        refused(&questionnaire(&items)),
        "test.toml: item `flere`: area `b` is not one of the catalogue's [[areas]]"
    );

    let text = format!("{HEADER}{}{}", service("s1", "a"), service("s2", "oppvekst"));
    assert_eq!(refused(&text), "test.toml: service `s2`: area `oppvekst` is not one of the catalogue's [[areas]]");
}

#[test]
fn a_catalogue_with_both_items_and_services_is_refused() {
    let text = format!("{}{}", questionnaire(&every_type()), service("s1", "a"));
    assert_eq!(
        refused(&text),
        "test.toml: has both [[items]] and [[services]]; a catalogue is a questionnaire or a service list, not both"
    );
}

#[test]
fn a_catalogue_with_neither_items_nor_services_is_refused() {
    assert_eq!(refused(HEADER), "test.toml: has neither [[items]] (a questionnaire) nor [[services]] (a service list)");
}

#[test]
fn an_unknown_answer_type_is_refused() {
    assert_eq!(
        refused(&questionnaire(&[item("s", "scale", "")])),
        "test.toml: item `s`: answer type `scale` is not one of degree, yes_no, single_choice, multi_choice, level"
    );
}

#[test]
fn degree_yes_no_and_single_choice_items_without_options_are_refused() {
    for answer in ["degree", "yes_no", "single_choice"] {
        assert_eq!(
            refused(&questionnaire(&[item("q", answer, "")])),
            format!("test.toml: item `q`: a `{answer}` item needs options")
        );
    }
}

#[test]
fn degree_yes_no_and_single_choice_items_without_a_valued_option_are_refused() {
    let options = "options = [{ id = \"vet-ikke\", label_nb = \"Vet ikke\" }]";
    for answer in ["degree", "yes_no", "single_choice"] {
        assert_eq!(
            refused(&questionnaire(&[item("q", answer, options)])),
            format!("test.toml: item `q`: a `{answer}` item needs at least one option with a value")
        );
    }
}

#[test]
fn a_degree_item_needs_exactly_five_valued_options() {
    let four = DEGREE_OPTIONS.replace("label_nb = \"I noen grad\", value = 3.0", "label_nb = \"I noen grad\"");
    assert_eq!(
        refused(&questionnaire(&[item("g", "degree", &four)])),
        "test.toml: item `g`: a `degree` item needs exactly 5 options with a value \
         (i svært liten grad … i svært høy grad), it has 4"
    );
    let six = DEGREE_OPTIONS.replace("label_nb = \"Vet ikke\"", "label_nb = \"Vet ikke\", value = 0.0");
    assert!(refused(&questionnaire(&[item("g", "degree", &six)])).ends_with("it has 6"));
}

#[test]
fn a_yes_no_item_needs_valued_ja_and_nei_and_no_other_valued_option() {
    let no_nei = YES_NO_OPTIONS.replace("id = \"nei\"", "id = \"no\"");
    assert_eq!(
        refused(&questionnaire(&[item("j", "yes_no", &no_nei)])),
        "test.toml: item `j`: a `yes_no` item needs an option `nei` with a value"
    );
    let unvalued_ja = YES_NO_OPTIONS.replace("label_nb = \"Ja\", value = 5.0", "label_nb = \"Ja\"");
    assert_eq!(
        refused(&questionnaire(&[item("j", "yes_no", &unvalued_ja)])),
        "test.toml: item `j`: a `yes_no` item needs an option `ja` with a value"
    );
    let valued_dont_know = YES_NO_OPTIONS.replace("label_nb = \"Vet ikke\"", "label_nb = \"Vet ikke\", value = 2.5");
    assert_eq!(
        refused(&questionnaire(&[item("j", "yes_no", &valued_dont_know)])),
        "test.toml: item `j`: option `vet-ikke` has a value, but in a `yes_no` item only `ja` and `nei` carry one"
    );
}

#[test]
fn an_option_value_outside_0_to_5_or_nan_is_refused() {
    for (value, shown) in [("5.5", "5.5"), ("-1.0", "-1"), ("nan", "NaN"), ("inf", "inf")] {
        let options = SINGLE_OPTIONS.replace("value = 2.5", &format!("value = {value}"));
        assert_eq!(
            refused(&questionnaire(&[item("v", "single_choice", &options)])),
            format!("test.toml: item `v`: option `middels` has value {shown}, outside 0–5")
        );
    }
}

#[test]
fn a_level_item_with_options_is_refused() {
    assert_eq!(
        refused(&questionnaire(&[item("l", "level", MULTI_OPTIONS)])),
        "test.toml: item `l`: a `level` item takes no options (levels 0–3 are worth 0, 5/3, 10/3, 5)"
    );
}

#[test]
fn a_multi_choice_item_without_options_is_refused() {
    assert_eq!(
        refused(&questionnaire(&[item("m", "multi_choice", "max_count = 1")])),
        "test.toml: item `m`: a `multi_choice` item needs options"
    );
}

#[test]
fn a_multi_choice_max_count_of_0_or_above_the_option_count_is_refused() {
    assert_eq!(
        refused(&questionnaire(&[item("m", "multi_choice", &format!("{MULTI_OPTIONS}\nmax_count = 0"))])),
        "test.toml: item `m`: max_count must be at least 1"
    );
    assert_eq!(
        refused(&questionnaire(&[item("m", "multi_choice", &format!("{MULTI_OPTIONS}\nmax_count = 4"))])),
        "test.toml: item `m`: max_count 4 is more than the item's 3 options"
    );
}

#[test]
fn a_max_count_on_another_answer_type_is_refused() {
    assert_eq!(
        refused(&questionnaire(&[item("v", "single_choice", &format!("{SINGLE_OPTIONS}\nmax_count = 2"))])),
        "test.toml: item `v`: `max_count` applies only to `multi_choice` items"
    );
}

#[test]
fn option_values_on_a_multi_choice_item_are_refused() {
    let valued = MULTI_OPTIONS.replace("label_nb = \"Y\"", "label_nb = \"Y\", value = 1.0");
    assert_eq!(
        refused(&questionnaire(&[item("m", "multi_choice", &valued)])),
        "test.toml: item `m`: option `y` has a value, but `multi_choice` options carry none \
         (value = 5 × selected / max_count)"
    );
}

#[test]
fn an_area_whose_published_item_count_differs_from_its_items_is_refused() {
    let text = questionnaire(&every_type());
    let with_count =
        |n: u32| edit(&text, "name_en = \"Area A\"", &format!("name_en = \"Area A\"\npublished_item_count = {n}"));
    assert_eq!(parsed(&with_count(5)).areas[0].published_item_count, Some(5));
    assert_eq!(refused(&with_count(6)), "test.toml: area `a`: published_item_count is 6 but the area has 5 items");
    let services = format!("{HEADER}{}", service("s1", "a"))
        .replace("name_en = \"Area A\"", "name_en = \"Area A\"\npublished_item_count = 2");
    assert_eq!(refused(&services), "test.toml: area `a`: published_item_count is 2 but the area has 1 service");
}

#[test]
fn an_area_without_items_or_services_is_refused() {
    let text = edit(
        &questionnaire(&every_type()),
        "[[areas]]",
        "[[areas]]\nid = \"tom\"\nname_nb = \"Tom\"\nname_en = \"Empty\"\nprovenance = \"published\"\n\n[[areas]]",
    );
    assert_eq!(refused(&text), "test.toml: area `tom`: no items belong to this area");
}

#[test]
fn a_published_national_mean_outside_0_to_5_is_refused() {
    let text = edit(
        &questionnaire(&every_type()),
        "name_en = \"Area A\"",
        "name_en = \"Area A\"\npublished_national_mean = 6.1",
    );
    assert_eq!(refused(&text), "test.toml: area `a`: published_national_mean 6.1 is outside 0–5");
}

#[test]
fn min_coverage_defaults_to_half_and_outside_0_exclusive_to_1_is_refused() {
    let text = questionnaire(&every_type());
    assert_eq!(parsed(&text).min_coverage, 0.5);
    let with =
        |value: &str| edit(&text, "source = \"Unit test\"", &format!("source = \"Unit test\"\nmin_coverage = {value}"));
    assert_eq!(parsed(&with("1.0")).min_coverage, 1.0);
    assert_eq!(parsed(&with("0.25")).min_coverage, 0.25);
    for (value, shown) in [("0.0", "0"), ("1.5", "1.5"), ("-0.5", "-0.5"), ("nan", "NaN")] {
        assert_eq!(refused(&with(value)), format!("test.toml: min_coverage {shown} is outside (0, 1]"));
    }
}

#[test]
fn a_provenance_other_than_published_or_reconstructed_is_refused() {
    let text = questionnaire(&every_type());
    assert_eq!(
        refused(&edit(&text, "provenance = \"reconstructed\"", "provenance = \"official\"")),
        "test.toml: provenance `official` is neither `published` nor `reconstructed`"
    );
    let mut items = every_type();
    items[4] = items[4].replace("provenance = \"published\"", "provenance = \"Published\"");
    assert_eq!(
        refused(&questionnaire(&items)),
        "test.toml: item `niva`: provenance `Published` is neither `published` nor `reconstructed`"
    );
    let services = format!("{HEADER}{}", service("s1", "a").replace("provenance = \"reconstructed\"\n", ""));
    assert_eq!(refused(&services), "test.toml: service `s1`: `provenance` is missing or empty");
}

// ---------------------------------------------------------------------------------
// Loading a directory
// ---------------------------------------------------------------------------------

/// A small valid ks-2018 replacement and an extra catalogue.
fn custom_ks() -> String {
    questionnaire(&every_type()).replacen("id = \"test\"", "id = \"ks-2018\"", 1)
}

#[test]
fn a_custom_catalogue_directory_replaces_the_shipped_catalogue_with_the_same_id() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b-ks.toml"), custom_ks()).unwrap();
    std::fs::write(dir.path().join("a-own.toml"), format!("{HEADER}{}", service("s1", "a"))).unwrap();
    std::fs::write(dir.path().join("README.md"), "not a catalogue").unwrap();

    let loaded = load(Some(dir.path())).unwrap();
    let ids: Vec<&str> = loaded.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [KS_2018, RIKSREVISJONEN_2015, "test"]);
    assert_eq!(loaded[0].items.len(), 5, "the custom ks-2018, not the shipped one");
    assert_eq!(loaded[1], shipped()[1]);
    assert_eq!(loaded[2].kind, CatalogueKind::Services);
}

#[test]
fn a_directory_without_catalogues_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
    let message = load(Some(dir.path())).unwrap_err().to_string();
    assert_eq!(message, format!("{}: no catalogue (*.toml) in the directory", dir.path().display()));
}

#[test]
fn a_missing_directory_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    let message = load(Some(&missing)).unwrap_err().to_string();
    assert!(message.starts_with(&format!("{}: cannot read the catalogue directory: ", missing.display())), "{message}");
}

#[test]
fn one_broken_file_in_the_directory_refuses_the_whole_directory_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), custom_ks()).unwrap();
    let broken = custom_ks().replacen("answer = \"level\"", "answer = \"levels\"", 1);
    std::fs::write(dir.path().join("b.toml"), broken).unwrap();
    let message = load(Some(dir.path())).unwrap_err().to_string();
    assert_eq!(
        message,
        format!(
            "{}: item `niva`: answer type `levels` is not one of degree, yes_no, single_choice, multi_choice, level",
            dir.path().join("b.toml").display()
        )
    );
}

#[test]
fn two_files_with_the_same_catalogue_id_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.toml"), custom_ks()).unwrap();
    std::fs::write(dir.path().join("a.toml"), custom_ks()).unwrap();
    let message = load(Some(dir.path())).unwrap_err().to_string();
    assert_eq!(
        message,
        format!(
            "{}: catalogue id `ks-2018` is already used by {}",
            dir.path().join("b.toml").display(),
            dir.path().join("a.toml").display()
        )
    );
}

#[test]
fn values_are_whole_units_of_one_common_denominator_and_a_value_that_is_no_small_fraction_is_refused() {
    // 2.5 (halves), levels (thirds), max_count 2 (halves): the unit is 1/6.
    assert_eq!(parsed(&questionnaire(&every_type())).value_denominator, 6);
    let tenths = edit(&questionnaire(&every_type()), "value = 2.5", "value = 0.1");
    let catalogue = parsed(&tenths);
    assert_eq!(catalogue.value_denominator, 30);
    assert_eq!(catalogue.units(0.1), 3);
    assert_eq!(catalogue.units(5.0 / 3.0), 50);
    let message = refused(&edit(&questionnaire(&every_type()), "value = 2.5", "value = 2.718281828"));
    assert!(message.contains("option `middels` has value 2.718281828, not a fraction"), "{message}");
    // Fractions of 997, 991 and 983 each fit, their common denominator does not.
    let coarse = [("a", 1.0 / 997.0), ("b", 1.0 / 991.0), ("c", 1.0 / 983.0)];
    let items: Vec<String> = coarse
        .iter()
        .map(|(id, v)| {
            let options = format!(
                "options = [\n  {{ id = \"x\", label_nb = \"X\", value = {v:?} }},\n  {{ id = \"y\", label_nb = \"Y\", value = 0.0 }},\n]"
            );
            item(id, "single_choice", &options)
        })
        .collect();
    let message = refused(&questionnaire(&items));
    assert!(message.contains("common denominator"), "{message}");
}

#[test]
fn the_shipped_ks_catalogue_s_unit_is_1_168() {
    let ks = Catalogues::shipped().ks_2018.clone();
    assert_eq!(ks.value_denominator, 168);
    for item in &ks.items {
        for value in item.options.iter().filter_map(|o| o.value) {
            assert_eq!(ks.units(value) as f64, value * 168.0, "{}", item.id);
        }
    }
}

/// A service list's `[[questions]]`: kept as its items (answered and tallied), in
/// no area; refused with an area, and without a service list to ask them beside.
#[test]
fn a_service_list_takes_questions_in_no_area_and_nothing_else_does() {
    let question = item("mening", "yes_no", YES_NO_OPTIONS).replace("[[items]]", "[[questions]]");
    let without_area: String =
        question.lines().filter(|l| !l.starts_with("area = ")).map(|l| format!("{l}\n")).collect();
    let list = parsed(&format!("{HEADER}{}{without_area}", service("s1", "a")));
    assert_eq!(list.kind, CatalogueKind::Services);
    assert_eq!((list.services.len(), list.items.len(), list.items[0].id.as_str()), (1, 1, "mening"));
    assert_eq!(
        refused(&format!("{HEADER}{}{question}", service("s1", "a"))),
        "test.toml: question `mening`: has an area; a service list's questions are tallied, not scored by area"
    );
    assert_eq!(
        refused(&format!("{HEADER}{without_area}")),
        "test.toml: has [[questions]] but no [[services]]; questions are asked beside a service list"
    );
}
