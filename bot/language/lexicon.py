"""Surface forms -> canonical values, from ``lexicon.yml`` (one truth for every matcher).

The same table feeds the Rasa lookup tables and synonyms (generated into ``data/nlu/``
by ``scopebot sync-data``) and the canonicaliser used at run time, so a new slang word is
added once and is understood everywhere.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterable, Optional

import yaml

from bot.domain.vocabulary import CANONICAL

LEXICON_PATH = Path(__file__).with_name("lexicon.yml")

_PUNCT = re.compile(r"[^\w\s/&+'%-]")
_SPACE = re.compile(r"\s+")
#: Words that may wrap a mention without changing it ("our [phone line]", "the [chat]").
_FILLER = {
    "our", "the", "a", "an", "their", "my", "your", "some", "any", "all", "its", "his",
    "her", "this", "that", "these", "those", "via", "by", "over", "through", "on", "in",
    "of", "for", "and", "or", "with", "plus", "also", "too", "etc", "more", "lots",
}
#: One word of running text for the phrase matcher: letters/digits joined by ' & / + . % -
#: ("e-mail", "24/7", "f&a", "q.a."). Separators and word characters are disjoint, so the
#: pattern is linear-time on any input.
_TOKEN = re.compile(r"\w+(?:['&/+.%-]\w+)*%?")
#: "phone-only", "email-based", "chat-first": the word before such a suffix is read on its own.
_HYPHEN_SUFFIXES = frozenset({"only", "based", "first", "heavy", "led", "centric", "driven", "focused", "enabled"})
#: Longest surface form the matcher tries, in words.
MAX_FORM_WORDS = 6
#: Forms too short or too common to fire on their own in running text (also kept out of
#: Rasa's lookup tables, see bot/runtime/datasync.py); the canonicaliser still knows them.
MIN_MATCH_LEN = 3
MATCH_STOPLIST = frozenset({"line", "text", "all", "bot", "mail", "post", "ring", "app",
                            "web", "net", "one", "may", "can", "care", "desk", "box",
                            "live", "local", "home", "shop", "store", "team", "own", "inside"})
#: Short forms that are still unambiguous in running text: "QA" is a quality programme
#: wherever it is written ("a two-layer QA process", "our QA mirrored the client's").
SHORT_FORMS = frozenset({"qa"})
#: Short forms that fire only as written in capitals ("HR", "IT" in "run IT, HR and
#: finance"); in lower case they are ordinary words ("it") or too ambiguous.
CAPITALS_ONLY = frozenset({"HR", "IT"})
MATCHER_NAME = "LexiconMatcher"
#: Marks a raw entity whose finder already decided its canonical value (a staffed phone line is
#: voice, a verb and its object is its family's process): the resolver takes that value and skips
#: the lexicon lookup, which knows the words of the span only as some other form or not at all.
OWN_VALUE = "own_value"
#: Below this length a typo-tolerant match is too likely to be a different word.
_MIN_FUZZY_LEN = 5
_FUZZY_CUTOFF = 0.84


def _mapped(text: str) -> str:
    """:func:`normalise` before its spaces are squeezed: one character out per character in.

    Every step maps a single character to a single character, so slicing commutes with it
    whenever lowercasing keeps the length (see :func:`_window_text`).
    """
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("-", " ").replace("_", " ")
    return _PUNCT.sub(" ", text)


def _squeeze(mapped: str) -> str:
    """The end of :func:`normalise`: each run of spaces as one, no spaces, quotes or slashes at
    either end. Separate so that :meth:`Lexicon.find` can apply it to a slice of a text mapped once."""
    return _SPACE.sub(" ", mapped).strip(" '/")


def normalise(text: str) -> str:
    """Lowercase, unify quotes and hyphens, drop stray punctuation: the matching key."""
    return _squeeze(_mapped(text))


def _window_text(text: str) -> Optional[str]:
    """``text`` mapped once for :meth:`Lexicon.find`, so that ``normalise(text[a:b])`` is
    ``_squeeze(mapped[a:b])``; None where that does not hold: where
    lowercasing changes the length ("İ") or depends on the next letter (a final sigma)."""
    mapped = _mapped(text)
    return mapped if len(mapped) == len(text) and "\u03a3" not in text else None


@lru_cache(maxsize=1 << 16)
def singular(word: str) -> str:
    """A crude English singular, enough for lexicon keys (calls -> call, inquiries -> inquiry)."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def singular_key(key: str) -> str:
    """A normalised key with every word made singular: the second form under which each lexicon
    form is stored and each text is looked up ("inbound calls" -> "inbound call")."""
    return " ".join(singular(w) for w in key.split())


