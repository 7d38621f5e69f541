"""`scopebot cluster`: N replicas of the bot on one machine behind nginx.

Each replica is a full `scopebot run` (its own Rasa server and action server) on its own
loopback ports; all share the production profile's PostgreSQL (conversations) and Redis
(one lock per conversation, so two replicas never process the same conversation's turns at
once). Any replica can take any turn, so nginx balances round-robin without stickiness.

A replica that exits is restarted (after a pause that grows while it keeps failing), and
nginx skips it meanwhile: losing one replica must not take the others down with it. Only
nginx exiting stops the cluster, since without it nobody can reach any replica. On several
machines the same pieces are deployed apart: see deploy/ and docs/production.md.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Optional

from bot.config.paths import PROJECT_ROOT
from bot.runtime.balancer import BalancerSettings, Nginx, NginxError
from bot.runtime.profiles import Profile, ProfileError, check_services
from bot.runtime.security import ServerSecurity

#: The replicas and their action servers listen on loopback only; nginx is the way in.
REPLICA_HOST = "127.0.0.1"
FIRST_RESTART_PAUSE = 1.0
MAX_RESTART_PAUSE = 60.0
#: A replica that stayed up this long is considered healthy again (its pause resets).
STABLE_AFTER = 120.0

ReplicaCommand = Callable[[int, int], list[str]]


def scopebot_replica(model: Path) -> ReplicaCommand:
    """The command line of replica serving on (port, action port), on loopback: only nginx
    needs to reach it."""
    return lambda port, action_port: [sys.executable, "-m", "bot.runtime.cli", "run", "--model", str(model),
                                      "--port", str(port), "--action-port", str(action_port),
                                      "--host", REPLICA_HOST]


@dataclass
class Replica:
    port: int
    action_port: int
    proc: Optional[subprocess.Popen] = None
    started: float = 0.0
    restarts: int = 0
    pause: float = FIRST_RESTART_PAUSE
    restart_at: Optional[float] = None

    @property
    def address(self) -> str:
        return f"{REPLICA_HOST}:{self.port}"


def kill_group(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal a replica's whole process group. A replica killed with -9 leaves its Rasa and
    action servers behind, holding the ports its restart needs."""
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass
class Cluster:
    """Replicas plus the nginx in front of them, and the loop that keeps the replicas up."""

    command: ReplicaCommand
    replicas: list[Replica]
    nginx: Nginx
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    say: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)

    @classmethod
    def on_ports(cls, command: ReplicaCommand, count: int, port: int, first_backend_port: int,
                 host: str = "0.0.0.0", prefix: Optional[Path] = None,
                 settings: Optional[BalancerSettings] = None) -> Cluster:
        replicas = [Replica(first_backend_port + i, first_backend_port + 100 + i) for i in range(count)]
        settings = replace(settings or BalancerSettings(), listen=f"{host}:{port}")
        prefix = prefix or PROJECT_ROOT / "var" / f"nginx-{port}"
        return cls(command, replicas, Nginx(prefix, [r.address for r in replicas], settings))

    def start_replica(self, replica: Replica) -> None:
        replica.proc = subprocess.Popen(self.command(replica.port, replica.action_port), cwd=PROJECT_ROOT,
                                        env=self.env, start_new_session=True, stdin=subprocess.DEVNULL)
        replica.started, replica.restart_at = time.monotonic(), None

    def start(self, timeout: float = 300) -> bool:
        """Start every replica and nginx; True once every replica answers."""
        self.nginx.check()  # refuse a bad configuration before loading N models
        for replica in self.replicas:
            self.start_replica(replica)
        if not self._wait_all(timeout):
            return False
        self.nginx.start()
        return True

    def _wait_all(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        pending = list(self.replicas)
        while pending and time.monotonic() < deadline:
            for replica in list(pending):
                if replica.proc is None or replica.proc.poll() is not None:
                    return False
                try:
                    with urllib.request.urlopen(f"http://{replica.address}/", timeout=2):  # noqa: S310 - loopback
                        pending.remove(replica)
                except OSError:
                    pass
            time.sleep(0.5)
        return not pending

    def supervise_once(self) -> Optional[int]:
        """One round of the supervision loop: restart what exited. Returns an exit code when
        the cluster must stop (nginx is gone), else None."""
        now = time.monotonic()
        if self.nginx.proc is not None and self.nginx.proc.poll() is not None:
            self.say(f"scopebot cluster: nginx exited (code {self.nginx.proc.returncode}); stopping. "
                     f"Its log: {self.nginx.error_log}")
            return self.nginx.proc.returncode or 1
        for replica in self.replicas:
            proc = replica.proc
            if proc is None:
                continue
            if proc.poll() is None:
                if now - replica.started > STABLE_AFTER:
                    replica.pause = FIRST_RESTART_PAUSE
                continue
            if replica.restart_at is None:
                kill_group(proc)
                replica.restart_at = now + replica.pause
                self.say(f"scopebot cluster: replica on :{replica.port} exited (code {proc.returncode}); "
                         f"restarting it in {replica.pause:.0f} s, the others keep serving")
                replica.pause = min(replica.pause * 2, MAX_RESTART_PAUSE)
            elif now >= replica.restart_at:
                replica.restarts += 1
                self.start_replica(replica)
        return None

    def serve(self, stopping: Callable[[], bool], interval: float = 0.5) -> int:
        while not stopping():
            code = self.supervise_once()
            if code is not None:
                return code
            time.sleep(interval)
        return 0

    def stop(self) -> None:
        self.nginx.stop()
        live = [r.proc for r in self.replicas if r.proc is not None and r.proc.poll() is None]
        for proc in live:
            proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc in live:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for replica in self.replicas:
            if replica.proc is not None:
                kill_group(replica.proc)  # whatever a replica left behind
                replica.proc.poll()


def run_cluster(model: Path, replicas: int = 2, port: int = 5005, first_backend_port: int = 6005,
                host: str = "0.0.0.0", startup_timeout: float = 300) -> int:
    try:
        profile = Profile.from_env()
        security = ServerSecurity.from_env()
    except (ProfileError, ValueError) as exc:
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
    cluster = Cluster.on_ports(scopebot_replica(model), replicas, port, first_backend_port, host=host,
                               settings=BalancerSettings(max_body_bytes=security.max_body_bytes))
    stopping = {"flag": False}

    def on_signal(_signum, _frame) -> None:
        stopping["flag"] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        if not cluster.start(startup_timeout):
            print("scopebot: a replica did not start", file=sys.stderr)
            return 1
        backends = ", ".join(r.address for r in cluster.replicas)
        print(f"scopebot cluster: {replicas} replicas ({backends}) behind nginx on http://{host}:{port} "
              f"(config and logs: {cluster.nginx.prefix})", flush=True)
        return cluster.serve(lambda: stopping["flag"])
    except NginxError as exc:
        print(f"scopebot: {exc}", file=sys.stderr)
        return 2
    finally:
        cluster.stop()
