#!/usr/bin/env python3
"""The h1client interop suite: real servers and proxies nobody here wrote.

    python3 tests/interop/run.py                  # install what is missing, start everything, run all
    python3 tests/interop/run.py --list           # the cases and the servers each needs
    python3 tests/interop/run.py --only tls,proxy.squid-connect -v
    python3 tests/interop/run.py --keep           # leave the temporary directory for a look

It installs (apt-get, pip) and starts nginx, Apache httpd, lighttpd, squid, dante and httpbin on
gunicorn on loopback ports, writes a JSON manifest of them, runs the library driver
(tests/interop.rs, `cargo test --all-features --test interop -- --ignored`) against it, then runs
each CLI case with target/release/h1client and with the system curl, and compares them.

One line per case (PASS / FAIL / SKIP / KNOWN), then `N passed, M failed, K skipped`. Exit status:
0 when nothing failed and something ran; 1 otherwise. Known failures (cases.KNOWN) are listed
with their reason and do not fail the run; a known failure that passes is reported as fixed.
"""

import argparse
import fnmatch
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import cases as case_defs  # noqa: E402
import certs  # noqa: E402
import files  # noqa: E402
import servers  # noqa: E402

DROP_ENV = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy",
            "NO_PROXY", "CURL_HOME", "SSLKEYLOGFILE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR")
CARGO_TIMEOUT = 1800
LIB_TIMEOUT = 900


class Ctx:
    """What the cases see: paths, URLs (vars for the {placeholders}), the manifest."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.www = os.path.join(tmp, "www")
        self.certs = {}
        self.files = {}
        self.venv_bin = None
        self.venv_error = None
        self.manifest = {"servers": {}, "unavailable": {}}
        self.vars = {}
        self.logs = {}
        self.unavailable = {}
        self.h1_help = ""


def say(line):
    print(line, flush=True)


def selected(name, only):
    if not only:
        return True
    for tok in only:
        if name == tok or name.startswith(tok + ".") or fnmatch.fnmatchcase(name, tok):
            return True
    return False


# --------------------------------------------------------------------------- the library driver

def lib_test_names():
    try:
        with open(os.path.join(ROOT, "tests", "interop.rs")) as f:
            src = f.read()
    except OSError:
        return []
    return re.findall(r"#\[test\]\s*#\[ignore[^\]]*\]\s*fn\s+(\w+)", src)


def cargo_env():
    env = dict(os.environ)
    for k in DROP_ENV:
        env.pop(k, None)
    return env


def build(args):
    """Builds the CLI (release) and the driver's test binary; returns {what: error}."""
    errors = {}
    if not args.client:
        cmd = ["cargo", "build", "--release", "--features", "cli"]
        say("building: " + " ".join(cmd))
        r = subprocess.run(cmd, cwd=ROOT, capture_output=not args.verbose, timeout=CARGO_TIMEOUT, env=cargo_env())
        if r.returncode != 0:
            errors["cli"] = "cargo build failed: " + (r.stderr or b"").decode(errors="replace")[-600:]
    if args.lib:
        cmd = ["cargo", "test", "--all-features", "--test", "interop", "--no-run"]
        say("building: " + " ".join(cmd))
        r = subprocess.run(cmd, cwd=ROOT, capture_output=not args.verbose, timeout=CARGO_TIMEOUT, env=cargo_env())
        if r.returncode != 0:
            errors["lib"] = "cargo test --no-run failed: " + (r.stderr or b"").decode(errors="replace")[-600:]
    return errors


