//! The example rounds reproduce the published figures they target (docs/method.md §6),
//! each to its published precision, as the round summary sets it beside the
//! publication's.

use std::path::Path;
use std::sync::OnceLock;

use indikator_app::proto::v1 as pb;
use indikator_client::batch;

fn summary_of(file: &str) -> pb::RoundSummary {
    let job = crate::batch::job(&Path::new(env!("CARGO_MANIFEST_DIR")).join(file), None, None);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(batch::run(&job)).unwrap().summary
}

fn round_2018() -> &'static pb::RoundSummary {
    static SUMMARY: OnceLock<pb::RoundSummary> = OnceLock::new();
    SUMMARY.get_or_init(|| summary_of("examples/round-2018.jsonl"))
}

fn figure<'a>(summary: &'a pb::RoundSummary, id: &str) -> &'a pb::PublishedFigureCheck {
    summary.published_figures.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("{id} is not in the summary"))
}

/// One test per figure: the round's count and base, and agreement at the published precision.
macro_rules! figures {
    ($round:ident: $($name:ident: $id:literal = $count:literal / $base:literal;)*) => {
        $(
            #[test]
            fn $name() {
                let f = figure($round(), $id);
                assert_eq!((f.round_count, f.round_base), ($count, $base), "{}", $id);
                assert!(f.agrees, "{}: published {}, round {} ({})", $id, f.published, f.round_value, f.comparison);
            }
        )*
    };
}

