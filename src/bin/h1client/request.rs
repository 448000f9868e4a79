//! From flags to a [`RequestBuilder`]: the URL, the method, the headers and the credentials.
//!
//! Headers the user gives with `-H` win over those flags make (`Content-Type` over `-d` and
//! `--json`, `Accept` over `--json`, `Range` over `-r`/`-C`, `Referer` over `-e`,
//! `Authorization` over every credential, `Cookie` over `-b` data), as in curl. Credentials, strongest first:
//! `-H 'Authorization: …'`, `--oauth2-bearer`, `-u`, `.netrc` (`-n`), the URL's userinfo.

use crate::args::Args;
use crate::netrc;
use crate::session::Session;
use h1client::{RequestBuilder, Url};

/// Where and how one transfer is sent.
pub struct Target {
    pub url: String,
    pub method: String,
    /// The request body (`-d` and friends), unless `-G` moved it into the query.
    pub body: bool,
}

/// The URL (scheme guessed, `-T` file name and `-G` data added) and the method.
pub fn target(a: &Args, url: &str, upload: Option<&str>, data: Option<&[u8]>) -> Result<Target, (i32, String)> {
    let mut url = normalize_url(url)?;
    if let Some(path) = upload {
        url = upload_url(url, path);
    }
    let mut body = data.is_some();
    if let (true, Some(d)) = (a.get, data) {
        url = url_with_query(&url, d);
        body = false;
    }
    let method = match (&a.method, a.head, upload, body) {
        (Some(m), ..) => m.clone(),
        (None, true, ..) => "HEAD".into(),
        (None, false, Some(_), _) => "PUT".into(),
        (None, false, None, true) => "POST".into(),
        _ if !a.form.is_empty() => "POST".into(),
        _ => "GET".into(),
    };
    Ok(Target { url, method, body })
}

/// The request, headers and credentials set. `resume` is the `-C` offset.
pub fn builder(s: &Session<'_>, t: &Target, resume: Option<u64>) -> Result<RequestBuilder, (i32, String)> {
    let a = s.args;
    let mut req = s.agent.request(&t.method, &t.url);
    let given = |name: &str| {
        a.headers.iter().any(|h| {
            h.split([':', ';'])
                .next()
                .is_some_and(|n| n.trim().eq_ignore_ascii_case(name))
        })
    };
    for h in &a.headers {
        if let Some((name, value)) = h.split_once(':') {
            let value = value.trim();
            req = if value.is_empty() {
                req.remove_header(name.trim())
            } else {
                req.header(name.trim(), value)
            };
        } else if let Some(name) = h.strip_suffix(';') {
            req = req.header(name.trim(), "");
        }
    }
    if let Some(ua) = &a.user_agent {
        req = if ua.is_empty() {
            req.remove_header("User-Agent")
        } else {
            req.remove_header("User-Agent").header("User-Agent", ua)
        };
    }
    let json = crate::data::has_json(&a.data);
    if t.body && !given("content-type") {
        let content_type = if json {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        };
        req = req.header("Content-Type", content_type);
    }
    if json && !given("accept") {
        req = req.header("Accept", "application/json");
    }
    if let (Some(range), false) = (range(a, resume), given("range")) {
        req = req.header("Range", range);
    }
    if let (Some(referer), false) = (a.referer.as_deref().map(referer), given("referer")) {
        if !referer.is_empty() {
            req = req.header("Referer", referer);
        }
    }
    if !given("authorization") {
        req = credentials(s, req, &t.url)?;
    }
    // -b data: after the jar's cookies, unless -H gives the Cookie header (curl)
    if let (Some(data), false) = (&s.cookie_data, given("cookie")) {
        let value = match crate::cookies::jar_header(&s.agent, &t.url) {
            Some(jar) => format!("{jar}; {data}"),
            None => data.clone(),
        };
        req = req.header("Cookie", value);
    }
    Ok(req)
}

/// `-C` (an offset past 0) wins over `-r`, as in curl. A `-r` of digits alone gets the dash it
/// needs (see [`warnings`]).
fn range(a: &Args, resume: Option<u64>) -> Option<String> {
    if let Some(offset) = resume.filter(|&o| o > 0) {
        return Some(format!("bytes={offset}-"));
    }
    let r = a.range.as_deref()?.trim();
    if !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("bytes={r}-"));
    }
    Some(format!("bytes={r}"))
}

/// curl's warnings about `-r` and `-e` values, once per run.
pub fn warnings(a: &Args) {
    if let Some(r) = a.range.as_deref().map(str::trim) {
        if !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()) {
            crate::warn(
                a,
                "A specified range MUST include at least one dash (-). Appending one for you!",
            );
        } else if !r.bytes().all(|b| b.is_ascii_digit() || b == b'-' || b == b',') {
            crate::warn(
                a,
                "Invalid character is found in given range. A specified range MUST have only digits in 'start'-'stop'. The server's response to this request is uncertain.",
            );
        }
    }
    if a.referer.as_deref().is_some_and(|r| r.ends_with(";auto")) {
        crate::warn(
            a,
            "--referer ';auto' is not supported here: the Referer stays as given across redirects",
        );
    }
}

