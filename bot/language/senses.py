"""Sense checks: is this mention a signal of the work in scope, or just a word? (spec 3a)

The lexicon says what a surface form *can* mean. Real descriptions are full of the same
words used otherwise: callers asking *about* payroll, concert *tickets*, the buyer's *own*
analysts, a *voicemail and messaging* option. The checks in ``senses.yml`` read the cue
words around a mention, inside its clause, and drop it when they show it is a topic, owned
by the buyer, routine reporting or incidental. They are data, each naming the spec principle
it implements, so a domain person can read and extend them.

Plain Python; every pattern used here is linear-time (see the tokeniser in bot.language.mentions).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

import yaml

from bot.domain.vocabulary import BACK_OFFICE_PROCESSES, CANONICAL, CONTACT_PROCESSES
from bot.language.lexicon import normalise

SENSES_PATH = Path(__file__).with_name("senses.yml")
#: Tokens that end a clause: a cue on the other side of one does not apply.
CLAUSE_END = frozenset({".", ";", "!", "?", "\n", ":", "•"})
#: "and the", "or a", ", their": a new noun phrase starts, so cues after it describe something else.
NEW_PHRASE = frozenset({"and", "or", ",", "plus"})
DETERMINERS = frozenset({"the", "a", "an", "our", "their", "its", "your", "my", "his", "her", "any", "all"})
#: "I called Fortis", "customers called Acme Bank": with a subject right before it, a verb before
#: a name is done to that name (a pronoun, or the people who usually make the calls).
CALLING_SUBJECTS = frozenset({"i", "we", "you", "he", "she", "they", "who", "someone", "somebody", "everyone",
                              "nobody", "customers", "customer", "callers", "caller", "people", "clients",
                              "client", "members", "patients", "residents", "users", "tenants", "parents",
                              "students", "citizens", "guests", "buyers", "consumers", "agents", "staff"})
#: Short words that may stand between a verb and the name it introduces ("called in Cognizant").
NAME_PARTICLES = ("in ", "on ", "upon ", "simply ")
#: How many words after a mention a ``keep_if_after`` cue may span ("calls for an ambulance"),
#: and how far before it a ``keep_if_before`` cue may stand ("take member calls").
KEEP_AFTER_WORDS = 4
KEEP_BEFORE_WORDS = 3
#: How a name starts: a capital letter or an opening quote.
QUOTES = "\"'\u201c\u2018"
GROUPS = {"back_office": BACK_OFFICE_PROCESSES, "contact": CONTACT_PROCESSES}
Token = tuple[str, int, int]


@dataclass(frozen=True)
class Check:
    id: str
    principle: str
    targets: frozenset[tuple[str, str]]  # (entity, value)
    forms: frozenset[str]  # empty: every form
    window: int
    drop_if_before: tuple[str, ...]
    drop_if_after: tuple[str, ...]
    keep_only_if_near: tuple[str, ...]
    becomes: Optional[str] = None
    promote_if_near: tuple[str, ...] = ()
    unless_near: tuple[str, ...] = ()
    #: drop only when both frame the mention: a cue before it and one right after ("a call centre can")
    framed_before: tuple[str, ...] = ()
    framed_after: tuple[str, ...] = ()
    #: no drop when the mention ends in one of these work nouns and a list goes on right after
    #: it: "payroll processing and employee calls" names two items, not the topic of the calls
    work_item_in_a_list: frozenset[str] = frozenset()
    #: cue phrases right after the mention that keep it whatever else matched: "calls for help"
    #: is phone work even though "calls for" usually means "requires"
    keep_if_after: tuple[str, ...] = ()
    #: cue words among the few right before the mention that keep it: "take calls for the city"
    #: are calls taken for a client, not something the city needs
    keep_if_before: tuple[str, ...] = ()
    #: drop when a name follows ("an app called Printful", "a programme called GO", "Called
    #: ComCare, it ..."), unless a subject comes right before ("I called Fortis")
    drop_if_name_follows: bool = False

    def applies(self, entity: str, value: str, surface: str) -> bool:
        if (entity, value) not in self.targets:
            return False
        return not self.forms or normalise(surface) in self.forms

    def _held_back(self, before: Sequence[str], after: Sequence[str]) -> bool:
        """An ``unless_near`` cue anywhere in the clause: "outsource our in-house payroll"."""
        return bool(self.unless_near) and _has_cue(" " + " ".join(before) + " | " + " ".join(after) + " ",
                                                   self.unless_near)

    def _work_item_in_a_list(self, after: Sequence[str], surface: str) -> bool:
        """The mention ends in a work noun and a list goes on right after it."""
        if not (self.work_item_in_a_list and after[:1] and after[0] in NEW_PHRASE):
            return False
        last = normalise(surface).split()[-1:]
        return bool(last) and last[0] in self.work_item_in_a_list

    def drops(self, before: Sequence[str], after: Sequence[str], surface: str = "", name_follows: bool = False) -> bool:
        """Whether the words around say the mention is not a signal. ``name_follows``: the
        text goes on with a name right after it (see :func:`name_follows`)."""
        if self._work_item_in_a_list(after, surface) or self._held_back(before, after):
            return False
        left = " " + " ".join(before[-self.window:]) + " "
        right = " " + " ".join(after[: self.window]) + " "
        if self.keep_if_after and _starts_with_cue(" " + " ".join(after[:KEEP_AFTER_WORDS]) + " ", self.keep_if_after):
            return False
        if self.keep_if_before and _has_cue(" " + " ".join(before[-KEEP_BEFORE_WORDS:]) + " ", self.keep_if_before):
            return False
        if _has_cue(left, self.drop_if_before) or _has_cue(right, self.drop_if_after):
            return True
        if self.drop_if_name_follows and name_follows and not (before and before[-1] in CALLING_SUBJECTS):
            return True
        if (_has_cue(left, self.framed_before)
                and any(right.startswith(f" {cue} ") for cue in self.framed_after)):
            return True
        if self.keep_only_if_near:
            return not (_has_cue(left, self.keep_only_if_near) or _has_cue(right, self.keep_only_if_near))
        return False

    def promotes(self, before: Sequence[str], after: Sequence[str]) -> bool:
        """True when the words around call for ``becomes`` instead of the lexicon's value."""
        if not self.becomes or self._held_back(before, after):
            return False
        left = " " + " ".join(before[-self.window:]) + " "
        right = " " + " ".join(after[: self.window]) + " "
        return _has_cue(left, self.promote_if_near) or _has_cue(right, self.promote_if_near)


