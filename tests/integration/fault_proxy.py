"""A TCP proxy a test can break: the bot reaches PostgreSQL or Redis only through it.

Faults are injected here rather than by stopping the machine's shared servers, which other
tests (and other people) use at the same time:

* ``refuse()``: every open connection is closed and new ones are closed at once, as when
  the server is down or restarting;
* ``blackhole()``: connections are accepted and whatever is sent is swallowed, with no answer
  and no close, as when a network path silently drops packets; open connections freeze too;
* ``heal()``: frozen connections are closed (their clients see an error and reconnect) and
  the proxy forwards again.
"""

from __future__ import annotations

import socket
import threading
from typing import Optional


class FaultProxy:
    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.mode = "pass"
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_forever, daemon=True)
        self._closed = False

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    # ----- faults --------------------------------------------------------------------------
    def refuse(self) -> None:
        with self._lock:
            self.mode = "refuse"
        self._close_all()

    def blackhole(self) -> None:
        with self._lock:
            self.mode = "blackhole"

    def heal(self) -> None:
        with self._lock:
            self.mode = "pass"
        self._close_all()

    def stop(self) -> None:
        self._closed = True
        self._listener.close()
        self._close_all()

    # ----- plumbing --------------------------------------------------------------------------
    def _close_all(self) -> None:
        with self._lock:
            sockets, self._open = list(self._open), set()
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def _track(self, *sockets: socket.socket) -> None:
        with self._lock:
            self._open.update(sockets)

    def _accept_forever(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            mode = self.mode
            if mode == "refuse":
                client.close()
                continue
            if mode == "blackhole":
                self._track(client)
                threading.Thread(target=self._swallow, args=(client,), daemon=True).start()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            self._track(client, upstream)
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    def _swallow(self, conn: socket.socket) -> None:
        try:
            while conn.recv(65536):
                pass
        except OSError:
            pass

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data: Optional[bytes] = src.recv(65536)
                if not data:
                    break
                while self.mode == "blackhole":  # freeze: hold the bytes, answer nothing
                    threading.Event().wait(0.05)
                    if src.fileno() < 0:
                        return
                if self.mode == "refuse":
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