def run_lib(ctx, names, args, results):
    report = os.path.join(ctx.tmp, "lib-report.jsonl")
    open(report, "w").close()
    env = cargo_env()
    env["H1_INTEROP_MANIFEST"] = os.path.join(ctx.tmp, "manifest.json")
    env["H1_INTEROP_REPORT"] = report
    env["RUST_BACKTRACE"] = "0"
    cmd = ["cargo", "test", "--all-features", "--test", "interop", "--", "--ignored", "--test-threads=1"]
    if set(names) != set(lib_test_names()):
        cmd += ["--exact"] + names
    if args.verbose:
        say("running: " + " ".join(cmd))
    start = time.monotonic()
    try:
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=LIB_TIMEOUT, env=env)
        out = r.stdout.decode(errors="replace")
        err = r.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        err = "the library driver did not finish within %ds" % LIB_TIMEOUT
    if args.verbose:
        say(out)
    status = dict(re.findall(r"^test (\w+) \.\.\. (ok|FAILED|ignored)", out, re.M))
    failures = {}
    for m in re.finditer(r"^---- (\w+) stdout ----\n(.*?)(?=^---- |^failures:|\Z)", out, re.M | re.S):
        text = m.group(2).strip()
        panic = re.search(r"panicked at [^\n]*\n(.*)", text, re.S)
        msg = (panic.group(1) if panic else text).strip()
        failures[m.group(1)] = re.split(r"\n(?:stack backtrace:|note: )", msg)[0].strip()
    reports = {}
    with open(report) as f:
        for line in f:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            reports.setdefault(rec["test"], []).append(rec)
    for name in names:
        full = "lib." + name
        recs = reports.get(name, [])
        notes = [r["note"] for r in recs if r.get("note")]
        skip = [r["skip"] for r in recs if r.get("skip")]
        st = status.get(name)
        if st == "ok" and skip:
            results.add(full, "SKIP", skip[0], notes)
        elif st == "ok":
            results.add(full, "PASS", "", notes)
        elif st == "FAILED":
            results.add(full, "FAIL", failures.get(name, "failed").replace("\n", " | ")[:1500], notes)
        else:
            results.add(full, "FAIL", "did not run: %s" % (err.strip()[-500:] or "no result from cargo test"), notes)
    if args.verbose:
        say("library driver: %.1fs" % (time.monotonic() - start))


# --------------------------------------------------------------------------- the CLI cases

class Run:
    """One tool's run of one case."""

    def __init__(self, tool):
        self.tool = tool
        self.code = None
        self.stdout = b""
        self.stderr = b""
        self.out = None
        self.logs = {}
        self.elapsed = 0.0
        self.cmd = []

    def file(self, name):
        with open(os.path.join(self.out, name), "rb") as f:
            return f.read()

    def has_file(self, name):
        return os.path.exists(os.path.join(self.out, name))


PLACEHOLDER = re.compile(r"\{(\w+)\}")


def expand(text, values):
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text)


def log_sizes(ctx):
    sizes = {}
    for name, path in ctx.logs.items():
        try:
            sizes[name] = os.path.getsize(path)
        except OSError:
            sizes[name] = 0
    return sizes


def new_log_lines(ctx, before, settle):
    if settle:
        # servers write their access log line as the response ends: let them
        time.sleep(0.15)
    out = {}
    for name, path in ctx.logs.items():
        try:
            with open(path, "rb") as f:
                f.seek(before.get(name, 0))
                out[name] = f.read().decode(errors="replace").splitlines()
        except OSError:
            out[name] = []
    return out


def run_tool(ctx, case, tool, binary, idx):
    r = Run(tool)
    r.out = os.path.join(ctx.tmp, "runs", "%03d-%s" % (idx, tool))
    os.makedirs(r.out, exist_ok=True)
    values = dict(ctx.vars, out=r.out, tool=tool)
    argv = [expand(a, values) for a in case.args]
    extra = case.curl_args if tool == "curl" else case.h1_args
    argv = [expand(a, values) for a in extra] + argv
    base = ["-q"] if tool == "curl" else []
    r.cmd = [binary] + base + (["-sS"] if case.silent else []) + argv
    env = dict(os.environ)
    for k in DROP_ENV:
        env.pop(k, None)
    env["HOME"] = os.path.join(ctx.tmp, "home")
    for k, v in case.env.items():
        env[k] = expand(v, values)
    stdin = case.stdin(ctx) if callable(case.stdin) else case.stdin
    stdin = stdin.encode() if isinstance(stdin, str) else stdin
    if case.uses_logs:
        # a line of the previous run may still be on its way into a log
        time.sleep(0.15)
    before = log_sizes(ctx)
    start = time.monotonic()
    try:
        p = subprocess.run(r.cmd, input=stdin, capture_output=True, timeout=case.timeout, env=env, cwd=r.out)
        r.code, r.stdout, r.stderr = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        r.code = "timeout"
        r.stdout, r.stderr = e.stdout or b"", (e.stderr or b"") + b"\n(killed after %ds)" % case.timeout
    r.elapsed = time.monotonic() - start
    r.logs = new_log_lines(ctx, before, case.uses_logs)
    return r