figures! { round_2018:
    ssb_fig_3_1_digital_services_for_citizens_holds: "ssb-2018/fig-3.1/digital_services_for_citizens" = 239 / 253;
    ssb_fig_3_1_reuse_and_sharing_of_data_holds: "ssb-2018/fig-3.1/reuse_and_sharing_of_data" = 169 / 253;
    ssb_fig_3_1_digital_services_for_citizens_most_holds: "ssb-2018/fig-3.1/digital_services_for_citizens_most" = 239 / 253;
    ssb_fig_3_1_information_security_second_holds: "ssb-2018/fig-3.1/information_security_second" = 237 / 253;
    ssb_fig_3_1_robotisation_little_holds: "ssb-2018/fig-3.1/robotisation_little" = 78 / 253;
    ssb_fig_3_1_green_ict_little_holds: "ssb-2018/fig-3.1/green_ict_little" = 91 / 253;
    ssb_fig_3_2_has_projects_holds: "ssb-2018/fig-3.2/has_projects" = 331 / 377;
    ssb_fig_3_2_has_projects_over_30000_holds: "ssb-2018/fig-3.2/has_projects_over_30000" = 35 / 35;
    ssb_fig_3_2_has_projects_under_2000_holds: "ssb-2018/fig-3.2/has_projects_under_2000" = 62 / 83;
    ssb_fig_3_3_quality_of_external_services_holds: "ssb-2018/fig-3.3/quality_of_external_services" = 314 / 331;
    ssb_fig_3_3_simpler_work_routines_holds: "ssb-2018/fig-3.3/simpler_work_routines" = 311 / 331;
    ssb_fig_3_3_reduced_staffing_holds: "ssb-2018/fig-3.3/reduced_staffing" = 65 / 331;
    ssb_fig_3_3_reduced_staffing_fewest_holds: "ssb-2018/fig-3.3/reduced_staffing_fewest" = 65 / 331;
    ssb_fig_3_4_without_strategy_holds: "ssb-2018/fig-3.4/without_strategy" = 124 / 377;
    ssb_fig_3_5_eight_or_more_project_areas_holds: "ssb-2018/fig-3.5/eight_or_more_project_areas" = 128 / 331;
    ssb_median_projects_holds: "ssb-2018/median/projects" = 0 / 331;
    ssb_tabell_3_1_grade_0_holds: "ssb-2018/tabell-3.1/grade-0" = 34 / 377;
    ssb_tabell_3_1_grade_1_holds: "ssb-2018/tabell-3.1/grade-1" = 105 / 377;
    ssb_tabell_3_1_grade_2_holds: "ssb-2018/tabell-3.1/grade-2" = 29 / 377;
    ssb_tabell_3_1_grade_3_holds: "ssb-2018/tabell-3.1/grade-3" = 110 / 377;
    ssb_tabell_3_1_grade_4_holds: "ssb-2018/tabell-3.1/grade-4" = 99 / 377;
    ssb_tabell_3_1_grade_0_share_holds: "ssb-2018/tabell-3.1/grade-0-share" = 34 / 377;
    ssb_tabell_3_1_grade_1_share_holds: "ssb-2018/tabell-3.1/grade-1-share" = 105 / 377;
    ssb_fig_4_1_pc_environment_internal_holds: "ssb-2018/fig-4.1/pc_environment_internal" = 293 / 377;
    ssb_fig_4_1_security_testing_internal_holds: "ssb-2018/fig-4.1/security_testing_internal" = 96 / 377;
    ssb_fig_4_1_web_development_internal_holds: "ssb-2018/fig-4.1/web_development_internal" = 118 / 377;
    ssb_fig_4_1_pc_environment_most_internal_holds: "ssb-2018/fig-4.1/pc_environment_most_internal" = 293 / 377;
    ssb_fig_4_1_security_testing_least_internal_holds: "ssb-2018/fig-4.1/security_testing_least_internal" = 96 / 377;
    ssb_fig_4_1_web_development_least_internal_holds: "ssb-2018/fig-4.1/web_development_least_internal" = 118 / 377;
    ssb_fig_4_2_large_hindrance_holds: "ssb-2018/fig-4.2/large_hindrance" = 158 / 377;
    ssb_fig_4_2_small_hindrance_holds: "ssb-2018/fig-4.2/small_hindrance" = 76 / 377;
    ssb_fig_4_3_tried_to_recruit_holds: "ssb-2018/fig-4.3/tried_to_recruit" = 110 / 377;
    ssb_fig_4_3_tried_under_2000_holds: "ssb-2018/fig-4.3/tried_under_2000" = 9 / 83;
    ssb_fig_4_3_tried_from_50000_holds: "ssb-2018/fig-4.3/tried_from_50000" = 13 / 15;
    ssb_fig_4_4_medium_struggle_most_holds: "ssb-2018/fig-4.4/medium_struggle_most" = 34 / 50;
    ssb_median_internal_capacity_holds: "ssb-2018/median/internal_capacity" = 0 / 377;
    ssb_fig_5_1_uses_cloud_holds: "ssb-2018/fig-5.1/uses_cloud" = 322 / 377;
    ssb_fig_5_1_uses_cloud_over_30000_holds: "ssb-2018/fig-5.1/uses_cloud_over_30000" = 35 / 35;
    ssb_fig_5_1_uses_cloud_under_5000_holds: "ssb-2018/fig-5.1/uses_cloud_under_5000" = 138 / 183;
    ssb_fig_5_1_communication_holds: "ssb-2018/fig-5.1/communication" = 223 / 322;
    ssb_fig_5_1_communication_most_used_holds: "ssb-2018/fig-5.1/communication_most_used" = 223 / 322;
    ssb_fig_5_1_development_platform_holds: "ssb-2018/fig-5.1/development_platform" = 42 / 322;
    ssb_fig_5_2_receiving_invoices_holds: "ssb-2018/fig-5.2/receiving_invoices" = 327 / 350;
    ssb_fig_5_2_evaluation_and_award_holds: "ssb-2018/fig-5.2/evaluation_and_award" = 129 / 350;
    ssb_fig_5_2_contract_follow_up_holds: "ssb-2018/fig-5.2/contract_follow_up" = 119 / 350;
    ssb_fig_5_3_simple_modes_unknown_holds: "ssb-2018/fig-5.3/simple_modes_unknown" = 17 / 754;
    ssb_fig_5_3_open_access_some_holds: "ssb-2018/fig-5.3/open_access_some" = 245 / 377;
    ssb_fig_5_3_open_access_most_holds: "ssb-2018/fig-5.3/open_access_most" = 38 / 377;
    ssb_fig_5_3_open_access_none_holds: "ssb-2018/fig-5.3/open_access_none" = 53 / 377;
    ssb_fig_5_3_open_access_all_holds: "ssb-2018/fig-5.3/open_access_all" = 3 / 377;
    ssb_fig_5_3_other_modes_all_holds: "ssb-2018/fig-5.3/other_modes_all" = 0 / 1131;
    ssb_fig_5_3_simple_individual_some_holds: "ssb-2018/fig-5.3/simple_individual_some" = 259 / 377;
    ssb_fig_5_3_simple_individual_none_holds: "ssb-2018/fig-5.3/simple_individual_none" = 77 / 377;
    ssb_fig_5_3_complex_individual_none_holds: "ssb-2018/fig-5.3/complex_individual_none" = 202 / 377;
    ssb_fig_5_3_complex_individual_some_holds: "ssb-2018/fig-5.3/complex_individual_some" = 120 / 377;
    ssb_fig_5_3_self_activated_none_holds: "ssb-2018/fig-5.3/self_activated_none" = 222 / 377;
    ssb_fig_5_3_self_activated_some_holds: "ssb-2018/fig-5.3/self_activated_some" = 67 / 377;
    ssb_fig_5_3_complex_individual_unknown_holds: "ssb-2018/fig-5.3/complex_individual_unknown" = 41 / 377;
    ssb_fig_5_3_self_activated_unknown_holds: "ssb-2018/fig-5.3/self_activated_unknown" = 79 / 377;
    ssb_median_cloud_holds: "ssb-2018/median/cloud" = 0 / 322;
    ssb_fig_5_4_without_cloud_holds: "ssb-2018/fig-5.4/without_cloud" = 55 / 377;
    ssb_fig_5_4_ten_or_more_cloud_areas_holds: "ssb-2018/fig-5.4/ten_or_more_cloud_areas" = 63 / 322;
    ssb_median_procurement_holds: "ssb-2018/median/procurement" = 0 / 377;
    ssb_fig_5_5_every_procurement_activity_holds: "ssb-2018/fig-5.5/every_procurement_activity" = 92 / 377;
    ssb_median_service_offer_holds: "ssb-2018/median/service_offer" = 0 / 377;
    ssb_fig_5_6_highest_service_offer_holds: "ssb-2018/fig-5.6/highest_service_offer" = 23 / 377;
    ssb_tabell_5_1_grade_0_holds: "ssb-2018/tabell-5.1/grade-0" = 28 / 377;
    ssb_tabell_5_1_grade_1_holds: "ssb-2018/tabell-5.1/grade-1" = 101 / 377;
    ssb_tabell_5_1_grade_2_holds: "ssb-2018/tabell-5.1/grade-2" = 51 / 377;
    ssb_tabell_5_1_grade_3_holds: "ssb-2018/tabell-5.1/grade-3" = 107 / 377;
    ssb_tabell_5_1_grade_4_holds: "ssb-2018/tabell-5.1/grade-4" = 90 / 377;
    ssb_tabell_5_1_grade_0_share_holds: "ssb-2018/tabell-5.1/grade-0-share" = 28 / 377;
    ssb_tabell_5_1_grade_1_share_holds: "ssb-2018/tabell-5.1/grade-1-share" = 101 / 377;
    ssb_tabell_5_2_grade_0_holds: "ssb-2018/tabell-5.2/grade-0" = 31 / 377;
    ssb_tabell_5_2_grade_1_holds: "ssb-2018/tabell-5.2/grade-1" = 112 / 377;
    ssb_tabell_5_2_grade_2_holds: "ssb-2018/tabell-5.2/grade-2" = 111 / 377;
    ssb_tabell_5_2_grade_3_holds: "ssb-2018/tabell-5.2/grade-3" = 37 / 377;
    ssb_tabell_5_2_grade_4_holds: "ssb-2018/tabell-5.2/grade-4" = 86 / 377;
    ssb_tabell_5_2_grades_0_1_share_holds: "ssb-2018/tabell-5.2/grades-0-1-share" = 143 / 377;
    ssb_ch_6_without_strategy_share_holds: "ssb-2018/ch-6/without_strategy_share" = 124 / 377;
    ssb_ch_6_projects_without_strategy_holds: "ssb-2018/ch-6/projects_without_strategy" = 41 / 124;
    ssb_ch_6_large_hindrance_holds: "ssb-2018/ch-6/large_hindrance" = 158 / 377;
    ssb_ch_6_large_hindrance_more_among_internal_holds: "ssb-2018/ch-6/large_hindrance_more_among_internal" = 102 / 197;
    ssb_ch_6_not_tried_among_large_hindrance_holds: "ssb-2018/ch-6/not_tried_among_large_hindrance" = 111 / 158;
    ssb_ch_6_cloud_score_very_low_holds: "ssb-2018/ch-6/cloud_score_very_low" = 120 / 377;
}

