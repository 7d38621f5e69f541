"""One turn of the scoping conversation, as plain Python (the Rasa action is a thin shell).

Rasa replaces list slots on every message, so the state (accumulated signals, the
question just asked, the questions already settled) is kept here explicitly and folded
forward message by message. Short replies ("yes", "both", "about 10k a month") are read
as answers to the question the bot asked last.

Every signal keeps the words it came from (:class:`bot.signals.Evidence`), numbered by the
user message that said them: the caller passes that number (the Rasa action counts the
user's messages in the tracker), so greetings and questions between descriptions count too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping, Optional

from bot.assessment import Assessment, assess
from bot.conditions import Facts
from bot.lexicon import normalise
from bot.mentions import parse_number, parse_volume
from bot.questions import Option, Question, question_by_id
from bot.signals import Signals

#: A number in a reply to the volume question ("about 10k", "~5,000 a month"), in group
#: ``number``. A search may only start where a run of digits and separators begins (the
#: look-behind), with the run's leading separators skipped: started anywhere else, it
#: would re-scan the rest of a long digit run from every digit (quadratic time), and no
#: such later start can succeed where the run's first digit failed.
_NUMBER = re.compile(r"(?<![\d,.])(?:~?[,.]+)?(?P<number>~?\d[\d,.]*\s*(?:k|m|mm|thousand|million)?\b)",
                     re.IGNORECASE)


@dataclass(frozen=True)
class State:
    signals: Signals = Signals()
    pending: Optional[str] = None
    answered: tuple[str, ...] = ()

    @classmethod
    def from_slots(cls, signals: Optional[Mapping[str, Any]], pending: Optional[str],
                   answered: Optional[Iterable[str]]) -> State:
        return cls(Signals.from_dict(signals), pending or None, tuple(answered or ()))

    def slots(self) -> dict[str, Any]:
        return {"scope_signals": self.signals.to_dict(), "pending_question": self.pending,
                "answered_questions": list(self.answered)}


@dataclass(frozen=True)
class Turn:
    state: State
    assessment: Assessment
    changed: bool
    #: a short line to say before the assessment (e.g. "Which back-office processes?")
    note: Optional[str] = None


def _settles(question: Question, before: Signals, after: Signals) -> bool:
    """Did the new signals answer what the question was about?"""
    about = question.about
    if about == "back_office":
        return after.back_office != before.back_office
    if about == "ownership":
        return Facts(after).ownership != Facts(before).ownership
    if about in ("channels", "planned_channels", "goals", "automation", "integration",
                 "direction", "sourcing", "volume"):
        return getattr(after, about) != getattr(before, about)
    return False


def _option_said(question: Question, text: str) -> Optional[dict[str, Any]]:
    said = normalise(text)
    for option in question.options:
        if said == normalise(option.title) or said in {normalise(p) for p in option.says}:
            return option.signals
    return None


def _as_said(signals: Mapping[str, Any], text: str, message: int) -> Signals:
    """An answer's signals, credited to the whole reply ("both", "yes, outsource it")."""
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    return Signals.from_dict(signals).attributed(text[start:end], start, end, message)


def _short_answer(question: Question, intent: Optional[str], text: str,
                  found: Signals, message: int = 0) -> tuple[Signals, bool, Optional[str]]:
    """Read a reply as the answer to ``question``: (extra signals, settled?, note)."""
    picked = _option_said(question, text)
    if picked is not None:
        return _as_said(picked, text, message), True, None
    if intent == "affirm" and question.on_yes is not None:
        if question.on_yes == "ask":
            return Signals(), False, "Which ones? For example payroll, invoicing, claims or data entry."
        return _as_said(question.on_yes, text, message), True, None
    if intent == "deny" and question.on_no is not None:
        return _as_said(question.on_no, text, message), True, None
    if question.id == "volume" and found.volume is None:
        m = _NUMBER.search(text)
        if m and parse_number(m.group("number")) is not None:
            start, end = m.span("number")
            vol = parse_volume(text, start, end)
            said = Signals.from_dict({"volume": vol})
            return said.attributed(m.group("number"), start, end, message), True, None
    return Signals(), False, None


def option_payload(question: Question, index: int) -> str:
    """The button payload for an option: an `inform` intent carrying `option=<id>:<n>`."""
    return '/inform{"option": "' + f"{question.id}:{index}" + '"}'


def _chosen_option(choice: str) -> Optional[tuple[Question, Option]]:
    qid, _, index = choice.partition(":")
    question = question_by_id(qid)
    if question is None or not index.isdigit() or int(index) >= len(question.options):
        return None
    return question, question.options[int(index)]


def is_known_option(choice: Any) -> bool:
    """Whether ``choice`` names an option of one of our questions (what the buttons send);
    a typed ``/inform{"option": 5}`` or ``"zz:9"`` does not."""
    return isinstance(choice, str) and _chosen_option(choice) is not None


def take_turn(state: State, intent: Optional[str], entities: Iterable[Mapping[str, Any]],
              text: str, option: Optional[str] = None, message: int = 0) -> Turn:
    """Fold one user message (or a clicked button ``option``) into the state and assess.

    ``message`` is the number of this user message in the conversation (from 0), the
    ``message`` of the evidence it produces. A clicked answer's evidence is the button's
    title, which is what the visitor sees as their message.
    """
    found = Signals.from_entities(entities, message=message)
    answered = list(state.answered)
    note = None
    question = question_by_id(state.pending) if state.pending else None
    chosen = _chosen_option(option) if option else None
    if chosen is not None:
        clicked, picked = chosen
        found = found.merge(Signals.from_dict(picked.signals).attributed(picked.title, 0, len(picked.title), message))
        answered.append(clicked.id)
    elif question is not None:
        extra, settled, note = _short_answer(question, intent, text or "", found, message)
        found = found.merge(extra)
        merged = state.signals.merge(found)
        if settled or _settles(question, state.signals, merged):
            answered.append(question.id)
    merged = state.signals.merge(found)
    if intent == "correct" and merged == state.signals and not found.excluded_channels:
        note = note or "I didn't catch what to change. Tell me what to add or drop, e.g. \"drop the phone\"."
    changed = merged != state.signals or answered != list(state.answered)
    assessment = assess(merged, answered=answered)
    pending = assessment.questions[0].id if assessment.questions else None
    if note and question is not None and question.id not in answered:
        pending = question.id  # keep the question we are still waiting on
    new_state = replace(state, signals=merged, pending=pending, answered=tuple(dict.fromkeys(answered)))
    return Turn(new_state, assessment, changed, note)


def current(state: State) -> Assessment:
    return assess(state.signals, answered=state.answered)


def answers_pending(state: State, intent: Optional[str], text: str) -> bool:
    """Does ``text`` settle the question asked last (a button's words, a number for volume)?

    Short replies such as "just handle contacts" carry no signal words and often get a
    low NLU confidence; the fallback asks this before steering the visitor back, so a
    valid answer is never met with "Sorry, I didn't catch that".
    """
    question = question_by_id(state.pending) if state.pending else None
    if question is None:
        return False
    _, settled, _ = _short_answer(question, intent, text or "", Signals())
    return settled
