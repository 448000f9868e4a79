#![no_main]
//! See `src/lib.rs`: [`h1client_fuzz::chunked`] states what is checked.

libfuzzer_sys::fuzz_target!(|data: &[u8]| h1client_fuzz::chunked(data));
