//! `multipart/form-data` uploads (RFC 7578) as a server parses them back: fields, files with
//! names and types, escaping, framing by what is known, and files that change under us.

mod support;

use h1client::{Agent, ErrorKind, Multipart, Part, Step};
use std::path::PathBuf;
use std::time::Duration;
use support::{parse_multipart, FormPart, Req, Server};

fn agent() -> Agent {
    Agent::builder().timeout_read(Duration::from_secs(10)).build()
}

/// A scratch directory for this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("h1client-multipart-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn upload(form: Multipart) -> (Req, Vec<FormPart>) {
    let server = Server::always("ok");
    let resp = agent().post(server.url("/upload")).send_multipart(form).unwrap();
    assert_eq!(resp.text().unwrap(), "ok");
    let req = server.requests().remove(0);
    let parts = parse_multipart(req.header("content-type").unwrap(), &req.body);
    (req, parts)
}

#[test]
fn fields_and_files_arrive_as_sent() {
    let dir = scratch("files");
    let notes = dir.join("notes.txt");
    let blob = dir.join("data.bin");
    let blob_bytes: Vec<u8> = (0..300_000u32).map(|i| (i * 13 % 256) as u8).collect();
    std::fs::write(&notes, "line one\r\nline two\n").unwrap();
    std::fs::write(&blob, &blob_bytes).unwrap();
    let form = Multipart::new()
        .text("title", "Holiday ✓")
        .file("notes", &notes)
        .unwrap()
        .file("blob", &blob)
        .unwrap()
        .part(
            "csv",
            Part::bytes(&b"a,b\n1,2\n"[..])
                .file_name("t.csv")
                .content_type("text/csv"),
        )
        .text("empty", "");
    let boundary = form.boundary().to_string();
    let length = form.content_length().unwrap();
    let (req, parts) = upload(form);
    assert_eq!(
        req.header("content-type").unwrap(),
        format!("multipart/form-data; boundary={boundary}")
    );
    assert!(!req.chunked, "every length is known: Content-Length");
    assert_eq!(req.header("content-length").unwrap(), length.to_string());
    assert_eq!(req.body.len() as u64, length);
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["title", "notes", "blob", "csv", "empty"]);
    assert_eq!(parts[0].data, "Holiday ✓".as_bytes());
    assert_eq!(parts[0].file_name, None);
    assert_eq!(
        parts[0].content_type, None,
        "text fields carry no Content-Type (RFC 7578 §4.4)"
    );
    assert_eq!(parts[1].data, b"line one\r\nline two\n");
    assert_eq!(parts[1].file_name.as_deref(), Some("notes.txt"));
    assert_eq!(parts[1].content_type.as_deref(), Some("text/plain"));
    assert!(parts[2].data == blob_bytes);
    assert_eq!(parts[2].file_name.as_deref(), Some("data.bin"));
    assert_eq!(parts[2].content_type.as_deref(), Some("application/octet-stream"));
    assert_eq!(parts[3].data, b"a,b\n1,2\n");
    assert_eq!(parts[3].file_name.as_deref(), Some("t.csv"));
    assert_eq!(parts[3].content_type.as_deref(), Some("text/csv"));
    assert_eq!(parts[4].data, b"");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_stream_of_unknown_length_makes_the_body_chunked() {
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 7) as u8 + b'0').collect();
    let form = Multipart::new().text("a", "1").part(
        "log",
        Part::reader(std::io::Cursor::new(data.clone())).file_name("log.txt"),
    );
    assert_eq!(form.content_length(), None);
    let (req, parts) = upload(form);
    assert!(req.chunked);
    assert_eq!(req.header("content-length"), None);
    assert_eq!(parts.len(), 2);
    assert!(parts[1].data == data);
    // a sized stream keeps Content-Length
    let form = Multipart::new().part("log", Part::reader_sized(std::io::Cursor::new(data.clone()), 100_000));
    let (req, parts) = upload(form);
    assert!(!req.chunked);
    assert!(parts[0].data == data);
}

#[test]
fn names_are_escaped_as_browsers_do() {
    let form = Multipart::new()
        .text("a\"b\r\nc", "v")
        .part("f", Part::bytes(&b"x"[..]).file_name("my \"file\".txt"))
        .text("ünïcödé", "w");
    let (_, parts) = upload(form);
    assert_eq!(parts[0].name, "a%22b%0D%0Ac");
    assert_eq!(parts[1].file_name.as_deref(), Some("my %22file%22.txt"));
    assert_eq!(parts[2].name, "ünïcödé");
}

#[test]
fn the_callers_content_type_wins() {
    let server = Server::always("ok");
    let form = Multipart::new().text("a", "1");
    let ct = format!("multipart/mixed; boundary={}", form.boundary());
    agent()
        .post(server.url("/"))
        .header("Content-Type", &ct)
        .send_multipart(form)
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(server.requests()[0].header_all("content-type"), [ct.as_str()]);
}

#[test]
fn files_that_cannot_be_read_are_errors() {
    let e = Multipart::new().file("f", "/nonexistent/h1client/file").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::LocalIo);
    assert_eq!(e.step(), Step::ReadUpload);
    assert!(e.to_string().contains("/nonexistent/h1client/file"), "{e}");

    // a file that shrinks between adding and sending: an error, not a short part
    let dir = scratch("shrink");
    let path = dir.join("shrinks.bin");
    std::fs::write(&path, vec![b'x'; 10_000]).unwrap();
    let form = Multipart::new().file("f", &path).unwrap();
    std::fs::write(&path, b"short").unwrap();
    let server = Server::always("ok");
    let e = agent().post(server.url("/")).send_multipart(form).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::LocalIo, "{e}");
    assert_eq!(e.step(), Step::ReadUpload, "{e}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_invalid_part_sends_nothing() {
    let server = Server::always("ok");
    let form = Multipart::new().part("f", Part::text("v").content_type("text/plain\nX-Evil: 1"));
    let e = agent().post(server.url("/")).send_multipart(form).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(server.connections(), 0);
}

#[test]
fn a_form_read_as_a_stream_refuses_what_sending_it_would_refuse() {
    use std::io::Read;
    // a content type with CR LF would put a header of the caller's choosing into the body's part
    let injected = Part::text("x").content_type("text/plain\r\nX-Injected: 1");
    let mut body = Vec::new();
    let err = Multipart::new()
        .part("a", injected)
        .into_reader()
        .read_to_end(&mut body)
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
    assert!(body.is_empty(), "nothing was given out");
    // a part holding the boundary would end the part early for the receiver
    let form = Multipart::new();
    let boundary = form.boundary().to_string();
    let err = form
        .text("b", format!("before\r\n--{boundary}\r\nafter"))
        .into_reader()
        .read_to_end(&mut body)
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
    assert!(err.to_string().contains("holds the boundary"), "{err}");
    // a clean form streams
    let mut clean = String::new();
    Multipart::new()
        .text("c", "fine")
        .into_reader()
        .read_to_string(&mut clean)
        .unwrap();
    assert!(clean.contains("\r\n\r\nfine\r\n"), "{clean}");
}
