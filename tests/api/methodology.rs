use indikator_app::proto::v1::{self as pb, GetMethodologyRequest};

use crate::helpers::{spawn_app, violated_fields};

#[tokio::test]
async fn get_methodology_marks_reconstructed_items_as_reconstructed() {
    let mut app = spawn_app().await;
    let response = app.client.get_methodology(GetMethodologyRequest::default()).await.unwrap().into_inner();
    let ssb = response.methodologies.iter().find(|m| m.id == "ssb-2018").expect("ssb-2018");
    let strategy = ssb.item_lists.iter().find(|l| l.id == "strategy_areas").unwrap();
    let provenance = |id: &str| strategy.items.iter().find(|i| i.id == id).unwrap().provenance();
    assert_eq!(provenance("STRATEGY_AREA_ROBOTISATION"), pb::Provenance::Published);
    assert_eq!(provenance("STRATEGY_AREA_DIGITAL_SERVICES_FOR_BUSINESSES"), pb::Provenance::Reconstructed);
    let reconstructed = strategy.items.iter().filter(|i| i.provenance() == pb::Provenance::Reconstructed).count();
    assert_eq!(reconstructed, 5);
    assert_eq!(provenance("STRATEGY_AREA_CLOUD_SERVICES"), pb::Provenance::Reconstructed);
    assert_eq!(provenance("STRATEGY_AREA_COMMON_SOLUTIONS"), pb::Provenance::Reconstructed);
    // Only four procurement activities are named in the source (docs/method.md §1.3).
    let procurement = ssb.item_lists.iter().find(|l| l.id == "procurement_activities").unwrap();
    let published: Vec<&str> = procurement
        .items
        .iter()
        .filter(|i| i.provenance() == pb::Provenance::Published)
        .map(|i| i.label.as_str())
        .collect();
    assert_eq!(
        published,
        [
            "Evaluering og tildeling av kontrakt",
            "Mottak av faktura",
            "Kontroll og validering av innhold i mottatt faktura",
            "Oppfølging av inngåtte avtaler",
        ]
    );
    let profile = ssb.categoricals.iter().find(|c| c.id == "ssb-2018/competence_profile").unwrap();
    assert_eq!(profile.provenance(), pb::Provenance::Reconstructed);
}

#[tokio::test]
async fn get_methodology_gives_bands_and_full_composite_tables() {
    let mut app = spawn_app().await;
    let request = GetMethodologyRequest { methodology_id: "ssb-2018".into() };
    let ssb = app.client.get_methodology(request).await.unwrap().into_inner().methodologies.remove(0);
    let strategy = ssb.count_indicators.iter().find(|i| i.id == "ssb-2018/strategy").unwrap();
    let bands: Vec<(u32, u32, u32)> = strategy.bands.iter().map(|b| (b.score, b.min_count, b.max_count)).collect();
    assert_eq!(bands, [(0, 0, 0), (1, 1, 5), (2, 6, 9), (3, 10, 11), (4, 12, 13)]);
    assert_eq!(strategy.published_median, 9.0);
    // Each composite against its rule in docs/method.md §1.1 and §1.3, cell by cell.
    let ids: Vec<_> = ssb.composites.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["ssb-2018/digital_priority", "ssb-2018/digital_use", "ssb-2018/digital_activity"]);
    let published: [(&str, &str, [u32; 5]); 3] = [
        ("ssb-2018/strategy", "ssb-2018/projects", [34, 105, 29, 110, 99]),
        ("ssb-2018/cloud", "ssb-2018/procurement", [28, 101, 51, 107, 90]),
        ("ssb-2018/digital_use", "ssb-2018/service_offer", [31, 112, 111, 37, 86]),
    ];
    for (composite, (rows, columns, counts)) in ssb.composites.iter().zip(published) {
        assert_eq!((composite.row_indicator.as_str(), composite.column_indicator.as_str()), (rows, columns));
        let rule = if composite.id == "ssb-2018/digital_priority" { priority_rule } else { activity_rule };
        let mut seen = std::collections::BTreeSet::new();
        for cell in &composite.cells {
            assert!(seen.insert((cell.row_score, cell.column_score)), "{}: a cell twice: {cell:?}", composite.id);
            assert_eq!(cell.grade, rule(cell.row_score, cell.column_score), "{}: {cell:?}", composite.id);
        }
        assert_eq!(seen.len(), 25, "{}: every cell of 0–4 × 0–4", composite.id);
        assert!(seen.iter().all(|&(r, c)| r <= 4 && c <= 4), "{}", composite.id);
        let per_grade: Vec<u32> = composite.grades.iter().map(|g| g.published_count).collect();
        assert_eq!(per_grade, counts, "{}", composite.id);
    }
}

/// docs/method.md §1.1, digital prioritering (S = row, P = column): 0 when S = P = 0;
/// 4 when S ≥ 3 and P ≥ 3; 2 when S ≥ 3, P ≤ 2; 3 when P ≥ 3, S ≤ 2; 1 otherwise.
fn priority_rule(s: u32, p: u32) -> u32 {
    match (s, p) {
        (0, 0) => 0,
        (3.., 3..) => 4,
        (3.., _) => 2,
        (_, 3..) => 3,
        _ => 1,
    }
}

