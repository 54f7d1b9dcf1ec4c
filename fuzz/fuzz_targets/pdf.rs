//! Fuzz target `pdf`: see `properties::pdf` for what it asserts.
#![no_main]

#[path = "../../tests/common/properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::pdf(data));