/// `-e URL`, or `-e 'URL;auto'`. The `;auto` part (a Referer for each redirect) needs the
/// library to set headers per hop, which it does not: the Referer stays as given.
fn referer(value: &str) -> &str {
    value.strip_suffix(";auto").unwrap_or(value)
}

/// `--oauth2-bearer`, `-u`, then `.netrc`.
fn credentials(s: &Session<'_>, req: RequestBuilder, url: &str) -> Result<RequestBuilder, (i32, String)> {
    let a = s.args;
    if let Some(token) = &a.oauth2_bearer {
        return Ok(req.bearer_auth(token));
    }
    if let Some(user) = &a.user {
        let (name, password) = user.split_once(':').unwrap_or((user, ""));
        return Ok(req.basic_auth(name, password));
    }
    let Some(mode) = s.netrc_mode() else {
        return Ok(req);
    };
    let Ok(parsed) = Url::parse(url) else {
        return Ok(req);
    };
    let url_user = (!parsed.username().is_empty()).then(|| percent_decode(parsed.username()));
    // --netrc-optional only completes what the URL lacks
    if mode == crate::args::Netrc::Optional && url_user.is_some() && parsed.password().is_some() {
        return Ok(req);
    }
    let host = parsed
        .host_str()
        .unwrap_or_default()
        .trim_start_matches('[')
        .trim_end_matches(']');
    let text = match s.netrc_text() {
        Ok(text) => text,
        Err(_) if mode == crate::args::Netrc::Optional => return Ok(req),
        Err(why) => return Err((26, format!(".netrc error: {why}"))),
    };
    match netrc::lookup(text, host, url_user.as_deref()) {
        Ok(Some(c)) if c.login.chars().chain(c.password.chars()).any(char::is_control) => {
            Err((26, "control code detected in .netrc credentials".into()))
        }
        Ok(Some(c)) => Ok(req.basic_auth(&c.login, &c.password)),
        Ok(None) => Ok(req),
        Err(_) if mode == crate::args::Netrc::Optional => Ok(req),
        Err(why) => Err((26, format!(".netrc error: {why}"))),
    }
}

/// curl's reading of a URL argument: no scheme means `http://`; only http and https are spoken.
pub fn normalize_url(input: &str) -> Result<String, (i32, String)> {
    let scheme_end = input.find("://").filter(|&i| {
        let s = &input[..i];
        !s.is_empty()
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    match scheme_end {
        None => Ok(format!("http://{input}")),
        Some(i) => {
            let scheme = input[..i].to_ascii_lowercase();
            if scheme == "http" || scheme == "https" {
                Ok(input.to_string())
            } else {
                Err((1, format!("protocol \"{scheme}\" not supported")))
            }
        }
    }
}

/// `-T file` to a URL without a file part (ending in `/`, or with no path at all) uploads
/// under the file's name, as curl does.
fn upload_url(url: String, path: &str) -> String {
    let after_authority = url.find("://").map_or(0, |i| i + 3);
    let has_path = url[after_authority..].contains(['/', '?', '#']);
    if path == "-" || (has_path && !url.ends_with('/')) {
        return url;
    }
    let name = std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let slash = if has_path { "" } else { "/" };
    format!("{url}{slash}{}", encoded.replace('+', "%20"))
}

/// `-G`: the data goes into the query, before any fragment, joined with `&` to a query that is
/// already there.
fn url_with_query(url: &str, data: &[u8]) -> String {
    let (base, fragment) = url.split_at(url.find('#').unwrap_or(url.len()));
    let sep = match base.find('?') {
        None => "?",
        Some(i) if i + 1 == base.len() => "",
        Some(_) => "&",
    };
    format!("{base}{sep}{}{fragment}", String::from_utf8_lossy(data))
}

/// A URL's user name with its `%XX` escapes decoded (RFC 3986 §2.1); an invalid escape stays.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |k: usize| bytes.get(k).and_then(|b| char::from(*b).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_data_goes_into_the_query() {
        for (url, want) in [
            ("http://h/p", "http://h/p?a=1"),
            ("http://h/p?x", "http://h/p?x&a=1"),
            ("http://h/p?", "http://h/p?a=1"),
            ("http://h/p#f", "http://h/p?a=1#f"),
        ] {
            assert_eq!(url_with_query(url, b"a=1"), want, "{url}");
        }
    }

    #[test]
    fn resume_wins_over_range() {
        let a = Args {
            range: Some("0-99".into()),
            silent: true,
            ..Args::default()
        };
        assert_eq!(range(&a, Some(500)).as_deref(), Some("bytes=500-"));
        assert_eq!(range(&a, Some(0)).as_deref(), Some("bytes=0-99"));
        let digits = Args {
            range: Some("7".into()),
            silent: true,
            ..Args::default()
        };
        assert_eq!(range(&digits, None).as_deref(), Some("bytes=7-"));
        assert_eq!(range(&Args::default(), None), None);
    }
}
