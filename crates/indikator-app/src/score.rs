//! One validated response scored under the published calibration: as its
//! result message (what the in-process clients render), or written straight
//! to the bytes of Score's and ScoreStream's answers ([`crate::encode`]).

use bytes::{Bytes, BytesMut};

use crate::proto::v1 as pb;
use indikator_core::catalogue::Catalogues;
use indikator_core::scoring::maturity::{self, AreaScore, ServiceResults};
use indikator_core::scoring::ssb2018::{self, Calibrations, Results};

use crate::convert::{self, Labels, Scored};
use crate::{Validated, encode};

/// What the core made of one validated response.
struct Scores {
    ssb_2018: Option<Results>,
    ks_2018: Option<Vec<AreaScore>>,
    riksrevisjonen_2015: Option<ServiceResults>,
}

impl Scores {
    fn of(validated: &Validated, catalogues: &Catalogues) -> Self {
        let ks = &catalogues.ks_2018;
        Self {
            ssb_2018: validated.ssb_2018.as_ref().map(|a| ssb2018::score(a, &Calibrations::published())),
            ks_2018: validated.ks_2018.as_ref().map(|values| maturity::score_areas(ks, values, ks.min_coverage)),
            riksrevisjonen_2015: validated
                .riksrevisjonen_2015
                .as_ref()
                .map(|levels| maturity::score_services(&catalogues.riksrevisjonen_2015, levels)),
        }
    }

    fn scored<'a>(&'a self, validated: &'a Validated, catalogues: &'a Catalogues) -> Scored<'a> {
        Scored {
            respondent: &validated.respondent,
            ssb_2018: self.ssb_2018.as_ref(),
            ks_2018: self.ks_2018.as_deref(),
            riksrevisjonen_2015: self.riksrevisjonen_2015.as_ref(),
            catalogues,
            labels: Labels::Included,
        }
    }
}

/// Scores one validated response under the published calibration.
pub fn score_validated(validated: &Validated, catalogues: &Catalogues) -> pb::IndicatorResults {
    convert::indicator_results(&Scores::of(validated, catalogues).scored(validated, catalogues))
}

/// Score's answer to a validated response: the bytes of the
/// `ScoreResponse` holding [`score_validated`]'s results, written into `buf`.
pub fn score_response_bytes(validated: &Validated, catalogues: &Catalogues, buf: &mut BytesMut) -> Bytes {
    let scores = Scores::of(validated, catalogues);
    encode::score_response(buf, &scores.scored(validated, catalogues))
}

/// A ScoreStream answer's results: the bytes of a `ScoreStreamResponse`
/// holding [`score_validated`]'s results, written into `buf`.
pub(crate) fn stream_results_bytes(
    sequence: u64,
    record_id: &str,
    validated: &Validated,
    catalogues: &Catalogues,
    buf: &mut BytesMut,
) -> Bytes {
    let scores = Scores::of(validated, catalogues);
    encode::stream_results(buf, sequence, record_id, &scores.scored(validated, catalogues))
}