/// A figure proven impossible beside the others: the round disagrees and says why.
fn impossible(id: &str) -> &'static pb::PublishedFigureCheck {
    let f = figure(round_2018(), id);
    assert!(!f.agrees && !f.impossible.is_empty(), "{id} is marked impossible");
    f
}

/// Whole counts of `base` whose share rounds to `permille` tenths of a percent.
fn counts_at(permille: f64, base: u64) -> Vec<u64> {
    (0..=base).filter(|&k| (1000.0 * k as f64 / base as f64).round() == permille).collect()
}

/// 93.8 % of the 253 with a strategy is no whole count: 237 / 253 = 93.68 % and
/// 238 / 253 = 94.07 %. The round takes the nearest, 237, and says it is impossible.
#[test]
fn fig_3_1_information_security_93_8_is_no_count_of_253_and_the_round_takes_the_nearest() {
    let f = impossible("ssb-2018/fig-3.1/information_security");
    assert_eq!((f.round_count, f.round_base), (237, 253));
    assert_eq!(counts_at(938.0, 253), Vec::<u64>::new());
    assert_eq!(format!("{:.1}", 100.0 * f.round_value), "93.7");
}

/// The published strategy median of 9 cannot hold beside Tabell 3.1: 128 of the 253
/// with a strategy have strategy score 3 or 4 (10 areas or more).
#[test]
fn the_strategy_median_9_cannot_hold_beside_tabell_3_1_and_the_round_has_10() {
    let f = impossible("ssb-2018/median/strategy");
    assert_eq!((f.round_value, f.round_base), (10.0, 253));
    let at_least_10 = figure(round_2018(), "ssb-2018/tabell-3.1/grade-2").round_count
        + figure(round_2018(), "ssb-2018/tabell-3.1/grade-4").round_count;
    assert_eq!(at_least_10, 128);
    assert!(at_least_10 > 253 - 127, "the 127th sorted count is among those with 10 or more");
}

