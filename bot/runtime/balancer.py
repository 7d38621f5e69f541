"""nginx in front of scopebot replicas: render the templates in deploy/nginx/ and run nginx.

The balancer is Debian's nginx, not code of ours: it already has the timeouts, body limits,
connection caps and upstream retries a public front door needs. This module only fills in
the templates (ports, paths, limits) and runs nginx as a child process with its own prefix
directory under var/, so it never touches the system's nginx service or its files.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bot.config.paths import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "deploy" / "nginx"
HTTP_TEMPLATE = TEMPLATES / "scopebot.conf.template"
MAIN_TEMPLATE = TEMPLATES / "nginx.conf.template"
#: {{name}} placeholders; a fixed-shape pattern run on our own template files only.
_PLACEHOLDER = re.compile(r"\{\{([a-z_]+)\}\}")
#: The bot's own cap on any request body (bot/runtime/security.py); nginx refuses only beyond it.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024


class NginxError(RuntimeError):
    """nginx is missing, or refused the configuration (its own words are in the message)."""


def render(template: str, values: dict[str, str]) -> str:
    """Fill every {{name}}; a placeholder without a value, or a value without a
    placeholder, is a bug in the caller, so both raise instead of rendering half a file."""
    wanted = set(_PLACEHOLDER.findall(template))
    missing, unused = wanted - values.keys(), values.keys() - wanted
    if missing or unused:
        raise KeyError(f"template placeholders missing {sorted(missing)}, unused {sorted(unused)}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


@dataclass(frozen=True)
class BalancerSettings:
    """What the public front door allows. The defaults are for real visitors: nobody types
    for 20 s between two header lines, and a person keeps only a few connections open."""

    listen: str = "0.0.0.0:5005"
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    client_header_timeout: str = "10s"
    client_body_timeout: str = "20s"
    max_connections: int = 1024
    max_connections_per_client: int = 64
    retries: int = 3
    #: nginx's failure memory: a replica that refused a connection is left out this long.
    fail_timeout: str = "5s"

    def http_conf(self, backends: list[str]) -> str:
        """The `http`-level part (upstream and server), for any nginx: ours or a container's."""
        if not backends:
            raise ValueError("nginx needs at least one replica to send requests to")
        servers = "\n".join(f"    server {b} max_fails=1 fail_timeout={self.fail_timeout};" for b in backends)
        return render(HTTP_TEMPLATE.read_text(encoding="utf-8"), {
            "listen": self.listen,
            "upstream_servers": servers,
            "max_body": str(self.max_body_bytes),
            "client_header_timeout": self.client_header_timeout,
            "client_body_timeout": self.client_body_timeout,
            "max_connections": str(self.max_connections),
            "max_connections_per_client": str(self.max_connections_per_client),
            "retries": str(self.retries),
        })


def find_nginx() -> Optional[str]:
    """SCOPEBOT_NGINX, else nginx on PATH, else Debian's /usr/sbin/nginx (not on a user's PATH)."""
    for candidate in (os.environ.get("SCOPEBOT_NGINX"), "nginx", "/usr/sbin/nginx"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def _user_line() -> str:
    """As root, nginx drops its workers to an unprivileged user; name one that exists here."""
    if os.geteuid() != 0:
        return ""
    user = pwd.getpwnam("nobody")
    return f"user nobody {grp.getgrgid(user.pw_gid).gr_name};"


@dataclass
class Nginx:
    """One nginx master process with its own directory (config, pid, logs, temp files)."""

    prefix: Path
    backends: list[str]
    settings: BalancerSettings = field(default_factory=BalancerSettings)
    workers: int = 1
    proc: Optional[subprocess.Popen] = None

    @property
    def conf(self) -> Path:
        return self.prefix / "nginx.conf"

    @property
    def error_log(self) -> Path:
        return self.prefix / "logs" / "error.log"

    def write(self) -> Path:
        for sub in ("logs", "temp"):
            (self.prefix / sub).mkdir(parents=True, exist_ok=True)
        (self.prefix / "scopebot.conf").write_text(self.settings.http_conf(self.backends), encoding="utf-8")
        # Each proxied request holds two connections (client and replica), plus a margin.
        connections = 2 * self.settings.max_connections + 64
        self.conf.write_text(render(MAIN_TEMPLATE.read_text(encoding="utf-8"), {
            "prefix": str(self.prefix), "workers": str(self.workers), "user": _user_line(),
            "worker_connections": str(connections)}), encoding="utf-8")
        return self.conf

    def _command(self, *extra: str) -> list[str]:
        binary = find_nginx()
        if binary is None:
            raise NginxError("nginx is not installed (make test installs Debian's nginx: scripts/deploy-tools.sh; "
                             "or set SCOPEBOT_NGINX)")
        return [binary, "-p", str(self.prefix), "-c", str(self.conf), *extra]

    def check(self) -> str:
        """`nginx -t` on the written configuration; raises NginxError with nginx's output."""
        self.write()
        done = subprocess.run(self._command("-t"), capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise NginxError(f"nginx refused its configuration {self.conf}:\n{done.stderr.strip()}")
        return done.stderr

    def start(self) -> subprocess.Popen:
        self.check()
        self.proc = subprocess.Popen(self._command(), stdin=subprocess.DEVNULL)
        return self.proc

    def stop(self, timeout: float = 15) -> None:
        """SIGQUIT: nginx finishes the requests in flight, then exits."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGQUIT)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