def show(r):
    def cut(b, n=1500):
        s = b.decode(errors="replace") if isinstance(b, bytes) else str(b)
        return s if len(s) <= n else s[:n] + "... (%d bytes)" % len(s)
    lines = ["    [%s] %s" % (r.tool, " ".join(r.cmd)),
             "    [%s] exit %s in %.2fs" % (r.tool, r.code, r.elapsed),
             "    [%s] stdout: %s" % (r.tool, cut(r.stdout)),
             "    [%s] stderr: %s" % (r.tool, cut(r.stderr, 600))]
    for name, ls in r.logs.items():
        if ls:
            lines.append("    [%s] %s log: %s" % (r.tool, name, " || ".join(ls[-8:])))
    return "\n".join(lines)


def run_cli(ctx, cases, args, results, differences):
    h1 = args.client or os.path.join(ROOT, "target", "release", "h1client")
    curl = shutil.which("curl")
    try:
        ctx.h1_help = subprocess.run([h1, "--help"], capture_output=True, timeout=30).stdout.decode(errors="replace")
    except (OSError, subprocess.TimeoutExpired):
        pass
    for idx, case in enumerate(cases):
        missing = [n for n in case.needs if n in ctx.unavailable]
        if missing:
            results.add(case.name, "SKIP", "; ".join("%s: %s" % (n, ctx.unavailable[n]) for n in missing))
            continue
        if case.curl and not curl:
            results.add(case.name, "SKIP", "no curl on this machine to compare with")
            continue
        if any(re.search(r"\{\w*6\}", a) for a in case.args) and not servers.ipv6_works():
            results.add(case.name, "SKIP", "no IPv6 on loopback here")
            continue
        if case.skip_if:
            why = case.skip_if(ctx)
            if why:
                results.add(case.name, "SKIP", why)
                continue
        mine = run_tool(ctx, case, "h1client", h1, idx)
        theirs = run_tool(ctx, case, "curl", curl, idx) if case.curl else None
        problems = []
        for check in case.checks:
            try:
                problems += check(mine, theirs, ctx) or []
            except Exception as e:  # a check that cannot even look is a failure, with the reason
                problems.append("check %s raised %s: %s" % (getattr(check, "__name__", "?"), type(e).__name__, e))
        detail = ""
        if problems or args.verbose:
            detail = "\n".join([show(mine)] + ([show(theirs)] if theirs else []))
        if case.differs:
            evidence = ""
            if case.evidence:
                try:
                    evidence = case.evidence(mine, theirs)
                except Exception as e:
                    evidence = "(no evidence: %s)" % e
            differences.append((case.name, case.differs, mine, theirs, evidence))
        if problems:
            results.add(case.name, "FAIL", "; ".join(problems), detail=detail)
        else:
            results.add(case.name, "PASS", "", detail=detail if args.verbose else "")


# --------------------------------------------------------------------------- results

class Results:
    def __init__(self, verbose):
        self.rows = []
        self.verbose = verbose

    def add(self, name, status, reason, notes=(), detail=""):
        known = case_defs.KNOWN.get(name)
        if known and status == "FAIL":
            status = "KNOWN"
        elif known and status == "PASS":
            reason = "passes now: take it off cases.KNOWN (%s)" % known
        self.rows.append((name, status, reason, list(notes)))
        line = "%s %s" % (status, name)
        if reason:
            line += ": " + reason
        say(line)
        for n in notes:
            say("     %s" % n)
        if detail and (status == "FAIL" or self.verbose):
            say(detail)

    def count(self, status):
        return sum(1 for r in self.rows if r[1] == status)


# --------------------------------------------------------------------------- main