/// «Kun 20» without any digital procurement activity and «95 prosent» with some both
/// leave 357 to 360 users, and Figur 5.2's 93,4 % is a count of none of them; the
/// round keeps 350 users, where 93,4 %, 36,9 % and 34 % all hold.
#[test]
fn kun_20_and_95_percent_cannot_hold_beside_figur_5_2_whose_base_is_350() {
    let none = impossible("ssb-2018/fig-5.5/no_procurement_activity");
    let some = impossible("ssb-2018/ch-6/some_procurement_activity");
    assert_eq!((none.round_count, some.round_count), (27, 350));
    for users in 357..=360 {
        assert!(counts_at(934.0, users).is_empty(), "93,4 % of {users}");
    }
    assert!(counts_at(934.0, 350) == [327] && counts_at(369.0, 350) == [129]);
}

#[test]
fn the_2018_round_sets_only_ssb_figures_beside_its_own() {
    let s = round_2018();
    assert_eq!(s.published_figures.len(), 89);
    assert!(
        s.published_figures.iter().all(|f| f.methodology == "ssb-2018" && f.group == "RESPONDENT_KIND_MUNICIPALITY")
    );
    let parts = &s.accounting.as_ref().unwrap().parts;
    assert_eq!(parts.len(), 1);
    assert_eq!((parts[0].with_block, parts[0].some_part, parts[0].all_parts), (377, 377, 377));
}

fn round_2015() -> &'static pb::RoundSummary {
    static SUMMARY: OnceLock<pb::RoundSummary> = OnceLock::new();
    SUMMARY.get_or_init(|| summary_of("examples/round-2015.jsonl"))
}

fn round_ks() -> &'static pb::RoundSummary {
    static SUMMARY: OnceLock<pb::RoundSummary> = OnceLock::new();
    SUMMARY.get_or_init(|| summary_of("examples/round-ks-2018.jsonl"))
}

