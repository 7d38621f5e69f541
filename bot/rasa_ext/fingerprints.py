"""Cheaper fingerprints of the featurized training data during ``rasa train``, to the same effect.

Why: after every component, Rasa's training hook fingerprints the component's whole output so
that its cache can tell what changed. For the training data that means every message, every
token of every message and every feature matrix, again after each of the seven components
that touch the messages. ``py-spy`` on ``rasa train`` (docs/performance.md) put 37 % of the
time before DIET starts into ``Message.fingerprint``, two thirds of it in
``Token.fingerprint``, which hashes a token's five fields with a JSON dump and an MD5 per
field and per nested value, and the training data is fingerprinted again after each component.

Two replacements, each telling the cache "changed" wherever Rasa's own code would:

* ``Token.fingerprint`` hashes one exact copy of the fields Rasa's method reads (text, offsets,
  lemma and extra data, each value with its type) with a single MD5, instead of a JSON dump and
  an MD5 per field and per nested value: equal fields give equal digests, and any difference
  (1 against True, a dict changed in place) a different one. Only tokens whose extra data
  holds plain values (strings, numbers, booleans, None) or dicts and lists of them are hashed
  this way; a token holding any other object gets Rasa's own fingerprint. The copy keeps a
  dict's order, so two dicts with the same items in another order merely miss the cache.
* ``Features.fingerprint`` of a sparse matrix hashes its coordinates and values as raw bytes
  (with its shape and dtype) instead of printing every non-zero entry as a line of text and
  hashing the text: the same information in the same order.

  Dense features keep Rasa's method; this pipeline has none.

Both digests differ from Rasa's own, so the first training after a switch misses the cache once.

Applied only by the training entry point (:mod:`bot.rasa_ext.rasa_cli`), as one
:class:`~bot.rasa_ext.guard.Patch`: on a Rasa that is not 3.6.x it is not applied, and
Rasa's own code runs.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any, List, Optional, Tuple

import numpy as np

from bot.rasa_ext.guard import Patch, Target

#: Types a token's extra data may hold for its fingerprint to be remembered: plain ones, and
#: dicts, lists and tuples of them (the regex featurizer stores a dict of pattern matches per token).
_PLAIN = frozenset({int, float, bool, type(None)})
_MEMO = "_scopebot_fingerprint"


class _Mutable(Exception):
    """A value that is neither plain nor a dict, list or tuple of plain values."""


def _snapshot(value: Any) -> Any:
    """An immutable copy of ``value`` that equals another snapshot only when the values are equal.

    A copy, not a reference, so a dict changed in place later no longer matches. Numbers carry
    their type: ``1``, ``1.0`` and ``True`` are equal in Python but print, and so hash,
    differently. Exact types only (a subclass of str raises :class:`_Mutable`), and a dict's
    items in their order: a dict with the same items in another order is merely hashed again.
    """
    kind = type(value)
    if kind is str:
        return value
    if kind in _PLAIN:
        return kind, value
    if kind is dict:
        return dict, tuple((k, _snapshot(v)) for k, v in value.items())
    if kind is list or kind is tuple:
        return kind, tuple(_snapshot(v) for v in value)
    raise _Mutable(kind.__name__)


@lru_cache(maxsize=None)
def _rasa_own(kind: str) -> Any:
    """Rasa's own ``fingerprint`` of ``Token`` or ``Features`` (called only while the patch is in place)."""
    from rasa.nlu.tokenizers.tokenizer import Token
    from rasa.shared.nlu.training_data.features import Features

    return PATCH.original({"token": Token, "features": Features}[kind], "fingerprint")


def _token_fields(token: Any) -> Optional[Tuple[Any, ...]]:
    """A snapshot of everything Rasa's ``Token.fingerprint`` reads, or None if one cannot be taken."""
    try:
        data = _snapshot(token.data)
    except _Mutable:
        return None
    return token.text, token.start, token.end, token.lemma, data


def token_fingerprint(self: Any) -> str:
    """A digest of everything Rasa's ``Token.fingerprint`` reads, or Rasa's own value when the
    token's data cannot be copied exactly (:func:`_snapshot`).

    The digest is remembered on the token with the copy it was computed from: the training
    data is fingerprinted after every component, and most components leave tokens alone.
    """
    fields = _token_fields(self)
    if fields is None:
        return _rasa_own("token")(self)
    memo = self.__dict__.get(_MEMO)
    if memo is not None and memo[0] == fields:
        return memo[1]
    value = hashlib.md5(repr(fields).encode("utf-8"), usedforsecurity=False).hexdigest()
    self.__dict__[_MEMO] = (fields, value)
    return value


def sparse_digest(matrix: Any) -> str:
    """A digest of a scipy sparse matrix: shape, dtype, and its COO coordinates and values in order."""
    coo = matrix.tocoo()
    digest = hashlib.sha256(repr((tuple(coo.shape), str(coo.dtype))).encode())
    for part in (coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data):
        digest.update(np.ascontiguousarray(part).tobytes())
    return digest.hexdigest()


def features_fingerprint(self: Any) -> str:
    """``Features.fingerprint``, with a sparse matrix hashed by :func:`sparse_digest`."""
    from rasa.shared.utils.io import deep_container_fingerprint

    if self.is_dense():
        return _rasa_own("features")(self)
    if self._cached_fingerprint is None:
        self._cached_fingerprint = deep_container_fingerprint(
            [self.type, self.origin, self.attribute, sparse_digest(self.features)])
    return self._cached_fingerprint


def _targets() -> List[Target]:
    from rasa.nlu.tokenizers.tokenizer import Token
    from rasa.shared.nlu.training_data.features import Features

    return [(Token, "fingerprint", token_fingerprint), (Features, "fingerprint", features_fingerprint)]


PATCH = Patch("training fingerprints (tokens remembered, sparse features hashed as bytes)", _targets)


def install() -> bool:
    """Apply the patch (on Rasa 3.6.x only); True when it is in place."""
    return PATCH.install()


def uninstall() -> None:
    """Give ``Token`` and ``Features`` back their own ``fingerprint``."""
    PATCH.uninstall()