def start_servers(ctx, wanted, args):
    """Installs and starts the wanted servers; fills ctx.manifest, ctx.vars, ctx.unavailable."""
    classes = [c for c in servers.ALL if c.name in wanted]
    t0 = time.monotonic()
    instances = [c(ctx) for c in classes]
    if not args.no_install:
        need = []
        for s in instances:
            need += s.to_install()
        if need:
            failed = servers.apt_install(sorted(set(need)), args.verbose)
            for p, why in failed.items():
                servers.log(why)
        if any(s.name == "httpbin" for s in instances):
            try:
                ctx.venv_bin = servers.pip_venv(args.venv, args.verbose)
            except servers.Unavailable as e:
                ctx.venv_error = str(e)
    elif any(s.name == "httpbin" for s in instances):
        b = os.path.join(args.venv, "bin")
        if os.path.exists(os.path.join(b, "gunicorn")):
            ctx.venv_bin = b
        else:
            ctx.venv_error = "no virtualenv at %s and --no-install given" % args.venv
    install_time = time.monotonic() - t0
    started = []
    t1 = time.monotonic()
    for s in instances:
        missing = s.missing()
        if missing:
            ctx.unavailable[s.name] = "not installed (%s missing)" % ", ".join(missing)
            continue
        try:
            ctx.manifest["servers"][s.name] = s.start()
            started.append(s)
            ctx.logs.update(s.logs)
        except servers.Unavailable as e:
            ctx.unavailable[s.name] = str(e)
            s.stop()
        except Exception as e:
            ctx.unavailable[s.name] = "%s: %s" % (type(e).__name__, e)
            s.stop()
    socks = ctx.manifest["servers"].get("socks")
    if socks and "auth_socks5" not in socks:
        ctx.unavailable["socks_auth"] = socks.get("auth_unavailable", "no SOCKS5 server with authentication")
    elif "socks" in ctx.unavailable:
        ctx.unavailable["socks_auth"] = ctx.unavailable["socks"]
    ctx.manifest["unavailable"] = dict(ctx.unavailable)
    return started, install_time, time.monotonic() - t1


def fill_vars(ctx):
    v = ctx.vars
    v.update({"ca": ctx.certs.get("ca", ""), "client_cert": ctx.certs.get("client", ""),
              "client_key": ctx.certs.get("client_key", ""), "client_combined": ctx.certs.get("client_combined", ""),
              "files": os.path.join(ctx.www, "files"), "tmp": ctx.tmp})
    s = ctx.manifest["servers"]
    if "nginx" in s:
        n = s["nginx"]
        v.update({"nginx": n["http"], "nginx6": n["http6"] or n["http"], "nginx_localhost": n["http_localhost"],
                  "nginx_port": n["port"], "nginx_sock": n["unix_socket"]})
        for name, url in n["tls"].items():
            v[name] = url
        p = n["tls_ports"]["tls"]
        v.update({"tls_ip": "https://127.0.0.1:%d" % p, "tls_ip6": "https://[::1]:%d" % p, "tls_port": p})
    for name in ("apache", "lighttpd", "httpbin"):
        if name in s:
            v[name] = s[name]["http"]
    if "squid" in s:
        q = s["squid"]
        v.update({"squid": q["proxy"], "squid_auth": q["auth_proxy"], "squid_auth_creds": q["auth_proxy_with_credentials"],
                  "squid_auth_wrong": q["auth_proxy"].replace("://", "://%s:wrong@" % q["user"]),
                  "squid_hostport": q["proxy"].split("://")[1], "proxy_user": q["user"],
                  "proxy_password": q["password"]})
    if "socks" in s:
        k = s["socks"]
        v.update({"socks5": k["socks5"], "socks5h": k["socks5h"]})
        if "auth_socks5" in k:
            cred = "%s:%s@" % (k["user"], k["password"])
            wrong = "%s:%s@" % (k["user"], "not-" + k["password"])
            v.update({"socks5_auth": k["auth_socks5"],
                      "socks5_auth_creds": k["auth_socks5"].replace("://", "://" + cred),
                      "socks5h_auth_creds": k["auth_socks5h"].replace("://", "://" + cred),
                      "socks5_auth_wrong": k["auth_socks5"].replace("://", "://" + wrong)})


