//! Integration tests: the real server on port 0, called with generated clients.

mod auth;
mod batch;
mod batch_parquet;
mod compare;
mod configuration;
mod docs;
mod exit_status;
mod faults;
mod figures;
mod health;
mod helpers;
mod hostile;
mod hostile_http;
mod http;
mod maturity;
mod methodology;
mod process;
mod production;
mod reflection;
mod reports;
mod rounds;
mod score;
mod shutdown;
mod streaming;
mod telemetry;
mod tls_clients;
