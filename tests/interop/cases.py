"""The CLI cases: each runs target/release/h1client and the system curl with the same arguments
and compares them (or, where the project deliberately differs from curl, checks h1client against
the behaviour stated in the case).

A case's arguments are strings with {placeholders} (see PLACEHOLDER_SERVERS and run.fill_vars):
{nginx}, {tls13}, {httpbin}, {squid_auth_creds}, {socks5h}, {ca}, {files}, {out} (the run's own
directory, also its working directory) ... The servers a case needs follow from its placeholders.

Checks are functions (h1client run, curl run, ctx) -> list of problems; the helpers below make the
usual ones. A case with no `checks` compares exit codes and standard output byte for byte.
"""

import hashlib
import json
import re

# Cases that fail today because of h1client (not the harness), with the reason. A known failure
# is printed as KNOWN and does not fail the run; when it passes, the summary says to remove it.
KNOWN = {
    "lib.lighttpd_post_at_keepalive_edge":
        "a POST on a reused connection 1-2 s idle meets lighttpd's idle close (its once-a-second check runs when "
        "the request wakes it) and gets an empty reply; a POST is not re-sent, and lighttpd sends no Keep-Alive "
        "hint to honour (racy: fails in most runs; the same agent with idle_timeout below 1 s passes)",
    "keepalive.lighttpd.post-after-idle":
        "the CLI side of lib.lighttpd_post_at_keepalive_edge: the POST after 1-2 s idle gets an empty reply "
        "(exit 52 for that URL) where curl re-sends it on a new connection and succeeds (curl -v: 'Connection "
        "died, retrying a fresh connect (retry count: 1)') (racy). Deliberate: RFC 9110 §9.2.2, held by the "
        "conformance case stale-connection-post-not-retried; listed among the README's differences from curl",
}

PLACEHOLDER_SERVERS = [
    (r"nginx\w*|tls|tls12|tls13|wrongname|expired|nosan|nointer|fullchain|mtls|h2|tls_ip6?", "nginx"),
    (r"apache", "apache"),
    (r"lighttpd", "lighttpd"),
    (r"httpbin", "httpbin"),
    (r"squid\w*|proxy_user|proxy_password", "squid"),
    (r"socks5h?", "socks"),
    (r"socks5h?_auth\w*", "socks_auth"),
]


class Case:
    def __init__(self, name, args, checks=None, needs=(), curl=True, curl_args=(), h1_args=(), stdin=None, env=None,
                 timeout=30, differs=None, silent=True, skip_if=None, evidence=None):
        self.name = name
        self.args = list(args)
        self.checks = list(checks) if checks else [same_exit(), same_stdout()]
        self.curl = curl
        self.curl_args = list(curl_args)
        self.h1_args = list(h1_args)
        self.stdin = stdin
        self.env = dict(env or {})
        self.timeout = timeout
        self.differs = differs
        self.silent = silent
        self.skip_if = skip_if
        # for a deliberate difference: (h1client run, curl run) -> a short text showing it
        self.evidence = evidence
        found = set(needs)
        text = " ".join(self.args + self.curl_args + self.h1_args + list(self.env.values()))
        for key in re.findall(r"\{(\w+)\}", text):
            for pattern, server in PLACEHOLDER_SERVERS:
                if re.fullmatch(pattern, key):
                    found.add(server)
        self.needs = sorted(found)
        self.uses_logs = any(getattr(c, "uses_logs", False) for c in self.checks)


# --------------------------------------------------------------------------- checks

def _d(b, n=200):
    s = b.decode(errors="replace") if isinstance(b, (bytes, bytearray)) else str(b)
    return repr(s if len(s) <= n else s[:n] + "...")


def same_exit():
    def check(h1, curl, ctx):
        if h1.code != curl.code:
            return ["exit %s, curl %s" % (h1.code, curl.code)]
        return []
    return check


def exit_is(code, curl_code=None):
    """h1client exits with `code`; curl_code, if given, is what curl is known to do (checked too, so
    that a curl upgrade that changes it is noticed)."""
    def check(h1, curl, ctx):
        p = []
        if h1.code != code:
            p.append("exit %s, expected %s" % (h1.code, code))
        if curl is not None and curl_code is not None and curl.code != curl_code:
            p.append("curl exit %s, expected curl to exit %s (the case's premise)" % (curl.code, curl_code))
        return p
    return check


def same_stdout():
    def check(h1, curl, ctx):
        if h1.stdout != curl.stdout:
            return ["stdout differs (%d bytes, curl %d): %s vs curl %s"
                    % (len(h1.stdout), len(curl.stdout), _d(h1.stdout), _d(curl.stdout))]
        return []
    return check


def stdout_is_file(name):
    """h1client's stdout is exactly the static file `name` (and so is curl's, when curl ran)."""
    def check(h1, curl, ctx):
        want = ctx.files[name]
        p = []
        for r in (h1, curl):
            if r is None:
                continue
            got = hashlib.sha256(r.stdout).hexdigest()
            if got != want["sha256"]:
                p.append("%s stdout is %d bytes sha256 %s, not %s (%d bytes)"
                         % (r.tool, len(r.stdout), got[:16], name, want["size"]))
        return p
    return check


def output_file_is(out_name, name):
    """The -o file `out_name` is the static file `name`, for both tools."""
    def check(h1, curl, ctx):
        want = ctx.files[name]
        p = []
        for r in (h1, curl):
            if r is None:
                continue
            if not r.has_file(out_name):
                p.append("%s wrote no %s" % (r.tool, out_name))
                continue
            data = r.file(out_name)
            if hashlib.sha256(data).hexdigest() != want["sha256"]:
                p.append("%s's %s is %d bytes, not %s (%d bytes)" % (r.tool, out_name, len(data), name, want["size"]))
        return p
    return check


def same_output_file(out_name):
    def check(h1, curl, ctx):
        a = h1.file(out_name) if h1.has_file(out_name) else None
        b = curl.file(out_name) if curl.has_file(out_name) else None
        if a != b:
            return ["-o %s differs: %s vs curl %s" % (out_name, _d(a if a is not None else b"(none)"),
                                                     _d(b if b is not None else b"(none)"))]
        return []
    return check


def stdout_matches(pattern, tools=("h1client",)):
    rx = re.compile(pattern.encode(), re.S)

    def check(h1, curl, ctx):
        return ["%s stdout does not match %r: %s" % (r.tool, pattern, _d(r.stdout))
                for r in (h1, curl) if r is not None and r.tool in tools and not rx.search(r.stdout)]
    return check


def split_heads(data):
    """-i output -> ([(status, {name: [values]}, raw)], body)."""
    heads = []
    while data.startswith(b"HTTP/"):
        end = data.find(b"\r\n\r\n")
        if end < 0:
            break
        raw = data[:end].decode("latin-1")
        data = data[end + 4:]
        lines = raw.split("\r\n")
        m = re.match(r"HTTP/[\d.]+ (\d{3})", lines[0])
        fields = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                fields.setdefault(k.strip().lower(), []).append(v.strip())
        heads.append((int(m.group(1)) if m else 0, fields, raw))
    return heads, data