figures! { round_2015:
    riksrevisjonen_municipalities_holds: "riksrevisjonen-2015/municipalities" = 261 / 261;
    riksrevisjonen_pairs_at_least_1_holds: "riksrevisjonen-2015/pairs_at_least_1" = 1339 / 4959;
    riksrevisjonen_with_none_holds: "riksrevisjonen-2015/with_none" = 37 / 261;
    riksrevisjonen_with_none_share_holds: "riksrevisjonen-2015/with_none_share" = 37 / 261;
    riksrevisjonen_with_none_under_5000_holds: "riksrevisjonen-2015/with_none_under_5000" = 29 / 128;
    riksrevisjonen_with_none_under_5000_share_holds: "riksrevisjonen-2015/with_none_under_5000_share" = 29 / 128;
    riksrevisjonen_with_level_2_holds: "riksrevisjonen-2015/with_level_2" = 130 / 261;
    riksrevisjonen_with_level_3_holds: "riksrevisjonen-2015/with_level_3" = 24 / 261;
    riksrevisjonen_opinion_cooperation_not_good_enough_holds: "riksrevisjonen-2015/opinion/cooperation_not_good_enough" = 143 / 261;
    riksrevisjonen_opinion_requirements_not_coordinated_holds: "riksrevisjonen-2015/opinion/requirements_not_coordinated" = 159 / 261;
    riksrevisjonen_barrier_no_systematic_benefit_realisation_holds: "riksrevisjonen-2015/barrier/no_systematic_benefit_realisation" = 151 / 261;
}

