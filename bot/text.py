"""Input hygiene shared by every entry point: what counts as text, and how long may it be.

Policy for long input: nothing is silently dropped below :data:`MAX_CHARS`. Text longer
than :data:`CHUNK_CHARS` is split at sentence (or, failing that, word) boundaries and
each piece is parsed on its own; the signals are folded in order, so a later "actually,
no phone" still overrides an earlier mention. Beyond :data:`MAX_CHARS` the rest is cut
and the caller is told.
"""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 100_000
CHUNK_CHARS = 1_500
_SENTENCE_END = re.compile(r"(?<=[.!?;\n])\s+")


def clean(text: str) -> str:
    """Drop control characters (keeping newlines), normalise Unicode, trim."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return re.sub(r"[ \t]+", " ", text).strip()


def truncate(text: str, limit: int = MAX_CHARS) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit], True


def chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Pieces of at most ``size`` characters, cut between sentences where possible."""
    if len(text) <= size:
        return [text] if text else []
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > size:  # a run-on "sentence": cut at the last space
            cut = sentence.rfind(" ", 0, size)
            cut = cut if cut > 0 else size
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        if current and len(current) + 1 + len(sentence) > size:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces
