//! Where a transfer's body goes: standard output, or a file.
//!
//! A file given with `-o` (or named by `-O`) is written under a temporary name in the same
//! directory, and renamed over the target only when the transfer succeeds: a failed transfer
//! leaves an existing file as it was, and creates none. The temporary is removed on failure.
//! Two cases are written directly instead: a target that exists and is not a regular file
//! (`/dev/null`, a FIFO, a terminal), and a resumed download (`-C`), which appends.
//!
//! A symbolic link to a regular file is followed: the file it points to is replaced, the link
//! stays. The new file gets the permissions of the one it replaces. (curl writes into the
//! existing file instead, so a hard link to the old file keeps its old content here.)

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The name curl gives a download whose URL has no file name.
pub const DEFAULT_NAME: &str = "curl_response";

/// A transfer's output. Created files appear only when the first bytes come, or at
/// [`commit`](Output::commit).
pub struct Output {
    kind: Kind,
    file: Option<File>,
    written: u64,
    create_dirs: bool,
}

enum Kind {
    Stdout,
    /// Written to `temp` (made on the first write), renamed over `target` on success;
    /// `no_clobber`: never over an existing file (`-J`).
    Replace {
        target: PathBuf,
        temp: Option<PathBuf>,
        no_clobber: bool,
    },
    /// Written straight into the path.
    Direct(PathBuf),
    /// Appended to the path, which was `start` bytes long (`None`: it did not exist).
    Append(PathBuf, Option<u64>),
}

impl Output {
    /// Standard output, unbuffered (the body is written in large pieces).
    pub fn stdout() -> io::Result<Output> {
        Ok(Output::new(Kind::Stdout, Some(stdout_file()?), false))
    }

    /// The file at `path`, replaced on success (or written directly when it is no regular
    /// file).
    pub fn file(path: &Path, create_dirs: bool) -> Output {
        let kind = match fs::metadata(path) {
            Ok(m) if m.is_file() => Kind::Replace {
                target: fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
                temp: None,
                no_clobber: false,
            },
            Ok(_) => Kind::Direct(path.to_path_buf()),
            Err(_) => Kind::Replace {
                target: path.to_path_buf(),
                temp: None,
                no_clobber: false,
            },
        };
        Output::new(kind, None, create_dirs)
    }

    /// The file at `path`, appended to; also returns its current length (`-C -`).
    pub fn append(path: &Path, create_dirs: bool) -> Output {
        let start = fs::metadata(path).ok().map(|m| m.len());
        Output::new(Kind::Append(path.to_path_buf(), start), None, create_dirs)
    }

    fn new(kind: Kind, file: Option<File>, create_dirs: bool) -> Output {
        Output {
            kind,
            file,
            written: 0,
            create_dirs,
        }
    }

    /// The length of the file before this transfer appends to it.
    pub fn append_start(&self) -> Option<u64> {
        match &self.kind {
            Kind::Append(_, start) => Some(start.unwrap_or(0)),
            _ => None,
        }
    }

    /// The file written, `None` for standard output.
    pub fn target(&self) -> Option<&Path> {
        match &self.kind {
            Kind::Stdout => None,
            Kind::Replace { target, .. } => Some(target),
            Kind::Direct(p) | Kind::Append(p, _) => Some(p),
        }
    }

    /// Names the file to create on success (`-J`), never replacing an existing one. Only for a
    /// file that would be replaced, and in the same directory (the temporary stays valid).
    pub fn rename_target(&mut self, name: &str) {
        if let Kind::Replace { target, no_clobber, .. } = &mut self.kind {
            *target = target.with_file_name(name);
            *no_clobber = true;
        }
    }

    fn open(&mut self) -> io::Result<&mut File> {
        if self.file.is_none() {
            let file = match &mut self.kind {
                Kind::Stdout => stdout_file()?,
                Kind::Replace { target, temp, .. } => {
                    let (file, made) = create_temp(target, self.create_dirs)?;
                    *temp = made;
                    file
                }
                Kind::Direct(path) => create(
                    path,
                    self.create_dirs,
                    OpenOptions::new().write(true).create(true).truncate(true),
                )?,
                Kind::Append(path, _) => create(path, self.create_dirs, OpenOptions::new().append(true).create(true))?,
            };
            self.file = Some(file);
        }
        self.file.as_mut().ok_or_else(|| io::Error::other("no output"))
    }

