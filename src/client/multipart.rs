//! `multipart/form-data` bodies (RFC 7578), what an HTML form with a file input sends, streamed:
//! files are read while the body is sent, never loaded into memory.
//!
//! ```
//! # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"]);
//! # let dir = std::env::temp_dir().join(format!("h1client-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! # let photo = dir.join("beach.jpg");
//! # std::fs::write(&photo, b"\xff\xd8 not really a jpeg").unwrap();
//! use h1client::multipart::{Multipart, Part};
//! let form = Multipart::new()
//!     .text("title", "holiday")
//!     .file("photo", &photo)? // file name "beach.jpg", Content-Type image/jpeg
//!     .part("notes", Part::bytes(b"a,b\n1,2\n".to_vec()).file_name("notes.csv").content_type("text/csv"));
//! let resp = h1client::post(&server.url("/upload")).send_multipart(form)?;
//! assert_eq!(resp.status(), 201);
//! let sent = &server.requests()[0];
//! assert!(sent.contains("Content-Type: multipart/form-data; boundary="));
//! assert!(sent.contains("Content-Disposition: form-data; name=\"photo\"; filename=\"beach.jpg\"\r\nContent-Type: image/jpeg\r\n"));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), h1client::Error>(())
//! ```
//!
//! On the wire (RFC 2046 §5.1.1, RFC 7578 §4):
//!
//! ```text
//! --h1client-5f0c…\r\n                                 a delimiter line per part
//! Content-Disposition: form-data; name="title"\r\n     the field name (RFC 7578 §4.2)
//! \r\n
//! holiday\r\n                                          text parts carry no Content-Type (§4.4: text/plain)
//! --h1client-5f0c…\r\n
//! Content-Disposition: form-data; name="photo"; filename="beach.jpg"\r\n
//! Content-Type: image/jpeg\r\n
//! \r\n
//! <the file's bytes>\r\n
//! --h1client-5f0c…--\r\n                               the closing delimiter
//! ```
//!
//! Names and file names are sent as UTF-8 with `"`, CR and LF percent-encoded, as browsers do
//! (the HTML standard's form encoding, which RFC 7578 §4.2 and §5.1 allow), and so are the other
//! control bytes but HTAB: they are in a header section, where a field value may not hold them
//! (RFC 9110 §5.5), and a NUL would cut the name short in a parser written in C.
//!
//! **The boundary** must not occur in any part, yet files are streamed and cannot be searched
//! first. So it is random: `h1client-` and 128 bits in hex, from std's `RandomState` — SipHash
//! keyed with random keys the standard library draws from the operating system — mixed with a
//! counter and the clock. Content that contains it by chance has odds of about 2⁻¹²⁸; content
//! made to contain it would have to be written by someone who knows those process-secret keys.
//! (std does not promise cryptographic quality here, and none is needed: the boundary is not a
//! secret, it only has to be unknown to whoever wrote the files before they were sent.) In-memory
//! parts are also checked, and the boundary is drawn again in the unlikely case one contains it.
//!
//! **Framing**: when every part's length is known (text, bytes, regular files, sized readers)
//! the body is sent with `Content-Length`, else chunked. A file is sent with the length it had
//! when it was added; if it is shorter by the time it is sent, that is an error.
//!
//! A multipart body is read once, like any stream: it is not sent again after a 307/308 redirect
//! (the redirect response is returned instead) unless the server answered before the body was
//! sent (see [`RequestBuilder::expect_continue`](crate::RequestBuilder::expect_continue)).

use crate::error::{Error, ErrorKind, Result, Step};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// A `multipart/form-data` body being built. Send it with
/// [`RequestBuilder::send_multipart`](crate::RequestBuilder::send_multipart).
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
/// use h1client::Multipart;
/// let form = Multipart::new().text("name", "ada").text("lang", "rust");
/// h1client::post(&server.url("/profile")).send_multipart(form)?;
/// assert!(server.requests()[0].contains("Content-Disposition: form-data; name=\"lang\"\r\n\r\nrust\r\n"));
/// # Ok::<(), h1client::Error>(())
/// ```
#[must_use]
pub struct Multipart {
    boundary: String,
    parts: Vec<(String, Part)>,
    /// A problem found while building, reported when the form is sent.
    invalid: Option<Error>,
}

