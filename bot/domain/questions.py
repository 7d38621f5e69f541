"""Choosing the follow-up questions that could still change the answer.

A question is *decisive* when one of its plausible answers (``what_if`` in
``questions.yml``) would change the recommended model; decisive questions are asked
first, then the others in catalogue order, three at most per turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import yaml

from bot.domain.conditions import CONDITIONS, Facts, holds
from bot.domain.signals import Signals

QUESTIONS_PATH = Path(__file__).with_name("questions.yml")
MAX_QUESTIONS = 3


@dataclass(frozen=True)
class Option:
    title: str
    signals: dict[str, Any]
    says: tuple[str, ...] = ()


@dataclass(frozen=True)
class BareAnswer:
    """What a bare "yes" or "no" means as the answer: signals to add, or (``ask``) a
    prompt asking which ones, when "yes" alone does not say what."""

    signals: dict[str, Any] = field(default_factory=dict)
    ask: Optional[str] = None


#: Free-form answers a question may read besides its options (``reads`` in questions.yml);
#: the conversation holds the reader for each.
READERS: frozenset[str] = frozenset({"volume"})


def settled_value(about: str, signals: Signals) -> Any:
    """What question ``about`` asks about, read from ``signals``: a signal field or derived
    view (``channels``, ``back_office``), or a derived fact (``ownership``)."""
    if hasattr(signals, about):
        return getattr(signals, about)
    return getattr(Facts(signals), about)


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    when: list[str] = field(default_factory=list)
    when_any: list[str] = field(default_factory=list)
    what_if: list[dict[str, Any]] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    #: the signal (or fact) the question is about: a change in it answers the question
    about: str = ""
    on_yes: Optional[BareAnswer] = None
    on_no: Optional[BareAnswer] = None
    #: a free-form answer the question reads besides its options (one of :data:`READERS`)
    reads: Optional[str] = None

    def applies(self, facts: Facts) -> bool:
        if not holds(self.when, facts):
            return False
        return not self.when_any or any(CONDITIONS[c](facts) for c in self.when_any)

    def settled_by(self, before: Signals, after: Signals) -> bool:
        """Did the change from ``before`` to ``after`` answer this question?"""
        return bool(self.about) and settled_value(self.about, after) != settled_value(self.about, before)

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "text": self.text}


#: The keys a question may have in questions.yml; anything else is a typo.
QUESTION_KEYS = frozenset({"id", "text", "when", "when_any", "what_if", "options", "about", "on_yes", "on_no",
                           "reads"})
OPTION_KEYS = frozenset({"title", "signals", "says"})


class CatalogueError(ValueError):
    """questions.yml says something the code cannot honour (a typo, an unknown name)."""


def _bare_answer(qid: str, key: str, raw: Any) -> Optional[BareAnswer]:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise CatalogueError(f"question {qid}: {key} must be a mapping of signals or {{ask: <prompt>}}, not {raw!r}")
    if "ask" in raw:
        if set(raw) != {"ask"} or not isinstance(raw["ask"], str) or not raw["ask"].strip():
            raise CatalogueError(f"question {qid}: {key}: ask takes a prompt and nothing else")
        return BareAnswer(ask=" ".join(raw["ask"].split()))
    return BareAnswer(signals=dict(raw))


def _check_about(qid: str, about: str) -> None:
    try:
        settled_value(about, Signals())
    except AttributeError:
        raise CatalogueError(f"question {qid}: about names no signal or fact: {about!r}") from None


def _question(q: dict[str, Any]) -> Question:
    qid = q.get("id", "?")
    unknown = set(q) - QUESTION_KEYS
    if unknown:
        raise CatalogueError(f"question {qid}: unknown keys {sorted(unknown)}")
    for name in q.get("when", []) + q.get("when_any", []):
        if name not in CONDITIONS:
            raise CatalogueError(f"question {qid}: unknown condition {name!r}")
    about = q.get("about", "")
    if about:
        _check_about(qid, about)
    reads = q.get("reads")
    if reads is not None and reads not in READERS:
        raise CatalogueError(f"question {qid}: reads {reads!r}, but only {sorted(READERS)} can be read")
    options = []
    for o in q.get("options", []):
        extra = set(o) - OPTION_KEYS
        if extra:
            raise CatalogueError(f"question {qid}: option {o.get('title')!r} has unknown keys {sorted(extra)}")
        options.append(Option(o["title"], o.get("signals") or {}, tuple(o.get("says", []))))
    return Question(qid, " ".join(q["text"].split()), q.get("when", []), q.get("when_any", []),
                    q.get("what_if", []), options, about, _bare_answer(qid, "on_yes", q.get("on_yes")),
                    _bare_answer(qid, "on_no", q.get("on_no")), reads)


def parse_questions(raw: Any) -> tuple[Question, ...]:
    """The catalogue from the parsed YAML; a :class:`CatalogueError` names the first problem."""
    questions = tuple(_question(q) for q in raw["questions"])
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise CatalogueError(f"question ids repeat: {sorted(i for i in set(ids) if ids.count(i) > 1)}")
    return questions


@lru_cache(maxsize=None)
def load_questions(path: Path = QUESTIONS_PATH) -> tuple[Question, ...]:
    return parse_questions(yaml.safe_load(path.read_text(encoding="utf-8")))


def question_by_id(qid: str) -> Optional[Question]:
    return next((q for q in load_questions() if q.id == qid), None)


def applicable(signals: Signals, recommendation: str,
               skip: Iterable[str] = ()) -> list[Question]:
    """Every catalogue question whose condition holds, in catalogue order."""
    facts = Facts(signals, recommendation)
    skipped = set(skip)
    return [q for q in load_questions() if q.id not in skipped and q.applies(facts)]


def rank(signals: Signals, recommendation: str, decide_model: Callable[[Signals], str],
         skip: Iterable[str] = (), limit: int = MAX_QUESTIONS) -> list[Question]:
    """The questions to ask now: decisive ones first, at most ``limit``.

    ``decide_model`` is the rulebook (passed in to avoid a circular import); ``skip``
    holds the ids already asked and answered in a conversation.
    """
    candidates = applicable(signals, recommendation, skip)

    def decisive(q: Question) -> bool:
        return any(
            decide_model(signals.merge(Signals.from_dict(answer))) != recommendation
            for answer in q.what_if
        )

    ordered = sorted(candidates, key=lambda q: (not decisive(q),))  # stable: keeps catalogue order
    return ordered[:limit]
