"""Installing, configuring, starting and stopping the real servers of the interop suite.

Every server runs as a foreground child process of the orchestrator, in its own process group
(so its workers and helpers die with it), listening on loopback ports picked at start, with a
configuration written here into the run's temporary directory. Nothing is installed as a service
and nothing listens outside 127.0.0.1 / ::1.

A server that cannot be installed or started raises Unavailable(reason): the cases that need it
are skipped with that reason.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

APT_TIMEOUT = 900
PIP_TIMEOUT = 600
START_TIMEOUT = 20

# the PyPI versions of httpbin and gunicorn known to work together on Python 3.11
PIP_PACKAGES = ["httpbin==0.10.4", "gunicorn==27.0.1"]

SOCKS_USER = "h1interop"
PROXY_USER = "interop"
PROXY_PASSWORD = "s3cret-pass"


class Unavailable(Exception):
    """A server cannot be had; the message says why."""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def is_root():
    return os.geteuid() == 0


# --------------------------------------------------------------------------- installing

def _sudo(cmd):
    if is_root():
        return cmd
    if shutil.which("sudo"):
        return ["sudo", "-n"] + cmd
    return None


def apt_install(packages, verbose=False):
    """Installs Debian packages; returns {package: error} for those that failed."""
    if not packages:
        return {}
    if not shutil.which("apt-get"):
        return {p: "apt-get is not available on this machine" for p in packages}
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    update = _sudo(["apt-get", "update", "-qq"])
    if update is None:
        return {p: "not root and no sudo: cannot apt-get install" for p in packages}
    # A package's post-install script must not start its service (it would listen on port 80,
    # 3128, 1080 ...): a policy-rc.d answering 101 forbids it, as Docker images ship.
    policy = "/usr/sbin/policy-rc.d"
    made_policy = False
    if is_root() and not os.path.exists(policy):
        with open(policy, "w") as f:
            f.write("#!/bin/sh\nexit 101\n")
        os.chmod(policy, 0o755)
        made_policy = True
    failed = {}
    try:
        log("installing (apt-get): " + " ".join(packages))
        out = None if verbose else subprocess.DEVNULL
        try:
            subprocess.run(update, env=env, stdout=out, stderr=out, timeout=APT_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
        cmd = _sudo(["apt-get", "install", "-y", "-q", "--no-install-recommends"])
        try:
            r = subprocess.run(cmd + packages, env=env, capture_output=True, timeout=APT_TIMEOUT)
            ok = r.returncode == 0
        except subprocess.TimeoutExpired:
            ok = False
        if not ok:
            # one at a time, so that one broken package costs only its own cases
            for p in packages:
                try:
                    r = subprocess.run(cmd + [p], env=env, capture_output=True, timeout=APT_TIMEOUT)
                    if r.returncode != 0:
                        lines = r.stderr.decode(errors="replace").strip().splitlines()
                        failed[p] = "apt-get install %s failed: %s" % (p, lines[-1] if lines else r.returncode)
                except subprocess.TimeoutExpired:
                    failed[p] = "apt-get install %s timed out" % p
    finally:
        if made_policy:
            os.unlink(policy)
    return failed


def pip_venv(venv, verbose=False):
    """A virtualenv with httpbin and gunicorn; returns its bin directory or raises Unavailable."""
    bin_dir = os.path.join(venv, "bin")
    gunicorn = os.path.join(bin_dir, "gunicorn")
    python = os.path.join(bin_dir, "python")
    if os.path.exists(gunicorn):
        r = subprocess.run([python, "-c", "import httpbin, gunicorn"], capture_output=True, timeout=60)
        if r.returncode == 0:
            return bin_dir
    log("installing (pip, in %s): %s" % (venv, " ".join(PIP_PACKAGES)))
    try:
        r = subprocess.run([sys.executable, "-m", "venv", venv], capture_output=True, timeout=PIP_TIMEOUT)
        if r.returncode != 0:
            raise Unavailable("python3 -m venv failed: " + r.stderr.decode(errors="replace").strip()[-300:])
        r = subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + PIP_PACKAGES,
                           capture_output=not verbose, timeout=PIP_TIMEOUT)
        if r.returncode != 0:
            err = (r.stderr or b"").decode(errors="replace").strip()
            raise Unavailable("pip install %s failed: %s" % (" ".join(PIP_PACKAGES), err[-300:]))
    except subprocess.TimeoutExpired:
        raise Unavailable("pip install timed out")
    return bin_dir


# --------------------------------------------------------------------------- processes and ports

def _die_with_parent():
    """In the child, before exec: SIGKILL when the orchestrator dies, even by SIGKILL (Linux)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class Proc:
    """A server process in its own process group, with its output in a file."""

    def __init__(self, name, cmd, logfile, env=None, cwd=None, stop_signal=signal.SIGTERM):
        self.name = name
        self.cmd = cmd
        self.logfile = logfile
        self.stop_signal = stop_signal
        out = open(logfile, "ab")
        try:
            self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                      env=env, cwd=cwd, start_new_session=True,
                                      preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        finally:
            out.close()

    def alive(self):
        return self.p.poll() is None

    def tail(self, n=6):
        try:
            with open(self.logfile, "rb") as f:
                lines = f.read().decode(errors="replace").strip().splitlines()
            return " | ".join(lines[-n:])
        except OSError:
            return ""

    def stop(self):
        if self.p.poll() is not None:
            return
        try:
            os.killpg(self.p.pid, self.stop_signal)
        except ProcessLookupError:
            return
        try:
            self.p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        # the whole group: workers, helpers, children that outlived the leader
        try:
            os.killpg(self.p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def free_port(both=True):
    """A TCP port free on 127.0.0.1 (and on ::1 when `both`)."""
    for _ in range(200):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if both and ipv6_works():
            try:
                s6 = socket.socket(socket.AF_INET6)
                s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                s6.bind(("::1", port))
                s6.close()
            except OSError:
                continue
        return port
    raise Unavailable("no free port")


_IPV6 = None


def ipv6_works():
    global _IPV6
    if _IPV6 is None:
        try:
            s = socket.socket(socket.AF_INET6)
            s.bind(("::1", 0))
            s.close()
            _IPV6 = True
        except OSError:
            _IPV6 = False
    return _IPV6


def wait_ports(proc, ports, host="127.0.0.1", timeout=START_TIMEOUT):
    deadline = time.monotonic() + timeout
    pending = list(ports)
    while pending:
        if not proc.alive():
            raise Unavailable("%s exited with %s at start: %s" % (proc.name, proc.p.returncode, proc.tail()))
        port = pending[0]
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            pending.pop(0)
            continue
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise Unavailable("%s did not listen on port %d within %ds: %s" % (proc.name, port, timeout, proc.tail()))
        time.sleep(0.05)


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def mkdir(path, mode=0o755):
    os.makedirs(path, exist_ok=True)
    os.chmod(path, mode)
    return path


# --------------------------------------------------------------------------- the servers

class Server:
    """One kind of server: `packages` from apt, `binaries` that must exist, `start` -> manifest."""
    name = ""
    packages = []
    binaries = []
    # files that some cases need (modules): their absence makes the packages install, but the
    # server starts without them (and those cases skip)
    optional = []

    def __init__(self, ctx):
        self.ctx = ctx
        self.dir = mkdir(os.path.join(ctx.tmp, self.name), 0o777)
        self.procs = []
        self.logs = {}

    def missing(self):
        return [b for b in self.binaries if not (os.path.exists(b) if b.startswith("/") else shutil.which(b))]

    def to_install(self):
        if self.missing() or not all(os.path.exists(f) for f in self.optional):
            return self.packages
        return []

    def spawn(self, cmd, **kw):
        p = Proc(self.name, cmd, os.path.join(self.dir, "stdout.log"), **kw)
        self.procs.append(p)
        return p

    def stop(self):
        for p in self.procs:
            p.stop()

    def start(self):
        raise NotImplementedError


CGI_ECHO = r"""#!/bin/sh
# Echo what the request was: method, query, the body's length and SHA-256, some headers.
body=$(mktemp)
cat > "$body"
printf 'Content-Type: text/plain\r\nX-Echo-Method: %s\r\n\r\n' "$REQUEST_METHOD"
printf 'method=%s\n' "$REQUEST_METHOD"
printf 'query=%s\n' "$QUERY_STRING"
printf 'content_type=%s\n' "$CONTENT_TYPE"
printf 'content_length=%s\n' "$CONTENT_LENGTH"
printf 'body_bytes=%s\n' "$(wc -c < "$body" | tr -d ' ')"
printf 'body_sha256=%s\n' "$(sha256sum < "$body" | cut -d' ' -f1)"
printf 'expect=%s\n' "$HTTP_EXPECT"
printf 'x_interop=%s\n' "$HTTP_X_INTEROP"
rm -f "$body"
"""

TYPES = {"txt": "text/plain", "html": "text/html", "json": "application/json", "bin": "application/octet-stream"}


class Nginx(Server):
    name = "nginx"
    packages = ["nginx-light", "libnginx-mod-http-echo", "libnginx-mod-http-brotli-filter"]
    binaries = ["/usr/sbin/nginx"]
    optional = ["/usr/lib/nginx/modules/ngx_http_echo_module.so", "/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so"]
    KEEPALIVE_TIMEOUT = 1
    KEEPALIVE_REQUESTS = 3
    # TLS listeners: name -> (certificate file key, key file key, ssl_protocols, extra listen flags, extra)
    TLS = {
        "tls": ("localhost", "localhost", "TLSv1.2 TLSv1.3", "", ""),
        "tls12": ("localhost", "localhost", "TLSv1.2", "", ""),
        "tls13": ("localhost", "localhost", "TLSv1.3", "", ""),
        "wrongname": ("wrongname", "wrongname", "TLSv1.2 TLSv1.3", "", ""),
        "expired": ("expired", "expired", "TLSv1.2 TLSv1.3", "", ""),
        "nosan": ("nosan", "nosan", "TLSv1.2 TLSv1.3", "", ""),
        "nointer": ("chainleaf", "chainleaf_key", "TLSv1.2 TLSv1.3", "", ""),
        "fullchain": ("chainleaf_full", "chainleaf_key", "TLSv1.2 TLSv1.3", "", ""),
        "mtls": ("localhost", "localhost", "TLSv1.2 TLSv1.3", "",
                 "ssl_client_certificate {ca};\n        ssl_verify_client on;"),
        "h2": ("localhost", "localhost", "TLSv1.2 TLSv1.3", " http2", ""),
    }

    def start(self):
        c = self.ctx
        d = self.dir
        for sub in ("tmp", "tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
            mkdir(os.path.join(d, sub), 0o777)
        mkdir(os.path.join(c.www, "upload"), 0o777)
        http = free_port()
        ports = {"http": http}
        for name in self.TLS:
            ports[name] = free_port()
        modules = ""
        mod_dir = "/usr/lib/nginx/modules"
        have = {}
        for mod, key in (("ngx_http_echo_module.so", "echo"), ("ngx_http_brotli_filter_module.so", "brotli")):
            have[key] = os.path.exists(os.path.join(mod_dir, mod))
            if have[key]:
                modules += "load_module %s/%s;\n" % (mod_dir, mod)
        six = ipv6_works()

        sock = os.path.join(d, "nginx.sock")

        def listen(port, flags=""):
            s = "listen 127.0.0.1:%d%s;" % (port, flags)
            if six:
                s += " listen [::1]:%d%s;" % (port, flags)
            return s

        brotli = "brotli on; brotli_types text/plain application/json; brotli_min_length 32;" if have["brotli"] else ""
        nobrotli = "brotli off;" if have["brotli"] else ""
        echo_locations = ""
        if have["echo"]:
            echo_locations = """
        # a response without Content-Length: sent chunked, in several flushes
        location = /chunked {
            default_type text/plain;
            gzip off; %s
            echo "first chunk";
            echo_flush;
            echo_sleep 0.05;
            echo "second chunk";
            echo_flush;
            echo_sleep 0.05;
            echo "last chunk";
        }
        # the request body, sent back
        location = /echo {
            default_type application/octet-stream;
            gzip off; %s
            echo_read_request_body;
            echo_request_body;
        }""" % (nobrotli, nobrotli)
        redirects = "\n".join(
            "        location = /r/%d { return %d /files/small.txt; }" % (s, s) for s in (301, 302, 303, 307, 308))
        user = "user nobody nogroup;" if is_root() else ""
        types = "\n".join("        %s %s;" % (t, ext) for ext, t in TYPES.items())
        common = """
        root {www};
        location = /r/to-http {{ return 302 http://127.0.0.1:{http}/files/small.txt; }}
        location = /r/abs {{ return 302 http://127.0.0.1:{http}/files/small.txt; }}
""".format(www=c.www, http=http)
        servers = []
        for name, (cert, key, protocols, flags, extra) in self.TLS.items():
            servers.append("""
    server {{
        {listen}
        server_name localhost;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols {protocols};
        {extra}
        {common}
    }}""".format(listen=listen(ports[name], " ssl" + flags), cert=c.certs[cert],
                 key=c.certs[key if key.endswith("_key") else key + "_key"],
                 protocols=protocols, extra=extra.format(ca=c.certs["ca"]), common=common))
        conf = """{modules}
worker_processes 1;
daemon off;
master_process on;
{user}
error_log {d}/error.log info;
pid {d}/nginx.pid;
events {{ worker_connections 512; }}
http {{
    types {{
{types}
    }}
    default_type application/octet-stream;
    log_format interop '$remote_addr $remote_port conn=$connection n=$connection_requests '
                       '"$request" $status $body_bytes_sent proto=$server_protocol tls=$ssl_protocol '
                       'port=$server_port ua="$http_user_agent" ae="$http_accept_encoding" '
                       'expect="$http_expect" cl="$http_content_length" te="$http_transfer_encoding" '
                       'range="$http_range"';
    access_log {d}/access.log interop;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    client_max_body_size 0;
    sendfile on;
    keepalive_timeout {kat}s;
    keepalive_requests {kar};
    gzip on;
    gzip_types text/plain application/json;
    gzip_min_length 32;
    gzip_vary on;
    {brotli}
    server {{
        {listen} listen unix:{sock};
        server_name localhost;
        root {www};
{redirects}
        location = /r/loop {{ return 302 /r/loop; }}
        location = /r/abs {{ return 302 http://127.0.0.1:{http}/files/small.txt; }}
        location = /r/to-tls {{ return 302 https://localhost:{tls}/files/small.txt; }}
        # uploads: PUT stores the file, GET reads it back
        location /upload/ {{
            dav_methods PUT DELETE;
            create_full_put_path on;
            dav_access user:rw group:rw all:rw;
        }}
        # 200 KB/s after the first 100 KB
        location /slow/ {{
            alias {www}/files/;
            limit_rate_after 100k;
            limit_rate 200k;
        }}
        # gzip only, never brotli
        location /gz/ {{
            alias {www}/files/;
            {nobrotli}
        }}
        # never compressed
        location /plain/ {{
            alias {www}/files/;
            gzip off;
            {nobrotli}
        }}{echo}
    }}
{servers}
}}
""".format(modules=modules, user=user, d=d, types=types, kat=self.KEEPALIVE_TIMEOUT, kar=self.KEEPALIVE_REQUESTS,
           brotli=brotli, nobrotli=nobrotli, listen=listen(http), www=c.www, redirects=redirects, http=http,
           tls=ports["tls"], echo=echo_locations, servers="\n".join(servers), sock=sock)
        conf_path = os.path.join(d, "nginx.conf")
        write(conf_path, conf)
        r = subprocess.run(["/usr/sbin/nginx", "-t", "-p", d, "-c", conf_path], capture_output=True, timeout=30)
        if r.returncode != 0:
            raise Unavailable("nginx -t: " + r.stderr.decode(errors="replace").strip()[-400:])
        p = self.spawn(["/usr/sbin/nginx", "-p", d, "-c", conf_path], stop_signal=signal.SIGTERM)
        wait_ports(p, list(ports.values()))
        self.logs = {"nginx": os.path.join(d, "access.log")}
        base = "http://127.0.0.1:%d" % http
        m = {
            "kind": "nginx",
            "http": base,
            "http6": "http://[::1]:%d" % http if six else None,
            "http_localhost": "http://localhost:%d" % http,
            "unix_socket": sock,
            "keepalive_timeout": self.KEEPALIVE_TIMEOUT,
            "keepalive_requests": self.KEEPALIVE_REQUESTS,
            "echo": have["echo"],
            "brotli": have["brotli"],
            "access_log": self.logs["nginx"],
            "tls": {name: "https://localhost:%d" % ports[name] for name in self.TLS},
            "tls_ports": {name: ports[name] for name in self.TLS},
            "port": http,
        }
        return m


class Apache(Server):
    name = "apache"
    packages = ["apache2"]
    binaries = ["/usr/sbin/apache2"]
    KEEPALIVE_TIMEOUT = 2
    MAX_KEEPALIVE_REQUESTS = 5
    MODULES = ["mpm_event", "authz_core", "mime", "dir", "headers", "cgid", "alias", "deflate", "filter", "env"]

    def start(self):
        c = self.ctx
        d = self.dir
        port = free_port()
        mod_dir = "/usr/lib/apache2/modules"
        loads = []
        for m in self.MODULES:
            path = os.path.join(mod_dir, "mod_%s.so" % m)
            if os.path.exists(path):
                loads.append("LoadModule %s_module %s" % (m, path))
        cgi = mkdir(os.path.join(d, "cgi-bin"))
        write(os.path.join(cgi, "echo.sh"), CGI_ECHO, 0o755)
        mkdir(os.path.join(d, "run"), 0o777)
        user = "User nobody\nGroup nogroup" if is_root() else ""
        listen = "Listen 127.0.0.1:%d" % port
        if ipv6_works():
            listen += "\nListen [::1]:%d" % port
        conf = """ServerRoot {d}
{listen}
{loads}
ServerName localhost
{user}
PidFile {d}/httpd.pid
DefaultRuntimeDir {d}/run
ScriptSock {d}/run/cgid.sock
ErrorLog {d}/error.log
LogLevel warn
LogFormat "%a %{{remote}}p conn=%{{remote}}p n=%k \\"%r\\" %>s %B ua=\\"%{{User-Agent}}i\\" expect=\\"%{{Expect}}i\\"" interop
CustomLog {d}/access.log interop
KeepAlive On
KeepAliveTimeout {kat}
MaxKeepAliveRequests {mkr}
Timeout 30
DocumentRoot {www}
<Directory />
    Require all denied
</Directory>
<Directory {www}>
    Require all granted
</Directory>
ScriptAlias /cgi-bin/ {cgi}/
<Directory {cgi}>
    Require all granted
    Options +ExecCGI
</Directory>
TypesConfig /dev/null
{types}
# request headers whose name starts with X-Interop are sent back (mod_headers)
Header echo ^X-Interop
<IfModule mod_deflate.c>
    AddOutputFilterByType DEFLATE text/plain application/json
</IfModule>
""".format(d=d, listen=listen, loads="\n".join(loads), user=user, kat=self.KEEPALIVE_TIMEOUT,
           mkr=self.MAX_KEEPALIVE_REQUESTS, www=c.www, cgi=cgi,
           types="\n".join("AddType %s .%s" % (t, ext) for ext, t in TYPES.items()))
        conf_path = os.path.join(d, "httpd.conf")
        write(conf_path, conf)
        env = dict(os.environ, APACHE_RUN_DIR=os.path.join(d, "run"), APACHE_LOG_DIR=d, APACHE_LOCK_DIR=d)
        r = subprocess.run(["/usr/sbin/apache2", "-t", "-f", conf_path], capture_output=True, env=env, timeout=30)
        if r.returncode != 0:
            raise Unavailable("apache2 -t: " + r.stderr.decode(errors="replace").strip()[-400:])
        p = self.spawn(["/usr/sbin/apache2", "-f", conf_path, "-DFOREGROUND"], env=env, stop_signal=signal.SIGTERM)
        wait_ports(p, [port])
        self.logs = {"apache": os.path.join(d, "access.log")}
        return {
            "kind": "apache",
            "http": "http://127.0.0.1:%d" % port,
            "keepalive_timeout": self.KEEPALIVE_TIMEOUT,
            "max_keepalive_requests": self.MAX_KEEPALIVE_REQUESTS,
            "cgi_echo": "/cgi-bin/echo.sh",
            "access_log": self.logs["apache"],
            "port": port,
        }


class Lighttpd(Server):
    name = "lighttpd"
    packages = ["lighttpd", "lighttpd-mod-deflate"]
    binaries = ["/usr/sbin/lighttpd"]
    optional = ["/usr/lib/lighttpd/mod_deflate.so"]
    MAX_KEEP_ALIVE_IDLE = 1

    def start(self):
        c = self.ctx
        d = self.dir
        port = free_port()
        cgi = mkdir(os.path.join(d, "cgi-bin"))
        write(os.path.join(cgi, "echo.sh"), CGI_ECHO, 0o755)
        mods = ["mod_access", "mod_alias", "mod_accesslog", "mod_cgi"]
        deflate = ""
        if os.path.exists("/usr/lib/lighttpd/mod_deflate.so"):
            mods.append("mod_deflate")
            deflate = 'deflate.mimetypes = ("text/plain", "application/json")\ndeflate.allowed-encodings = ("gzip", "deflate")'
        user = 'server.username = "nobody"\nserver.groupname = "nogroup"' if is_root() else ""
        six = '$SERVER["socket"] == "[::1]:%d" { }' % port if ipv6_works() else ""
        conf = """server.modules = ({mods})
server.document-root = "{www}"
server.bind = "127.0.0.1"
server.port = {port}
{six}
{user}
server.errorlog = "{d}/error.log"
server.pid-file = "{d}/lighttpd.pid"
server.upload-dirs = ("{d}")
server.max-keep-alive-idle = {idle}
accesslog.filename = "{d}/access.log"
mimetype.assign = ({types})
alias.url = ("/cgi-bin/" => "{cgi}/")
$HTTP["url"] =~ "^/cgi-bin/" {{
    cgi.assign = (".sh" => "/bin/sh")
}}
{deflate}
""".format(mods=", ".join('"%s"' % m for m in mods), www=c.www, port=port, six=six, user=user, d=d,
           idle=self.MAX_KEEP_ALIVE_IDLE, cgi=cgi, deflate=deflate,
           types=", ".join('".%s" => "%s"' % (ext, t) for ext, t in TYPES.items()))
        conf_path = os.path.join(d, "lighttpd.conf")
        write(conf_path, conf)
        r = subprocess.run(["/usr/sbin/lighttpd", "-t", "-f", conf_path], capture_output=True, timeout=30)
        if r.returncode != 0:
            raise Unavailable("lighttpd -t: " + (r.stderr + r.stdout).decode(errors="replace").strip()[-400:])
        p = self.spawn(["/usr/sbin/lighttpd", "-D", "-f", conf_path])
        wait_ports(p, [port])
        self.logs = {"lighttpd": os.path.join(d, "access.log")}
        return {
            "kind": "lighttpd",
            "http": "http://127.0.0.1:%d" % port,
            "keepalive_timeout": self.MAX_KEEP_ALIVE_IDLE,
            "deflate": bool(deflate),
            "cgi_echo": "/cgi-bin/echo.sh",
            "access_log": self.logs["lighttpd"],
            "port": port,
        }


class Squid(Server):
    """One squid with two ports: `open` (no auth) and `auth` (Basic, basic_ncsa_auth)."""
    name = "squid"
    packages = ["squid", "apache2-utils"]
    binaries = ["/usr/sbin/squid"]
    optional = ["/usr/bin/htpasswd"]
    HELPER = "/usr/lib/squid/basic_ncsa_auth"

    def start(self):
        c = self.ctx
        d = self.dir
        if not os.path.exists(self.HELPER):
            raise Unavailable("squid's basic_ncsa_auth helper is missing")
        open_port = free_port(both=False)
        auth_port = free_port(both=False)
        passwd = os.path.join(d, "passwd")
        # an htpasswd file: htpasswd -b (apache2-utils), else openssl passwd -apr1
        if shutil.which("htpasswd"):
            r = subprocess.run(["htpasswd", "-c", "-b", "-B", passwd, PROXY_USER, PROXY_PASSWORD],
                               capture_output=True, timeout=30)
            ok = r.returncode == 0
        else:
            ok = False
        if not ok:
            r = subprocess.run(["openssl", "passwd", "-apr1", PROXY_PASSWORD], capture_output=True, timeout=30)
            write(passwd, "%s:%s\n" % (PROXY_USER, r.stdout.decode().strip()))
        os.chmod(passwd, 0o644)
        user = "cache_effective_user nobody\ncache_effective_group nogroup" if is_root() else ""
        conf = """http_port 127.0.0.1:{open_port} name=open
http_port 127.0.0.1:{auth_port} name=auth
{user}
pid_filename {d}/squid.pid
cache_log {d}/cache.log
logformat interop %>a %>p %Ss/%03>Hs %<st %rm %ru %un ua="%{{User-Agent}}>h"
access_log stdio:{d}/access.log interop
cache deny all
cache_mem 8 MB
coredump_dir {d}
shutdown_lifetime 0 seconds
forwarded_for on
via on
auth_param basic program {helper} {passwd}
auth_param basic realm interop
auth_param basic children 2
acl localclients src 127.0.0.1/32 ::1
acl open_port myportname open
acl auth_port myportname auth
acl authenticated proxy_auth REQUIRED
acl CONNECT method CONNECT
acl local_ports port 1-65535
# squid's usual SSL_ports/Safe_ports would refuse these high loopback ports: any port is fine here
http_access deny !local_ports
http_access deny !localclients
http_access allow open_port
http_access allow auth_port authenticated
http_access deny all
""".format(open_port=open_port, auth_port=auth_port, user=user, d=d, helper=self.HELPER, passwd=passwd)
        conf_path = os.path.join(d, "squid.conf")
        write(conf_path, conf)
        r = subprocess.run(["/usr/sbin/squid", "-k", "parse", "-f", conf_path], capture_output=True, timeout=30)
        if r.returncode != 0:
            raise Unavailable("squid -k parse: " + r.stderr.decode(errors="replace").strip()[-400:])
        p = self.spawn(["/usr/sbin/squid", "-N", "-f", conf_path], stop_signal=signal.SIGTERM)
        wait_ports(p, [open_port, auth_port])
        self.logs = {"squid": os.path.join(d, "access.log")}
        return {
            "kind": "squid",
            "proxy": "http://127.0.0.1:%d" % open_port,
            "auth_proxy": "http://127.0.0.1:%d" % auth_port,
            "auth_proxy_with_credentials": "http://%s:%s@127.0.0.1:%d" % (PROXY_USER, PROXY_PASSWORD, auth_port),
            "user": PROXY_USER,
            "password": PROXY_PASSWORD,
            "access_log": self.logs["squid"],
            "ports": {"open": open_port, "auth": auth_port},
        }


class Dante(Server):
    """Two danted: one without authentication, one with RFC 1929 username/password, checked by
    dante against the system's accounts: a throwaway account made for the run and removed at exit."""
    name = "socks"
    packages = ["dante-server"]
    binaries = ["/usr/sbin/danted"]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.made_user = False

    def _user(self):
        if not is_root():
            raise Unavailable("dante's username method checks system accounts: creating one needs root")
        import secrets
        password = "pw-" + secrets.token_hex(6)
        exists = subprocess.run(["id", SOCKS_USER], capture_output=True).returncode == 0
        if not exists:
            r = subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SOCKS_USER],
                               capture_output=True, timeout=30)
            if r.returncode != 0:
                raise Unavailable("useradd: " + r.stderr.decode(errors="replace").strip())
        # ours whether made now or left by an interrupted run: removed at exit
        self.made_user = True
        r = subprocess.run(["chpasswd"], input=("%s:%s\n" % (SOCKS_USER, password)).encode(), capture_output=True,
                           timeout=30)
        if r.returncode != 0:
            raise Unavailable("chpasswd: " + r.stderr.decode(errors="replace").strip())
        return password

    def _conf(self, port, method):
        user = "user.privileged: root\nuser.unprivileged: nobody" if is_root() else ""
        return """logoutput: {d}/danted-{port}.log
internal: 127.0.0.1 port = {port}
external: lo
clientmethod: none
socksmethod: {method}
{user}
client pass {{
    from: 127.0.0.0/8 to: 0.0.0.0/0
    log: error
}}
socks pass {{
    from: 127.0.0.0/8 to: 127.0.0.0/8
    command: connect
    log: connect disconnect error
}}
socks pass {{
    from: 127.0.0.0/8 to: ::1/128
    command: connect
    log: connect disconnect error
}}
socks block {{
    from: 0.0.0.0/0 to: 0.0.0.0/0
    log: connect error
}}
""".format(d=self.dir, port=port, method=method, user=user)

    def start(self):
        plain = free_port(both=False)
        out = {"kind": "dante", "socks5": "socks5://127.0.0.1:%d" % plain,
               "socks5h": "socks5h://127.0.0.1:%d" % plain, "ports": {"plain": plain}}
        path = os.path.join(self.dir, "danted-plain.conf")
        write(path, self._conf(plain, "none"))
        p = self.spawn(["/usr/sbin/danted", "-f", path, "-p", os.path.join(self.dir, "plain.pid")])
        procs = [(p, plain)]
        try:
            password = self._user()
            auth = free_port(both=False)
            path = os.path.join(self.dir, "danted-auth.conf")
            write(path, self._conf(auth, "username"))
            p = self.spawn(["/usr/sbin/danted", "-f", path, "-p", os.path.join(self.dir, "auth.pid")])
            procs.append((p, auth))
            out.update({"auth_socks5": "socks5://127.0.0.1:%d" % auth,
                        "auth_socks5h": "socks5h://127.0.0.1:%d" % auth,
                        "user": SOCKS_USER, "password": password})
            out["ports"]["auth"] = auth
        except Unavailable as e:
            out["auth_unavailable"] = str(e)
        for p, port in procs:
            wait_ports(p, [port])
        self.logs = {"socks": os.path.join(self.dir, "danted-%d.log" % plain)}
        if "auth" in out["ports"]:
            self.logs["socks_auth"] = os.path.join(self.dir, "danted-%d.log" % out["ports"]["auth"])
        return out

    def stop(self):
        super().stop()
        if self.made_user:
            subprocess.run(["userdel", SOCKS_USER], capture_output=True, timeout=30)