impl std::fmt::Debug for Multipart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Multipart")
            .field("boundary", &self.boundary)
            .field("parts", &self.parts)
            .finish_non_exhaustive()
    }
}

impl Default for Multipart {
    fn default() -> Multipart {
        Multipart::new()
    }
}

/// One part of a form: its content, and optionally a file name and a content type.
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"]);
/// use h1client::{Multipart, Part};
/// let csv = Part::bytes(b"a,b\n1,2\n".to_vec()).file_name("table.csv").content_type("text/csv");
/// h1client::post(&server.url("/import")).send_multipart(Multipart::new().part("data", csv))?;
/// assert!(server.requests()[0].contains(
///     "Content-Disposition: form-data; name=\"data\"; filename=\"table.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\n1,2\n\r\n"
/// ));
/// # Ok::<(), h1client::Error>(())
/// ```
#[must_use]
pub struct Part {
    source: Source,
    file_name: Option<String>,
    content_type: Option<String>,
}

enum Source {
    Bytes(Vec<u8>),
    Reader(Box<dyn Read + Send>, Option<u64>),
}

impl std::fmt::Debug for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = match &self.source {
            Source::Bytes(b) => Some(b.len() as u64),
            Source::Reader(_, len) => *len,
        };
        f.debug_struct("Part")
            .field("len", &len)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl Part {
    fn new(source: Source) -> Part {
        Part {
            source,
            file_name: None,
            content_type: None,
        }
    }

    /// A text value (sent as UTF-8, without a `Content-Type`: RFC 7578 §4.4 makes that
    /// `text/plain`).
    ///
    /// ```
    /// use h1client::{Multipart, Part};
    /// use std::io::Read;
    /// let form = Multipart::new().part("greeting", Part::text("héllo"));
    /// let mut body = String::new();
    /// form.into_reader().read_to_string(&mut body)?;
    /// assert!(body.contains("name=\"greeting\"\r\n\r\nhéllo\r\n")); // no Content-Type line
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn text(value: impl Into<String>) -> Part {
        Part::new(Source::Bytes(value.into().into_bytes()))
    }

    /// Bytes in memory. Their length is known, so a form of such parts is sent with
    /// `Content-Length`.
    ///
    /// ```
    /// use h1client::{Multipart, Part};
    /// let png = vec![0x89, b'P', b'N', b'G'];
    /// let form = Multipart::new().part("logo", Part::bytes(png).file_name("logo.png"));
    /// assert!(form.content_length().is_some());
    /// ```
    pub fn bytes(data: impl Into<Vec<u8>>) -> Part {
        Part::new(Source::Bytes(data.into()))
    }

    /// A file, opened now and streamed when the form is sent. Its file name is the path's last
    /// component and its content type is guessed from the extension as curl does (`.txt`
    /// `text/plain`, `.html`, `.png`, `.jpg`, `.gif`, `.svg`, `.pdf`, `.xml`), else
    /// `application/octet-stream`. A regular file is sent with the length it has now; a pipe or
    /// device is read to its end (and the form is then sent chunked).
    ///
    /// A file that cannot be opened is an [`ErrorKind::LocalIo`] error, at once:
    ///
    /// ```
    /// use h1client::{ErrorKind, Part};
    /// let err = Part::file("/no/such/dir/report.pdf").unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::LocalIo);
    /// ```
    pub fn file(path: impl AsRef<Path>) -> Result<Part> {
        let path = path.as_ref();
        let fail = |e: io::Error| {
            let message = format!("cannot open {}: {}", path.display(), crate::error::io_phrase(&e));
            Error::new(ErrorKind::LocalIo, Step::ReadUpload, message).with_source(e)
        };
        let file = File::open(path).map_err(fail)?;
        let meta = file.metadata().map_err(fail)?;
        let len = meta.is_file().then_some(meta.len());
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let content_type = guess_content_type(path);
        let mut part = Part::new(Source::Reader(Box::new(file), len)).content_type(content_type);
        part.file_name = name;
        Ok(part)
    }

    /// A stream of unknown length (the form is then sent chunked).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// use h1client::{Multipart, Part};
    /// let log = std::io::Cursor::new(b"line 1\nline 2\n".to_vec()); // or a pipe, a socket…
    /// let form = Multipart::new().part("log", Part::reader(log).file_name("app.log"));
    /// assert_eq!(form.content_length(), None);
    /// h1client::post(&server.url("/logs")).send_multipart(form)?;
    /// assert!(server.requests()[0].contains("Transfer-Encoding: chunked\r\n"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn reader(reader: impl Read + Send + 'static) -> Part {
        Part::new(Source::Reader(Box::new(reader), None))
    }

    /// A stream of exactly `len` bytes (an error when the form is sent if it gives fewer).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// use h1client::{Multipart, Part};
    /// let data = std::io::Cursor::new(b"0123456789".to_vec());
    /// let form = Multipart::new().part("blob", Part::reader_sized(data, 10));
    /// let len = form.content_length().unwrap();
    /// h1client::post(&server.url("/blobs")).send_multipart(form)?;
    /// assert!(server.requests()[0].contains(&format!("Content-Length: {len}\r\n")));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn reader_sized(reader: impl Read + Send + 'static, len: u64) -> Part {
        Part::new(Source::Reader(Box::new(reader), Some(len)))
    }

    /// The `filename` parameter: the receiver treats the part as a file upload. `"`, CR and LF
    /// are percent-encoded, as browsers do.
    ///
    /// ```
    /// use h1client::{Multipart, Part};
    /// use std::io::Read;
    /// let form = Multipart::new().part("doc", Part::text("…").file_name("say \"hi\".txt"));
    /// let mut body = String::new();
    /// form.into_reader().read_to_string(&mut body)?;
    /// assert!(body.contains("name=\"doc\"; filename=\"say %22hi%22.txt\"\r\n"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn file_name(mut self, name: impl Into<String>) -> Part {
        self.file_name = Some(name.into());
        self
    }

    /// The part's `Content-Type` (`image/png`, `application/json; charset=utf-8`, …). A value
    /// with a CR, an LF or another control byte makes the form an
    /// [`ErrorKind::InvalidRequest`] error when it is sent, and nothing is sent.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// use h1client::{ErrorKind, Multipart, Part};
    /// let json = Part::text(r#"{"id":7}"#).content_type("application/json");
    /// h1client::post(&server.url("/")).send_multipart(Multipart::new().part("meta", json))?;
    /// assert!(server.requests()[0].contains("name=\"meta\"\r\nContent-Type: application/json\r\n"));
    ///
    /// let bad = Part::text("x").content_type("text/plain\r\nX-Injected: 1");
    /// let err = h1client::post(&server.url("/")).send_multipart(Multipart::new().part("x", bad)).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn content_type(mut self, content_type: impl Into<String>) -> Part {
        self.content_type = Some(content_type.into());
        self
    }

    fn len(&self) -> Option<u64> {
        match &self.source {
            Source::Bytes(b) => Some(b.len() as u64),
            Source::Reader(_, len) => *len,
        }
    }
}

