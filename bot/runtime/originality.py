"""Is a corpus text really the project's own wording? Compare it with a reference text.

Every corpus text must be a rewording of its source, sentence by sentence, never the
source's sentences with a few words swapped. Two measures catch the two ways that fails:

- the longest run of identical consecutive words shared with the reference (a copied
  stretch; names and titles make short runs unavoidable, ordinary prose should not);
- for each sentence, the share of its words that one reference sentence, or two adjacent
  ones, has *in the same order* (longest common subsequence of words): a sentence that
  keeps most of a source sentence's words in order is that sentence re-synonymed, or two
  source sentences joined, even with no long run.

Both are screens, not verdicts. On 28 older corpus texts that an auditor compared with their
source pages by hand (2026-12-04), the default 0.70 flagged 7 of the 14 judged close
paraphrases and 1 of the 11 judged the project's own words.

The reference is whatever the text must not follow: the source page's excerpt (kept
outside the repository, which holds no copied text) or an earlier wording. Plain Python,
no Rasa import; ``scopebot corpus originality`` runs it over the corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")  # linear: no nested quantifiers
_SENTENCE = re.compile(r"[^.!?;:\n]+")
#: Shorter fragments (headings, titles, list items, figures) are left out of the order measure:
#: they keep their words in order because they are names, not prose.
MIN_SENTENCE_WORDS = 8
MAX_RUN = 8
MAX_ORDER = 0.70


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def sentences(text: str, min_words: int = MIN_SENTENCE_WORDS) -> list[list[str]]:
    """The text's sentences as word lists, fragments under ``min_words`` left out."""
    out = (words(s) for s in _SENTENCE.findall(text))
    return [s for s in out if len(s) >= min_words]


def longest_shared_run(text: str, reference: str) -> list[str]:
    """The longest run of consecutive words that both texts contain (empty if none)."""
    a, b = words(text), words(reference)
    where: dict[str, list[int]] = {}
    for j, w in enumerate(b):
        where.setdefault(w, []).append(j)
    best_end, best_len = 0, 0
    previous: dict[int, int] = {}
    for i, w in enumerate(a):
        current = {j: previous.get(j - 1, 0) + 1 for j in where.get(w, ())}
        for length in current.values():
            if length > best_len:
                best_end, best_len = i + 1, length
        previous = current
    return a[best_end - best_len:best_end]


def _lcs(a: list[str], b: list[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        diagonal, row[0] = 0, 0
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], diagonal + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


def _reference_windows(reference: str) -> list[list[str]]:
    """Every sentence of the reference, short ones included ("Every call was urgent."), and
    every two adjacent sentences joined: a rewording often merges two source sentences."""
    ref = sentences(reference, min_words=1)
    return ref + [a + b for a, b in zip(ref, ref[1:])]


def order_overlap(text: str, reference: str) -> list[tuple[float, str]]:
    """For each sentence of ``text``: the largest share of its words that a sentence of
    ``reference`` (or two adjacent ones) has in the same order, with the sentence."""
    ref = _reference_windows(reference)
    return [(max((_lcs(s, r) / len(s) for r in ref), default=0.0), " ".join(s)) for s in sentences(text)]


@dataclass
class Finding:
    """What ties one corpus text too closely to its reference."""

    id: str
    run: list[str] = field(default_factory=list)
    sentences: list[tuple[float, str]] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.run) or bool(self.sentences)


def check(item_id: str, text: str, reference: str,
          max_run: int = MAX_RUN, max_order: float = MAX_ORDER) -> Finding:
    """A shared run longer than ``max_run`` words, and the sentences at or over ``max_order``."""
    run = longest_shared_run(text, reference)
    return Finding(item_id, run if len(run) > max_run else [],
                   [(r, s) for r, s in order_overlap(text, reference) if r >= max_order])


def check_all(texts: Mapping[str, str], references: Iterable[Mapping[str, str]],
              max_run: int = MAX_RUN, max_order: float = MAX_ORDER) -> list[Finding]:
    """One finding per reference whose id names a corpus text (unknown ids raise ValueError)."""
    out = []
    for ref in references:
        rid = str(ref.get("id", ""))
        if rid not in texts:
            raise ValueError(f"{rid or '?'}: no corpus item has this id")
        out.append(check(rid, texts[rid], str(ref.get("text", "")), max_run, max_order))
    return out