def print_differences(differences):
    if not differences:
        return
    say("\nDeliberate differences from curl, as observed in this run:")
    for name, why, mine, theirs, evidence in differences:
        c = theirs.code if theirs else "-"
        say("  %s: %s\n      h1client exit %s, curl exit %s%s" % (name, why, mine.code, c,
                                                               "; " + evidence if evidence else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="", help="comma list of case names, group prefixes (tls, lib) or globs")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("-v", "--verbose", action="store_true", help="show commands, outputs and log lines")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--client", help="an h1client binary to use instead of building target/release/h1client")
    ap.add_argument("--no-install", action="store_true", help="install nothing; skip what is missing")
    ap.add_argument("--no-lib", dest="lib", action="store_false", help="do not run the library driver")
    ap.add_argument("--venv", default=os.path.join(ROOT, "target", "interop", "venv"),
                    help="where the httpbin virtualenv lives (default target/interop/venv)")
    args = ap.parse_args()
    only = [t.strip() for t in args.only.split(",") if t.strip()]

    all_cli = case_defs.all_cases()
    names = [c.name for c in all_cli]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        sys.exit("duplicate case names: %s" % ", ".join(sorted(dup)))
    lib_names = lib_test_names()
    if args.list:
        for c in all_cli:
            say("%-45s needs %s" % (c.name, ",".join(c.needs) or "-"))
        for n in lib_names:
            say("%-45s needs %s" % ("lib." + n, "(servers it finds in the manifest)"))
        return 0
    cli = [c for c in all_cli if selected(c.name, only)]
    lib = [n for n in lib_names if selected("lib." + n, only)] if args.lib else []
    args.lib = bool(lib)
    if not cli and not lib:
        say("no case matches --only %s" % args.only)
        return 1
    wanted = set()
    for c in cli:
        wanted.update(c.needs)
    if lib:
        wanted.update(s.name for s in servers.ALL)
    wanted.discard("socks_auth")
    if "socks_auth" in {n for c in cli for n in c.needs}:
        wanted.add("socks")

    t_start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="h1interop-")
    # servers that drop privileges (nobody) read the document root and certificates
    os.chmod(tmp, 0o755)
    os.makedirs(os.path.join(tmp, "home"))
    ctx = Ctx(tmp)
    started = []
    results = Results(args.verbose)
    differences = []

    def on_signal(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    install_time = start_time = 0.0
    try:
        build_errors = build(args)
        t_build = time.monotonic() - t_start
        if "cli" in build_errors:
            for c in cli:
                results.add(c.name, "FAIL", build_errors["cli"])
            cli = []
        if "lib" in build_errors:
            for n in lib:
                results.add("lib." + n, "FAIL", build_errors["lib"])
            lib = []
        ctx.certs = certs.generate(os.path.join(tmp, "certs"))
        ctx.files = files.make(ctx.www)
        started, install_time, start_time = start_servers(ctx, wanted, args)
        for name, why in sorted(ctx.unavailable.items()):
            say("unavailable: %s: %s" % (name, why))
        ctx.manifest.update({"ca": ctx.certs["ca"], "certs": ctx.certs, "www": ctx.www,
                             "files": ctx.files, "tmp": tmp})
        with open(os.path.join(tmp, "manifest.json"), "w") as f:
            json.dump(ctx.manifest, f, indent=2)
        fill_vars(ctx)
        t_run = time.monotonic()
        if lib:
            run_lib(ctx, lib, args, results)
        run_cli(ctx, cli, args, results, differences)
        t_cases = time.monotonic() - t_run
    except KeyboardInterrupt as e:
        say("interrupted (%s): stopping the servers" % (str(e) or "Ctrl-C"))
        for s in started:
            s.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        return 130
    finally:
        for s in started:
            s.stop()

    print_differences(differences)
    known = [r for r in results.rows if r[1] == "KNOWN"]
    if known:
        say("\nKnown failures (cases.KNOWN; they do not fail the run):")
        for name, _, reason, _ in known:
            say("  %s: %s\n      this run: %s" % (name, case_defs.KNOWN[name],
                                                 reason if len(reason) < 400 else reason[:400] + "..."))
    fixed = [r for r in results.rows if r[1] == "PASS" and r[0] in case_defs.KNOWN]
    if fixed:
        say("\nOn the known list but passing now (take them off cases.KNOWN):")
        for name, _, _, _ in fixed:
            say("  " + name)
    p, f, s = results.count("PASS"), results.count("FAIL"), results.count("SKIP")
    say("\ntimes: build %.0fs, installs %.0fs, server start %.1fs, cases %.0fs, total %.0fs"
        % (t_build, install_time, start_time, t_cases, time.monotonic() - t_start))
    if args.keep:
        say("kept: %s (manifest.json, each server's config and logs, runs/NNN-tool/)" % tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    if known:
        say("known failures: %d" % len(known))
    say("%d passed, %d failed, %d skipped" % (p, f, s))
    if f:
        return 1
    if p + len(known) == 0:
        say("nothing ran: everything was skipped")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
