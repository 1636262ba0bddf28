//! # indikator-app
//!
//! The application layer of indikator: everything between the pure core
//! ([`indikator_core`]: domain → methodology → catalogue → scoring → round)
//! and a transport. The server crate serves it over gRPC, gRPC-Web and
//! JSON/HTTP; the `indikator batch` and `indikator compare` clients and the
//! Python package run it in-process. It holds no tonic service, no server and
//! no client: its normal dependencies are the core, prost, serde, csv and
//! futures (streams, no runtime).
//!
//! Every import points up this list; nothing imports a module below it
//! (`python3 tools/modcycles.py crates/indikator-app/src --folders`):
//!
//! ```text
//! safe_text    client text as logs and answers may show it: escaped, cut to an excerpt (a leaf)
//! memory       the process-wide memory budget that rounds reserve from (a leaf)
//! proto        the indikator.v1 messages, their JSON, the descriptor set, the wire bounds
//! validate     messages (or views of their bytes) → the core's validated values, with every violation named
//! decode       records read straight from their wire bytes into validation's view
//! convert      the core's results → messages (converters only convert: scoring happens before)
//! encode       the core's results → the bytes of those messages, written straight (Score, ScoreStream, score cards)
//! score        one validated response scored, then converted
//! describe     the methodology tables as `indikator.v1.Methodology`
//! round_report the round's tables as messages
//! round_fold   ScoreStream and ScoreRound over any stream of records: the fold, the cards, the summary
//! compare_fold CompareRounds over any stream of messages
//! render       score cards and tables as proto3 JSON and CSV, with their Norwegian labels
//! files        round files (CSV, JSON Lines) read lazily into records, with errors naming line and column
//! ```

#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

pub mod compare_fold;
mod convert;
pub mod decode;
pub mod describe;
pub mod encode;
pub mod files;
pub mod memory;
pub mod proto;
pub mod render;
pub mod round_fold;
mod round_report;
pub mod safe_text;
pub mod score;
pub mod validate;

pub use safe_text::LogSafe;
pub use validate::{Validated, Violations};

/// Longest record id a round or stream takes, in bytes.
pub const MAX_RECORD_ID_BYTES: usize = 256;

/// The tracing target of the spans of calls and runs: the server's span per
/// call and the batch client's run and call spans, which telemetry exports.
pub const CALL_SPAN_TARGET: &str = "indikator::rpc";
