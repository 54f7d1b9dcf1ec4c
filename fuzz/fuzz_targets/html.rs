//! Fuzz target `html`: see `properties::html_page` for what it asserts.
#![no_main]

#[path = "../../tests/common/properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::html_page(data));
