"""A stand-in replica for the cluster tests: a real HTTP server process that says which
port it is and which headers reached it, so nginx's balancing, retries and header passing
can be checked in a second instead of loading a Rasa model per replica.

Run: python -m tests.integration.echo_replica PORT
"""

from __future__ import annotations

import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Echo(BaseHTTPRequestHandler):
    def _answer(self, extra: dict) -> None:
        body = json.dumps({"port": self.server.server_address[1], "host": self.headers.get("Host"),
                           "forwarded_for": self.headers.get("X-Forwarded-For"),
                           "forwarded_proto": self.headers.get("X-Forwarded-Proto"),
                           "forwarded_host": self.headers.get("X-Forwarded-Host"), **extra}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _slow(self) -> None:
        """/slow takes 3 s; with ECHO_MARKS set, it first leaves a file named
        <method>-<port> there, so a test knows which replica holds the request."""
        if not self.path.startswith("/slow"):
            return
        marks = os.environ.get("ECHO_MARKS")
        if marks:
            (Path(marks) / f"{self.command}-{self.server.server_address[1]}").touch()
        time.sleep(3)

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self._slow()
        self._answer({})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        received = len(self.rfile.read(length))
        self._slow()
        self._answer({"received": received})

    def log_message(self, *_args) -> None:
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Echo).serve_forever()
