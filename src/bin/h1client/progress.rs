//! Progress bars on standard error (indicatif) for `-o FILE` downloads and `-T` uploads: shown
//! only when standard error is a terminal, and never with `-s` or `-v`.
//!
//! Downloads follow [`BodyReader::received`](h1client::BodyReader::received) against
//! [`expected_len`](h1client::BodyReader::expected_len): both count the bytes that cross the
//! network, also when `--compressed` decodes them. Uploads count what the library reads from the
//! file, through [`Counting`]: the HTTP logic stays in the library.
//!
//! The total of a download is its `Content-Length` when there is one (RFC 9110 §8.6); chunked
//! and close-delimited bodies (RFC 9112 §7.1, §6.3) show a counter without a total.
//!
//! `-#`/`--progress-bar` draws curl's plain style instead: a line of `#` and the percentage.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal, Read, Seek, SeekFrom};

/// Whether to show progress bars at all.
pub fn wanted(silent: bool, verbose: bool) -> bool {
    !silent && !verbose && io::stderr().is_terminal()
}

/// A bar for `len` bytes, or a spinner with a byte count when the length is unknown. `plain`:
/// curl's `-#` style, a line of `#` and the percentage (a moving `-=O=-` without a length).
pub fn bar(len: Option<u64>, plain: bool) -> ProgressBar {
    let (template, chars) = match (len, plain) {
        (Some(_), false) => (
            "{percent:>3}% [{bar:30}] {binary_bytes:>10}/{binary_total_bytes} {binary_bytes_per_sec:>12} {eta}",
            "=> ",
        ),
        (None, false) => ("{spinner} {binary_bytes:>10} {binary_bytes_per_sec:>12} {elapsed}", ""),
        (Some(_), true) => ("{wide_bar} {percent1:>5}%", "## "),
        (None, true) => ("{spinner}", ""),
    };
    let style = ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
    // curl shows the percentage with one decimal
    let style = style.with_key(
        "percent1",
        |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.1}", state.fraction() * 100.0);
        },
    );
    let style = match (len, plain) {
        (Some(_), _) => style.progress_chars(chars),
        (None, true) => style.tick_strings(&[
            "-=O=-      ",
            " -=O=-     ",
            "   -=O=-   ",
            "     -=O=- ",
            "   -=O=-   ",
            " -=O=-     ",
            "#",
        ]),
        (None, false) => style,
    };
    let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr()).with_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    bar
}

/// A reader that moves a progress bar by what is read from it (and back, when the library
/// seeks back to send the body again after a redirect).
pub struct Counting<R> {
    inner: R,
    bar: ProgressBar,
    start: u64,
}

impl<R> Counting<R> {
    /// Counts from `start`, the reader's current position.
    pub fn new(inner: R, bar: ProgressBar, start: u64) -> Counting<R> {
        Counting { inner, bar, start }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let at = self.inner.seek(to)?;
        self.bar.set_position(at.saturating_sub(self.start));
        Ok(at)
    }
}