DEFAULT_HEADERS = ("content-type", "content-length", "location", "content-range", "content-encoding",
                   "transfer-encoding", "etag", "last-modified", "keep-alive", "connection", "www-authenticate",
                   "proxy-authenticate", "set-cookie", "vary", "accept-ranges")


def same_heads(headers=DEFAULT_HEADERS, body=True):
    """With -i: the same sequence of status codes, the same values for `headers` in each head, and
    (if `body`) the same body after the heads."""
    def check(h1, curl, ctx):
        a, ab = split_heads(h1.stdout)
        b, bb = split_heads(curl.stdout)
        p = []
        if [h[0] for h in a] != [h[0] for h in b]:
            p.append("statuses %s, curl %s" % ([h[0] for h in a], [h[0] for h in b]))
        else:
            for (_, fa, _), (_, fb, _) in zip(a, b):
                for name in headers:
                    if fa.get(name) != fb.get(name):
                        p.append("%s: %s, curl %s" % (name, fa.get(name), fb.get(name)))
        if body and ab != bb:
            p.append("bodies differ (%d bytes, curl %d): %s vs %s" % (len(ab), len(bb), _d(ab), _d(bb)))
        return p
    return check


def statuses_are(*codes):
    def check(h1, curl, ctx):
        got = [h[0] for h in split_heads(h1.stdout)[0]]
        return [] if got == list(codes) else ["statuses %s, expected %s" % (got, list(codes))]
    return check


def _json(r):
    try:
        return json.loads(r.stdout.decode())
    except ValueError:
        raise AssertionError("%s stdout is not JSON: %s" % (r.tool, _d(r.stdout)))


def _dig(doc, path):
    for part in path.split("."):
        if isinstance(doc, dict):
            # httpbin's header names: as the server spelled them, so look them up without case
            match = [k for k in doc if k.lower() == part.lower()]
            doc = doc[match[0]] if match else None
        else:
            return None
    return doc


def same_json(*paths):
    """Both stdouts are JSON (httpbin) and agree on these dotted paths."""
    def check(h1, curl, ctx):
        a, b = _json(h1), _json(curl)
        return ["%s: %r, curl %r" % (p, _dig(a, p), _dig(b, p)) for p in paths if _dig(a, p) != _dig(b, p)]
    return check


def json_is(path, value, tools=("h1client",)):
    def check(h1, curl, ctx):
        p = []
        for r in (h1, curl):
            if r is not None and r.tool in tools:
                got = _dig(_json(r), path)
                if got != value:
                    p.append("%s %s: %r, expected %r" % (r.tool, path, got, value))
        return p
    return check


def _log(r, server):
    return r.logs.get(server, [])


def log_check(fn):
    fn.uses_logs = True
    return fn


def _conns(lines, server):
    ids = []
    for line in lines:
        if server == "nginx":
            m = re.search(r" conn=(\d+) ", line)
        elif server == "apache":
            m = re.search(r" conn=(\d+) ", line)
        else:
            m = None
        if m and m.group(1) not in ids:
            ids.append(m.group(1))
    return ids


def same_connections(server, expect=None):
    """The server's access log shows as many connections for h1client as for curl (and `expect`
    when given): keep-alive reuse as the server saw it."""
    @log_check
    def check(h1, curl, ctx):
        a = _conns(_log(h1, server), server)
        b = _conns(_log(curl, server), server) if curl else None
        p = []
        if curl is not None and len(a) != len(b):
            p.append("%s saw %d connection(s) from h1client, %d from curl" % (server, len(a), len(b)))
        if expect is not None and len(a) != expect:
            p.append("%s saw %d connection(s) from h1client, expected %d" % (server, len(a), expect))
        if not _log(h1, server):
            p.append("no %s log line for h1client" % server)
        return p
    return check


def log_lines(server, count=None, pattern=None, absent=None, tools=("h1client", "curl")):
    """The server's new access log lines for each tool: `count` of them, each matching `pattern`,
    none matching `absent`."""
    @log_check
    def check(h1, curl, ctx):
        p = []
        for r in (h1, curl):
            if r is None or r.tool not in tools:
                continue
            lines = _log(r, server)
            if count is not None and len(lines) != count:
                p.append("%s: %d %s log line(s), expected %d: %s" % (r.tool, len(lines), server, count, lines[-4:]))
            for line in lines:
                if pattern and not re.search(pattern, line):
                    p.append("%s: %s log line does not match %r: %s" % (r.tool, server, pattern, line))
                if absent and re.search(absent, line):
                    p.append("%s: %s log line matches %r: %s" % (r.tool, server, absent, line))
        return p
    return check


def no_stderr():
    """Nothing on stderr: with several URLs the exit code is the last one's, as in curl, so an
    earlier transfer's failure shows only there."""
    def check(h1, curl, ctx):
        p = []
        for r in (h1, curl):
            if r is not None and r.stderr.strip():
                p.append("%s stderr: %s" % (r.tool, _d(r.stderr.strip())))
        return p
    return check


def stderr_matches(pattern):
    rx = re.compile(pattern.encode(), re.I)

    def check(h1, curl, ctx):
        return [] if rx.search(h1.stderr) else ["h1client stderr does not match %r: %s" % (pattern, _d(h1.stderr))]
    return check


def cgi_field(name, value=None, same=True):
    """The CGI echo's `name=` line: the same for both tools, and `value` for h1client if given."""
    def get(r):
        m = re.search((r"^%s=(.*)$" % re.escape(name)).encode(), r.stdout, re.M)
        return m.group(1).decode(errors="replace") if m else None

    def check(h1, curl, ctx):
        p = []
        a = get(h1)
        if a is None:
            p.append("no %s= in h1client's output: %s" % (name, _d(h1.stdout)))
        if same and curl is not None and a != get(curl):
            p.append("%s=%r, curl %r" % (name, a, get(curl)))
        if value is not None and a != value:
            p.append("%s=%r, expected %r" % (name, a, value))
        return p
    return check


def sha_of(name):
    return lambda ctx: ctx.files[name]["sha256"]


def cgi_body_is(name):
    def check(h1, curl, ctx):
        p = []
        for r in (h1, curl):
            if r is None:
                continue
            m = re.search(rb"^body_sha256=(\w+)$", r.stdout, re.M)
            if not m or m.group(1).decode() != ctx.files[name]["sha256"]:
                p.append("%s: the server did not receive %s: %s" % (r.tool, name, _d(r.stdout)))
        return p
    return check


# --------------------------------------------------------------------------- the cases

