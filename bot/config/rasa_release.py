"""Which Rasa release the project's reaches into Rasa's internals were written for.

Both layers that go past Rasa's public API use this one check: the patches of
``bot.rasa_ext`` (through :mod:`bot.rasa_ext.guard`) and the copied internals of the NLU
component ``bot.nlu.batched_diet``. The installed version is read from the package's
metadata, so asking does not import Rasa.
"""

from __future__ import annotations

from importlib.metadata import version

__all__ = ["WRITTEN_FOR", "rasa_version", "supported"]

#: The Rasa release line every reach into Rasa's internals was written against and tested with.
WRITTEN_FOR = "3.6"


def rasa_version() -> str:
    """The installed Rasa's version, e.g. ``3.6.21``."""
    return version("rasa")


def supported(release: str, written_for: str = WRITTEN_FOR) -> bool:
    """Is ``release`` of the line ``written_for``? (``"3.6"`` takes ``3.6.21``, not ``3.7.0``.)"""
    line = written_for.split(".")
    return release.split(".")[: len(line)] == line
