"""The one version check in front of every patch of Rasa's internals, and patches that can be undone.

A patch here replaces a private method of Rasa's with one written against (and tested
with) one release line, Rasa 3.6. On another release the method may have moved, changed
its arguments or its meaning, and a replacement that still "works" would silently change
the bot's behaviour. So a :class:`Patch` is applied only when the installed
``rasa.__version__`` belongs to the line it was written for; otherwise Rasa's own code
stays in place and a warning says which patch was left out and why.

A patch remembers what it replaced and puts exactly that back (:meth:`Patch.uninstall`,
:meth:`Patch.applied`), so a test can turn one on, compare, and leave Rasa as it found it.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Any, Callable, Iterator, List, Optional, Sequence, Tuple

from bot.config.rasa_release import WRITTEN_FOR, rasa_version, supported

__all__ = ["Patch", "Target", "WRITTEN_FOR", "rasa_version", "supported"]

logger = logging.getLogger(__name__)

#: (class, attribute name, replacement as it is to stand in the class: wrap static methods).
Target = Tuple[Any, str, Any]
_ABSENT = object()


class Patch:
    """Replacements of attributes of Rasa's classes: applied all or none, after the version check, and undone."""

    def __init__(self, name: str, targets: Callable[[], Sequence[Target]], written_for: str = WRITTEN_FOR) -> None:
        self.name = name
        self.written_for = written_for
        self._targets = targets  # a function, so Rasa is imported only when the patch is applied
        self._saved: List[Tuple[Any, str, Any]] = []  # (class, attribute, what the class itself held)

    @property
    def installed(self) -> bool:
        return bool(self._saved)

    def install(self, version: Optional[str] = None) -> bool:
        """Apply the patch unless Rasa is of another release line; True when it is in place."""
        if self._saved:
            return True
        version = rasa_version() if version is None else version
        if not supported(version, self.written_for):
            logger.warning("scopebot: %s not applied: written for Rasa %s.x, but Rasa %s is installed; "
                           "Rasa's own code runs instead", self.name, self.written_for, version)
            return False
        for owner, attribute, replacement in self._targets():
            self._saved.append((owner, attribute, owner.__dict__.get(attribute, _ABSENT)))
            setattr(owner, attribute, replacement)
        return True

    def uninstall(self) -> None:
        """Put back exactly what the patch replaced (the same objects, in reverse order)."""
        while self._saved:
            owner, attribute, before = self._saved.pop()
            if before is _ABSENT:
                delattr(owner, attribute)
            else:
                setattr(owner, attribute, before)

    def original(self, owner: Any, attribute: str) -> Any:
        """``owner.attribute`` as Rasa defines it, whether the patch is in place or not."""
        for patched, name, before in self._saved:
            if patched is owner and name == attribute:
                if before is _ABSENT:  # the class inherited it: the base classes still hold it
                    return getattr(super(owner, owner), attribute)
                return before.__get__(None, owner) if hasattr(before, "__get__") else before
        return getattr(owner, attribute)

    @contextmanager
    def applied(self, version: Optional[str] = None) -> Iterator[bool]:
        """The patch in place for a ``with`` block (if the version allows), undone after it
        unless it was already in place before."""
        already = self.installed
        done = self.install(version)
        try:
            yield done
        finally:
            if done and not already:
                self.uninstall()