@dataclass(frozen=True)
class Lexicon:
    """Lookup of normalised forms per entity type."""

    table: dict[str, dict[str, str]]  # entity -> normalised form -> canonical value

    @classmethod
    def from_mapping(cls, raw: dict[str, dict[str, list[str]]]) -> Lexicon:
        table: dict[str, dict[str, str]] = {}
        for entity, values in raw.items():
            if entity not in CANONICAL:
                raise ValueError(f"lexicon: unknown entity type {entity!r}")
            forms: dict[str, str] = {}
            for value, surface_forms in values.items():
                if value not in CANONICAL[entity]:
                    raise ValueError(f"lexicon: {entity}.{value} is not a canonical value")
                for form in [value.replace("_", " "), *surface_forms]:
                    key = normalise(str(form))
                    if key:
                        forms.setdefault(key, value)
                        forms.setdefault(singular_key(key), value)
            table[entity] = forms
        return cls(table)

    def forms(self, entity: str) -> dict[str, str]:
        return self.table.get(entity, {})

    def exact(self, entity: str, text: str) -> Optional[str]:
        forms = self.forms(entity)
        key = normalise(text)
        return forms.get(key) or forms.get(singular_key(key))

    def canonical(self, entity: str, text: str, lemmas: Optional[Iterable[str]] = None,
                  fuzzy: bool = True) -> Optional[str]:
        """Map a mention to its canonical value, tolerating fillers, plurals and typos.

        Tries, in order: the whole text, its lemmas, the longest sub-phrase that is a
        known form, then (for words of five letters or more) the closest known form.
        """
        if entity in CANONICAL and text in CANONICAL[entity]:
            return text
        hit = self.exact(entity, text)
        if hit:
            return hit
        if lemmas:
            hit = self.exact(entity, " ".join(lemmas))
            if hit:
                return hit
        words = [w for w in normalise(text).split()]
        for size in range(len(words), 0, -1):
            for i in range(len(words) - size + 1):
                chunk = words[i:i + size]
                if all(w in _FILLER for w in chunk):
                    continue
                hit = self.exact(entity, " ".join(chunk))
                if hit:
                    return hit
        if not fuzzy:
            return None
        key = normalise(text)
        core = " ".join(w for w in key.split() if w not in _FILLER)
        if len(core) < _MIN_FUZZY_LEN:
            return None
        # A typo is one misspelt word against forms of as many words: a phrase that merely
        # resembles a longer form ("administration" ~ "hr administration") is not one.
        size = len(core.split())
        same_size = [f for f in self.forms(entity) if len(f.split()) == size
                     and f[0] == core[0] and abs(len(f) - len(core)) <= 2]
        match = difflib.get_close_matches(core, same_size, n=1, cutoff=_FUZZY_CUTOFF)
        return self.forms(entity)[match[0]] if match else None

    @cached_property
    def match_index(self) -> dict[str, list[tuple[str, str]]]:
        """Normalised form -> [(entity, value)], for the forms allowed to fire on their own.

        Cached on the instance (a frozen dataclass keeps its ``__dict__``), so a different
        lexicon can never be served another one's index.
        """
        directions = set(self.forms("direction"))
        index: dict[str, list[tuple[str, str]]] = {}
        for entity, forms in self.table.items():
            for form, value in forms.items():
                if (len(form) < MIN_MATCH_LEN and form not in SHORT_FORMS) or form in MATCH_STOPLIST:
                    continue
                first, _, rest = form.partition(" ")
                if entity != "direction" and rest and first in directions and rest in forms:
                    continue  # "inbound support" is [inbound](direction) [support](process)
                index.setdefault(form, [])
                if (entity, value) not in index[form] and all(e != entity for e, _ in index[form]):
                    index[form].append((entity, value))
        return index

    # ----- finding forms in running text ------------------------------------------------
    def find(self, text: str) -> list[dict]:
        """Every lexicon form in ``text``, longest match first, as raw entity dicts.

        The run-time twin of Rasa's lookup-table extractor: it reads the lexicon as it is
        now, so a new form works without retraining. Word-aligned, never inside a word.
        One entity dict per entity type the matched words belong to ("retention" is a
        process and a goal); the resolver picks among them.
        """
        index = self.match_index
        tokens = self._tokens(text, index)
        mapped = _window_text(text)
        out: list[dict] = []
        i = 0
        while i < len(tokens):
            hit = None
            for size in range(min(MAX_FORM_WORDS, len(tokens) - i), 0, -1):
                start, end = tokens[i][0], tokens[i + size - 1][1]
                # normalise(text[start:end]), without mapping the same characters again for
                # every window (this loop was a third of the relevance reader's training)
                key = normalise(text[start:end]) if mapped is None else _squeeze(mapped[start:end])
                types = index.get(key) or index.get(singular_key(key))
                if types:
                    hit = (size, start, end, types)
                    break
            if hit is None and text[tokens[i][0]:tokens[i][1]] in CAPITALS_ONLY \
                    and not self._in_capitals(text, tokens, i):
                key = normalise(text[tokens[i][0]:tokens[i][1]])
                types = [(e, forms[key]) for e, forms in self.table.items() if key in forms]
                hit = (1, tokens[i][0], tokens[i][1], types) if types else None
            if hit is None:
                i += 1
                continue
            size, start, end, types = hit
            for entity, value in types:
                out.append({"entity": entity, "value": value, "start": start, "end": end,
                            "text": text[start:end], "extractor": MATCHER_NAME})
            if size > 1 and all(e != "direction" for e, _ in types):
                # "outbound sales": the process, and the direction its first word states
                first_end = tokens[i][1]
                direction = index.get(normalise(text[start:first_end]))
                for entity, value in direction or ():
                    if entity == "direction":
                        out.append({"entity": entity, "value": value, "start": start, "end": first_end,
                                    "text": text[start:first_end], "extractor": MATCHER_NAME})
            i += size
        return out

    @staticmethod
    def _tokens(text: str, index: dict[str, list[tuple[str, str]]]) -> list[tuple[int, int]]:
        """Word spans for the matcher. A slash-joined word that is no form of its own
        ("AML/CFT", "Lockbox/Remittance") is read as its parts, so each part can match;
        one that is a form ("24/7", "AP/AR", "inbound/outbound") stays whole."""
        spans: list[tuple[int, int]] = []
        for m in _TOKEN.finditer(text):
            word = m.group()
            head, _, suffix = word.rpartition("-")
            if head and suffix.lower() in _HYPHEN_SUFFIXES and normalise(word) not in index:
                spans.append((m.start(), m.start() + len(head)))  # "phone-only": the phone
                continue
            if "/" not in word or normalise(word) in index:
                spans.append((m.start(), m.end()))
                continue
            start = m.start()
            for part in word.split("/"):
                if part:
                    spans.append((start, start + len(part)))
                start += len(part) + 1
        return spans

    @staticmethod
    def _in_capitals(text: str, tokens: list[tuple[int, int]], i: int) -> bool:
        """Whether the words on both sides of token ``i`` are capitals too (a heading such
        as "HOW IT WORKS"), where "IT" is just the pronoun; "IT, HR and finance" is not."""
        near = [text[s:e] for s, e in tokens[max(0, i - 1):i] + tokens[i + 1:i + 2]]
        return bool(near) and all(w.isupper() and len(w) > 1 for w in near)


@lru_cache(maxsize=None)
def load_raw(path: Path = LEXICON_PATH) -> dict[str, dict[str, list[str]]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    return Lexicon.from_mapping(load_raw(path))