    /// The transfer succeeded: the file takes its place (an empty body still makes an empty
    /// file).
    pub fn commit(mut self) -> io::Result<()> {
        self.open()?;
        if let Some(f) = self.file.as_mut() {
            f.flush()?;
        }
        let Kind::Replace {
            target,
            temp,
            no_clobber,
        } = &mut self.kind
        else {
            return Ok(());
        };
        let Some(temp) = temp.take() else {
            return Ok(());
        };
        let placed = if *no_clobber {
            place_new(&temp, target)
        } else {
            fs::rename(&temp, &*target)
        };
        if placed.is_err() {
            let _ = fs::remove_file(&temp);
        }
        placed.map_err(|e| io::Error::new(e.kind(), format!("cannot write {}: {e}", target.display())))
    }

    /// The transfer failed: the temporary goes, and what a resumed download appended is cut
    /// off again (the file goes if it made it). Returns the bytes thrown away from a file.
    pub fn discard(mut self) -> u64 {
        let opened = self.file.take().is_some();
        match &mut self.kind {
            Kind::Replace { temp, .. } => {
                if let Some(temp) = temp.take() {
                    let _ = fs::remove_file(temp);
                }
            }
            // a resumed download that created the file: it goes again
            Kind::Append(path, None) if opened => {
                let _ = fs::remove_file(&*path);
            }
            Kind::Append(path, Some(start)) if self.written > 0 => {
                if let Ok(f) = OpenOptions::new().write(true).open(&*path) {
                    let _ = f.set_len(*start);
                }
            }
            Kind::Stdout => return 0,
            _ => {}
        }
        self.written
    }
}

