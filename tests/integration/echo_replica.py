"""A stand-in replica for the cluster tests: a real HTTP server process that says which
port it is and which headers reached it, so nginx's balancing, retries and header passing
can be checked in a second instead of loading a Rasa model per replica.

Run: python -m tests.integration.echo_replica PORT
"""

from __future__ import annotations

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        if self.path.startswith("/slow"):
            time.sleep(3)
        self._answer({})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self._answer({"received": len(self.rfile.read(length))})

    def log_message(self, *_args) -> None:
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Echo).serve_forever()
