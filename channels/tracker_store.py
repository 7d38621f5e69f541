"""Rasa glue for the production profile's PostgreSQL tracker store.

Rasa's ``SQLTrackerStore`` keeps pooled connections without checking them, so after
PostgreSQL restarts, the first turns that pick up a dead connection fail. This subclass
rebuilds the engine with ``pool_pre_ping`` (a cheap ``SELECT 1`` on checkout that replaces
dead connections), so the bot reconnects by itself. Chosen by ``bot.profiles``.
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs


class ReconnectingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        import sqlalchemy as sa

        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, pool_recycle=1800, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