figures! { round_ks:
    ks_accounting_some_part_holds: "ks-2018/accounting/some_part" = 215 / 215;
    ks_accounting_all_parts_holds: "ks-2018/accounting/all_parts" = 141 / 215;
    ks_accounting_digitalisering_generelt_holds: "ks-2018/accounting/digitalisering-generelt" = 200 / 215;
    ks_accounting_helse_og_velferd_holds: "ks-2018/accounting/helse-og-velferd" = 169 / 215;
    ks_accounting_utdanning_og_oppvekst_holds: "ks-2018/accounting/utdanning-og-oppvekst" = 168 / 215;
    ks_accounting_plan_bygg_og_geodata_holds: "ks-2018/accounting/plan-bygg-og-geodata" = 158 / 215;
    ks_area_brukeren_i_sentrum_holds: "ks-2018/area/brukeren-i-sentrum" = 196 / 196;
    ks_item_bis_1_involves_no_users_holds: "ks-2018/item/bis-1/involves_no_users" = 30 / 200;
    ks_item_bis_2_plain_language_holds: "ks-2018/item/bis-2/plain_language" = 106 / 200;
    ks_area_ikt_som_innsatsfaktor_holds: "ks-2018/area/ikt-som-innsatsfaktor" = 200 / 200;
    ks_item_ikt_1_supplier_dialogue_holds: "ks-2018/item/ikt-1/supplier_dialogue" = 130 / 200;
    ks_item_ikt_10_immature_open_data_holds: "ks-2018/item/ikt-10/immature_open_data" = 98 / 200;
    ks_item_ikt_10_no_conscious_approach_holds: "ks-2018/item/ikt-10/no_conscious_approach" = 34 / 200;
    ks_item_ikt_10_share_and_use_holds: "ks-2018/item/ikt-10/share_and_use" = 64 / 200;
    ks_item_ikt_11_data_catalogue_holds: "ks-2018/item/ikt-11/data_catalogue" = 12 / 200;
    ks_item_ikt_12_big_data_holds: "ks-2018/item/ikt-12/big_data" = 36 / 200;
    ks_area_digital_kompetanse_og_deltakelse_holds: "ks-2018/area/digital-kompetanse-og-deltakelse" = 200 / 200;
    ks_area_effektiv_digitalisering_holds: "ks-2018/area/effektiv-digitalisering" = 200 / 200;
    ks_item_eff_1_state_cooperation_possible_holds: "ks-2018/item/eff-1/state_cooperation_possible" = 152 / 200;
    ks_item_eff_4_shares_experience_holds: "ks-2018/item/eff-4/shares_experience" = 142 / 200;
    ks_item_eff_5_no_uniform_method_holds: "ks-2018/item/eff-5/no_uniform_method" = 90 / 200;
    ks_item_eff_5_uniform_method_holds: "ks-2018/item/eff-5/uniform_method" = 24 / 200;
    ks_area_informasjonssikkerhet_og_personvern_holds: "ks-2018/area/informasjonssikkerhet-og-personvern" = 200 / 200;
    ks_item_sik_1_every_unit_holds: "ks-2018/item/sik-1/every_unit" = 136 / 200;
    ks_item_sik_1_every_unit_two_thirds_holds: "ks-2018/item/sik-1/every_unit_two_thirds" = 136 / 200;
    ks_item_sik_2_reports_to_chief_executive_holds: "ks-2018/item/sik-2/reports_to_chief_executive" = 108 / 200;
    ks_item_sik_2_no_dedicated_function_holds: "ks-2018/item/sik-2/no_dedicated_function" = 30 / 200;
    ks_item_sik_3_some_units_or_sporadic_holds: "ks-2018/item/sik-3/some_units_or_sporadic" = 162 / 200;
    ks_item_sik_3_every_unit_holds: "ks-2018/item/sik-3/every_unit" = 18 / 200;
    ks_item_sik_4_has_a_plan_holds: "ks-2018/item/sik-4/has_a_plan" = 166 / 200;
    ks_item_sik_4_unresolved_holds: "ks-2018/item/sik-4/unresolved" = 34 / 200;
    ks_item_sik_5_cloud_plan_or_mapped_holds: "ks-2018/item/sik-5/cloud_plan_or_mapped" = 98 / 200;
    ks_item_sik_5_not_started_holds: "ks-2018/item/sik-5/not_started" = 102 / 200;
    ks_area_helse_og_velferd_holds: "ks-2018/area/helse-og-velferd" = 169 / 169;
    ks_item_hv_level_1_mean_holds: "ks-2018/item/hv/level_1_mean" = 661 / 1014;
    ks_item_hv_6_alcohol_licence_level_2_holds: "ks-2018/item/hv-6/alcohol_licence_level_2" = 41 / 169;
    ks_item_hv_7_epr_respite_homes_holds: "ks-2018/item/hv-7/epr_respite_homes" = 118 / 169;
    ks_item_hv_8_epr_children_homes_holds: "ks-2018/item/hv-8/epr_children_homes" = 86 / 169;
    ks_item_hv_9_lab_results_care_holds: "ks-2018/item/hv-9/lab_results_care" = 100 / 169;
    ks_item_hv_9_lab_results_health_centres_holds: "ks-2018/item/hv-9/lab_results_health_centres" = 76 / 169;
    ks_item_hv_10_e_referral_holds: "ks-2018/item/hv-10/e_referral" = 127 / 169;
    ks_item_hv_11_e_messages_holds: "ks-2018/item/hv-11/e_messages" = 152 / 169;
    ks_item_hv_12_e_prescription_holds: "ks-2018/item/hv-12/e_prescription" = 85 / 169;
    ks_area_utdanning_og_oppvekst_holds: "ks-2018/area/utdanning-og-oppvekst" = 168 / 168;
    ks_item_uo_4_school_home_level_2_holds: "ks-2018/item/uo-4/school_home_level_2" = 101 / 168;
    ks_item_uo_4_school_home_level_3_holds: "ks-2018/item/uo-4/school_home_level_3" = 17 / 168;
    ks_item_uo_1_kindergarten_level_2_holds: "ks-2018/item/uo-1/kindergarten_level_2" = 99 / 168;
    ks_item_uo_9_ict_in_teaching_holds: "ks-2018/item/uo-9/ict_in_teaching" = 160 / 168;
    ks_item_uo_10_kindergarten_ict_some_holds: "ks-2018/item/uo-10/kindergarten_ict_some" = 91 / 168;
    ks_item_uo_10_kindergarten_ict_little_holds: "ks-2018/item/uo-10/kindergarten_ict_little" = 30 / 168;
    ks_item_uo_11_digital_assessment_holds: "ks-2018/item/uo-11/digital_assessment" = 126 / 168;
    ks_item_uo_12_statutory_guidelines_holds: "ks-2018/item/uo-12/statutory_guidelines" = 128 / 168;
    ks_area_plan_bygg_og_geodata_holds: "ks-2018/area/plan-bygg-og-geodata" = 158 / 158;
    ks_item_pbg_level_1_mean_holds: "ks-2018/item/pbg/level_1_mean" = 801 / 1106;
    ks_item_pbg_level_2_mean_holds: "ks-2018/item/pbg/level_2_mean" = 252 / 1106;
    ks_item_pbg_4_excavation_level_3_holds: "ks-2018/item/pbg-4/excavation_level_3" = 9 / 158;
    ks_item_pbg_8_data_reuse_holds: "ks-2018/item/pbg-8/data_reuse" = 98 / 158;
    ks_item_pbg_9_geodata_services_holds: "ks-2018/item/pbg-9/geodata_services" = 117 / 158;
    ks_item_pbg_10_national_standards_holds: "ks-2018/item/pbg-10/national_standards" = 119 / 158;
    ks_item_pbg_11_byggsok_holds: "ks-2018/item/pbg-11/byggsok" = 88 / 158;
    ks_item_pbg_12_ebyggesak_holds: "ks-2018/item/pbg-12/ebyggesak" = 119 / 158;
}