def _check_from(raw: dict) -> Check:
    targets: set[tuple[str, str]] = set()
    for entity, values in raw["applies_to"].items():
        if entity not in CANONICAL:
            raise ValueError(f"senses.yml {raw['id']}: unknown entity {entity!r}")
        for value in GROUPS.get(values, values) if isinstance(values, str) else values:
            if value not in CANONICAL[entity]:
                raise ValueError(f"senses.yml {raw['id']}: {entity}.{value} is not canonical")
            targets.add((entity, value))
    unknown = set(raw) - {"id", "principle", "applies_to", "forms", "window", "drop_if_before",
                          "drop_if_after", "keep_only_if_near", "becomes", "promote_if_near",
                          "unless_near", "drop_if_framed_by", "work_item_in_a_list", "keep_if_after", "keep_if_before",
                          "drop_if_name_follows"}
    if unknown:
        raise ValueError(f"senses.yml {raw['id']}: unknown keys {sorted(unknown)}")
    if not raw.get("principle"):
        raise ValueError(f"senses.yml {raw['id']}: every check names its principle")

    def cues(key: str) -> tuple[str, ...]:
        return tuple(str(c).lower() for c in raw.get(key) or ())

    return Check(
        id=raw["id"], principle=" ".join(str(raw["principle"]).split()), targets=frozenset(targets),
        forms=frozenset(normalise(str(f)) for f in raw.get("forms") or ()), window=int(raw.get("window", 4)),
        drop_if_before=cues("drop_if_before"), drop_if_after=cues("drop_if_after"),
        keep_only_if_near=cues("keep_only_if_near"), becomes=_becomes(raw, targets),
        promote_if_near=cues("promote_if_near"), unless_near=cues("unless_near"),
        framed_before=_framed(raw, "before"), framed_after=_framed(raw, "after"),
        work_item_in_a_list=frozenset(cues("work_item_in_a_list")), keep_if_after=cues("keep_if_after"),
        keep_if_before=cues("keep_if_before"),
        drop_if_name_follows=bool(raw.get("drop_if_name_follows", False)),
    )