def all_cases():
    C = Case
    E, O = same_exit, same_stdout
    cases = []
    add = cases.append

    # ---- plain GETs against nginx
    add(C("get.nginx.small", ["{nginx}/files/small.txt"], [E(), O(), stdout_is_file("small.txt")]))
    add(C("get.nginx.empty", ["{nginx}/files/empty.txt"], [E(), O(), stdout_is_file("empty.txt")]))
    add(C("get.nginx.large-stdout", ["{nginx}/plain/large.bin"], [E(), stdout_is_file("large.bin")], timeout=60))
    add(C("get.nginx.large-file", ["-o", "large.bin", "{nginx}/plain/large.bin"],
          [E(), O(), output_file_is("large.bin", "large.bin")], timeout=60))
    add(C("get.nginx.ipv6", ["{nginx6}/files/small.txt"], [E(), O(), stdout_is_file("small.txt")]))
    add(C("get.nginx.localhost", ["{nginx_localhost}/files/utf8.txt"], [E(), O(), stdout_is_file("utf8.txt")]))
    add(C("get.nginx.include", ["-i", "{nginx}/files/data.json"], [E(), same_heads()]))
    add(C("get.nginx.404", ["-i", "{nginx}/files/nope.txt"], [E(), same_heads()]))
    add(C("get.nginx.404-fail", ["-f", "{nginx}/files/nope.txt"], [exit_is(22, 22), O()]))
    add(C("get.nginx.index", ["{nginx}/files/"], [E(), O(), stdout_is_file("index.html")]))
    add(C("get.nginx.chunked", ["-i", "{nginx}/chunked"],
          [E(), same_heads(), stdout_matches(r"Transfer-Encoding: chunked.*first chunk\nsecond chunk\nlast chunk\n$")],
          skip_if=lambda ctx: None if ctx.manifest["servers"]["nginx"]["echo"] else "nginx has no echo module"))
    add(C("get.nginx.slow", ["{nginx}/slow/medium.bin"], [E(), stdout_is_file("medium.bin")], timeout=60))
    add(C("get.nginx.slow-max-time", ["-m", "1", "{nginx}/slow/large.bin", "-o", "part.bin"],
          [exit_is(28, 28)], timeout=30))

    # ---- methods and bodies
    add(C("method.nginx.head", ["-I", "{nginx}/files/text.txt"], [E(), same_heads()]))
    add(C("method.nginx.head-gzip", ["-I", "--compressed", "{nginx}/gz/text.txt"], [E(), same_heads()]))
    add(C("method.nginx.post-echo", ["--data-binary", "@{files}/lines.txt", "{nginx}/echo"],
          [E(), O(), stdout_is_file("lines.txt")],
          skip_if=lambda ctx: None if ctx.manifest["servers"]["nginx"]["echo"] else "nginx has no echo module"))
    add(C("method.nginx.put-upload", ["-T", "{files}/upload.bin", "{nginx}/upload/{tool}-u.bin"],
          [E(), O(), put_then_get("u.bin", "upload.bin")], timeout=60))
    add(C("method.nginx.put-chunked-large", ["-T", "-", "{nginx}/upload/{tool}-ch.bin"],
          [E(), O(), put_then_get("ch.bin", "upload.bin")], stdin=file_bytes("upload.bin"), timeout=60))
    add(C("method.nginx.head-chunked", ["-I", "{nginx}/chunked"], [E(), same_heads()],
          skip_if=lambda ctx: None if ctx.manifest["servers"]["nginx"]["echo"] else "nginx has no echo module"))
    add(C("method.nginx.custom", ["-i", "-X", "FOO", "{nginx}/files/small.txt"], [E(), same_heads()]))
    add(C("method.nginx.delete", ["-i", "-X", "DELETE", "{nginx}/upload/nothing-here.bin"], [E(), same_heads()]))
    add(C("method.apache.post-cgi", ["-d", "a=1&b=two", "{apache}/cgi-bin/echo.sh?q=1"],
          [E(), O(), cgi_field("method", "POST")]))
    add(C("method.apache.post-file-cgi", ["--data-binary", "@{files}/medium.bin", "-H", "Content-Type: application/x-bin",
                                          "{apache}/cgi-bin/echo.sh"],
          [E(), cgi_field("method", "POST"), cgi_field("content_type"), cgi_field("content_length"),
           cgi_body_is("medium.bin")]))
    add(C("method.apache.put-cgi", ["-T", "{files}/upload.bin", "{apache}/cgi-bin/echo.sh"],
          [E(), cgi_field("method", "PUT"), cgi_field("content_length"), cgi_body_is("upload.bin"),
           cgi_field("expect", "", same=False)],
          differs="no Expect: 100-continue on -T unless asked (curl sends it for this 3 MB upload)",
          evidence=ev_cgi("expect")))
    add(C("method.apache.put-stdin-chunked", ["-T", "-", "{apache}/cgi-bin/echo.sh"],
          [E(), cgi_field("method", "PUT"), cgi_field("body_bytes", "11"), cgi_field("content_length")],
          stdin="stdin data\n"))
    add(C("method.apache.expect-asked", ["-i", "-H", "Expect: 100-continue", "-T", "{files}/upload.bin",
                                         "{apache}/cgi-bin/echo.sh"],
          [E(), same_heads(), statuses_are(100, 200), cgi_field("expect", "100-continue"), cgi_body_is("upload.bin")]))
    add(C("method.nginx.expect-asked", ["-i", "-H", "Expect: 100-continue", "-T", "{files}/medium.bin",
                                        "{nginx}/upload/{tool}-e.bin"],
          [E(), same_heads(("content-length",)), statuses_are(100, 201),
           put_then_get("e.bin", "medium.bin")]))
    add(C("method.apache.delete-cgi", ["-X", "DELETE", "{apache}/cgi-bin/echo.sh"],
          [E(), O(), cgi_field("method", "DELETE")]))
    add(C("method.apache.header-echo", ["-i", "-H", "X-Interop-Check: hello there", "{apache}/files/a.txt"],
          [E(), same_heads(DEFAULT_HEADERS + ("x-interop-check",))]))
    add(C("method.lighttpd.post-cgi", ["-d", "@{files}/lines.txt", "{lighttpd}/cgi-bin/echo.sh"],
          [E(), O(), cgi_field("method", "POST"), cgi_field("body_bytes", "22")]))
    add(C("method.lighttpd.get", ["-i", "{lighttpd}/files/data.json"], [E(), same_heads()]))
    for m, path, extra in (("GET", "get", []), ("POST", "post", ["-d", "k=v&x=1"]), ("PUT", "put", ["-d", "k=v"]),
                           ("PATCH", "patch", ["-d", '{"a":1}', "-H", "Content-Type: application/json"]),
                           ("DELETE", "delete", [])):
        args = (["-X", m] if m not in ("GET", "POST") else []) + extra + ["{httpbin}/" + path + "?q=1&r=two+words"]
        add(C("method.httpbin." + m.lower(), args,
              [E(), same_json("args", "data", "form", "json", "files", "headers.Content-Type",
                              "headers.Content-Length")]))
    add(C("method.httpbin.custom", ["-X", "TRACE", "{httpbin}/anything/x"], [E(), same_json("method", "url", "data")]))
    add(C("method.httpbin.get-data", ["-G", "-d", "a=1", "-d", "b=2", "{httpbin}/get"], [E(), same_json("args", "url")]))
    # (the length of httpbin's JSON depends on the User-Agent)
    add(C("method.httpbin.head", ["-I", "{httpbin}/get"], [E(), same_heads(("content-type",))]))
    add(C("body.httpbin.upload-echo", ["-T", "{files}/text.txt", "{httpbin}/anything"],
          [E(), same_json("method", "data", "headers.Content-Length"), httpbin_data_is("text.txt")]))
    add(C("body.httpbin.data-file", ["-d", "@{files}/lines.txt", "{httpbin}/post"],
          [E(), same_json("form", "data", "headers.Content-Length")]))
    add(C("body.httpbin.data-binary", ["--data-binary", "@{files}/lines.txt", "-H", "Content-Type: text/plain",
                                       "{httpbin}/post"],
          [E(), same_json("data", "headers.Content-Length", "headers.Content-Type"), httpbin_data_is("lines.txt")]))
    add(C("body.httpbin.json", ["--data-binary", "@{files}/data.json", "-H", "Content-Type: application/json",
                                "{httpbin}/post"], [E(), same_json("json", "data")]))
    add(C("body.httpbin.multipart", ["-F", "field=value", "-F", "text=@{files}/small.txt", "-F",
                                     "typed=@{files}/data.json;type=application/json", "{httpbin}/post"],
          [E(), same_json("form", "files")]))
    add(C("body.httpbin.multipart-binary", ["-F", "blob=@{files}/medium.bin", "{httpbin}/post"],
          [E(), same_json("files")]))
    add(C("body.httpbin.bytes", ["{httpbin}/bytes/70000?seed=7"], [E(), O()]))
    add(C("body.httpbin.stream-bytes", ["{httpbin}/stream-bytes/50000?seed=3&chunk_size=1000"], [E(), O()]))
    add(C("body.httpbin.stream", ["{httpbin}/stream/5"], [E(), stream_ids(5)]))
    add(C("body.httpbin.drip", ["{httpbin}/drip?numbytes=8&duration=0.4&delay=0"], [E(), O()]))
    add(C("body.httpbin.utf8", ["{httpbin}/encoding/utf8"], [E(), O()]))
    add(C("body.httpbin.base64", ["{httpbin}/base64/aDFjbGllbnQgaW50ZXJvcA=="], [E(), O()]))
    add(C("body.httpbin.html", ["-i", "{httpbin}/html"], [E(), same_heads(("content-type", "content-length"))]))
    add(C("body.httpbin.response-headers", ["-i", "{httpbin}/response-headers?X-Interop=yes&X-Two=a&X-Two=b"],
          [E(), same_heads(("x-interop", "x-two", "content-type"), body=False)]))
    add(C("body.httpbin.user-agent", ["-A", "interop-agent/1", "-H", "X-Custom: 1", "-H", "Accept: text/x-interop",
                                      "{httpbin}/headers"],
          [E(), same_json("headers.User-Agent", "headers.X-Custom", "headers.Accept")]))
    add(C("body.httpbin.delay", ["{httpbin}/delay/1"], [E(), same_json("url", "args")]))
    add(C("body.httpbin.delay-max-time", ["-m", "0.5", "{httpbin}/delay/3"], [exit_is(28, 28), O()]))

    # ---- compression
    for enc in ("gzip", "deflate", "brotli"):
        add(C("compress.httpbin." + enc, ["--compressed", "{httpbin}/" + enc],
              [E(), same_json(enc if enc != "brotli" else "brotli", "method")]))
    add(C("compress.httpbin.gzip-raw", ["{httpbin}/gzip"], [E(), raw_gzip()]))
    add(C("compress.nginx.gzip", ["--compressed", "{nginx}/gz/text.txt"], [E(), O(), stdout_is_file("text.txt")]))
    add(C("compress.nginx.gzip-head", ["-i", "--compressed", "{nginx}/gz/text.txt"],
          [E(), same_heads(), body_is_file("text.txt")]))
    add(C("compress.nginx.gzip-raw", ["-H", "Accept-Encoding: gzip", "{nginx}/gz/text.txt"], [E(), O()]))
    add(C("compress.nginx.br", ["--compressed", "{nginx}/files/text.txt"],
          [E(), O(), stdout_is_file("text.txt"), log_lines("nginx", count=1)],
          skip_if=lambda ctx: None if ctx.manifest["servers"]["nginx"]["brotli"] else "nginx has no brotli module"))
    add(C("compress.nginx.br-only", ["-i", "--compressed", "-H", "Accept-Encoding: br", "{nginx}/files/text.txt"],
          [E(), same_heads()],
          skip_if=lambda ctx: None if ctx.manifest["servers"]["nginx"]["brotli"] else "nginx has no brotli module"))
    add(C("compress.nginx.large-gzip", ["--compressed", "-H", "Accept-Encoding: gzip", "{nginx}/gz/large.bin",
                                        "-o", "large.bin"],
          [E(), output_file_is("large.bin", "large.bin")], timeout=60))
    add(C("compress.apache.deflate", ["-i", "--compressed", "{apache}/files/text.txt"],
          [E(), same_heads(), body_is_file("text.txt")]))
    add(C("compress.lighttpd.gzip", ["--compressed", "-H", "Accept-Encoding: gzip", "{lighttpd}/files/text.txt"],
          [E(), O(), stdout_is_file("text.txt")]))
    add(C("compress.lighttpd.deflate", ["-i", "--compressed", "-H", "Accept-Encoding: deflate",
                                        "{lighttpd}/files/text.txt"],
          [E(), same_heads(), body_is_file("text.txt"), stdout_matches(r"Content-Encoding: deflate\r\n")],
          skip_if=lambda ctx: None if ctx.manifest["servers"]["lighttpd"]["deflate"] else "lighttpd has no mod_deflate"))
    add(C("compress.lighttpd.gzip-encoded", ["-i", "--compressed", "{lighttpd}/files/text.txt"],
          [E(), same_heads(), body_is_file("text.txt"), stdout_matches(r"Content-Encoding: gzip\r\n")],
          skip_if=lambda ctx: None if ctx.manifest["servers"]["lighttpd"]["deflate"] else "lighttpd has no mod_deflate"))
    add(C("compress.nginx.no-compressed", ["-i", "{nginx}/gz/text.txt"],
          [E(), same_heads(), body_is_file("text.txt")]))

    # ---- ranges
    add(C("range.nginx.first", ["-i", "-H", "Range: bytes=0-99", "{nginx}/plain/large.bin"], [E(), same_heads()]))
    add(C("range.nginx.middle", ["-H", "Range: bytes=1000000-1000999", "{nginx}/plain/large.bin"], [E(), O()]))
    add(C("range.nginx.suffix", ["-i", "-H", "Range: bytes=-64", "{nginx}/plain/medium.bin"], [E(), same_heads()]))
    add(C("range.nginx.open-end", ["-H", "Range: bytes=1048000-", "{nginx}/plain/medium.bin"], [E(), O()]))
    add(C("range.nginx.multi", ["-i", "-H", "Range: bytes=0-9,20-29", "{nginx}/plain/medium.bin"],
          # the multipart boundary is a counter in nginx: only its length is the same
          [E(), same_heads(("content-length",), body=False), statuses_are(206)]))
    add(C("range.nginx.unsatisfiable", ["-i", "-H", "Range: bytes=99999999-", "{nginx}/plain/medium.bin"],
          [E(), same_heads()]))
    add(C("range.nginx.unsatisfiable-fail", ["-f", "-H", "Range: bytes=99999999-", "{nginx}/plain/medium.bin"],
          [exit_is(22, 22), O()]))
    # curl's -r, once the CLI has it
    for name, spec in (("r-first", "0-99"), ("r-suffix", "-64"), ("r-open", "1048000-")):
        add(C("range.nginx." + name, ["-i", "-r", spec, "{nginx}/plain/medium.bin"], [E(), same_heads()],
              skip_if=lambda ctx: None if "--range" in ctx.h1_help else "h1client has no -r/--range yet"))
    add(C("range.apache.first", ["-i", "-H", "Range: bytes=5-", "{apache}/files/small.txt"], [E(), same_heads()]))
    add(C("range.httpbin", ["-i", "-H", "Range: bytes=10-19", "{httpbin}/range/100"],
          [E(), same_heads(("content-range", "content-length"))]))

    # ---- redirects
    for s in (301, 302, 303, 307, 308):
        add(C("redirect.nginx.%d" % s, ["-L", "-i", "{nginx}/r/%d" % s], [E(), same_heads()]))
    for s in (301, 302, 303, 307, 308):
        # curl and RFC 9110: 301/302/303 turn a POST into a GET (200), 307/308 keep it (nginx: 405)
        add(C("redirect.nginx.post-%d" % s, ["-L", "-i", "-d", "x=1", "{nginx}/r/%d" % s], [E(), same_heads()]))
    add(C("redirect.nginx.no-follow", ["-i", "{nginx}/r/302"], [E(), same_heads()]))
    add(C("redirect.nginx.absolute", ["-L", "{nginx}/r/abs"], [E(), O(), stdout_is_file("small.txt")]))
    add(C("redirect.nginx.loop", ["-L", "--max-redirs", "5", "{nginx}/r/loop"], [exit_is(47, 47), O()]))
    add(C("redirect.nginx.to-tls", ["-L", "--cacert", "{ca}", "{nginx}/r/to-tls"],
          [E(), O(), stdout_is_file("small.txt")]))
    add(C("redirect.tls.to-http", ["-L", "--cacert", "{ca}", "{tls}/r/to-http"], [exit_is(1, 0)],
          differs="an https -> http redirect is refused (exit 1); curl follows it", evidence=ev_stderr))
    add(C("redirect.httpbin.chain", ["-L", "{httpbin}/redirect/4"], [E(), same_json("url")]))
    add(C("redirect.httpbin.relative", ["-L", "{httpbin}/relative-redirect/3"], [E(), same_json("url")]))
    add(C("redirect.httpbin.absolute", ["-L", "{httpbin}/absolute-redirect/2"], [E(), same_json("url")]))
    add(C("redirect.httpbin.max-redirs", ["-L", "--max-redirs", "2", "{httpbin}/redirect/5"], [exit_is(47, 47), O()]))
    add(C("redirect.httpbin.max-redirs-0", ["-L", "--max-redirs", "0", "{httpbin}/redirect/1"],
          [exit_is(47, 47), O()]))
    add(C("redirect.httpbin.not-followed", ["-i", "{httpbin}/redirect/2"],
          [E(), same_heads(("location", "content-length"))]))
    for s in (301, 302, 303, 307, 308):
        add(C("redirect.httpbin.post-%d" % s,
              ["-L", "-d", "k=v", "{httpbin}/redirect-to?url=/anything&status_code=%d" % s],
              [E(), same_json("method", "data", "form", "headers.Content-Length", "headers.Content-Type")]))
    add(C("redirect.httpbin.put-303", ["-L", "-T", "{files}/small.txt",
                                       "{httpbin}/redirect-to?url=/anything&status_code=303"],
          [E(), same_json("method", "data")]))
    add(C("redirect.httpbin.auth-same-origin", ["-L", "-u", "user:passwd",
                                                "{httpbin}/redirect-to?url=/basic-auth/user/passwd"],
          [E(), same_json("authenticated", "user")]))

    # ---- authentication
    add(C("auth.httpbin.basic", ["-u", "user:passwd", "{httpbin}/basic-auth/user/passwd"], [E(), O()]))
    add(C("auth.httpbin.wrong-password", ["-i", "-u", "user:wrong", "{httpbin}/basic-auth/user/passwd"],
          [E(), same_heads(("www-authenticate", "content-length"))]))
    add(C("auth.httpbin.wrong-password-fail", ["-f", "-u", "user:wrong", "{httpbin}/basic-auth/user/passwd"],
          [exit_is(22, 22), O()]))
    add(C("auth.httpbin.none", ["-i", "{httpbin}/basic-auth/user/passwd"], [E(), same_heads(("www-authenticate",))]))
    add(C("auth.httpbin.hidden-basic", ["-u", "user:passwd", "{httpbin}/hidden-basic-auth/user/passwd"], [E(), O()]))
    add(C("auth.httpbin.bearer", ["-H", "Authorization: Bearer tok123", "{httpbin}/bearer"], [E(), O()]))
    add(C("auth.httpbin.utf8-password", ["-u", "user:p\u00e4ss", "{httpbin}/basic-auth/user/p%C3%A4ss"],
          [E(), O()]))

    # ---- status codes
    for code in (200, 204, 418, 500, 503):
        add(C("status.httpbin.%d" % code, ["-i", "{httpbin}/status/%d" % code], [E(), same_heads()]))
    add(C("status.httpbin.500-fail", ["-f", "{httpbin}/status/500"], [exit_is(22, 22), O()]))
    add(C("status.httpbin.304", ["-i", "{httpbin}/status/304"], [E(), same_heads()]))
    add(C("status.httpbin.cookies", ["-i", "{httpbin}/cookies/set?k1=v1&k2=v2"],
          [E(), same_heads(("set-cookie", "location"))]))
    add(C("status.httpbin.cookies-follow", ["-L", "{httpbin}/cookies/set?k1=v1"], [E(), O()]))

    # ---- proxies: squid
    add(C("proxy.squid.http", ["-x", "{squid}", "{nginx}/files/small.txt"],
          [E(), O(), stdout_is_file("small.txt"), log_lines("squid", count=1, pattern=r" GET http://127\.0\.0\.1")]))
    add(C("proxy.squid.http-head", ["-x", "{squid}", "-i", "{nginx}/files/a.txt"],
          [E(), same_heads(("content-length", "content-type", "via"))]))
    add(C("proxy.squid.post", ["-x", "{squid}", "-d", "a=b", "{apache}/cgi-bin/echo.sh"],
          [E(), O(), cgi_field("method", "POST")]))
    add(C("proxy.squid.put-upload", ["-x", "{squid}", "-T", "{files}/upload.bin", "{nginx}/upload/{tool}-sq.bin"],
          [E(), O(), put_then_get("sq.bin", "upload.bin")], timeout=60))
    # (squid passes curl's chunked body on as it is, but dechunks h1client's, which comes without
    # Expect: 100-continue, into a Content-Length: the CGI sees the same bytes)
    add(C("proxy.squid.put-chunked", ["-x", "{squid}", "-T", "-", "{apache}/cgi-bin/echo.sh"],
          [E(), cgi_field("method", "PUT"), cgi_field("body_bytes", "11"), cgi_field("body_sha256")],
          stdin="stdin data\n"))
    add(C("proxy.squid.auth-post", ["-x", "{squid_auth_creds}", "-d", "a=b", "{apache}/cgi-bin/echo.sh"],
          [E(), O(), cgi_field("method", "POST")]))
    add(C("proxy.squid.chunked", ["-x", "{squid}", "-i", "{nginx}/chunked"], [E(), same_heads()],
          skip_if=lambda ctx: None if ctx.manifest["servers"]["nginx"]["echo"] else "nginx has no echo module"))
    add(C("proxy.squid.gzip", ["-x", "{squid}", "--compressed", "{nginx}/gz/text.txt"],
          [E(), O(), stdout_is_file("text.txt")]))
    add(C("proxy.squid.connect-h2", ["-x", "{squid}", "--cacert", "{ca}", "-i", "{h2}/files/small.txt"],
          [E(), same_heads(), statuses_are(200, 200)], curl_args=["--http1.1"]))
    add(C("proxy.squid.connect-mtls", ["-x", "{squid}", "--cacert", "{ca}", "--cert", "{client_cert}", "--key",
                                       "{client_key}", "{mtls}/files/small.txt"], [E(), O(), stdout_is_file("small.txt")]))
    add(C("proxy.squid.redirect-across", ["-x", "{squid}", "-L", "--cacert", "{ca}", "{nginx}/r/to-tls"],
          [E(), O(), stdout_is_file("small.txt")]))
    add(C("proxy.squid.large", ["-x", "{squid}", "{nginx}/plain/large.bin", "-o", "large.bin"],
          [E(), output_file_is("large.bin", "large.bin")], timeout=60))
    add(C("proxy.squid.connect", ["-x", "{squid}", "--cacert", "{ca}", "{tls}/files/small.txt"],
          [E(), O(), stdout_is_file("small.txt"), log_lines("squid", count=1, pattern=r" CONNECT localhost:")]))
    add(C("proxy.squid.connect-include", ["-x", "{squid}", "--cacert", "{ca}", "-i", "{tls}/files/small.txt"],
          [E(), same_heads(), statuses_are(200, 200)]))
    add(C("proxy.squid.connect-several", ["-x", "{squid}", "--cacert", "{ca}", "{tls}/files/a.txt", "{tls}/files/b.txt",
                                          "{tls}/files/c.txt"],
          [E(), O(), log_lines("squid", count=1), same_connections("nginx", 1)]))
    add(C("proxy.squid.connect-wrongname", ["-x", "{squid}", "--cacert", "{ca}", "{wrongname}/files/small.txt"],
          [exit_is(60, 60)]))
    add(C("proxy.squid.auth", ["-x", "{squid_auth_creds}", "{nginx}/files/small.txt"],
          [E(), O(), log_lines("squid", count=1, pattern=r" %s " % "interop")]))
    add(C("proxy.squid.auth-connect", ["-x", "{squid_auth_creds}", "--cacert", "{ca}", "{tls}/files/small.txt"],
          [E(), O(), stdout_is_file("small.txt")]))
    add(C("proxy.squid.auth-missing", ["-x", "{squid_auth}", "-i", "{nginx}/files/small.txt"],
          [E(), same_heads(("proxy-authenticate",), body=False), statuses_are(407)]))
    add(C("proxy.squid.auth-missing-fail", ["-f", "-x", "{squid_auth}", "{nginx}/files/small.txt"],
          [exit_is(22, 22), O()]))
    add(C("proxy.squid.auth-wrong", ["-x", "{squid_auth_wrong}", "-i", "{nginx}/files/small.txt"],
          [E(), statuses_are(407), same_heads(("proxy-authenticate",), body=False)]))
    add(C("proxy.squid.auth-missing-connect", ["-x", "{squid_auth}", "--cacert", "{ca}", "{tls}/files/small.txt"],
          [exit_is(56, 56), O()]))
    add(C("proxy.squid.auth-missing-connect-fail", ["-f", "-x", "{squid_auth}", "--cacert", "{ca}",
                                                    "{tls}/files/small.txt"], [E(), O()]))
    add(C("proxy.squid.noproxy", ["-x", "{squid}", "--noproxy", "127.0.0.1", "{nginx}/files/small.txt"],
          [E(), O(), log_lines("squid", count=0)]))
    add(C("proxy.squid.env-http-proxy", ["{nginx}/files/small.txt"],
          [E(), O(), log_lines("squid", count=0, tools=("h1client",)), log_lines("squid", count=1, tools=("curl",))],
          env={"http_proxy": "{squid}"}, evidence=ev_log("squid", r"\S+ \S+ \S+ \S+ (GET|CONNECT) \S+"),
          differs="environment proxies are not used for loopback hosts (curl sends this request to squid)"))
    add(C("proxy.squid.env-https-proxy-localhost", ["--cacert", "{ca}", "{tls}/files/small.txt"],
          [E(), O(), log_lines("squid", count=0, tools=("h1client",)), log_lines("squid", count=1, tools=("curl",))],
          env={"https_proxy": "{squid}"}, evidence=ev_log("squid", r"\S+ \S+ \S+ \S+ (GET|CONNECT) \S+"),
          differs="environment proxies are not used for loopback hosts (curl tunnels this one through squid)"))
    add(C("proxy.squid.x-overrides-env-noproxy", ["-x", "{squid}", "{nginx}/files/small.txt"],
          [E(), O(), log_lines("squid", count=0)], env={"no_proxy": "127.0.0.1"}))

    # ---- proxies: SOCKS5 (dante)
    add(C("proxy.socks5.http", ["-x", "{socks5}", "{nginx}/files/small.txt"], [E(), O(), stdout_is_file("small.txt")]))
    add(C("proxy.socks5h.http", ["-x", "{socks5h}", "{nginx_localhost}/files/small.txt"],
          [E(), O(), stdout_is_file("small.txt")]))
    add(C("proxy.socks5.tls", ["-x", "{socks5}", "--cacert", "{ca}", "{tls}/files/small.txt"],
          [E(), O(), stdout_is_file("small.txt")]))
    add(C("proxy.socks5h.tls", ["-x", "{socks5h}", "--cacert", "{ca}", "{tls}/files/small.txt"],
          [E(), O(), stdout_is_file("small.txt")]))
    add(C("proxy.socks5.several", ["-x", "{socks5}", "{nginx}/files/a.txt", "{nginx}/files/b.txt"],
          [E(), O(), same_connections("nginx", 1)]))
    add(C("proxy.socks5.large", ["-x", "{socks5}", "{nginx}/plain/large.bin", "-o", "large.bin"],
          [E(), output_file_is("large.bin", "large.bin")], timeout=60))
    add(C("proxy.socks5.put-upload", ["-x", "{socks5}", "-T", "{files}/upload.bin", "{nginx}/upload/{tool}-sk.bin"],
          [E(), O(), put_then_get("sk.bin", "upload.bin")], timeout=60))
    add(C("proxy.socks5.auth", ["-x", "{socks5_auth_creds}", "{nginx}/files/small.txt"], [E(), O()]))
    add(C("proxy.socks5h.auth", ["-x", "{socks5h_auth_creds}", "--cacert", "{ca}", "{tls}/files/small.txt"],
          [E(), O(), stdout_is_file("small.txt")]))
    add(C("proxy.socks5.auth-missing", ["-x", "{socks5_auth}", "{nginx}/files/small.txt"], [exit_is(97, 97), O()]))
    add(C("proxy.socks5.auth-wrong", ["-x", "{socks5_auth_wrong}", "{nginx}/files/small.txt"], [exit_is(97, 97), O()]))
    add(C("proxy.socks5h.tls-expired", ["-x", "{socks5h}", "--cacert", "{ca}", "{expired}/files/small.txt"],
          [exit_is(60, 60), O()]))
    add(C("proxy.socks5.refused-target", ["-x", "{socks5}", "http://127.0.0.1:9/"], [E(), O()]))

    # ---- TLS
    add(C("tls.nginx.ok", ["--cacert", "{ca}", "{tls}/files/small.txt"], [E(), O(), stdout_is_file("small.txt")]))
    add(C("tls.nginx.ip", ["--cacert", "{ca}", "{tls_ip}/files/small.txt"], [E(), O()]))
    add(C("tls.nginx.ipv6", ["--cacert", "{ca}", "{tls_ip6}/files/small.txt"], [E(), O()]))
    add(C("tls.nginx.large", ["--cacert", "{ca}", "{tls}/files/large.bin", "-o", "large.bin"],
          [E(), output_file_is("large.bin", "large.bin")], timeout=60))
    add(C("tls.nginx.no-ca", ["{tls}/files/small.txt"], [exit_is(60, 60), O()]))
    add(C("tls.nginx.tls12", ["--cacert", "{ca}", "{tls12}/files/small.txt"],
          [E(), O(), log_lines("nginx", count=1, pattern=r" tls=TLSv1\.2 ")]))
    add(C("tls.nginx.tls13", ["--cacert", "{ca}", "{tls13}/files/small.txt"],
          [E(), O(), log_lines("nginx", count=1, pattern=r" tls=TLSv1\.3 ")]))
    add(C("tls.nginx.wrongname", ["--cacert", "{ca}", "{wrongname}/files/small.txt"], [exit_is(60, 60), O()]))
    add(C("tls.nginx.wrongname-k", ["-k", "{wrongname}/files/small.txt"], [exit_is(0, 0), O()]))
    add(C("tls.nginx.expired", ["--cacert", "{ca}", "{expired}/files/small.txt"], [exit_is(60, 60), O()]))
    add(C("tls.nginx.expired-k", ["-k", "{expired}/files/small.txt"], [exit_is(0, 0), O()]))
    add(C("tls.nginx.nointer", ["--cacert", "{ca}", "{nointer}/files/small.txt"], [exit_is(60, 60), O()]))
    add(C("tls.nginx.nointer-k", ["-k", "{nointer}/files/small.txt"], [exit_is(0, 0), O()]))
    add(C("tls.nginx.fullchain", ["--cacert", "{ca}", "{fullchain}/files/small.txt"], [exit_is(0, 0), O()]))
    add(C("tls.nginx.nosan", ["--cacert", "{ca}", "{nosan}/files/small.txt"], [exit_is(60, 0)],
          differs="a certificate without subjectAltName is refused (curl with OpenSSL falls back to the CN)",
          evidence=ev_stderr))
    add(C("tls.nginx.nosan-k", ["-k", "{nosan}/files/small.txt"], [exit_is(0, 0), O()]))
    add(C("tls.nginx.mtls", ["--cacert", "{ca}", "--cert", "{client_cert}", "--key", "{client_key}",
                             "{mtls}/files/small.txt"], [exit_is(0, 0), O(), stdout_is_file("small.txt")]))
    add(C("tls.nginx.mtls-combined", ["--cacert", "{ca}", "--cert", "{client_combined}", "{mtls}/files/small.txt"],
          [exit_is(0, 0), O()]))
    add(C("tls.nginx.mtls-missing", ["--cacert", "{ca}", "-i", "{mtls}/files/small.txt"],
          [E(), statuses_are(400), same_heads(("content-type",), body=True)]))
    add(C("tls.nginx.mtls-missing-fail", ["-f", "--cacert", "{ca}", "{mtls}/files/small.txt"], [exit_is(22, 22), O()]))
    add(C("tls.nginx.h2-alpn", ["--cacert", "{ca}", "-i", "{h2}/files/small.txt"],
          [E(), same_heads(), stdout_matches(r"^HTTP/1\.1 200 OK\r\n"),
           log_lines("nginx", count=1, pattern=r'"GET /files/small\.txt HTTP/1\.1"', tools=("h1client",))],
          curl_args=["--http1.1"]))
    add(C("tls.nginx.cacert-bad-file", ["--cacert", "{files}/small.txt", "{tls}/files/small.txt"], [E(), O()]))
    add(C("tls.nginx.several", ["--cacert", "{ca}", "{tls}/files/a.txt", "{tls}/files/b.txt", "{tls}/files/c.txt"],
          [E(), O(), same_connections("nginx", 1)]))

    # ---- keep-alive, as the servers' logs show it
    add(C("keepalive.nginx.three", ["{nginx}/files/a.txt", "{nginx}/files/b.txt", "{nginx}/files/c.txt"],
          [E(), O(), same_connections("nginx", 1)]))
    add(C("keepalive.nginx.requests-limit", ["{nginx}/files/a.txt", "{nginx}/files/b.txt", "{nginx}/files/c.txt",
                                             "{nginx}/files/d.txt", "{nginx}/files/e.txt"],
          [E(), O(), same_connections("nginx", 2)]))
    add(C("keepalive.nginx.ipv4-ipv6", ["{nginx}/files/a.txt", "{nginx6}/files/b.txt", "{nginx}/files/c.txt"],
          [E(), O(), same_connections("nginx", 2)]))
    add(C("keepalive.apache.five", ["{apache}/files/a.txt", "{apache}/files/b.txt", "{apache}/files/c.txt"],
          [E(), O(), same_connections("apache", 1)]))
    add(C("keepalive.apache.hint", ["-i", "-H", "Connection: keep-alive", "{apache}/files/a.txt",
                                    "{apache}/files/b.txt"],
          [E(), same_heads(), stdout_matches(r"Keep-Alive: timeout=\d+, max=\d+")]))
    add(C("keepalive.apache.max-requests", ["{apache}/files/a.txt"] * 7, [E(), O(), same_connections("apache", 2)]))
    add(C("keepalive.nginx.idle-close", ["-o", "1", "-o", "2", "-o", "3", "{nginx}/files/a.txt",
                                         "{httpbin}/delay/2", "{nginx}/files/b.txt"],
          [E(), output_file_is("1", "a.txt"), output_file_is("3", "b.txt"), same_connections("nginx", 2)]))
    add(C("keepalive.nginx.idle-kept", ["-o", "1", "-o", "2", "-o", "3", "{nginx}/files/a.txt",
                                        "{httpbin}/drip?numbytes=1&duration=0&delay=0.3", "{nginx}/files/b.txt"],
          [E(), output_file_is("1", "a.txt"), output_file_is("3", "b.txt"), same_connections("nginx", 1)]))
    add(C("keepalive.apache.idle-close-post", ["-d", "x=1", "-o", "1", "-o", "2", "-o", "3",
                                               "{apache}/cgi-bin/echo.sh", "{httpbin}/delay/3",
                                               "{apache}/cgi-bin/echo.sh"],
          [E(), same_output_file("1"), same_output_file("3"), same_connections("apache", 2)], timeout=40))
    # lighttpd's idle close (1 s, checked once a second) can meet the next request: POSTs after 1-2 s
    add(C("keepalive.lighttpd.post-after-idle",
          ["-d", "x=1"] + sum([["-o", str(i)] for i in range(1, 8)], []) +
          ["{lighttpd}/cgi-bin/echo.sh", "{httpbin}/delay/1.2", "{lighttpd}/cgi-bin/echo.sh", "{httpbin}/delay/1.5",
           "{lighttpd}/cgi-bin/echo.sh", "{httpbin}/delay/1.8", "{lighttpd}/cgi-bin/echo.sh"],
          [E(), no_stderr()] + [same_output_file(str(i)) for i in (1, 3, 5, 7)], timeout=40))
    add(C("keepalive.lighttpd.idle-close", ["-o", "1", "-o", "2", "-o", "3", "{lighttpd}/files/a.txt",
                                            "{httpbin}/delay/2", "{lighttpd}/files/b.txt"],
          [E(), output_file_is("1", "a.txt"), output_file_is("3", "b.txt")]))
    add(C("keepalive.httpbin.several", ["{httpbin}/get?n=1", "{httpbin}/get?n=2"], [E()]))

    # ---- URLs
    add(C("url.nginx.dot-segments", ["{nginx}/files/../files/./small.txt"],
          [E(), O(), log_lines("nginx", count=1, pattern=r'"GET /files/small\.txt ')]))
    add(C("url.nginx.encoded-dots", ["{nginx}/files/%2e%2e/files/small.txt"],
          [exit_is(0), log_lines("nginx", count=1, pattern=r'"GET /files/small\.txt ', tools=("h1client",))],
          differs="%2e%2e in a path is a dot segment for the URL parser (WHATWG): h1client requests /files/small.txt, "
                  "curl sends /files/%2e%2e/files/small.txt as is", evidence=ev_log("nginx", r'"GET \S+')))
    add(C("url.nginx.query", ["{nginx}/files/small.txt?a=1&b=%20x"],
          [E(), O(), log_lines("nginx", count=1, pattern=r'"GET /files/small\.txt\?a=1&b=%20x ')]))
    add(C("url.nginx.no-scheme", ["127.0.0.1:{nginx_port}/files/small.txt"], [E(), O()]))
    add(C("url.nginx.unix-socket", ["--unix-socket", "{nginx_sock}", "http://localhost/files/small.txt",
                                    "http://localhost/files/a.txt"],
          [E(), O(), log_lines("nginx", count=2, pattern=r"^unix: "), same_connections("nginx", 1)]))
    add(C("url.refused-port", ["http://127.0.0.1:9/"], [exit_is(7, 7), O()]))
    add(C("url.bad-scheme", ["nosuch://127.0.0.1:{nginx_port}/"], [exit_is(1, 1), O()]))

    return cases


