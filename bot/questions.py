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

from bot.conditions import CONDITIONS, Facts, holds
from bot.signals import Signals

QUESTIONS_PATH = Path(__file__).with_name("questions.yml")
MAX_QUESTIONS = 3


@dataclass(frozen=True)
class Option:
    title: str
    signals: dict[str, Any]
    says: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    when: list[str] = field(default_factory=list)
    when_any: list[str] = field(default_factory=list)
    what_if: list[dict[str, Any]] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    about: str = ""
    on_yes: Any = None
    on_no: Any = None

    def applies(self, facts: Facts) -> bool:
        if not holds(self.when, facts):
            return False
        return not self.when_any or any(CONDITIONS[c](facts) for c in self.when_any)

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "text": self.text}


@lru_cache(maxsize=None)
def load_questions(path: Path = QUESTIONS_PATH) -> tuple[Question, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    out = []
    for q in raw:
        for name in q.get("when", []) + q.get("when_any", []):
            if name not in CONDITIONS:
                raise ValueError(f"question {q['id']}: unknown condition {name!r}")
        options = [Option(o["title"], o.get("signals") or {}, tuple(o.get("says", [])))
                   for o in q.get("options", [])]
        out.append(Question(q["id"], " ".join(q["text"].split()), q.get("when", []),
                            q.get("when_any", []), q.get("what_if", []), options,
                            q.get("about", ""), q.get("on_yes"), q.get("on_no")))
    return tuple(out)


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
