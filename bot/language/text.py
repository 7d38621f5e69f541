"""Input hygiene shared by every entry point: what counts as text, and how long may it be.

Policy for long input: nothing is silently dropped below :data:`MAX_CHARS`. Text longer
than :data:`CHUNK_CHARS` is split at sentence (or, failing that, word) boundaries and
each piece is parsed on its own; the signals are folded in order, so a later "actually,
no phone" still overrides an earlier mention. Beyond :data:`MAX_CHARS` the rest is cut
and the caller is told.

Signals carry evidence as offsets into the text the user gave, so everything that changes
the text on the way to the parser also reports where each character came from
(:func:`clean_spans`, :func:`chunk_offsets`, :class:`OffsetMap`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

from bot.config.settings import CHUNK_CHARS, MAX_CLASSIFY_CHARS

MAX_CHARS = MAX_CLASSIFY_CHARS
__all__ = ["CHUNK_CHARS", "LONGER_IN_LOWERCASE", "MAX_CHARS", "OffsetMap", "chunk_offsets", "chunks", "clean",
           "clean_spans", "truncate"]
_SENTENCE_END = re.compile(r"(?<=[.!?;\n])\s+")

#: Characters whose lowercase form is longer than one character (only the capital dotted I,
#: "İ" -> "i̇"). Rasa's spaCy step lowercases the text before tokenising, so after an "İSTASYON"
#: every token offset moved one place and DIET read its features off the wrong tokens. A plain
#: I keeps the length, lowercases to one character and reads the same to every lexicon form;
#: evidence still quotes the user's own "İ" through the offset map.
LONGER_IN_LOWERCASE = str.maketrans({"\u0130": "I"})


def clean(text: str) -> str:
    """Drop control characters (keeping newlines), normalise Unicode, trim."""
    text = unicodedata.normalize("NFKC", text).translate(LONGER_IN_LOWERCASE)
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


# ----- where each character came from ------------------------------------------------------
@dataclass(frozen=True)
class OffsetMap:
    """Character offsets of a derived text (cleaned, chunked) back into its source.

    ``spans[i]`` is the ``(start, end)`` range of source characters that produced derived
    character ``i``: usually one character, several for a normalised form ("e" plus a
    combining accent became "é") or for whitespace that was collapsed.
    """

    spans: tuple[tuple[int, int], ...]

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls(tuple((i, i + 1) for i in range(length)))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The source range of derived characters ``start:end`` (clamped to the text)."""
        if not self.spans:
            return 0, 0
        last = len(self.spans) - 1
        start, end = max(0, min(start, last)), max(0, min(end, len(self.spans)))
        if end <= start:
            at = self.spans[start][0]
            return at, at
        return self.spans[start][0], self.spans[end - 1][1]

    def then(self, inner: OffsetMap) -> OffsetMap:
        """The map of a text derived from this map's derived text (``inner`` maps into it)."""
        return OffsetMap(tuple(self.span(a, b) for a, b in inner.spans))


def _nfkc_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``unicodedata.normalize("NFKC", text)`` with the source range of each output character.

    Normalisation can merge characters (a letter and its combining accent), expand them
    ("ﬁ" -> "fi") or reorder marks. An ASCII character never combines with what comes
    before it, so the text is normalised in blocks that each start at an ASCII character;
    inside a block, each character of combining class 0 with the marks after it is one
    cluster. A block whose clusters do not normalise on their own (Hangul jamo, some Indic
    vowel signs) is mapped as a whole, so offsets stay right at its edges.
    """
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text, [(i, i + 1) for i in range(len(text))]
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    starts = [i for i, ch in enumerate(text) if i == 0 or ch.isascii()] + [len(text)]
    for start, end in zip(starts, starts[1:]):
        if end - start == 1:
            piece = unicodedata.normalize("NFKC", text[start])
            out.append(piece)
            spans.extend([(start, end)] * len(piece))
            continue
        whole = unicodedata.normalize("NFKC", text[start:end])
        bounds = [i for i in range(start, end) if i == start or unicodedata.combining(text[i]) == 0]
        clusters = [(a, b, unicodedata.normalize("NFKC", text[a:b])) for a, b in zip(bounds, bounds[1:] + [end])]
        if "".join(c for _a, _b, c in clusters) == whole:
            for a, b, cluster in clusters:
                out.append(cluster)
                if cluster == text[a:b]:  # unchanged: each character is its own source
                    spans.extend((i, i + 1) for i in range(a, b))
                else:
                    spans.extend([(a, b)] * len(cluster))
        else:
            out.append(whole)
            spans.extend([(start, end)] * len(whole))
    return "".join(out), spans


def clean_spans(text: str) -> tuple[str, OffsetMap]:
    """:func:`clean` plus where each cleaned character came from in ``text``.

    The same steps as :func:`clean`, in the same order (a test checks the text is equal
    for awkward input), each carrying the offsets along.
    """
    if clean(text) == text:  # the usual case: nothing to map
        return text, OffsetMap.identity(len(text))
    normal, spans = _nfkc_spans(text)
    normal = normal.translate(LONGER_IN_LOWERCASE)  # same length: the spans still line up
    kept = [(ch, sp) for ch, sp in zip(normal, spans) if ch in "\n\t" or unicodedata.category(ch)[0] != "C"]
    collapsed: list[tuple[str, tuple[int, int]]] = []
    for ch, sp in kept:
        if ch in " \t" and collapsed and collapsed[-1][0] in " \t":
            collapsed[-1] = (" ", (collapsed[-1][1][0], sp[1]))
        else:
            collapsed.append((" " if ch == "\t" else ch, sp))
    joined = "".join(ch for ch, _ in collapsed)
    lead = len(joined) - len(joined.lstrip())
    trail = len(joined.rstrip())
    kept_spans = tuple(sp for _, sp in collapsed[lead:trail])
    return joined[lead:trail], OffsetMap(kept_spans)


def chunk_offsets(text: str, pieces: Sequence[str]) -> list[OffsetMap]:
    """Where each character of each chunk (from :func:`chunks`) sits in ``text``.

    Chunking only drops whitespace or turns a run of it into one space, so the pieces are
    aligned with the text character by character, in order.
    """
    if len(pieces) == 1 and pieces[0] == text:
        return [OffsetMap.identity(len(text))]
    maps: list[OffsetMap] = []
    at = 0
    for piece in pieces:
        spans: list[tuple[int, int]] = []
        for ch in piece:
            while at < len(text) and text[at] != ch and text[at].isspace():
                if ch.isspace():
                    break
                at += 1
            if at < len(text) and text[at] == ch:
                spans.append((at, at + 1))
                at += 1
            elif ch.isspace() and at < len(text) and text[at].isspace():
                end = at
                while end < len(text) and text[end].isspace():
                    end += 1
                spans.append((at, end))
                at = end
            else:  # not the shape chunks() produces: keep positions monotonic rather than fail
                spans.append((min(at, len(text)), min(at + 1, len(text))))
                at = min(at + 1, len(text))
        maps.append(OffsetMap(tuple(spans)))
    return maps