/// curl's table (lib/mime.c): the content type of a file part from its name.
fn guess_content_type(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let table = [
        ("gif", "image/gif"),
        ("jpg", "image/jpeg"),
        ("jpeg", "image/jpeg"),
        ("png", "image/png"),
        ("svg", "image/svg+xml"),
        ("txt", "text/plain"),
        ("htm", "text/html"),
        ("html", "text/html"),
        ("pdf", "application/pdf"),
        ("xml", "application/xml"),
    ];
    table
        .iter()
        .find(|(e, _)| ext.eq_ignore_ascii_case(e))
        .map_or("application/octet-stream", |(_, t)| t)
}

/// A fresh random boundary (see the module docs).
fn random_boundary() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let word = |salt: u64| {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.write_u128(now);
        h.write_u64(salt);
        h.finish()
    };
    format!("h1client-{:016x}{:016x}", word(1), word(2))
}

/// Percent-encodes `"`, CR and LF in a name or file name (the HTML form encoding), and the other
/// control bytes but HTAB (see the module docs).
fn escape_name(out: &mut Vec<u8>, name: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in name.bytes() {
        match b {
            b'\t' => out.push(b),
            b'"' | 0..=0x1f | 0x7f => {
                // each nibble indexes the 16 hex digits
                let hex = |nibble: u8| HEX.get(usize::from(nibble)).copied().unwrap_or(b'0');
                out.extend_from_slice(&[b'%', hex(b >> 4), hex(b & 15)]);
            }
            _ => out.push(b),
        }
    }
}

impl Multipart {
    /// An empty form with a fresh random boundary.
    ///
    /// ```
    /// use h1client::Multipart;
    /// assert_ne!(Multipart::new().boundary(), Multipart::new().boundary());
    /// ```
    pub fn new() -> Multipart {
        Multipart {
            boundary: random_boundary(),
            parts: Vec::new(),
            invalid: None,
        }
    }

    /// Adds a text field.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// use h1client::Multipart;
    /// h1client::post(&server.url("/search")).send_multipart(Multipart::new().text("q", "rust"))?;
    /// assert!(server.requests()[0].contains("Content-Disposition: form-data; name=\"q\"\r\n\r\nrust\r\n"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn text(self, name: impl Into<String>, value: impl Into<String>) -> Multipart {
        self.part(name, Part::text(value))
    }

    /// Adds a file field (see [`Part::file`]); an error if the file cannot be opened.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"]);
    /// # let dir = std::env::temp_dir().join(format!("h1client-doc-file-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("report.txt");
    /// # std::fs::write(&path, b"all good\n").unwrap();
    /// use h1client::Multipart;
    /// let form = Multipart::new().file("report", &path)?; // path: …/report.txt
    /// h1client::post(&server.url("/reports")).send_multipart(form)?;
    /// assert!(server.requests()[0].contains(
    ///     "name=\"report\"; filename=\"report.txt\"\r\nContent-Type: text/plain\r\n\r\nall good\n\r\n"
    /// ));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn file(self, name: impl Into<String>, path: impl AsRef<Path>) -> Result<Multipart> {
        Ok(self.part(name, Part::file(path)?))
    }

    /// Adds a part.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// use h1client::{Multipart, Part};
    /// let avatar = Part::bytes(vec![0x89, b'P', b'N', b'G']).file_name("me.png").content_type("image/png");
    /// h1client::put(&server.url("/avatar")).send_multipart(Multipart::new().part("avatar", avatar))?;
    /// assert!(server.requests()[0].contains("filename=\"me.png\"\r\nContent-Type: image/png\r\n"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn part(mut self, name: impl Into<String>, part: Part) -> Multipart {
        if let Some(ct) = &part.content_type {
            if let Err(e) = crate::proto::request::check_value("Content-Type", ct) {
                self.invalid.get_or_insert(Error::from_proto(Step::Request, e));
            }
        }
        self.parts.push((name.into(), part));
        self
    }

    /// The boundary between parts: `h1client-` and 32 random hex digits.
    ///
    /// ```
    /// use h1client::Multipart;
    /// use std::io::Read;
    /// let form = Multipart::new().text("a", "1");
    /// let boundary = form.boundary().to_string();
    /// let mut body = String::new();
    /// form.into_reader().read_to_string(&mut body)?;
    /// assert!(body.starts_with(&format!("--{boundary}\r\n")));
    /// assert!(body.ends_with(&format!("--{boundary}--\r\n")));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The `Content-Type` of the body: `multipart/form-data; boundary=…`.
    ///
    /// ```
    /// use h1client::Multipart;
    /// let form = Multipart::new();
    /// assert_eq!(form.content_type(), format!("multipart/form-data; boundary={}", form.boundary()));
    /// ```
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The length of the whole body, when every part's length is known.
    ///
    /// ```
    /// use h1client::{Multipart, Part};
    /// use std::io::Read;
    /// let form = Multipart::new().text("a", "1");
    /// let len = form.content_length();
    /// let mut body = Vec::new();
    /// form.into_reader().read_to_end(&mut body)?;
    /// assert_eq!(len, Some(body.len() as u64));
    ///
    /// let streamed = Multipart::new().part("log", Part::reader(std::io::empty()));
    /// assert_eq!(streamed.content_length(), None); // sent chunked
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn content_length(&self) -> Option<u64> {
        let mut total = self.closing().len() as u64;
        for (name, part) in &self.parts {
            let part_total = (self.part_head(name, part).len() as u64)
                .checked_add(part.len()?)?
                .checked_add(2)?;
            total = total.checked_add(part_total)?;
        }
        Some(total)
    }

    /// The delimiter line and headers that start a part.
    fn part_head(&self, name: &str, part: &Part) -> Vec<u8> {
        let mut head = Vec::with_capacity(128);
        head.extend_from_slice(b"--");
        head.extend_from_slice(self.boundary.as_bytes());
        head.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
        escape_name(&mut head, name);
        head.push(b'"');
        if let Some(file_name) = &part.file_name {
            head.extend_from_slice(b"; filename=\"");
            escape_name(&mut head, file_name);
            head.push(b'"');
        }
        head.extend_from_slice(b"\r\n");
        if let Some(ct) = &part.content_type {
            head.extend_from_slice(b"Content-Type: ");
            head.extend_from_slice(ct.trim().as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(b"\r\n");
        head
    }

    fn closing(&self) -> String {
        format!("--{}--\r\n", self.boundary)
    }

    /// Checks the form and makes sure no in-memory part contains the boundary.
    /// What [`finish`](Self::finish) would refuse, for a form sent as it is: an invalid part,
    /// or an in-memory part holding the boundary (the boundary may be given out already, in
    /// [`content_type`](Self::content_type), so it is not changed here).
    fn check(&self) -> std::result::Result<(), String> {
        if let Some(e) = &self.invalid {
            return Err(e.to_string());
        }
        match self.parts.iter().find(|(_, p)| self.holds_boundary(p)) {
            Some((name, _)) => Err(format!("the part {name:?} holds the boundary {:?}", self.boundary)),
            None => Ok(()),
        }
    }

    /// Does `part`, in memory, hold this form's boundary?
    fn holds_boundary(&self, part: &Part) -> bool {
        match &part.source {
            Source::Bytes(b) => b.windows(self.boundary.len()).any(|w| w == self.boundary.as_bytes()),
            Source::Reader(..) => false,
        }
    }

    pub(crate) fn finish(mut self) -> Result<Multipart> {
        if let Some(e) = self.invalid.take() {
            return Err(e);
        }
        while self.parts.iter().any(|(_, p)| self.holds_boundary(p)) {
            self.boundary = random_boundary();
        }
        Ok(self)
    }

    /// The body as a stream, in constant memory (file parts are read as it is read): to send it
    /// some other way, or to look at it.
    ///
    /// ```
    /// use h1client::Multipart;
    /// use std::io::Read;
    /// let form = Multipart::new().text("title", "holiday");
    /// let b = form.boundary().to_string();
    /// let mut body = String::new();
    /// form.into_reader().read_to_string(&mut body)?;
    /// assert_eq!(
    ///     body,
    ///     format!("--{b}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nholiday\r\n--{b}--\r\n")
    /// );
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// A form that [`send_multipart`](crate::RequestBuilder::send_multipart) would refuse (a
    /// part's content type with CR or LF, a part in memory holding the boundary) gives a
    /// reader whose first read is an [`io::ErrorKind::InvalidInput`] error saying why, so that
    /// nothing unsafe reaches a request sent some other way.
    pub fn into_reader(self) -> MultipartReader {
        if let Err(why) = self.check() {
            return MultipartReader {
                segments: VecDeque::new(),
                refused: Some(why),
            };
        }
        let mut segments = VecDeque::new();
        let mut pending: Vec<u8> = Vec::new();
        let closing = self.closing();
        let heads: Vec<Vec<u8>> = self.parts.iter().map(|(n, p)| self.part_head(n, p)).collect();
        for ((name, part), head) in self.parts.into_iter().zip(heads) {
            pending.extend_from_slice(&head);
            match part.source {
                Source::Bytes(b) => pending.extend_from_slice(&b),
                Source::Reader(reader, len) => {
                    segments.push_back(Segment::Bytes(std::mem::take(&mut pending), 0));
                    segments.push_back(Segment::Stream {
                        reader,
                        left: len,
                        name,
                    });
                }
            }
            pending.extend_from_slice(b"\r\n");
        }
        pending.extend_from_slice(closing.as_bytes());
        segments.push_back(Segment::Bytes(pending, 0));
        MultipartReader {
            segments,
            refused: None,
        }
    }
}

enum Segment {
    /// Bytes in memory, and how many were read.
    Bytes(Vec<u8>, usize),
    /// A part's stream: how many bytes are still to come when the length is known.
    Stream {
        reader: Box<dyn Read + Send>,
        left: Option<u64>,
        name: String,
    },
}

/// A multipart body as a stream (see [`Multipart::into_reader`]).
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
/// use h1client::Multipart;
/// let form = Multipart::new().text("q", "rust");
/// let (content_type, len) = (form.content_type(), form.content_length().unwrap());
/// let reader: h1client::multipart::MultipartReader = form.into_reader();
/// h1client::post(&server.url("/search"))
///     .header("Content-Type", &content_type)
///     .send_reader_sized(reader, len)?;
/// assert!(server.requests()[0].contains(&format!("Content-Type: {content_type}\r\n")));
/// # Ok::<(), h1client::Error>(())
/// ```
pub struct MultipartReader {
    segments: VecDeque<Segment>,
    /// Why the form cannot be sent: the first read says so.
    refused: Option<String>,
}

impl std::fmt::Debug for MultipartReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MultipartReader")
            .field("segments_left", &self.segments.len())
            .finish()
    }
}

