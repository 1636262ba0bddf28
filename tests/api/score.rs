use indikator_client::proto::v1 as pb;

use crate::helpers::{example_request, spawn_app, violated_fields};

#[tokio::test]
async fn the_readme_example_is_scored_end_to_end() {
    let mut app = spawn_app().await;
    let results = app.client.score(example_request()).await.unwrap().into_inner().results.unwrap();

    let respondent = results.respondent.unwrap();
    assert_eq!(respondent.county_name, "Oslo");
    assert_eq!(respondent.region, "Østlandet");
    assert_eq!(respondent.size_class(), pb::SizeClass::SizeClass50000AndOver);

    let ssb = results.ssb_2018.unwrap();
    let simple = |s: &Option<pb::SimpleScore>| s.as_ref().map(|s| (s.score, s.count)).unwrap();
    assert_eq!(simple(&ssb.strategy), (3, 10));
    assert_eq!(simple(&ssb.projects), (2, 5));
    assert_eq!(ssb.digital_priority.as_ref().unwrap().grade, 2);
    assert_eq!(
        ssb.digital_priority.as_ref().unwrap().label,
        "Omfattende IKT-strategi, men relativt få områder er berørt av IKT-prosjekter"
    );
    assert_eq!(simple(&ssb.internal_capacity), (3, 9));
    assert_eq!(ssb.recruitment_status(), pb::RecruitmentStatus::Struggled);
    assert_eq!(ssb.hindrance_group(), pb::HindranceGroup::High);
    assert_eq!(ssb.competence_profile.as_ref().unwrap().code, "internal.struggled");
    assert_eq!(simple(&ssb.cloud), (2, 5));
    assert_eq!(simple(&ssb.procurement), (3, 6));
    assert_eq!(simple(&ssb.service_offer), (3, 6));
    assert_eq!(ssb.digital_use.unwrap().grade, 3);
    assert_eq!(ssb.digital_activity.unwrap().grade, 4);
    assert_eq!(ssb.service_modes_unknown, 1);
    assert_eq!(results.flags.len(), 1);
    assert_eq!(results.flags[0].code(), pb::FlagCode::ServiceModesUnknown);
    assert!(results.unscored.is_empty(), "{:?}", results.unscored);

    let ks = results.ks_2018.unwrap();
    let area = |id: &str| ks.areas.iter().find(|a| a.area_id == id).unwrap().clone();
    // bis-1: 3 of 6 user-involvement forms → 2.5; bis-2: ja → 5.
    assert_eq!((area("brukeren-i-sentrum").answered, area("brukeren-i-sentrum").score), (2, Some(3.75)));
    // 2 of 12 items answered: under the minimum coverage of one half.
    assert_eq!((area("ikt-som-innsatsfaktor").answered, area("ikt-som-innsatsfaktor").score), (2, None));
    // kom-1: 4 of 7 → 20/7; kom-2 «vet ikke»: 1 of 2 answered is exactly half.
    assert_eq!(area("digital-kompetanse-og-deltakelse").score, Some(20.0 / 7.0));

    let services = results.riksrevisjonen_2015.unwrap();
    let overall = services.overall.unwrap();
    assert_eq!((overall.reported, overall.total), (19, 19));
    assert_eq!(overall.share_at_least_1, 13.0 / 19.0);
    assert!(!services.none_offered);
}

#[tokio::test]
async fn a_response_with_several_errors_gets_all_of_them_as_field_violations() {
    let mut app = spawn_app().await;
    let mut request = example_request();
    let response = request.response.as_mut().unwrap();
    let respondent = response.respondent.as_mut().unwrap();
    respondent.organisation_number = "958935421".into();
    respondent.municipality_number = "1301".into();
    let ssb = response.ssb_2018.as_mut().unwrap();
    ssb.strategy.as_mut().unwrap().has_strategy = false;
    ssb.projects.as_mut().unwrap().areas.push(pb::ProjectEffectArea::QualityOfExternalServices as i32);
    ssb.recruitment = Some(pb::Ssb2018Recruitment { tried_to_recruit: false, difficulties: vec![1] });
    ssb.hindrance = Some(pb::Ssb2018Hindrance { degree: 0 });

    let status = app.client.score(request).await.unwrap_err();
    assert_eq!(
        violated_fields(&status),
        [
            "response.respondent.organisation_number",
            "response.respondent.municipality_number",
            "response.ssb_2018.strategy.areas",
            "response.ssb_2018.projects.areas[5]",
            "response.ssb_2018.recruitment.difficulties",
            "response.ssb_2018.hindrance.degree",
        ]
    );
    assert!(status.message().starts_with("6 invalid fields"), "{}", status.message());
}

