"""The interop suite's test PKI, made with the `openssl` command at every start.

Files written into the given directory (EC P-256 keys, SHA-256 signatures):

  ca.pem / ca.key            root CA "h1 interop root" (the only root the clients are given)
  inter.pem / inter.key      intermediate CA, signed by the root (pathlen 0)
  localhost.pem / .key       leaf for DNS:localhost, IP:127.0.0.1, IP:::1, signed by the root
  wrongname.pem / .key       leaf for DNS:wrong.example only, signed by the root
  expired.pem / .key         leaf for the local names, valid 2020-01-01 .. 2021-01-01
  nosan.pem / .key           leaf with CN=localhost and no subjectAltName at all
  chainleaf.pem / .key       leaf for the local names signed by the intermediate (served alone:
                             the client cannot build a path to the root)
  chainleaf-full.pem         chainleaf.pem followed by inter.pem (a server sending its chain)
  client.pem / client.key    client certificate (extendedKeyUsage clientAuth), signed by the root
  client-combined.pem        client.pem followed by client.key (curl's --cert with the key inside)
"""

import os
import subprocess

CA_CNF = """[ ca ]
default_ca = local_ca
[ local_ca ]
dir = {d}
database = {d}/index.txt
new_certs_dir = {d}/issued
serial = {d}/serial
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
[ any_name ]
commonName = supplied
"""

SERVER_EXT = """basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
{san}
"""

CLIENT_EXT = """basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""

INTER_EXT = """basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""

LOCAL_SAN = "subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1"


def _openssl(args, cwd):
    r = subprocess.run(["openssl"] + args, cwd=cwd, capture_output=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError("openssl %s: %s" % (" ".join(args), r.stderr.decode(errors="replace").strip()))


def _key(d, name):
    _openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", name + ".key"], d)


def _write(d, name, text):
    with open(os.path.join(d, name), "w") as f:
        f.write(text)


def _sign(d, name, cn, ext, issuer, start=None, end=None, days=825):
    """Makes name.key and name.pem for `cn`, signed by `issuer` (ca or inter) with `ext`."""
    _key(d, name)
    _write(d, name + ".ext", ext)
    _openssl(["req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn], d)
    cnf = "%s-ca.cnf" % issuer
    args = ["ca", "-batch", "-notext", "-config", cnf, "-cert", issuer + ".pem", "-keyfile", issuer + ".key",
            "-in", name + ".csr", "-out", name + ".pem", "-extfile", name + ".ext"]
    if start:
        args += ["-startdate", start, "-enddate", end]
    else:
        args += ["-days", str(days)]
    _openssl(args, d)


def generate(d):
    """Writes the whole PKI into `d` (created); returns a dict of name -> path."""
    os.makedirs(d, exist_ok=True)
    for issuer in ("ca", "inter"):
        sub = os.path.join(d, issuer + "-db")
        os.makedirs(os.path.join(sub, "issued"), exist_ok=True)
        open(os.path.join(sub, "index.txt"), "w").close()
        _write(sub, "serial", "1000\n" if issuer == "ca" else "2000\n")
        _write(d, issuer + "-ca.cnf", CA_CNF.format(d=sub))

    _key(d, "ca")
    _openssl(["req", "-x509", "-new", "-key", "ca.key", "-out", "ca.pem", "-days", "3650", "-sha256",
              "-subj", "/CN=h1 interop root",
              "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,keyCertSign,cRLSign",
              "-addext", "subjectKeyIdentifier=hash"], d)
    _sign(d, "inter", "h1 interop intermediate", INTER_EXT, "ca", days=3650)
    _sign(d, "localhost", "localhost", SERVER_EXT.format(san=LOCAL_SAN), "ca")
    _sign(d, "wrongname", "wrong.example", SERVER_EXT.format(san="subjectAltName = DNS:wrong.example"), "ca")
    _sign(d, "expired", "localhost", SERVER_EXT.format(san=LOCAL_SAN), "ca",
          start="20200101000000Z", end="20210101000000Z")
    _sign(d, "nosan", "localhost", SERVER_EXT.format(san=""), "ca")
    _sign(d, "chainleaf", "localhost", SERVER_EXT.format(san=LOCAL_SAN), "inter")
    _sign(d, "client", "h1 interop client", CLIENT_EXT, "ca")

    def cat(out, *parts):
        with open(os.path.join(d, out), "w") as f:
            for p in parts:
                with open(os.path.join(d, p)) as src:
                    f.write(src.read())

    cat("chainleaf-full.pem", "chainleaf.pem", "inter.pem")
    cat("client-combined.pem", "client.pem", "client.key")
    for name in os.listdir(d):
        p = os.path.join(d, name)
        if os.path.isfile(p):
            # servers that drop privileges (nginx and apache workers, squid) read these too
            os.chmod(p, 0o644)
    names = ["ca", "inter", "localhost", "wrongname", "expired", "nosan", "chainleaf", "client"]
    paths = {n: os.path.join(d, n + ".pem") for n in names}
    paths.update({n + "_key": os.path.join(d, n + ".key") for n in names})
    paths["chainleaf_full"] = os.path.join(d, "chainleaf-full.pem")
    paths["client_combined"] = os.path.join(d, "client-combined.pem")
    return paths
