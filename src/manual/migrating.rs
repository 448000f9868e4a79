//! # 9. Migrating from requests, ureq and reqwest
//!
//! h1client's calls will look familiar: its names follow Python `requests` and
//! `reqwest::blocking` where those are clear (`get`, `query`, `header`, `basic_auth`,
//! `error_for_status`, `text`, `json`), and its `Agent` is ureq's. This chapter maps each library's
//! everyday calls to h1client's, then lists the differences in behaviour that a program moving over
//! must know — the ones a compiler will not point out. The h1client names are links, checked when
//! the documentation is built; the feature-gated ones (`send_json`, `json`, the cookie jar) are
//! checked by the example at the end of the chapter.
//!
//! The five differences that matter most:
//!
//! 1. **A 4xx or 5xx status is `Ok(Response)`**, as in `requests` and reqwest, and unlike ureq 2
//!    and 3, where it is an `Err`. Call [`error_for_status`](crate::Response::error_for_status)
//!    where ureq's behaviour was wanted.
//! 2. **Only connecting has a timeout by default (30 s)**; reqwest's blocking client has a 30 s
//!    deadline for everything. Set [`timeout`](crate::AgentBuilder::timeout) for anything
//!    unattended ([recipe](super::_08_recipes#timeouts-for-unattended-programs)).
//! 3. **Reading a body whole is limited to 10 MiB** ([`BodyTooLarge`](crate::ErrorKind::BodyTooLarge)),
//!    as in ureq; `requests` and reqwest have no limit. Stream larger bodies with
//!    [`into_reader`](crate::Response::into_reader), or raise
//!    [`body_limit`](crate::AgentBuilder::body_limit).
//! 4. **Decompression needs a feature**: `gzip` (gzip, deflate) and `brotli`; then it is on, as in
//!    `requests`. ureq has `gzip` among its default features; h1client has none of them by default.
//! 5. **One-off calls share one pooled agent, without cookies**: [`h1client::get`](crate::get)
//!    reuses connections across calls (ureq's and reqwest's one-off functions build a new client
//!    each time), and never keeps cookies (an [`Agent`](crate::Agent) does, with the `cookies`
//!    feature).
//!
//! ## From Python `requests`
//!
//! | task | `requests` | h1client |
//! |---|---|---|
//! | a client | `s = requests.Session()` | [`Agent::new()`](crate::Agent::new), or [`Agent::builder()`](crate::Agent::builder) … [`.build()`](crate::AgentBuilder::build); `Clone` it to share (one pool) |
//! | one request | `requests.get(url)` | [`h1client::get(url)`](crate::get)[`.call()?`](crate::RequestBuilder::call) (also [`post`](crate::post), [`put`](crate::put), [`delete`](crate::delete), [`head`](crate::head), [`patch`](crate::patch), [`request`](crate::request)) |
//! | query string | `params={"q": "rust", "page": 2}` | [`.query("q", "rust").query("page", 2)`](crate::RequestBuilder::query), or [`.query_pairs(map)`](crate::RequestBuilder::query_pairs) |
//! | JSON body | `json=data` | `.send_json(&data)?` (feature `json`) |
//! | form body | `data={"a": "1"}` | [`.send_form(&[("a", "1")])?`](crate::RequestBuilder::send_form) |
//! | raw body | `data=b"..."`, `data=open(p, "rb")` | [`.send(bytes)?`](crate::RequestBuilder::send), [`.send_file(File::open(p)?)?`](crate::RequestBuilder::send_file), [`.send_reader(r)?`](crate::RequestBuilder::send_reader) |
//! | files in a form | `files={"f": open(p, "rb")}` | [`.send_multipart(Multipart::new().file("f", p)?)?`](crate::RequestBuilder::send_multipart) ([`Multipart`](crate::Multipart), [`Part`](crate::Part)) |
//! | a header | `headers={"X-Id": "1"}` | [`.header("X-Id", 1)`](crate::RequestBuilder::header); [`.remove_header(name)`](crate::RequestBuilder::remove_header) |
//! | session headers | `s.headers.update({...})` | [`AgentBuilder::default_header(name, value)`](crate::AgentBuilder::default_header), [`user_agent`](crate::AgentBuilder::user_agent) |
//! | timeouts | `timeout=(3.05, 27)`: connect, then each read | [`timeout_connect`](crate::AgentBuilder::timeout_connect), [`timeout_read`](crate::AgentBuilder::timeout_read); and a deadline for everything, which `requests` lacks: [`timeout`](crate::AgentBuilder::timeout), or per request [`RequestBuilder::timeout`](crate::RequestBuilder::timeout) |
//! | status | `r.status_code`, `r.ok`, `r.reason`, `r.raise_for_status()` | [`status()`](crate::Response::status), [`is_success()`](crate::Response::is_success) (2xx; `r.ok` is < 400), [`reason()`](crate::Response::reason), [`error_for_status()?`](crate::Response::error_for_status) |
//! | response headers | `r.headers["content-type"]` | [`header("content-type")`](crate::Response::header), [`header_all`](crate::Response::header_all), [`headers()`](crate::Response::headers) |
//! | the body | `r.text`, `r.content`, `r.json()` | [`text()?`](crate::Response::text), [`bytes()?`](crate::Response::bytes), `json::<T>()?` (feature `json`): each consumes the response |
//! | stream to a file | `stream=True`, `iter_content()`, `r.raw` | [`into_reader()`](crate::Response::into_reader) (`impl Read`), [`.copy_to(&mut file)?`](crate::BodyReader::copy_to), [`copy_to_with_progress`](crate::BodyReader::copy_to_with_progress) |
//! | final URL, redirects | `r.url`, `r.history` | [`url()`](crate::Response::url), [`history()`](crate::Response::history) |
//! | auth | `auth=("user", "pass")`; a bearer token in `headers` | [`.basic_auth("user", "pass")`](crate::RequestBuilder::basic_auth), [`.bearer_auth(token)`](crate::RequestBuilder::bearer_auth), or `http://user:pass@host/` |
//! | proxies | `proxies={"https": "http://proxy:3128"}`; `trust_env` | [`AgentBuilder::proxy(Proxy::new(url)?)`](crate::AgentBuilder::proxy) ([`Proxy::new`](crate::Proxy::new)), [`no_proxy`](crate::AgentBuilder::no_proxy); the environment by default, [`proxy_from_env(false)`](crate::AgentBuilder::proxy_from_env) to ignore it |
//! | cookies | `s.cookies` | an agent's jar (feature `cookies`): `agent.with_cookie_store(...)`, `AgentBuilder::cookie_store(...)` |
//! | redirects | `allow_redirects=False`, `s.max_redirects = 5` | [`max_redirects(0)`](crate::AgentBuilder::max_redirects) returns the 3xx; `max_redirects(5)` (an agent setting, not per request) |
//! | CA bundle | `verify="/etc/ca.pem"` | [`add_root_certificates_pem(&pem)`](crate::AgentBuilder::add_root_certificates_pem) + [`only_added_roots(true)`](crate::AgentBuilder::only_added_roots) |
//! | client certificate | `cert=("client.pem", "key.pem")` | [`ClientCert::from_pem(&cert, &key)?`](crate::ClientCert::from_pem) + [`client_certificate`](crate::AgentBuilder::client_certificate), or [`client_certificate_pem`](crate::AgentBuilder::client_certificate_pem) |
//! | no verification | `verify=False` | [`danger_accept_invalid_certs(true)`](crate::AgentBuilder::danger_accept_invalid_certs) |
//! | errors | `ConnectionError`, `Timeout`, `HTTPError`, … | one [`Error`](crate::Error): match [`kind()`](crate::Error::kind) (see [errors, side by side](#errors-side-by-side)) |
//!
//! What behaves differently: `requests` has no deadline for a whole request and no timeout at all
//! by default (h1client: 30 s to connect); `r.text` guesses a charset and replaces what does not
//! decode, while [`text()`](crate::Response::text) uses the declared charset (UTF-8 when none)
//! and fails with [`Decode`](crate::ErrorKind::Decode) on invalid text
//! ([`text_lossy()`](crate::Response::text_lossy) replaces); `requests` follows up to 30
//! redirects, h1client 10; `requests.head` does not follow redirects, h1client's `head` does.
//!
//! ## From ureq 2
//!
//! | task | ureq 2 | h1client |
//! |---|---|---|
//! | a client | `ureq::AgentBuilder::new()…build()`, `ureq::agent()` | [`Agent::builder()`](crate::Agent::builder) … [`.build()`](crate::AgentBuilder::build), [`Agent::new()`](crate::Agent::new) |
//! | one request | `ureq::get(url).call()?` (a new agent each time) | [`h1client::get(url).call()?`](crate::get) (a shared, pooled agent) |
//! | query string | `.query("q", "rust")`, `.query_pairs(pairs)` | [`.query("q", "rust")`](crate::RequestBuilder::query), [`.query_pairs(pairs)`](crate::RequestBuilder::query_pairs) (values: anything that prints) |
//! | JSON body | `.send_json(value)?` (feature `json`) | `.send_json(&value)?` (feature `json`) |
//! | form body | `.send_form(&[("a", "1")])?` | [`.send_form(&[("a", "1")])?`](crate::RequestBuilder::send_form) |
//! | raw body | `.send_bytes(b)?`, `.send_string(s)?`, `.send(reader)?` | [`.send(b)?`](crate::RequestBuilder::send) (bytes or text), [`.send_reader(reader)?`](crate::RequestBuilder::send_reader) |
//! | a header | `.set("X-Id", "1")` | [`.header("X-Id", 1)`](crate::RequestBuilder::header) |
//! | default headers | middleware | [`AgentBuilder::default_header`](crate::AgentBuilder::default_header), [`user_agent`](crate::AgentBuilder::user_agent) |
//! | timeouts | `timeout_connect` (30 s), `timeout_read`, `timeout_write`, `timeout`; `Request::timeout` | the same names and defaults: [`timeout_connect`](crate::AgentBuilder::timeout_connect), [`timeout_read`](crate::AgentBuilder::timeout_read), [`timeout_write`](crate::AgentBuilder::timeout_write), [`timeout`](crate::AgentBuilder::timeout); [`RequestBuilder::timeout`](crate::RequestBuilder::timeout) |
//! | status | `Err(ureq::Error::Status(code, response))` | `Ok(response)`: [`status()`](crate::Response::status), or [`error_for_status()?`](crate::Response::error_for_status) for an `Err` ([`Error::status`](crate::Error::status)) |
//! | the body | `into_string()?`, `into_json()?`, `into_reader()` | [`text()?`](crate::Response::text), `json()?`, [`bytes()?`](crate::Response::bytes), [`into_reader()`](crate::Response::into_reader) |
//! | stream to a file | `io::copy(&mut resp.into_reader(), &mut file)?` | [`resp.into_reader().copy_to(&mut file)?`](crate::BodyReader::copy_to) (or `io::copy`: the reader is `Read + Send + 'static`) |
//! | response headers | `header(name)`, `all(name)`, `headers_names()` | [`header(name)`](crate::Response::header), [`header_all(name)`](crate::Response::header_all), [`headers()`](crate::Response::headers) |
//! | final URL | `get_url()` | [`url()`](crate::Response::url) (a [`Url`](crate::Url)), [`history()`](crate::Response::history) |
//! | auth | `Authorization` set by hand, or `http://user:pass@host/` | [`basic_auth`](crate::RequestBuilder::basic_auth), [`bearer_auth`](crate::RequestBuilder::bearer_auth), or the URL's credentials |
//! | proxies | `.proxy(ureq::Proxy::new(url)?)`, `try_proxy_from_env(true)` | [`.proxy(Proxy::new(url)?)`](crate::AgentBuilder::proxy), [`no_proxy`](crate::AgentBuilder::no_proxy); the environment is read by default |
//! | cookies | feature `cookies`: `agent.cookie_store()`, `AgentBuilder::cookie_store(store)` | feature `cookies`: `agent.with_cookie_store(...)`, `AgentBuilder::cookie_store(Some(store))` (the same `cookie_store` crate) |
//! | redirects | `.redirects(n)` (5 by default), `redirect_auth_headers` | [`max_redirects(n)`](crate::AgentBuilder::max_redirects) (10), [`allow_https_downgrade`](crate::AgentBuilder::allow_https_downgrade) |
//! | TLS | `.tls_config(Arc<rustls::ClientConfig>)`, feature `native-certs` | [`tls_config`](crate::AgentBuilder::tls_config) (the same type, re-exported as [`h1client::rustls`](crate::rustls)), or [`add_root_certificates_pem`](crate::AgentBuilder::add_root_certificates_pem), [`client_certificate_pem`](crate::AgentBuilder::client_certificate_pem), [`danger_accept_invalid_certs`](crate::AgentBuilder::danger_accept_invalid_certs), `native_roots(true)` (feature `native-roots`) |
//! | errors | `Error::Status`, `Error::Transport(t)`, `t.kind()` | [`Error::kind()`](crate::Error::kind) (see [errors, side by side](#errors-side-by-side)) |
//!
//! What behaves differently: the status (an `Ok`); redirects keep `Authorization` on the same
//! origin (ureq 2 drops it on every redirect by default) and drop it, with `Cookie`, when the
//! origin changes; an `https` → `http` redirect is refused
//! ([`RedirectRefused`](crate::ErrorKind::RedirectRefused)) unless allowed; the environment's
//! proxies are used by default (ureq 2 needs `try_proxy_from_env(true)` or its
//! `proxy-from-env` feature); a truncated body is an error from `read` in both.
//!
//! ## From ureq 3
//!
//! | task | ureq 3 | h1client |
//! |---|---|---|
//! | a client | `let agent: Agent = Agent::config_builder()…build().into();` | [`Agent::builder()`](crate::Agent::builder) … [`.build()`](crate::AgentBuilder::build): settings are methods of the builder |
//! | one request | `ureq::get(url).call()?` (a new agent each time) | [`h1client::get(url).call()?`](crate::get) (a shared, pooled agent) |
//! | query string | `.query("q", "rust")`, `.query_pairs(iter)` | [`.query("q", "rust")`](crate::RequestBuilder::query), [`.query_pairs(iter)`](crate::RequestBuilder::query_pairs) |
//! | JSON body | `.send_json(&value)?` (feature `json`) | `.send_json(&value)?` (feature `json`) |
//! | form body | `.send_form([("a", "1")])?` | [`.send_form(&[("a", "1")])?`](crate::RequestBuilder::send_form) |
//! | raw body | `.send(data)?`, `.send_empty()?` | [`.send(data)?`](crate::RequestBuilder::send), [`.send_reader(r)?`](crate::RequestBuilder::send_reader), [`.call()?`](crate::RequestBuilder::call) (any method) |
//! | files in a form | `unversioned::multipart::Form` (feature `multipart`) | [`Multipart`](crate::Multipart), [`Part`](crate::Part), [`send_multipart`](crate::RequestBuilder::send_multipart) (no feature needed) |
//! | a header | `.header("X-Id", "1")` | [`.header("X-Id", 1)`](crate::RequestBuilder::header) |
//! | default headers | middleware; `user_agent`, `accept` in the config | [`default_header`](crate::AgentBuilder::default_header), [`user_agent`](crate::AgentBuilder::user_agent) |
//! | timeouts | `timeout_global`, `timeout_connect`, `timeout_recv_response`, `timeout_recv_body`, … (all `None`) | [`timeout`](crate::AgentBuilder::timeout) (= `timeout_global`), [`timeout_connect`](crate::AgentBuilder::timeout_connect) (30 s by default, resolving and TLS included), [`timeout_read`](crate::AgentBuilder::timeout_read) (silence on any read), [`timeout_write`](crate::AgentBuilder::timeout_write) |
//! | status | `Err(Error::StatusCode(404))`; `http_status_as_error(false)` | `Ok(response)`, as with `http_status_as_error(false)`; [`error_for_status()?`](crate::Response::error_for_status) |
//! | status, headers | `resp.status()` (`http::StatusCode`), `resp.headers().get(name)` | [`status()`](crate::Response::status) (`u16`), [`header(name)`](crate::Response::header) (`Option<&str>`) |
//! | the body | `resp.body_mut().read_to_string()?`, `read_to_vec()?`, `read_json()?` | [`resp.text()?`](crate::Response::text), [`bytes()?`](crate::Response::bytes), `json()?` |
//! | body limit | `body_mut().with_config().limit(n)` | [`RequestBuilder::body_limit(n)`](crate::RequestBuilder::body_limit), [`AgentBuilder::body_limit(n)`](crate::AgentBuilder::body_limit) |
//! | stream to a file | `io::copy(&mut resp.into_body().into_reader(), &mut file)?` | [`resp.into_reader().copy_to(&mut file)?`](crate::BodyReader::copy_to) |
//! | auth | `Authorization` by hand | [`basic_auth`](crate::RequestBuilder::basic_auth), [`bearer_auth`](crate::RequestBuilder::bearer_auth) |
//! | proxies | `.proxy(Some(Proxy::new(url)?))`, `Proxy::try_from_env()` (the default) | [`.proxy(Proxy::new(url)?)`](crate::AgentBuilder::proxy), [`proxy_from_env(false)`](crate::AgentBuilder::proxy_from_env), [`no_proxy`](crate::AgentBuilder::no_proxy) |
//! | cookies | feature `cookies`: `agent.cookie_jar_lock()` | feature `cookies`: `agent.with_cookie_store(...)` |
//! | redirects | `max_redirects(n)` (10), `max_redirects_will_error`, `save_redirect_history` | [`max_redirects(n)`](crate::AgentBuilder::max_redirects) (10; more is an error, 0 returns the 3xx), [`history()`](crate::Response::history) always kept |
//! | TLS | `TlsConfig::builder().root_certs(…).client_cert(…).disable_verification(true)` | [`add_root_certificates_pem`](crate::AgentBuilder::add_root_certificates_pem), [`only_added_roots`](crate::AgentBuilder::only_added_roots), [`client_certificate`](crate::AgentBuilder::client_certificate), [`danger_accept_invalid_certs`](crate::AgentBuilder::danger_accept_invalid_certs), or a whole rustls config with [`tls_config`](crate::AgentBuilder::tls_config) |
//! | errors | an enum: `StatusCode`, `Timeout`, `HostNotFound`, `ConnectionFailed`, `Io`, `Tls`, … | one struct: match [`kind()`](crate::Error::kind) (see [errors, side by side](#errors-side-by-side)) |
//!
//! What behaves differently: the status; no `http` crate types (`u16` and `&str` instead of
//! `StatusCode` and `HeaderValue`); a deadline-free default with a 30 s connect limit (ureq 3 has
//! no limit at all by default); `Authorization` kept on same-origin redirects; the one-off
//! functions pool connections; the environment's `HTTP_PROXY` in upper case is ignored (the
//! "httpoxy" hole: a CGI program gets it from a request's `Proxy:` header), only `http_proxy`
//! counts.
//!
//! ## From `reqwest::blocking`
//!
//! | task | `reqwest::blocking` | h1client |
//! |---|---|---|
//! | a client | `Client::new()`, `Client::builder()…build()?` | [`Agent::new()`](crate::Agent::new), [`Agent::builder()`](crate::Agent::builder) … [`.build()`](crate::AgentBuilder::build) (cannot fail) |
//! | one request | `reqwest::blocking::get(url)?` | [`h1client::get(url).call()?`](crate::get) |
//! | send | `.send()?` | [`.call()?`](crate::RequestBuilder::call), or one of the `send_*` calls, which take the body |
//! | query string | `.query(&[("q", "rust")])` | [`.query("q", "rust")`](crate::RequestBuilder::query), [`.query_pairs([("q", "rust")])`](crate::RequestBuilder::query_pairs) |
//! | JSON body | `.json(&value).send()?` | `.send_json(&value)?` (feature `json`) |
//! | form body | `.form(&[("a", "1")]).send()?` | [`.send_form(&[("a", "1")])?`](crate::RequestBuilder::send_form) |
//! | raw body | `.body(bytes)`, `.body(File::open(p)?)` | [`.send(bytes)?`](crate::RequestBuilder::send), [`.send_file(File::open(p)?)?`](crate::RequestBuilder::send_file), [`.send_reader(r)?`](crate::RequestBuilder::send_reader) |
//! | files in a form | `.multipart(Form::new().file("f", p)?)` (feature `multipart`) | [`.send_multipart(Multipart::new().file("f", p)?)?`](crate::RequestBuilder::send_multipart) |
//! | a header | `.header("X-Id", "1")` | [`.header("X-Id", 1)`](crate::RequestBuilder::header) |
//! | default headers | `ClientBuilder::default_headers(HeaderMap)`, `user_agent` | [`default_header(name, value)`](crate::AgentBuilder::default_header), one per header; [`user_agent`](crate::AgentBuilder::user_agent) |
//! | timeouts | `timeout` (30 s by default), `connect_timeout`; `RequestBuilder::timeout` | [`timeout`](crate::AgentBuilder::timeout) (none by default), [`timeout_connect`](crate::AgentBuilder::timeout_connect) (30 s), [`timeout_read`](crate::AgentBuilder::timeout_read); [`RequestBuilder::timeout`](crate::RequestBuilder::timeout) |
//! | status | `resp.status()` (`StatusCode`), `error_for_status()?`, `error_for_status_ref()` | [`status()`](crate::Response::status) (`u16`), [`error_for_status()?`](crate::Response::error_for_status), [`error_for_status_ref()`](crate::Response::error_for_status_ref) |
//! | the body | `text()?`, `bytes()?`, `json()?` | [`text()?`](crate::Response::text), [`bytes()?`](crate::Response::bytes) (a `Vec<u8>`), `json()?` (feature `json`) |
//! | stream to a file | `resp.copy_to(&mut file)?` | [`resp.into_reader().copy_to(&mut file)?`](crate::BodyReader::copy_to) |
//! | response headers | `resp.headers().get(name)` | [`header(name)`](crate::Response::header) (case-insensitive, `Option<&str>`) |
//! | auth | `.basic_auth(user, Some(pass))`, `.bearer_auth(token)` | [`.basic_auth(user, pass)`](crate::RequestBuilder::basic_auth), [`.bearer_auth(token)`](crate::RequestBuilder::bearer_auth) |
//! | proxies | `.proxy(Proxy::all(url)?)`, `Proxy::http`, `Proxy::https`, `.no_proxy()` | [`.proxy(Proxy::new(url)?)`](crate::AgentBuilder::proxy) (all schemes), [`proxy_from_env(false)`](crate::AgentBuilder::proxy_from_env) (= reqwest's `.no_proxy()`), [`no_proxy(list)`](crate::AgentBuilder::no_proxy) (= `NoProxy::from_string`) |
//! | cookies | `cookie_store(true)` (feature `cookies`, off by default) | feature `cookies`: on in every agent; `cookie_store(None)` turns it off |
//! | redirects | `redirect(Policy::limited(5))`, `Policy::none()` | [`max_redirects(5)`](crate::AgentBuilder::max_redirects), `max_redirects(0)` |
//! | TLS roots | `add_root_certificate(Certificate::from_pem(&pem)?)`, `tls_built_in_root_certs(false)` | [`add_root_certificates_pem(&pem)`](crate::AgentBuilder::add_root_certificates_pem) (or [`try_add_root_certificates_pem`](crate::AgentBuilder::try_add_root_certificates_pem) to fail at once), [`only_added_roots(true)`](crate::AgentBuilder::only_added_roots) |
//! | client certificate | `identity(Identity::from_pem(&pem)?)` | [`client_certificate(ClientCert::from_pem(&cert, &key)?)`](crate::AgentBuilder::client_certificate) (one PEM holding both may be given twice) |
//! | no verification | `danger_accept_invalid_certs(true)` | [`danger_accept_invalid_certs(true)`](crate::AgentBuilder::danger_accept_invalid_certs) |
//! | own rustls config | `use_preconfigured_tls(config)` | [`tls_config(Arc::new(config))`](crate::AgentBuilder::tls_config) |
//! | errors | `is_timeout()`, `is_connect()`, `is_status()`, `status()`, `is_decode()`, … | [`kind()`](crate::Error::kind), [`is_timeout()`](crate::Error::is_timeout), [`status()`](crate::Error::status), [`url()`](crate::Error::url) (see [errors, side by side](#errors-side-by-side)) |
//!
//! What behaves differently: reqwest's blocking client runs a tokio runtime on a thread of its
//! own and panics when built or used inside an async runtime; h1client has no runtime and works
//! anywhere (it blocks the thread it runs on: see [the async recipe](super::_08_recipes#calling-h1client-from-async-code)).
//! reqwest gives up after 30 s by default, h1client does not; reqwest reads a body whole without
//! a limit, h1client stops at 10 MiB; reqwest may speak HTTP/2, h1client speaks HTTP/1.1 only.
//!
//! ## Errors, side by side
//!
//! One [`Error`](crate::Error) type, one [`ErrorKind`](crate::ErrorKind) to match on, and a
//! [`Step`](crate::Step) saying where the exchange was when it failed (for instance whether any
//! byte of the request had been sent: see the [retry recipe](super::_08_recipes#retry-with-backoff)).
//!
//! | h1client [`ErrorKind`](crate::ErrorKind) | `requests` exception | ureq 2 | ureq 3 `Error` | `reqwest` |
//! |---|---|---|---|---|
//! | [`InvalidUrl`](crate::ErrorKind::InvalidUrl) | `InvalidURL`, `MissingSchema`, `InvalidSchema` | `Transport`: `InvalidUrl`, `UnknownScheme` | `BadUri` | `is_builder()` |
//! | [`InvalidRequest`](crate::ErrorKind::InvalidRequest) | `InvalidHeader` | `Transport`: `BadHeader` | `Http` | `is_builder()` |
//! | [`Dns`](crate::ErrorKind::Dns) | `ConnectionError` | `Transport`: `Dns` | `HostNotFound` | `is_connect()` |
//! | [`Connect`](crate::ErrorKind::Connect) | `ConnectionError` | `Transport`: `ConnectionFailed` | `ConnectionFailed` | `is_connect()` |
//! | [`Timeout`](crate::ErrorKind::Timeout) | `ConnectTimeout`, `ReadTimeout` | `Transport`: `Io` (a timed-out `io::Error`) | `Timeout(_)` | `is_timeout()` |
//! | [`Tls`](crate::ErrorKind::Tls) ([`is_certificate_error`](crate::Error::is_certificate_error)) | `SSLError` | `Transport`: `ConnectionFailed`, `Io` | `Tls`, `Rustls`, `Pem` | `is_connect()` |
//! | [`Io`](crate::ErrorKind::Io) | `ConnectionError`, `ChunkedEncodingError` | `Transport`: `Io` | `Io` | `is_request()`, `is_body()` |
//! | [`Protocol`](crate::ErrorKind::Protocol) | `ChunkedEncodingError` (a bad chunk) | `Transport`: `BadStatus`, `BadHeader` | `Protocol` | `is_request()` |
//! | [`TooManyRedirects`](crate::ErrorKind::TooManyRedirects) | `TooManyRedirects` | `Transport`: `TooManyRedirects` | `TooManyRedirects` | `is_redirect()` |
//! | [`RedirectRefused`](crate::ErrorKind::RedirectRefused) | — | `Transport`: `InsecureRequestHttpsOnly` | `RequireHttpsOnly` | `is_redirect()` |
//! | [`Status`](crate::ErrorKind::Status) (from `error_for_status`) | `HTTPError` (from `raise_for_status`) | `Status(code, response)` | `StatusCode(code)` | `is_status()` |
//! | [`BodyTooLarge`](crate::ErrorKind::BodyTooLarge) | — | an `io::Error` from `into_string` | `BodyExceedsLimit(n)` | — |
//! | [`Proxy`](crate::ErrorKind::Proxy) | `ProxyError` | `Transport`: `ProxyConnect`, `ProxyUnauthorized`, `InvalidProxyUrl` | `ConnectProxyFailed`, `InvalidProxyUrl` | `is_connect()` |
//! | [`Decode`](crate::ErrorKind::Decode) | `ContentDecodingError`, `JSONDecodeError` | an `io::Error` from `into_json` | `Decompress`, `Json` | `is_decode()` |
//! | [`LocalIo`](crate::ErrorKind::LocalIo) | (Python's own `OSError`) | `Transport`: `Io` | `Io` | `is_body()` (a failing upload) |
//!
//! `ErrorKind` is `#[non_exhaustive]`: a `match` needs a `_` arm. The status of a status error is
//! [`Error::status`](crate::Error::status); the URL of the failed request
//! [`Error::url`](crate::Error::url); the cause ([`std::io::Error`], `rustls::Error`) is the
//! [`source`](std::error::Error::source), and [`Error::io_kind`](crate::Error::io_kind) its
//! `io::ErrorKind`.
//!
//! ## Behaviour, side by side
//!
//! | | `requests` | ureq 2 | ureq 3 | `reqwest::blocking` | h1client |
//! |---|---|---|---|---|---|
//! | 4xx/5xx | a response | `Err(Status)` | `Err(StatusCode)` | a response | a response ([`error_for_status`](crate::Response::error_for_status)) |
//! | default timeouts | none | connect 30 s | none | 30 s in all | connect 30 s ([`timeout`](crate::AgentBuilder::timeout) for the whole) |
//! | reading a body whole | no limit | 10 MB (`into_string`) | 10 MB | no limit | 10 MiB ([`body_limit`](crate::AgentBuilder::body_limit)) |
//! | gzip, deflate, brotli | gzip, deflate (br with `brotli` installed) | gzip (default feature), brotli (feature) | gzip (default feature), brotli (feature) | features `gzip`, `deflate`, `brotli`, `zstd` | features `gzip` (gzip, deflate), `brotli`; [`decompress(false)`](crate::AgentBuilder::decompress) to turn off |
//! | cookies | in a `Session` | feature, per agent | feature, per agent | feature, opt-in per client | feature, per agent; never in one-off calls |
//! | one-off calls | a new session each | a new agent each | a new agent each | a new client each | one shared agent: pooled connections, no cookies |
//! | redirects followed | 30 | 5 | 10 | 10 | 10 ([`max_redirects`](crate::AgentBuilder::max_redirects)) |
//! | `Authorization` on a redirect | kept on the same host | dropped | dropped (or kept on the same https host) | dropped on another host | kept on the same origin, dropped on another (with `Cookie`, `Proxy-Authorization`) |
//! | `https` → `http` redirect | followed | followed (unless `https_only`) | followed (unless `https_only`) | followed (unless `https_only`) | refused ([`allow_https_downgrade`](crate::AgentBuilder::allow_https_downgrade)) |
//! | POST after 301/302/303 | becomes GET | becomes GET | becomes GET | becomes GET | becomes GET; 307/308 resend the body (a streamed one cannot be: the 3xx is returned) |
//! | proxies from the environment | yes | only with `try_proxy_from_env` | yes | yes | yes, read when the agent is built; `HTTP_PROXY` in upper case ignored |
//! | text in an unknown charset | guessed, lossy | lossy UTF-8 (feature `charset` for others) | lossy UTF-8 (feature `charset`) | lossy | declared charset or UTF-8, strict ([`text_lossy`](crate::Response::text_lossy) replaces) |
//! | a body cut short | an error (`ChunkedEncodingError`) | an error | an error | an error | an error from `read` ([truncation](super::_04_when_it_goes_wrong#truncation)) |
//! | HTTP versions | 1.1 | 1.1 | 1.1 | 1.1, 2 (and 3) | 1.1 |
//!
//! (What the other libraries do is described as of `requests` 2.32, ureq 2.12, ureq 3.4 and
//! reqwest 0.12; each may change.)
//!
//! ## The differences, checked
//!
//! ```
//! # let server = h1client::doc_server::DocServer::start(&[
//! #     b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nno report",
//! #     b"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n01234567890123456789",
//! #     b"HTTP/1.1 302 Found\r\nLocation: /login\r\nContent-Length: 0\r\n\r\n",
//! #     b"HTTP/1.1 204 No Content\r\n\r\n",
//! # ]);
//! use h1client::{Agent, ErrorKind};
//!
//! // 1. a 404 is a response; error_for_status makes it an error, as ureq would
//! let resp = h1client::get(&server.url("/report")).call()?;
//! assert_eq!((resp.status(), resp.is_success()), (404, false));
//! let err = resp.error_for_status().unwrap_err();
//! assert_eq!((err.kind(), err.status()), (ErrorKind::Status, Some(404)));
//!
//! // 3. reading a body whole has a limit (10 MiB by default; 16 bytes here)
//! let err = h1client::get(&server.url("/big")).body_limit(16).call()?.bytes().unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
//!
//! // redirects: max_redirects(0) is requests' allow_redirects=False
//! let agent = Agent::builder().max_redirects(0).build();
//! let resp = agent.get(&server.url("/account")).call()?;
//! assert_eq!((resp.status(), resp.header("location")), (302, Some("/login")));
//!
//! // a header value is anything that prints; a query is encoded as a form would
//! agent.get(&server.url("/search")).query("q", "rust & http").header("X-Page", 2).call()?;
//! let sent = &server.requests()[3];
//! assert!(sent.starts_with("GET /search?q=rust+%26+http HTTP/1.1\r\n") && sent.contains("\r\nX-Page: 2\r\n"));
//! # // The feature-gated names the tables use exist:
//! # #[cfg(feature = "json")]
//! # {
//! #     let _ = h1client::RequestBuilder::send_json::<()>;
//! #     let _ = h1client::Response::json::<()>;
//! # }
//! # #[cfg(feature = "cookies")]
//! # {
//! #     assert_eq!(Agent::new().with_cookie_store(|jar| jar.iter_any().count()), Some(0));
//! #     let _ = h1client::AgentBuilder::cookie_store;
//! # }
//! # #[cfg(feature = "native-roots")]
//! # let _ = h1client::AgentBuilder::native_roots;
//! # Ok::<(), h1client::Error>(())
//! ```