impl Read for MultipartReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(why) = &self.refused {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, why.clone()));
        }
        if buf.is_empty() {
            return Ok(0);
        }
        while let Some(segment) = self.segments.front_mut() {
            let n = match segment {
                Segment::Bytes(bytes, at) => {
                    let rest = bytes.get(*at..).unwrap_or_default();
                    let n = rest.len().min(buf.len());
                    if let (Some(dst), Some(src)) = (buf.get_mut(..n), rest.get(..n)) {
                        dst.copy_from_slice(src);
                    }
                    *at = at.saturating_add(n);
                    n
                }
                Segment::Stream { reader, left, name } => {
                    let want = left.map_or(buf.len(), |l| l.min(buf.len() as u64) as usize);
                    let room = buf.get_mut(..want).unwrap_or_default();
                    // (a reader claiming more than it was given is not believed)
                    let n = if want == 0 { 0 } else { reader.read(room)?.min(want) };
                    match left {
                        Some(l) if n == 0 && *l > 0 => {
                            return Err(io::Error::new(
                                io::ErrorKind::UnexpectedEof,
                                format!("the part {name:?} ended {l} bytes before its announced length"),
                            ));
                        }
                        Some(l) => *l = l.saturating_sub(n as u64),
                        None => {}
                    }
                    n
                }
            };
            if n > 0 {
                return Ok(n);
            }
            self.segments.pop_front();
        }
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(form: Multipart) -> Vec<u8> {
        let mut out = Vec::new();
        form.into_reader().read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn layout_and_length() {
        let form = Multipart::new().text("a", "1").part(
            "f",
            Part::bytes(&b"xy"[..]).file_name("n\"q.txt").content_type("text/plain"),
        );
        let b = form.boundary().to_string();
        let len = form.content_length();
        let got = body(form);
        let want = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"f\"; filename=\"n%22q.txt\"\r\nContent-Type: text/plain\r\n\r\nxy\r\n\
             --{b}--\r\n"
        );
        assert_eq!(String::from_utf8(got).unwrap(), want);
        assert_eq!(len, Some(want.len() as u64));
    }

    #[test]
    fn streams_have_lengths_or_not() {
        let sized = Multipart::new().part("s", Part::reader_sized(&b"abc"[..], 3));
        let len = sized.content_length().unwrap();
        assert_eq!(body(sized).len() as u64, len);
        assert_eq!(
            Multipart::new().part("s", Part::reader(&b"abc"[..])).content_length(),
            None
        );
        // a sized stream that ends early is an error, not a short body
        let short = Multipart::new().part("s", Part::reader_sized(&b"ab"[..], 3));
        let e = short.into_reader().read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn boundaries_differ_and_avoid_the_content() {
        let a = Multipart::new();
        let b = Multipart::new();
        assert_ne!(a.boundary(), b.boundary());
        assert_eq!(a.boundary().len(), "h1client-".len() + 32);
        let first = a.boundary().to_string();
        let form = a.text("x", format!("data {first} data")).finish().unwrap();
        assert_ne!(form.boundary(), first);
    }

    #[test]
    fn bad_content_type_is_refused_when_sent() {
        let form = Multipart::new().part("x", Part::text("v").content_type("text/plain\r\nX-Injected: 1"));
        assert_eq!(form.finish().unwrap_err().kind(), ErrorKind::InvalidRequest);
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(guess_content_type(Path::new("a/b.TXT")), "text/plain");
        assert_eq!(guess_content_type(Path::new("x.jpeg")), "image/jpeg");
        assert_eq!(guess_content_type(Path::new("x.bin")), "application/octet-stream");
        assert_eq!(guess_content_type(Path::new("noext")), "application/octet-stream");
    }
}
