//! One validated response scored under the published calibration and
//! converted into its result message: what Score answers, and what
//! ScoreStream and a round's score cards carry.

use crate::proto::v1 as pb;
use indikator_core::catalogue::Catalogues;
use indikator_core::scoring::maturity;
use indikator_core::scoring::ssb2018::{self, Calibrations};

use crate::{Validated, convert};

/// Scores one validated response under the published calibration.
pub fn score_validated(validated: &Validated, catalogues: &Catalogues) -> pb::IndicatorResults {
    let results = validated.ssb_2018.as_ref().map(|a| ssb2018::score(a, &Calibrations::published()));
    let ks = &catalogues.ks_2018;
    let ks_2018 = validated.ks_2018.as_ref().map(|values| {
        convert::ks_results(ks, &maturity::score_areas(ks, values, ks.min_coverage), convert::Labels::Included)
    });
    let riksrevisjonen_2015 = validated
        .riksrevisjonen_2015
        .as_ref()
        .map(|levels| maturity::score_services(&catalogues.riksrevisjonen_2015, levels))
        .map(|scored| convert::service_results(&catalogues.riksrevisjonen_2015, &scored));
    convert::indicator_results(
        &validated.respondent,
        results.as_ref(),
        ks_2018,
        riksrevisjonen_2015,
        convert::Labels::Included,
    )
}
