//! The clients the binary offers: `indikator batch` (round files scored
//! in-process through the same round code the server runs, or on a server
//! through the generated client), `indikator compare` (two round files
//! compared the same two ways, docs/method.md §7) and `indikator health` (a
//! probe), each reaching a server in plain text or over (mutual) TLS the same
//! way ([`connect`]) and able to send a bearer token (`--token-file`), and the
//! reports a batch run writes for people and statistics packages ([`report`]:
//! HTML, CSV).
//!
//! May import [`crate::grpc`] (conversions and the round's output),
//! [`crate::round`], [`crate::proto`] and what lies below them; never
//! the server.

pub mod batch;
pub mod compare;
pub mod connect;
pub mod health;
pub mod report;
pub mod token;
