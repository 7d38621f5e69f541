"""Security settings of the Rasa server, from the environment (or .env).

Rasa's HTTP API (``/model``, ``/conversations/.../tracker``...) can read and rewrite any
conversation, so it is off unless ``SCOPEBOT_ENABLE_API`` asks for it, and then it needs a
token (``SCOPEBOT_API_TOKEN``, at least 16 characters) on every call. Request bodies are
capped for every endpoint (``SCOPEBOT_MAX_BODY_BYTES``, default 1 MB); the channels add
their own, smaller limits on top.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

MIN_TOKEN_CHARS = 16
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class ServerSecurity:
    enable_api: bool = False
    api_token: str = ""
    api_cors: tuple[str, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> ServerSecurity:
        enable = (env.get("SCOPEBOT_ENABLE_API") or "").strip().lower() in _TRUE
        token = (env.get("SCOPEBOT_API_TOKEN") or "").strip()
        if enable and len(token) < MIN_TOKEN_CHARS:
            raise ValueError(f"SCOPEBOT_ENABLE_API is on, so SCOPEBOT_API_TOKEN must be set to a secret of at "
                             f"least {MIN_TOKEN_CHARS} characters (e.g. `openssl rand -hex 24`)")
        raw_limit = (env.get("SCOPEBOT_MAX_BODY_BYTES") or "").strip()
        try:
            limit = int(raw_limit) if raw_limit else DEFAULT_MAX_BODY_BYTES
        except ValueError:
            raise ValueError(f"SCOPEBOT_MAX_BODY_BYTES must be a number of bytes, not {raw_limit!r}") from None
        if limit < 1024:
            raise ValueError("SCOPEBOT_MAX_BODY_BYTES must be at least 1024")
        cors = tuple(o.strip() for o in (env.get("SCOPEBOT_API_CORS") or "").split(",") if o.strip())
        return cls(enable, token if enable else "", cors, limit)

    def rasa_args(self) -> list[str]:
        """Extra ``rasa run`` arguments; built inside the Rasa process (the token stays off argv)."""
        args: list[str] = []
        if self.enable_api:
            args += ["--enable-api", "--auth-token", self.api_token]
            if self.api_cors:
                args += ["--cors", *self.api_cors]
        return args

    def child_env(self) -> dict[str, str]:
        """What the Rasa process needs: Sanic reads SANIC_* settings from its environment."""
        return {"SANIC_REQUEST_MAX_SIZE": str(self.max_body_bytes)}

    def status_line(self) -> str:
        if not self.enable_api:
            return "HTTP API: off (SCOPEBOT_ENABLE_API=true and SCOPEBOT_API_TOKEN turn it on)"
        return "HTTP API: on, token required" + (f", CORS {', '.join(self.api_cors)}" if self.api_cors else "")