# helpers that need the cases' runs, defined after the generic ones

def body_is_file(name):
    """With -i: the body after the heads is the static file `name`, for both tools."""
    def check(h1, curl, ctx):
        p = []
        for r in (h1, curl):
            body = split_heads(r.stdout)[1]
            if hashlib.sha256(body).hexdigest() != ctx.files[name]["sha256"]:
                p.append("%s's body is %d bytes, not %s (%d bytes)" % (r.tool, len(body), name, ctx.files[name]["size"]))
        return p
    return check


def ev_log(server, pattern):
    """Evidence from the access logs: the part of each tool's lines matching `pattern`."""
    def ev(h1, curl):
        def pick(r):
            found = [m.group(0) for line in r.logs.get(server, []) for m in [re.search(pattern, line)] if m]
            return ", ".join(found) or "(no %s log line)" % server
        return "%s log: h1client %s; curl %s" % (server, pick(h1), pick(curl))
    return ev


def ev_cgi(name):
    def ev(h1, curl):
        def get(r):
            m = re.search((r"^%s=(.*)$" % name).encode(), r.stdout, re.M)
            return m.group(1).decode() if m else "?"
        return "the server saw %s=%r from h1client, %r from curl" % (name, get(h1), get(curl))
    return ev


def ev_stderr(h1, curl):
    def last(r):
        lines = r.stderr.decode(errors="replace").strip().splitlines()
        return lines[0] if lines else "(nothing on stderr)"
    return "h1client: %s | curl: %s" % (last(h1), last(curl))


