#!/usr/bin/env python3
"""A loopback server for running the examples (CI runs them against it; see .ci/run).

    python3 examples/server.py [--port-file FILE] [--directory DIR]

Listens on 127.0.0.1 on a free port (written to FILE, and printed), HTTP/1.1 with keep-alive,
one thread per connection, and answers:

    GET  /bytes/N      N bytes (Content-Length), for downloads
    GET  /status/N     an empty response with status N
    POST /echo         the JSON document received, as {"received": ..., "content_type": ...}
    GET  /anything     a file under DIR (default: the current directory), as http.server does

Python's standard library only.
"""

import argparse
import functools
import http.server
import json
import os
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: every answer below has a Content-Length

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", content_type="application/octet-stream"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        parts = self.path.split("?")[0].strip("/").split("/")
        if len(parts) == 2 and parts[0] == "bytes" and parts[1].isdigit():
            n = int(parts[1])
            self.reply(200, bytes(i % 251 for i in range(n)))
        elif len(parts) == 2 and parts[0] == "status" and parts[1].isdigit():
            self.reply(int(parts[1]))
        else:
            super().do_GET()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length)
        if self.path.split("?")[0] != "/echo":
            self.reply(404, b"not found\n", "text/plain")
            return
        try:
            received = json.loads(data)
        except ValueError as e:
            body = json.dumps({"error": "not JSON: %s" % e}).encode()
            self.reply(400, body, "application/json")
            return
        answer = {"received": received, "content_type": self.headers.get("Content-Type")}
        self.reply(200, json.dumps(answer).encode(), "application/json")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file")
    parser.add_argument("--directory", default=".")
    args = parser.parse_args()
    handler = functools.partial(Handler, directory=os.path.abspath(args.directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(port))
        os.replace(args.port_file + ".tmp", args.port_file)
    print("listening on http://127.0.0.1:%d" % port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
