"""Rasa glue for the production profile's PostgreSQL tracker store.

Rasa's ``SQLTrackerStore`` keeps pooled connections without checking them, so after
PostgreSQL restarts, the first turns that pick up a dead connection fail. This subclass
rebuilds the engine with ``pool_pre_ping`` (a cheap ``SELECT 1`` on checkout that replaces
dead connections), so the bot reconnects by itself. Chosen by ``bot.runtime.profiles``.

It also bounds every wait on the database, because Rasa's store does blocking I/O:

* ``connect_timeout``: a server that accepts TCP but never answers fails the connect;
* ``statement_timeout``: a statement stuck behind locks on the server is cancelled;
* TCP keepalives and ``tcp_user_timeout``: a connection whose packets vanish (a black-holed
  network) is declared dead by the kernel instead of waiting for ever.

``io_in_thread`` tells :class:`bot.rasa_ext.storage_faults.StrictTrackerStore` to run this
store's calls off the event loop. libpq parameters from ``DATABASE_URL`` (``sslmode`` ...)
arrive in the URL's query and win over these defaults.
"""

from __future__ import annotations

from typing import Any, Dict

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs

CONNECT_TIMEOUT_S = 5
STATEMENT_TIMEOUT_MS = 10_000


def libpq_defaults(query: Dict[str, Any]) -> Dict[str, Any]:
    """Connection settings for psycopg2 that the URL's own query does not set already."""
    defaults: Dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3,
        "tcp_user_timeout": 20_000,
    }
    args = {key: value for key, value in defaults.items() if key not in query}
    if "options" not in query:
        args["options"] = f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
    return args


class ReconnectingSQLTrackerStore(SQLTrackerStore):
    io_in_thread = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        import sqlalchemy as sa

        url = self.engine.url
        self.engine.dispose()
        engine_kwargs = create_engine_kwargs(url)
        if url.get_backend_name() == "postgresql":
            extra = dict(engine_kwargs.pop("connect_args", {}))  # Rasa's schema option, if any
            connect_args = libpq_defaults(dict(url.query))
            if "options" in extra and "options" in connect_args:
                connect_args["options"] = f"{extra.pop('options')} {connect_args['options']}"
            engine_kwargs["connect_args"] = {**connect_args, **extra}
        self.engine = sa.create_engine(url, pool_pre_ping=True, pool_recycle=1800, **engine_kwargs)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
