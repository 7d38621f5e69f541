"""``rasa run actions`` with the known library warnings silenced first (see bot.config.known_warnings),
and callers checked against the run's token.

The supervisor starts ``python -m actions.server --port N`` instead of the ``rasa`` script,
so the filters are in place before Rasa SDK and its dependencies are imported.

Rasa SDK's server runs any action for anyone who can reach its port. When
``SCOPEBOT_ACTION_TOKEN`` is set (``scopebot run`` always sets one, see bot.runtime.childenv), every
request but ``/health`` must carry it as ``?token=`` (what Rasa's ``action_endpoint: token:``
sends), or it is refused with 401 before any action runs. The comparison takes constant time,
and neither the token nor the refused value is ever logged.
"""

from __future__ import annotations

import hmac
import os
import sys
from typing import Any, Callable, Optional

#: The query parameter Rasa puts the token in (``EndpointConfig.token_name``'s default).
TOKEN_PARAM = "token"
OPEN_PATHS = frozenset({"/health"})


def require_token(app: Any, token: str) -> None:
    """Refuse (401) every request to ``app`` but the health check that lacks ``token``."""
    from sanic import response

    expected = token.encode()

    @app.middleware("request")
    async def check_token(request: Any) -> Optional[Any]:
        if request.path in OPEN_PATHS:
            return None
        given = (request.args.get(TOKEN_PARAM) or "").encode()
        if hmac.compare_digest(given, expected):
            return None
        return response.json({"error": "this action server answers only its Rasa server"}, status=401)


def guarded(create_app: Callable[..., Any], token: str) -> Callable[..., Any]:
    """Rasa SDK's ``create_app``, with :func:`require_token` on the app it makes."""

    def create(*args: Any, **kwargs: Any) -> Any:
        app = create_app(*args, **kwargs)
        require_token(app, token)
        return app

    return create


def main() -> None:
    from bot.config.known_warnings import install

    install()
    token = (os.environ.get("SCOPEBOT_ACTION_TOKEN") or "").strip()
    if token:
        import rasa_sdk.endpoint

        rasa_sdk.endpoint.create_app = guarded(rasa_sdk.endpoint.create_app, token)
    sys.argv = ["rasa", "run", "actions", "--actions", "actions", *sys.argv[1:]]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
