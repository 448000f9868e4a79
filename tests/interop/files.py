"""The static files every web server serves (its document root's files/ directory), of known
sizes and SHA-256 hashes."""

import hashlib
import os
import random

LARGE = 24 * 1024 * 1024


def _text(n_lines, seed):
    rnd = random.Random(seed)
    words = ["keep-alive", "chunked", "gzip", "proxy", "tunnel", "header", "request", "response", "body",
             "connection", "content-length", "redirect", "certificate", "socket", "range", "interop"]
    return "".join("%06d %s\n" % (i, " ".join(rnd.choice(words) for _ in range(10))) for i in range(n_lines))


def _random_bytes(n, seed):
    rnd = random.Random(seed)
    return rnd.randbytes(n)


def make(www):
    """Writes www/files/*; returns {name: {"size", "sha256", "path"}}."""
    d = os.path.join(www, "files")
    os.makedirs(d, exist_ok=True)
    os.chmod(www, 0o755)
    os.chmod(d, 0o755)
    contents = {
        "small.txt": b"hello from the h1client interop suite\n",
        "empty.txt": b"",
        "a.txt": b"file a\n",
        "b.txt": b"file b\n",
        "c.txt": b"file c\n",
        "d.txt": b"file d\n",
        "e.txt": b"file e\n",
        "data.json": b'{"name": "interop", "values": [1, 2, 3], "nested": {"ok": true}}\n',
        "text.txt": _text(4000, 1).encode(),
        "lines.txt": b"first=1\r\nsecond=2\nthird=3\n",
        "utf8.txt": "caf\u00e9 \u2013 na\u00efve \u65e5\u672c\u8a9e \U0001f600\n".encode(),
        "medium.bin": _random_bytes(1024 * 1024 + 17, 2),
        "upload.bin": _random_bytes(3 * 1024 * 1024 + 5, 3),
        "index.html": b"<!doctype html><title>interop</title><p>index</p>\n",
    }
    out = {}
    for name, data in contents.items():
        path = os.path.join(d, name)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, 0o644)
        out[name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "path": path}
    # the large file, written in pieces
    path = os.path.join(d, "large.bin")
    rnd = random.Random(4)
    h = hashlib.sha256()
    with open(path, "wb") as f:
        left = LARGE
        while left:
            piece = rnd.randbytes(min(left, 1 << 20))
            f.write(piece)
            h.update(piece)
            left -= len(piece)
    os.chmod(path, 0o644)
    out["large.bin"] = {"size": LARGE, "sha256": h.hexdigest(), "path": path}
    return out
