#![no_main]
//! See `src/lib.rs`: [`h1client_fuzz::response_head`] states what is checked.

libfuzzer_sys::fuzz_target!(|data: &[u8]| h1client_fuzz::response_head(data));
