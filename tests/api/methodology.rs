use indikator::proto::v1::{self as pb, GetMethodologyRequest};

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
    // Only four procurement activities are named in the source (METHOD.md §1.3).
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
    for composite in &ssb.composites {
        assert_eq!(composite.cells.len(), 25, "{}", composite.id);
        assert_eq!(composite.grades.iter().map(|g| g.published_count).sum::<u32>(), 377);
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
