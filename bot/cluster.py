"""`scopebot cluster`: N replicas of the bot on one machine behind a round-robin balancer.

Each replica is a full `scopebot run` (its own Rasa server and action server) on its own
ports; all share the production profile's PostgreSQL (conversations) and Redis (one lock
per conversation, so two replicas never process the same conversation's turns at once).
Any replica can take any turn, so the balancer needs no stickiness. On several machines,
run `scopebot run` with the same DATABASE_URL and REDIS_URL on each and put any HTTP load
balancer (nginx, HAProxy, a cloud LB) in front; this command is that setup in miniature.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

from bot.paths import PROJECT_ROOT
from bot.profiles import Profile, ProfileError, check_services

#: Headers that describe one hop, not the request (RFC 9110 section 7.6.1).
HOP_HEADERS = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
               "transfer-encoding", "upgrade", "host", "content-length"}
BACKEND_TIMEOUT_S = 120


class Balancer:
    """Round-robin HTTP reverse proxy. A backend that refuses the connection is skipped for
    this request (nothing reached it, so trying the next one is safe even for a POST)."""

    def __init__(self, backends: list[str]) -> None:
        if not backends:
            raise ValueError("a balancer needs at least one backend")
        self.backends = backends
        self._next = itertools.cycle(range(len(backends)))
        self.session = None

    def order(self) -> list[str]:
        start = next(self._next)
        return self.backends[start:] + self.backends[:start]

    async def handle(self, request):
        from aiohttp import ClientConnectorError, web

        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        headers["X-Forwarded-For"] = request.remote or ""
        headers["X-Forwarded-Host"] = request.host
        for backend in self.order():
            try:
                async with self.session.request(request.method, backend + request.rel_url.path_qs, data=body,
                                                headers=headers, allow_redirects=False) as resp:
                    payload = await resp.read()
                    out = {k: v for k, v in resp.headers.items() if k.lower() not in HOP_HEADERS}
                    return web.Response(body=payload, status=resp.status, headers=out)
            except ClientConnectorError:
                continue
        return web.json_response({"error": "no replica is answering"}, status=503)

    async def serve(self, port: int, stop: asyncio.Event) -> None:
        import aiohttp
        from aiohttp import web

        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=BACKEND_TIMEOUT_S),
                                             connector=aiohttp.TCPConnector(limit=200))
        app = web.Application(client_max_size=2 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "0.0.0.0", port).start()
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
            await self.session.close()


def start_replica(model: Path, port: int, action_port: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "run", "--model", str(model), "--port", str(port),
                             "--action-port", str(action_port), "--host", "127.0.0.1"], cwd=PROJECT_ROOT,
                            env=dict(os.environ),
                            start_new_session=True)


def run_cluster(model: Path, replicas: int = 2, port: int = 5005, first_backend_port: int = 6005,
                startup_timeout: float = 300) -> int:
    try:
        profile = Profile.from_env()
    except ProfileError as exc:
        print(f"scopebot: {exc}", file=sys.stderr)
        return 2
    if replicas > 1 and (profile.postgres is None or profile.redis is None):
        print("scopebot: more than one replica needs the production profile: set DATABASE_URL (shared "
              "conversations) and REDIS_URL (shared locks)", file=sys.stderr)
        return 2
    problems = check_services(profile)
    if problems:
        print("\n".join(f"scopebot: {p}" for p in problems), file=sys.stderr)
        return 2
    procs, backends = [], []
    for i in range(replicas):
        backend_port = first_backend_port + i
        procs.append(start_replica(model, backend_port, first_backend_port + 100 + i))
        backends.append(f"http://127.0.0.1:{backend_port}")
    try:
        if not _wait_all(backends, procs, startup_timeout):
            print("scopebot: a replica did not start", file=sys.stderr)
            return 1
        print(f"scopebot cluster: {replicas} replicas ({', '.join(backends)}) behind http://localhost:{port}",
              flush=True)
        return asyncio.run(_balance(backends, port, procs))
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def _wait_all(backends: list[str], procs: list[subprocess.Popen], timeout: float) -> bool:
    import urllib.request

    deadline = time.monotonic() + timeout
    pending = set(range(len(backends)))
    while pending and time.monotonic() < deadline:
        for i in list(pending):
            if procs[i].poll() is not None:
                return False
            try:
                with urllib.request.urlopen(backends[i] + "/", timeout=2):  # noqa: S310 - localhost
                    pending.discard(i)
            except OSError:
                pass
        time.sleep(0.5)
    return not pending


async def _balance(backends: list[str], port: int, procs: list[subprocess.Popen]) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    code: Optional[int] = None

    async def watch() -> None:
        nonlocal code
        while not stop.is_set():
            for p in procs:
                if p.poll() is not None:
                    print(f"scopebot: a replica exited (code {p.returncode}); stopping", file=sys.stderr)
                    code = p.returncode or 1
                    stop.set()
            await asyncio.sleep(0.5)

    watcher = asyncio.create_task(watch())
    await Balancer(backends).serve(port, stop)
    watcher.cancel()
    return code or 0
