//! Fuzz target `normalize`: see `properties::normalization` for what it asserts.
#![no_main]

#[path = "../../tests/common/properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::normalization(data));
