"""Back-office work named by a verb and its object: "post the payments", "processing visa applications".

Why it exists: the lexicon matches fixed phrases, and its bare objects ("payments", "orders",
"applications") are, alone, what customers contact a provider *about* (spec 3a.1). Buyers name
the queue of work they hand over with a verb: "apply receipts to patient accounts", "packing up
orders", "processing parking citations". This reader pairs a verb with its object when only a
few words stand between them and none of them starts another phrase, and gives the pair the
process its data names (``work_phrases.yml``). The pair is a raw entity of the lexicon matcher
(marked ``work_phrase``): the resolver reads it like any other mention (sense checks, negation,
plans, the relevance reader).

Plain Python over the mention reader's tokens: one pass with a fixed look-ahead, linear time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Optional, Sequence

import yaml

from bot.domain.vocabulary import BACK_OFFICE_PROCESSES
from bot.language.lexicon import MATCHER_NAME, OWN_VALUE
from bot.language.senses import CLAUSE_END

WORK_PHRASES_PATH = Path(__file__).with_name("work_phrases.yml")
#: Words that end the verb's phrase: past one of them the object belongs to another clause or
#: another noun phrase ("the process for orders", "calls about payments and orders"). The
#: sense checks' clause ends, plus the punctuation and words that start another phrase.
PHRASE_BREAKS = CLAUSE_END | frozenset({
    "and", "or", "for", "of", "to", "with", "by", "from", "about", "when", "where", "which", "that",
    "who", "is", "are", "was", "were", ",", "(", ")", "-", "\u2013", "\u2014",
})
Token = tuple[str, int, int]


@dataclass(frozen=True)
class WorkPhrase:
    """One family of pairs: any of ``verbs`` followed by any of ``objects`` means ``process``."""

    id: str
    process: str
    principle: str
    verbs: frozenset[str]
    objects: frozenset[str]


@dataclass(frozen=True)
class WorkPhrases:
    """The families, indexed by verb, and how many words may stand between verb and object."""

    gap: int
    phrases: tuple[WorkPhrase, ...]

    @cached_property
    def by_verb(self) -> dict[str, list[WorkPhrase]]:
        """The families each verb starts; built once per loaded data, not per message."""
        index: dict[str, list[WorkPhrase]] = {}
        for phrase in self.phrases:
            for verb in phrase.verbs:
                index.setdefault(verb, []).append(phrase)
        return index


def _words(where: str, raw: Any) -> frozenset[str]:
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{where}: a non-empty list of words is required")
    words = [str(w) for w in raw]
    bad = [w for w in words if w != w.lower() or " " in w or not w]
    if bad:
        raise ValueError(f"{where}: words must be single lowercase words: {bad}")
    if len(set(words)) != len(words):
        raise ValueError(f"{where}: a word is listed twice")
    return frozenset(words)


def parse_work_phrases(raw: Any) -> WorkPhrases:
    """Validate the YAML data: a bad entry stops the bot at start-up, not mid-conversation."""
    if not isinstance(raw, dict) or not isinstance(raw.get("phrases"), list):
        raise ValueError("work_phrases.yml: 'gap' and a list 'phrases' are required")
    gap = raw.get("gap")
    if not isinstance(gap, int) or not 0 <= gap <= 5:
        raise ValueError("work_phrases.yml: 'gap' must be a whole number from 0 to 5")
    phrases, seen = [], set()
    for entry in raw["phrases"]:
        pid = str(entry.get("id", "?"))
        if pid in seen:
            raise ValueError(f"work_phrases.yml: id {pid!r} is used twice")
        seen.add(pid)
        if entry.get("process") not in BACK_OFFICE_PROCESSES:
            raise ValueError(f"work_phrases.yml {pid}: process must be a back-office process, "
                             f"not {entry.get('process')!r}")
        if not str(entry.get("principle", "")).strip():
            raise ValueError(f"work_phrases.yml {pid}: every family names its principle")
        phrases.append(WorkPhrase(pid, entry["process"], str(entry["principle"]).strip(),
                                  _words(f"{pid}.verbs", entry.get("verbs")),
                                  _words(f"{pid}.objects", entry.get("objects"))))
    return WorkPhrases(gap, tuple(phrases))


@lru_cache(maxsize=4)
def load_work_phrases(path: Path = WORK_PHRASES_PATH) -> WorkPhrases:
    with path.open(encoding="utf-8") as fh:
        return parse_work_phrases(yaml.safe_load(fh))


def find_work_phrases(text: str, tokens: Sequence[Token],
                      phrases: Optional[WorkPhrases] = None) -> list[dict[str, Any]]:
    """Raw process entities for each verb + object pair in ``tokens`` (the mention reader's).

    The span runs from the verb to the object, so the pair outranks the bare object ("payments"
    as a topic) where the lexicon found it too: the longer lexicon match wins.
    """
    data = phrases or load_work_phrases()
    index = data.by_verb
    found: list[dict[str, Any]] = []
    for i, (word, start, _end) in enumerate(tokens):
        families = index.get(word)
        if not families:
            continue
        for j in range(i + 1, min(len(tokens), i + data.gap + 2)):
            obj = tokens[j][0]
            # "scanned documents", "posted payments": a participle right before a noun describes
            # it and never pairs with it; the phrase-break test below still applies to that word,
            # so "processed and applications" stays two clauses
            participle = j == i + 1 and word.endswith("ed")
            family = None if participle else next((f for f in families if obj in f.objects), None)
            if family is not None:
                end = tokens[j][2]
                found.append({"entity": "process", "value": family.process, "start": start, "end": end,
                              "text": text[start:end], "extractor": MATCHER_NAME,
                              "work_phrase": family.id, OWN_VALUE: True})
                break
            if obj in PHRASE_BREAKS or obj[:1].isdigit():
                break  # another phrase starts, or a quantity the volume reader keeps
    return found