#[test]
fn the_2015_round_is_261_municipalities_with_every_service_reported() {
    let s = round_2015();
    assert_eq!(s.published_figures.len(), 11);
    let municipalities = s.groups.iter().find(|g| g.key == "RESPONDENT_KIND_MUNICIPALITY").unwrap();
    assert_eq!(municipalities.n, 261);
    let services = municipalities.riksrevisjonen_2015.as_ref().unwrap();
    assert_eq!(services.pairs, 261 * 19);
    assert_eq!(municipalities.items.len(), 19 + 5, "one distribution per service and per question");
    assert!(municipalities.items[..19].iter().all(|d| d.n == 261 && d.counts.len() == 4));
    let questions: Vec<&str> = municipalities.items[19..].iter().map(|d| d.item.as_str()).collect();
    assert_eq!(
        questions,
        ["kravene-koordinert", "godt-samarbeid", "hinder-kompetanse", "hinder-kostnader", "gevinstrealisering"]
    );
    assert!(municipalities.items[19..].iter().all(|d| d.n == 261));
}

/// KS counts the sector: every KS figure is over every respondent, county
/// municipalities included, as KS's «antall svar» are.
#[test]
fn the_ks_figures_are_computed_over_the_sector_county_municipalities_included() {
    let s = round_ks();
    assert!(s.published_figures.iter().all(|f| f.methodology == "ks-2018" && f.group == "all"));
    let sik_1 = figure(s, "ks-2018/item/sik-1/every_unit");
    let n_of = |key: &str| {
        let group = s.groups.iter().find(|g| g.key == key).unwrap();
        group.items.iter().find(|d| d.item == "sik-1").map_or(0, |d| d.n)
    };
    let (municipalities, counties) =
        (n_of("RESPONDENT_KIND_MUNICIPALITY"), n_of("RESPONDENT_KIND_COUNTY_MUNICIPALITY"));
    assert!(counties > 0);
    assert_eq!(sik_1.round_base, municipalities + counties);
}

#[test]
fn the_ks_round_is_215_respondents_of_both_kinds_and_its_means_hold_over_all_of_them() {
    let s = round_ks();
    assert_eq!(s.accounting.as_ref().unwrap().scored, 215);
    let overall = &s.groups[0];
    let county = s.groups.iter().find(|g| g.key == "RESPONDENT_KIND_COUNTY_MUNICIPALITY").unwrap();
    assert_eq!(county.n, 10);
    for mean in &overall.ks_2018 {
        let rounded = (10.0 * mean.mean).round() / 10.0;
        assert_eq!(rounded, mean.published_national_mean, "{} over every respondent", mean.area_id);
    }
    let parts = &s.accounting.as_ref().unwrap().parts;
    assert_eq!((parts[0].methodology.as_str(), parts[0].some_part, parts[0].all_parts), ("ks-2018", 215, 141));
}

/// The item tables keep each example round's summary far below the 4 MiB message
/// limit (the rejections listed in it are kept under a quarter of the limit).
#[test]
fn the_example_summaries_with_their_item_tables_fit_one_message_with_room() {
    use prost::Message;
    for (name, s) in [("2018", round_2018()), ("2015", round_2015()), ("ks", round_ks())] {
        let bytes = s.encoded_len();
        eprintln!("{name}: summary {bytes} bytes, {} groups", s.groups.len());
        assert!(bytes < 1024 * 1024, "{name}: {bytes} bytes");
    }
}
