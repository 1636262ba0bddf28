//! # indikator-client
//!
//! The clients the binary offers: `indikator batch` (round files scored
//! in-process through the application layer, the same code the server runs,
//! or on a server through the generated client), `indikator compare` (two
//! round files compared the same two ways, docs/method.md §7) and
//! `indikator health` (a probe), each reaching a server in plain text or over
//! (mutual) TLS the same way ([`connect`]) and able to send a bearer token
//! (`--token-file`), and the HTML reports a run writes for people ([`report`];
//! the CSV exports are [`indikator_app::render`]'s).
//!
//! May import [`indikator_app`] and [`indikator_core`]; never the server.
//! Every import points up this list
//! (`python3 tools/modcycles.py crates/indikator-client/src --folders`):
//!
//! ```text
//! proto        the indikator.v1 messages (from indikator-app) and the generated tonic client
//! propagation  the client's trace context written into its calls
//! token        the bearer token a call carries
//! connect      plain text or (mutual) TLS to a server; errors that say what to fix
//! health       indikator health
//! report       the HTML round report
//! batch        indikator batch: read, score (in-process or remote), print, write the outputs
//! compare      indikator compare
//! ```

#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

pub mod batch;
pub mod compare;
pub mod connect;
pub mod health;
mod propagation;
pub mod proto;
pub mod report;
mod token;