def _has_cue(words: str, cues: Sequence[str]) -> bool:
    """Whether a cue phrase occurs as whole words in ``words`` (space-padded, lowercase)."""
    return any(f" {cue} " in words for cue in cues)


def _starts_with_cue(words: str, cues: Sequence[str]) -> bool:
    """Whether ``words`` (space-padded, lowercase) begins with one of the cue phrases."""
    return any(words.startswith(f" {cue} ") for cue in cues)


def _framed(raw: dict, side: str) -> tuple[str, ...]:
    frame = raw.get("drop_if_framed_by") or {}
    if frame and (set(frame) != {"before", "after"} or not frame["before"] or not frame["after"]):
        raise ValueError(f"senses.yml {raw['id']}: drop_if_framed_by needs both before and after cues")
    return tuple(str(c).lower() for c in frame.get(side) or ())


def _becomes(raw: dict, targets: set[tuple[str, str]]) -> Optional[str]:
    value = raw.get("becomes")
    if value is None:
        return None
    entities = {e for e, _ in targets}
    if not any(value in CANONICAL[e] for e in entities):
        raise ValueError(f"senses.yml {raw['id']}: becomes {value!r} is not canonical")
    return str(value)


@lru_cache(maxsize=None)
def load_checks(path: Path = SENSES_PATH) -> tuple[Check, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    checks = tuple(_check_from(c) for c in raw["checks"])
    ids = [c.id for c in checks]
    if len(ids) != len(set(ids)):
        raise ValueError("senses.yml: duplicate check ids")
    return checks


@dataclass(frozen=True)
class TokenIndex:
    """A text's tokens with their start and end offsets, built once per text so that each
    mention finds its clause by binary search instead of a scan of the whole text."""

    tokens: Sequence[Token]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of(cls, tokens: Sequence[Token]) -> TokenIndex:
        return cls(tokens, tuple(t[1] for t in tokens), tuple(t[2] for t in tokens))


def _clause_words(index: TokenIndex, start: int, end: int, limit: int = 12) -> tuple[list[str], list[str]]:
    """Words before ``start`` (nearest last) and after ``end``, inside the mention's clause."""
    tokens = index.tokens
    first_after = bisect_left(index.starts, end)
    last_before = bisect_right(index.ends, start)
    before: list[str] = []
    for word, _s, _e in reversed(tokens[max(0, last_before - limit - 1):last_before]):
        if word in CLAUSE_END or len(before) >= limit:
            break
        before.append(word)
    after: list[str] = []
    for word, _s, _e in tokens[first_after:first_after + limit + 1]:
        if word in CLAUSE_END or len(after) >= limit:
            break
        if after and after[-1] in NEW_PHRASE and word in DETERMINERS:
            break  # "... applications and the helpline": a new noun phrase, not a modifier
        after.append(word)
    return list(reversed(before)), after


def name_follows(text: str, end: int) -> bool:
    """Whether a name starts right after ``end``: a capital or an opening quote after one space,
    possibly after a particle ("called in Cognizant", "called simply the Company"). Only
    spaces in between: after a full stop a capital starts a sentence, not a name."""
    rest = text[end:end + 40]
    if not rest.startswith(" "):
        return False
    rest = rest.lstrip(" ")
    for particle in NAME_PARTICLES:
        if rest.lower().startswith(particle):
            rest = rest[len(particle):].lstrip(" ")
            break
    return bool(rest) and (rest[0].isupper() or rest[0] in QUOTES)


def read_sense(entity: str, value: str, surface: str, tokens: Sequence[Token] | TokenIndex,
               start: int, end: int, text: str = "") -> tuple[Optional[str], Optional[str]]:
    """(value, check id): the value this mention stands for in its context, or None when a
    check says it is not a signal; the id names the check that decided (None: no check did).

    Pass a :class:`TokenIndex` when reading many mentions of one text, and the ``text`` itself
    for the checks that read capitals (a name after the mention)."""
    index = tokens if isinstance(tokens, TokenIndex) else TokenIndex.of(tokens)
    before: Optional[tuple[list[str], list[str]]] = None
    for check in load_checks():
        if not check.applies(entity, value, surface):
            continue
        before = before or _clause_words(index, start, end)
        named = check.drop_if_name_follows and name_follows(text, end)
        if check.drops(*before, surface=surface, name_follows=named):
            return None, check.id
        if check.promotes(*before):
            return check.becomes, check.id
    return value, None
