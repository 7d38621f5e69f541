"""Deployment profiles: where conversations and locks live, chosen by environment variables.

* **embedded** (default, nothing to set): SQLite tracker store in ``var/``, Rasa's in-memory
  lock store, in-process Slack duplicate filter. One machine, one process pair, no servers.
* **production** (``DATABASE_URL`` set): PostgreSQL tracker store; with ``REDIS_URL`` also a
  Redis lock store (required for more than one replica: it serialises the turns of one
  conversation across servers) and a Redis Slack duplicate filter.

The run command writes a complete ``endpoints.yml`` for the chosen profile, so Rasa never
sees a half-filled file with unset ``${VAR}`` placeholders. Passwords are not written into
it: the file names an environment variable that the run command sets for the Rasa process.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional
from urllib.parse import parse_qsl, unquote, urlsplit

DB_PASSWORD_VAR = "SCOPEBOT_DB_PASSWORD"
REDIS_PASSWORD_VAR = "SCOPEBOT_REDIS_PASSWORD"
#: How long a start-up check waits for PostgreSQL or Redis before saying so.
CONNECT_TIMEOUT_S = 5
#: libpq settings a DATABASE_URL may carry (``?sslmode=require&sslrootcert=...``); they reach
#: the driver unchanged. Others are refused, so a typo is not silently ignored.
LIBPQ_PARAMS = frozenset({
    "sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslpassword", "sslcompression",
    "sslsni", "ssl_min_protocol_version", "ssl_max_protocol_version", "requiressl", "gssencmode",
    "krbsrvname", "channel_binding", "target_session_attrs", "application_name", "connect_timeout",
    "options", "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
    "tcp_user_timeout", "hostaddr", "passfile", "service", "client_encoding", "load_balance_hosts",
})


class ProfileError(ValueError):
    """A configuration that cannot work; the message says which variable and why."""


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    db: str
    username: Optional[str]
    password: Optional[str]
    #: libpq parameters from the URL's query (``sslmode`` ...), passed through as given.
    params: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        tls = f" sslmode={dict(self.params)['sslmode']}" if "sslmode" in dict(self.params) else ""
        return f"PostgreSQL {self.username + '@' if self.username else ''}{self.host}:{self.port}/{self.db}{tls}"


@dataclass(frozen=True)
class Redis:
    host: str
    port: int
    db: int
    password: Optional[str]
    #: Redis 6 ACL user (``redis://user:password@host``); None is the ``default`` user.
    username: Optional[str] = None
    #: ``rediss://``: TLS to Redis.
    tls: bool = False
    #: ``?ssl_ca_certs=/path/ca.pem`` for a private CA (rediss:// only).
    ca_certs: Optional[str] = None

    def describe(self) -> str:
        user = f"{self.username}@" if self.username else ""
        return f"Redis{' (TLS)' if self.tls else ''} {user}{self.host}:{self.port}/{self.db}"


def parse_database_url(url: str) -> Postgres:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "postgresql+psycopg2"):
        raise ProfileError(f"DATABASE_URL must be a postgresql:// URL, not {parts.scheme or 'empty'}://")
    db = parts.path.lstrip("/")
    if not db:
        raise ProfileError("DATABASE_URL must name a database: postgresql://user@host:5432/scopebot")
    params = tuple(parse_qsl(parts.query, keep_blank_values=False))
    unknown = sorted({key for key, _ in params} - LIBPQ_PARAMS)
    if unknown:
        raise ProfileError(f"DATABASE_URL has parameters libpq does not know: {', '.join(unknown)} "
                           "(e.g. ?sslmode=require is fine)")
    return Postgres(host=parts.hostname or "localhost", port=parts.port or 5432, db=db,
                    username=unquote(parts.username) if parts.username else None,
                    password=unquote(parts.password) if parts.password else None, params=params)


def parse_redis_url(url: str) -> Redis:
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise ProfileError(f"REDIS_URL must be a redis:// or rediss:// (TLS) URL, not {parts.scheme or 'empty'}://")
    path = parts.path.lstrip("/")
    if path and not path.isdigit():
        raise ProfileError("REDIS_URL's path must be a database number: redis://localhost:6379/0")
    query = dict(parse_qsl(parts.query))
    unknown = sorted(set(query) - {"ssl_ca_certs"})
    if unknown:
        raise ProfileError(f"REDIS_URL has parameters this bot does not use: {', '.join(unknown)}")
    tls = parts.scheme == "rediss"
    if query.get("ssl_ca_certs") and not tls:
        raise ProfileError("REDIS_URL: ssl_ca_certs needs a rediss:// (TLS) URL")
    return Redis(host=parts.hostname or "localhost", port=parts.port or 6379, db=int(path or 0),
                 password=unquote(parts.password) if parts.password else None,
                 username=unquote(parts.username) if parts.username else None, tls=tls,
                 ca_certs=query.get("ssl_ca_certs"))


@dataclass(frozen=True)
class Profile:
    name: str
    postgres: Optional[Postgres] = None
    redis: Optional[Redis] = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Profile:
        database_url = (env.get("DATABASE_URL") or "").strip()
        redis_url = (env.get("REDIS_URL") or "").strip()
        if not database_url:
            if redis_url:
                raise ProfileError("REDIS_URL is set but DATABASE_URL is not: the production profile needs "
                                   "both (PostgreSQL keeps the conversations, Redis the locks)")
            return cls("embedded")
        return cls("production", parse_database_url(database_url),
                   parse_redis_url(redis_url) if redis_url else None)

    def describe(self, sqlite_path: Optional[Path] = None) -> str:
        if self.name == "embedded":
            return f"embedded (SQLite {sqlite_path or 'var/scopebot.db'}, in-memory locks)"
        locks = self.redis.describe() + " locks" if self.redis else "in-memory locks (one replica only)"
        return f"production ({self.postgres.describe()}, {locks})"

    def child_env(self) -> dict[str, str]:
        """Variables the Rasa process needs for the placeholders in :meth:`endpoints_yaml`."""
        env = {}
        if self.postgres and self.postgres.password:
            env[DB_PASSWORD_VAR] = self.postgres.password
        if self.redis and self.redis.password:
            env[REDIS_PASSWORD_VAR] = self.redis.password
        return env

    def endpoints_yaml(self, action_url: str, sqlite_path: Path, action_token_var: Optional[str] = None) -> str:
        """``action_token_var``: the environment variable holding the action server's token;
        Rasa then sends it with every action call (the file names the variable, not the token)."""
        lines = [f"# Written by `scopebot run` for the {self.name} profile; edit endpoints.yml or the",
                 "# environment (DATABASE_URL, REDIS_URL), not this file.",
                 "action_endpoint:", f'  url: "{action_url}"']
        if action_token_var:
            lines += [f"  token: ${{{action_token_var}}}", '  token_name: "token"']
        lines += ["", "tracker_store:"]
        if self.postgres is None:
            lines += ["  type: SQL", "  dialect: sqlite", f'  db: "{sqlite_path}"']
        else:
            pg = self.postgres
            lines += ["  type: bot.rasa_ext.tracker_store.ReconnectingSQLTrackerStore", "  dialect: postgresql",
                      f'  url: "{pg.host}"', f"  port: {pg.port}", f'  db: "{pg.db}"']
            if pg.username:
                lines.append(f'  username: "{pg.username}"')
            if pg.password:
                lines.append(f"  password: ${{{DB_PASSWORD_VAR}}}")
            if pg.params:
                lines.append("  query:")
                lines += [f"    {key}: {json.dumps(value)}" for key, value in pg.params]
        if self.redis is not None:
            r = self.redis
            lines += ["", "lock_store:", "  type: bot.rasa_ext.lock_store.AtomicRedisLockStore", f'  url: "{r.host}"',
                      f"  port: {r.port}", f"  db: {r.db}", '  key_prefix: "scopebot"']
            if r.username:
                lines.append(f"  username: {json.dumps(r.username)}")
            if r.password:
                lines.append(f"  password: ${{{REDIS_PASSWORD_VAR}}}")
            if r.tls:
                lines.append("  use_ssl: true")
            if r.ca_certs:
                lines.append(f"  ssl_ca_certs: {json.dumps(r.ca_certs)}")
        return "\n".join(lines) + "\n"


# ----- start-up checks: a clear error in seconds instead of Rasa's silent endless retry -----
def _reachable(host: str, port: int) -> Optional[str]:
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S):
            return None
    except OSError as exc:
        return exc.strerror or str(exc)


def check_services(profile: Profile) -> list[str]:
    """One sentence per service the profile needs that does not answer (empty: all fine)."""
    problems = []
    if profile.postgres:
        pg = profile.postgres
        reason = _reachable(pg.host, pg.port)
        if reason is None:
            reason = _postgres_login(pg)
        if reason:
            problems.append(f"cannot use {pg.describe()} (DATABASE_URL): {reason}")
    if profile.redis:
        r = profile.redis
        reason = _reachable(r.host, r.port) or _redis_ping(r)
        if reason:
            problems.append(f"cannot use {r.describe()} (REDIS_URL): {reason}")
    return problems


def _postgres_login(pg: Postgres) -> Optional[str]:
    try:
        import psycopg2
    except ImportError:  # pragma: no cover - installed with Rasa
        return None
    try:
        psycopg2.connect(**{**dict(pg.params), "host": pg.host, "port": pg.port, "dbname": pg.db,
                            "user": pg.username, "password": pg.password,
                            "connect_timeout": CONNECT_TIMEOUT_S}).close()
        return None
    except psycopg2.OperationalError as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else "connection refused"


def _redis_ping(r: Redis) -> Optional[str]:
    try:
        import redis
    except ImportError:  # pragma: no cover - installed with Rasa
        return None
    try:
        tls = {"ssl": True, "ssl_ca_certs": r.ca_certs} if r.tls else {}
        redis.Redis(host=r.host, port=r.port, db=r.db, username=r.username, password=r.password,
                    socket_connect_timeout=CONNECT_TIMEOUT_S, socket_timeout=CONNECT_TIMEOUT_S, **tls).ping()
        return None
    except redis.RedisError as exc:
        return str(exc) or exc.__class__.__name__
