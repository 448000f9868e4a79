//! Replays every file of the fuzz corpus (`fuzz/corpus/<target>/`) through the fuzz targets' own
//! checks, on the stable toolchain: the seeds, and the inputs that once crashed a target, stay
//! tested in CI without nightly or libFuzzer. See `fuzz/README.md`.

#[path = "../fuzz/src/lib.rs"]
mod targets;

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus in {}", dir.display());
    for file in &files {
        let data = std::fs::read(file).unwrap();
        // Name the input that fails; the check's own panic message follows.
        eprintln!("{target}: {}", file.display());
        check(&data);
    }
}

#[test]
fn response_head_corpus_passes_the_fuzz_checks() {
    replay("response_head", targets::response_head);
}

#[test]
fn chunked_corpus_passes_the_fuzz_checks() {
    replay("chunked", targets::chunked);
}

#[test]
fn response_stream_corpus_passes_the_fuzz_checks() {
    replay("response_stream", targets::response_stream);
}

#[test]
fn request_head_corpus_passes_the_fuzz_checks() {
    replay("request_head", targets::request_head);
}
