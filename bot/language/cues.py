"""The cue-word catalogue (``cues.yml``): the words around a mention that withdraw it, plan it or make it exclusive.

The words are data so that tuning them is an edit to a list, reviewed as such, and not to
the code that reads them (:mod:`bot.language.mentions`). The catalogue is checked when it
is loaded: every list the reader needs is there, no list is unknown or empty, and every
entry is one lowercase word (the reader compares lowercased single tokens, so a capital or a
space could never match) and appears once; so a typo fails at start-up instead of silently
matching nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, FrozenSet, Tuple

import yaml

CUES_PATH = Path(__file__).with_name("cues.yml")

Bigram = Tuple[str, str]


@dataclass(frozen=True)
class Cues:
    """One frozen set per kind of cue; the field names are the lists of ``cues.yml``."""

    scope_reset: FrozenSet[str]
    negation: FrozenSet[str]
    negation_bigrams: FrozenSet[Bigram]
    not_negation: FrozenSet[Bigram]
    capacity: FrozenSet[str]
    planned: FrozenSet[str]
    handover: FrozenSet[str]
    weighed: FrozenSet[str]
    indirect_question: FrozenSet[str]
    exclusive: FrozenSet[str]
    service_failure: FrozenSet[str]
    clause_opener: FrozenSet[str]
    determiner_negation: FrozenSet[str]
    verb_break: FrozenSet[str]
    lacking_holders: FrozenSet[str]
    partial_negation: FrozenSet[str]
    plan_documents: FrozenSet[str]
    undecided: FrozenSet[str]
    history: FrozenSet[str]
    gerunds_kept_negated: FrozenSet[str]
    zero_as_number: FrozenSet[str]
    predicate_break: FrozenSet[str]
    problem_goal_words: FrozenSet[str]
    shared_mailboxes: FrozenSet[str]
    past_work: FrozenSet[str]


_BIGRAMS = frozenset({"negation_bigrams", "not_negation"})


def _word(where: str, raw: Any) -> str:
    word = str(raw) if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
    if not word or word != word.strip().lower() or any(ch.isspace() for ch in word):
        raise ValueError(f"cues.yml {where}: {raw!r} is not a lowercase word without spaces")
    return word


def _entries(name: str, raw: Any) -> frozenset:
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"cues.yml {name}: a non-empty list is required")
    if name in _BIGRAMS:
        if not all(isinstance(pair, list) and len(pair) == 2 for pair in raw):
            raise ValueError(f"cues.yml {name}: every entry is a pair of words, like [no, longer]")
        entries = [(_word(name, a), _word(name, b)) for a, b in raw]
    else:
        entries = [_word(name, w) for w in raw]
    repeated = sorted({str(e) for e in entries if entries.count(e) > 1})
    if repeated:
        raise ValueError(f"cues.yml {name}: repeated {repeated}")
    return frozenset(entries)


def parse_cues(raw: Any) -> Cues:
    """Validate a loaded ``cues.yml`` document and freeze it."""
    if not isinstance(raw, dict):
        raise ValueError("cues.yml: a mapping of list names to words is required")
    wanted = set(Cues.__dataclass_fields__)
    if set(raw) != wanted:
        missing, unknown = sorted(wanted - set(raw)), sorted(set(raw) - wanted)
        raise ValueError(f"cues.yml: missing lists {missing}, unknown lists {unknown}")
    return Cues(**{name: _entries(name, raw[name]) for name in sorted(wanted)})


@lru_cache(maxsize=None)
def load_cues(path: Path = CUES_PATH) -> Cues:
    return parse_cues(yaml.safe_load(path.read_text(encoding="utf-8")))