class Httpbin(Server):
    """httpbin (PyPI) on gunicorn, threaded workers so that keep-alive works (2 s)."""
    name = "httpbin"
    KEEPALIVE = 2

    def missing(self):
        return []

    def start(self):
        bin_dir = self.ctx.venv_bin
        if not bin_dir:
            raise Unavailable(self.ctx.venv_error or "no virtualenv with httpbin")
        port = free_port(both=False)
        gunicorn = os.path.join(bin_dir, "gunicorn")
        cmd = [gunicorn, "--bind", "127.0.0.1:%d" % port, "--workers", "1", "--worker-class", "gthread",
               "--threads", "8", "--keep-alive", str(self.KEEPALIVE), "--graceful-timeout", "1",
               "--access-logfile", os.path.join(self.dir, "access.log"),
               "--access-logformat", '%(h)s "%(r)s" %(s)s %(B)s ua="%(a)s"']
        r = subprocess.run([gunicorn, "--help"], capture_output=True, timeout=60)
        if b"--no-control-socket" in r.stdout:
            cmd.append("--no-control-socket")
        cmd.append("httpbin:app")
        p = self.spawn(cmd, cwd=self.dir, stop_signal=signal.SIGINT)
        wait_ports(p, [port], timeout=60)
        self.logs = {"httpbin": os.path.join(self.dir, "access.log")}
        return {"kind": "httpbin", "http": "http://127.0.0.1:%d" % port, "keepalive_timeout": self.KEEPALIVE,
                "access_log": self.logs["httpbin"], "port": port}


ALL = [Nginx, Apache, Lighttpd, Squid, Dante, Httpbin]