/// docs/method.md §1.3, use and activity (row, column): 0 when both are 0 or one is 0
/// and the other 1; 1 when both are in 1–2 or one is 0 and the other 2; 2 when
/// row ≥ 3 and column ≤ 2; 3 when column ≥ 3 and row ≤ 2; 4 when both ≥ 3.
fn activity_rule(row: u32, column: u32) -> u32 {
    match (row, column) {
        (3.., 3..) => 4,
        (3.., _) => 2,
        (_, 3..) => 3,
        (0, 0) | (0, 1) | (1, 0) => 0,
        _ => 1,
    }
}

#[tokio::test]
async fn an_unknown_methodology_is_an_invalid_argument() {
    let mut app = spawn_app().await;
    let status =
        app.client.get_methodology(GetMethodologyRequest { methodology_id: "nav-2030".into() }).await.unwrap_err();
    assert_eq!(violated_fields(&status), ["methodology_id"]);
}

#[tokio::test]
async fn get_methodology_states_the_relative_calibration_rule_guard_and_base_and_whom_each_method_covers() {
    let mut app = spawn_app().await;
    let response = app.client.get_methodology(GetMethodologyRequest::default()).await.unwrap().into_inner();
    let method = |id: &str| response.methodologies.iter().find(|m| m.id == id).unwrap().clone();
    let rule = |m: &pb::Methodology, id: &str| m.rules.iter().find(|r| r.id == id).unwrap().clone();
    let ssb = method("ssb-2018");
    let cuts = rule(&ssb, "relative_calibration.cuts");
    assert!(cuts.rule.contains("1 ≤ t1 < t2 < t3 < M") && cuts.rule.contains("t2 in [2, M−2]"), "{}", cuts.rule);
    assert_eq!(cuts.provenance(), pb::Provenance::Reconstructed);
    let guard = rule(&ssb, "relative_calibration.guard").rule;
    assert!(guard.contains("fewer than 20") && guard.contains("fewer than 4 distinct"), "{guard}");
    assert!(rule(&ssb, "relative_calibration.base").rule.starts_with("The base is the round's municipalities"));
    let strategy = ssb.count_indicators.iter().find(|i| i.id == "ssb-2018/strategy").unwrap();
    assert!(strategy.median_base.starts_with("those with a strategy"));
    use pb::RespondentKind as K;
    let kinds = |m: &pb::Methodology| m.respondent_kinds().collect::<Vec<K>>();
    assert_eq!(kinds(&ssb), [K::Municipality, K::CountyMunicipality, K::StateAgency]);
    let ks = method("ks-2018");
    assert_eq!(kinds(&ks), [K::Municipality, K::CountyMunicipality]);
    assert_eq!(rule(&ks, "score_card.region_and_rank").provenance(), pb::Provenance::Reconstructed);
    let services = method("riksrevisjonen-2015");
    assert_eq!(kinds(&services), [K::Municipality]);
    assert_eq!(rule(&services, "service_levels").provenance(), pb::Provenance::Reconstructed);
}

/// Every published figure is described by GetMethodology under its methodology, with
/// its reference, phrase and comparison, so any client can show it.
#[tokio::test]
async fn get_methodology_gives_every_published_figure_with_its_reference_and_comparison() {
    use indikator_core::methodology::figures::PUBLISHED_FIGURES;
    let mut app = spawn_app().await;
    let response = app.client.get_methodology(GetMethodologyRequest::default()).await.unwrap().into_inner();
    for m in &response.methodologies {
        let carried = PUBLISHED_FIGURES.iter().filter(|f| f.methodology == m.id).count();
        assert_eq!(m.published_figures.len(), carried, "{}", m.id);
        assert!(m.published_figures.iter().all(|f| f.id.starts_with(&format!("{}/", m.id))
            && !f.source.is_empty()
            && !f.phrase.is_empty()
            && !f.comparison.is_empty()));
    }
    let figure = |methodology: &str, id: &str| {
        let m = response.methodologies.iter().find(|m| m.id == methodology).unwrap();
        m.published_figures.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("{id}")).clone()
    };
    let sik_1 = figure("ks-2018", "ks-2018/item/sik-1/every_unit");
    assert!(sik_1.phrase.contains("i samtlige virksomheter") && sik_1.group == "all", "{sik_1:?}");
    let coordinated = figure("riksrevisjonen-2015", "riksrevisjonen-2015/opinion/requirements_not_coordinated");
    assert_eq!((coordinated.published.as_str(), coordinated.value), ("61 %", 0.61));
    assert_eq!(coordinated.group, "RESPONDENT_KIND_MUNICIPALITY");
    let median = figure("ssb-2018", "ssb-2018/median/strategy");
    assert!(median.impossible.contains("Tabell 3.1"), "{median:?}");
    assert_eq!(
        figure("ssb-2018", "ssb-2018/fig-5.1/uses_cloud_under_5000").source,
        "SSB Rapporter 2019/14, Figur 5.1 fotnote 5"
    );
}