impl Drop for Output {
    /// An output neither committed nor discarded (an early return) leaves no temporary behind.
    fn drop(&mut self) {
        if let Kind::Replace { temp: Some(temp), .. } = &self.kind {
            let _ = fs::remove_file(temp);
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let n = self.open()?.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

/// A handle on file descriptor 1 that writes without buffering.
pub fn stdout_file() -> io::Result<File> {
    use std::os::fd::AsFd;
    io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .map(File::from)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot use standard output: {e}")))
}

/// Opens `path` with `options`, first making its directories when asked (`--create-dirs`,
/// mode 0750 as curl).
pub fn create(path: &Path, create_dirs: bool, options: &OpenOptions) -> io::Result<File> {
    if create_dirs {
        make_dirs(path)?;
    }
    options
        .open(path)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot create {}: {e}", path.display())))
}

fn make_dirs(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => fs::DirBuilder::new()
            .recursive(true)
            .mode(0o750)
            .create(dir)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot create the directory {}: {e}", dir.display()))),
        _ => Ok(()),
    }
}

/// A new temporary file beside `target`, with the permissions of the file it will replace.
/// When the directory cannot take one but the target can be written, the target itself is
/// written (and the temporary is `None`).
fn create_temp(target: &Path, create_dirs: bool) -> io::Result<(File, Option<PathBuf>)> {
    if create_dirs {
        make_dirs(target)?;
    }
    let base: String = target
        .file_name()
        .map(|n| n.to_string_lossy().chars().take(64).collect())
        .unwrap_or_default();
    let cannot = |e: io::Error| io::Error::new(e.kind(), format!("cannot create {}: {e}", target.display()));
    for n in 0..100u32 {
        let temp = target.with_file_name(format!(".{base}.h1client-{}-{n}.part", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => {
                if let Ok(meta) = fs::metadata(target) {
                    let _ = file.set_permissions(meta.permissions());
                }
                return Ok((file, Some(temp)));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied && target.is_file() => {
                let file = File::options()
                    .write(true)
                    .truncate(true)
                    .open(target)
                    .map_err(cannot)?;
                return Ok((file, None));
            }
            Err(e) => return Err(cannot(e)),
        }
    }
    Err(cannot(io::Error::from(io::ErrorKind::AlreadyExists)))
}

/// Moves `temp` to `target` unless `target` exists (`-J` never overwrites, as curl).
fn place_new(temp: &Path, target: &Path) -> io::Result<()> {
    let refused = || {
        io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("refusing to overwrite {}: the file exists", target.display()),
        )
    };
    // a hard link fails atomically when the name is taken
    match fs::hard_link(temp, target) {
        Ok(()) => fs::remove_file(temp),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(refused()),
        Err(_) if target.symlink_metadata().is_ok() => Err(refused()),
        Err(_) => fs::rename(temp, target),
    }
}

/// `-O`: the last segment of the URL's path, as curl names it (8.10 and later): a path ending
/// in `/` gives its last directory, no path at all gives [`DEFAULT_NAME`]. Nothing is decoded
/// (`%20` stays), so the name never holds a `/`.
pub fn remote_name(url: &url::Url) -> String {
    let name = url
        .path()
        .split(['/', '\\'])
        .rfind(|s| !s.is_empty())
        .unwrap_or_default();
    match name {
        "" | "." | ".." => DEFAULT_NAME.to_string(),
        n => n.to_string(),
    }
}

/// `-J`: the file name a `Content-Disposition` field gives (RFC 6266): `filename*` (RFC 8187,
/// UTF-8 or ISO-8859-1) when there is one, else `filename`. Only its last path segment is kept
/// (as curl), and a name that could not be a file in the current directory — empty, `.`, `..`,
/// or with control characters — is `None`.
pub fn disposition_name(value: &str) -> Option<String> {
    let params = parameters(value);
    let extended = params
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("filename*"))
        .and_then(|(_, v)| decode_ext_value(v));
    let name = extended.or_else(|| {
        params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("filename"))
            .map(|(_, v)| v.clone())
    })?;
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let usable = !matches!(last, "" | "." | "..") && !last.chars().any(char::is_control);
    usable.then(|| last.to_string())
}

/// The `name=value` parameters after the disposition type; values may be quoted strings with
/// `\` escapes (RFC 9110 §5.6.4).
fn parameters(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value.split_once(';').map_or("", |(_, r)| r);
    while !rest.is_empty() {
        let (name, after) = rest.split_once('=').unwrap_or((rest, ""));
        let after = after.trim_start();
        let (v, next) = match after.strip_prefix('"') {
            Some(quoted) => {
                let mut v = String::new();
                let mut chars = quoted.char_indices();
                let mut end = quoted.len();
                while let Some((i, c)) = chars.next() {
                    match c {
                        '\\' => v.extend(chars.next().map(|(_, e)| e)),
                        '"' => {
                            end = i + 1;
                            break;
                        }
                        c => v.push(c),
                    }
                }
                let tail = &quoted[end..];
                (v, tail.split_once(';').map_or("", |(_, r)| r))
            }
            None => {
                let (v, r) = after.split_once(';').unwrap_or((after, ""));
                (v.trim().to_string(), r)
            }
        };
        let name = name.trim();
        if !name.is_empty() {
            out.push((name.to_string(), v));
        }
        rest = next;
    }
    out
}

/// An RFC 8187 `ext-value`: `charset'language'percent-encoded`, in UTF-8 or ISO-8859-1.
fn decode_ext_value(v: &str) -> Option<String> {
    let mut parts = v.splitn(3, '\'');
    let (charset, _language, encoded) = (parts.next()?, parts.next()?, parts.next()?);
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut it = encoded.bytes();
    while let Some(b) = it.next() {
        if b == b'%' {
            let hex = [it.next()?, it.next()?];
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    if charset.eq_ignore_ascii_case("utf-8") {
        String::from_utf8(bytes).ok()
    } else if charset.eq_ignore_ascii_case("iso-8859-1") {
        Some(bytes.into_iter().map(char::from).collect())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_names_as_curl() {
        for (url, want) in [
            ("http://h/dir/file.txt?q=1#f", "file.txt"),
            ("http://h/dir/sub/", "sub"),
            ("http://h/", DEFAULT_NAME),
            ("http://h", DEFAULT_NAME),
            ("http://h/a%20b", "a%20b"),
            ("http://h/a/../b", "b"),
            ("http://h/a/%2e%2e", DEFAULT_NAME),
        ] {
            let url = url::Url::parse(url).unwrap();
            assert_eq!(remote_name(&url), want, "{url}");
        }
    }

    #[test]
    fn disposition_names() {
        for (value, want) in [
            ("attachment; filename=report.pdf", Some("report.pdf")),
            ("attachment; filename=\"a \\\"b\\\".txt\"", Some("a \"b\".txt")),
            ("attachment; filename=\"/etc/passwd\"", Some("passwd")),
            ("attachment; filename=\"..\\\\..\\\\x.exe\"", Some("x.exe")),
            ("attachment; filename=\"../\"", None),
            ("attachment; filename=\"..\"", None),
            ("attachment; filename=\"a\u{1b}b\"", None),
            ("attachment", None),
            (
                "attachment; filename=\"plain.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt",
                Some("€ rates.txt"),
            ),
            ("attachment; filename*=iso-8859-1'en'%A3.txt", Some("£.txt")),
            ("attachment; filename*=UTF-8''..%2F..%2Fevil", Some("evil")),
            ("inline; FILENAME=x;size=3", Some("x")),
        ] {
            assert_eq!(disposition_name(value).as_deref(), want, "{value}");
        }
    }
}