def file_bytes(name):
    """A case's stdin: a static file's bytes (read when the case runs)."""
    return lambda ctx: open(ctx.files[name]["path"], "rb").read()


def put_then_get(upload_name, name):
    """After the PUT: the server stored exactly the file (nginx's DAV location)."""
    def check(h1, curl, ctx):
        import urllib.request
        p = []
        for tool in ("h1client", "curl"):
            url = "%s/upload/%s-%s" % (ctx.vars["nginx"], tool, upload_name)
            data = urllib.request.urlopen(url, timeout=30).read()
            if hashlib.sha256(data).hexdigest() != ctx.files[name]["sha256"]:
                p.append("nginx stored %d bytes from %s, not %s" % (len(data), tool, name))
        return p
    return check


def httpbin_data_is(name):
    def check(h1, curl, ctx):
        with open(ctx.files[name]["path"], "rb") as f:
            want = f.read().decode()
        got = _json(h1).get("data")
        return [] if got == want else ["httpbin received %r, not %s" % ((got or "")[:80], name)]
    return check


def stream_ids(n):
    def check(h1, curl, ctx):
        p = []
        for r in (h1, curl):
            ids = [json.loads(line)["id"] for line in r.stdout.decode().splitlines() if line.strip()]
            if ids != list(range(n)):
                p.append("%s got stream ids %s" % (r.tool, ids))
        return p
    return check


def raw_gzip():
    """Without --compressed, the body is left encoded: both get the same gzip bytes' header."""
    def check(h1, curl, ctx):
        p = []
        for r in (h1, curl):
            if not r.stdout.startswith(b"\x1f\x8b"):
                p.append("%s stdout does not start with the gzip magic: %s" % (r.tool, _d(r.stdout[:20])))
        return p
    return check
