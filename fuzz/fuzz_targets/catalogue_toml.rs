//! Fuzz target `catalogue_toml`: see `fuzz/entry_points.rs` and `fuzz/README.md`.
#![no_main]

#[path = "../entry_points.rs"]
mod entry_points;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry_points::catalogue_toml(data));
