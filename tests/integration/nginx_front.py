"""Debian's nginx for the tests: find it (skip locally, fail under CI=true when missing)."""

from __future__ import annotations

import os
import socket
import time

import pytest

from bot.runtime.balancer import find_nginx


def need_nginx() -> str:
    path = find_nginx()
    if path is None:
        reason = "nginx is not installed (make test installs it: scripts/deploy-tools.sh)"
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI=true: the nginx tests must run)")
        pytest.skip(reason)
    return path


def wait_listening(port: int, tries: int = 50) -> None:
    """Wait until something accepts connections on ``port`` (nginx binds a moment after it starts)."""
    for _ in range(tries):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
