"""Free TCP ports for test servers, shared by the unit and the integration tests."""

from __future__ import annotations

import socket

#: Ports already handed out in this test process. The kernel may give the same free port to two
#: calls in a row (nothing listens on it yet), and two replicas asked to listen on one port is how
#: a cluster fixture once failed to start ("Address already in use").
_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A port nothing listens on now, and that this process has not handed out before."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port