#[tokio::test]
async fn an_absent_block_leaves_its_indicators_unscored_not_zero() {
    let mut app = spawn_app().await;
    let mut request = example_request();
    let ssb = request.response.as_mut().unwrap().ssb_2018.as_mut().unwrap();
    ssb.projects = None;
    ssb.service_offer = None;

    let results = app.client.score(request).await.unwrap().into_inner().results.unwrap();
    let ssb = results.ssb_2018.unwrap();
    assert!(ssb.strategy.is_some());
    assert!(ssb.projects.is_none(), "absent, not zero");
    assert!(ssb.digital_priority.is_none());
    assert!(ssb.service_offer.is_none());
    assert!(ssb.digital_activity.is_none());
    assert!(ssb.digital_use.is_some(), "cloud and procurement were answered");
    let unscored: Vec<&str> = results.unscored.iter().map(|u| u.indicator.as_str()).collect();
    assert_eq!(
        unscored,
        ["ssb-2018/projects", "ssb-2018/digital_priority", "ssb-2018/service_offer", "ssb-2018/digital_activity"]
    );
    assert!(results.ks_2018.is_some() && results.riksrevisjonen_2015.is_some());
    assert!(results.unscored[1].reason.contains("ssb_2018.projects"));
}

#[tokio::test]
async fn a_response_without_the_ssb_block_is_unscored_for_ssb_2018() {
    let mut app = spawn_app().await;
    let mut request = example_request();
    request.response.as_mut().unwrap().ssb_2018 = None;
    let results = app.client.score(request).await.unwrap().into_inner().results.unwrap();
    assert!(results.ssb_2018.is_none());
    assert_eq!(results.unscored[0].indicator, "ssb-2018");
    assert_eq!(results.respondent.unwrap().municipality_number, "0301");
}

#[tokio::test]
async fn an_empty_request_names_the_missing_response() {
    let mut app = spawn_app().await;
    let status = app.client.score(pb::ScoreRequest::default()).await.unwrap_err();
    assert_eq!(violated_fields(&status), ["response"]);
}

#[tokio::test]
async fn gzip_compressed_calls_are_accepted_and_answered() {
    use tonic::codec::CompressionEncoding;
    let app = spawn_app().await;
    let mut client = pb::indicator_service_client::IndicatorServiceClient::new(app.channel().await)
        .send_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Gzip);
    let response = client.score(example_request()).await.unwrap();
    assert_eq!(response.metadata().get("grpc-encoding").unwrap(), "gzip");
    assert!(response.into_inner().results.unwrap().ssb_2018.is_some());
}

#[tokio::test]
async fn present_but_empty_sourcing_procurement_and_service_offer_blocks_are_unscored_and_flagged() {
    let mut app = spawn_app().await;
    let mut request = example_request();
    let ssb = request.response.as_mut().unwrap().ssb_2018.as_mut().unwrap();
    ssb.sourcing = Some(pb::Ssb2018Sourcing::default());
    ssb.procurement = Some(pb::Ssb2018Procurement::default());
    ssb.service_offer = Some(pb::Ssb2018ServiceOffer::default());
    let results = app.client.score(request).await.unwrap().into_inner().results.unwrap();
    let ssb = results.ssb_2018.as_ref().unwrap();
    assert_eq!((&ssb.internal_capacity, &ssb.procurement, &ssb.service_offer), (&None, &None, &None));
    assert_eq!((&ssb.digital_use, &ssb.digital_activity, &ssb.competence_profile), (&None, &None, &None));
    let empty: Vec<&str> =
        results.flags.iter().filter(|f| f.code() == pb::FlagCode::EmptyBlock).map(|f| f.field.as_str()).collect();
    assert_eq!(empty, ["ssb_2018.sourcing", "ssb_2018.procurement", "ssb_2018.service_offer"]);
    let reason = |id: &str| results.unscored.iter().find(|u| u.indicator == id).map(|u| u.reason.clone());
    assert_eq!(reason("ssb-2018/procurement").as_deref(), Some("empty answer block(s): ssb_2018.procurement"));
    assert_eq!(reason("ssb-2018/internal_capacity").as_deref(), Some("empty answer block(s): ssb_2018.sourcing"));
    assert!(reason("ssb-2018/cloud").is_none(), "cloud was answered");
}
