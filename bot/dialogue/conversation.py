"""One turn of the scoping conversation, as plain Python (the Rasa action is a thin shell).

Rasa replaces list slots on every message, so the state (accumulated signals, the
question just asked, the questions already settled) is kept here explicitly and folded
forward message by message. Short replies ("yes", "both", "about 10k a month") are read
as answers to the question the bot asked last.

Every signal keeps the words it came from (:class:`bot.domain.signals.Evidence`), numbered by the
user message that said them: the caller passes that number (the Rasa action counts the
user's messages in the tracker), so greetings and questions between descriptions count too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, Mapping, Optional

from bot.domain.assessment import Assessment, assess
from bot.domain.questions import READERS, Option, Question, question_by_id
from bot.domain.signals import Signals
from bot.language.lexicon import normalise
from bot.language.mentions import parse_number, parse_volume

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


    def resumed(self) -> State:
        """The state a new session starts from: everything known is kept, but the question
        asked before the break is no longer waiting for an answer (a "yes" days later
        should not answer it)."""
        return replace(self, pending=None)


@dataclass(frozen=True)
class Turn:
    state: State
    assessment: Assessment
    changed: bool
    #: a short line to say before the assessment (e.g. "Which back-office processes?")
    note: Optional[str] = None
    #: this message opened a new session after an idle break, and what was known is kept
    resumed: bool = False

    @property
    def adds_nothing(self) -> bool:
        """The message changed nothing and needs no remark: answer with the standing result."""
        return not self.changed and not self.note


#: Said when a conversation comes back after the idle time, with what it already knew.
RESUMED = ("Welcome back. It's been a while, so this is a new session; I've kept what you told me "
           "before, so you can carry on from there or say \"start over\" to begin afresh.")
#: Said (with the standing answer) when a message added nothing to what is known.
NOTHING_NEW = "I didn't pick up anything new there, so the answer stands."


def new_session(last_active: Optional[float], now: Optional[float], idle_minutes: Optional[float]) -> bool:
    """Does a message at ``now`` open a new session? Only after more than ``idle_minutes``
    without activity (timestamps in seconds); ``None`` or 0 minutes never expires."""
    if not idle_minutes or last_active is None or now is None:
        return False
    return now - last_active > idle_minutes * 60


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


def _read_volume(text: str, found: Signals, message: int) -> Optional[Signals]:
    """ "about 10k a month" as a volume, when the message's own entities had none."""
    if found.volume is not None:
        return None
    m = _NUMBER.search(text)
    if not m or parse_number(m.group("number")) is None:
        return None
    start, end = m.span("number")
    said = Signals.from_dict({"volume": parse_volume(text, start, end)})
    return said.attributed(m.group("number"), start, end, message)


#: How each free-form answer named by a question's ``reads`` (questions.yml) is read.
READ: dict[str, Callable[[str, Signals, int], Optional[Signals]]] = {"volume": _read_volume}
if set(READ) != READERS:  # the catalogue may name only readers that exist here
    raise RuntimeError(f"readers in code {sorted(READ)} differ from bot.domain.questions.READERS {sorted(READERS)}")


def _short_answer(question: Question, intent: Optional[str], text: str,
                  found: Signals, message: int = 0) -> tuple[Signals, bool, Optional[str]]:
    """Read a reply as the answer to ``question``: (extra signals, settled?, note)."""
    picked = _option_said(question, text)
    if picked is not None:
        return _as_said(picked, text, message), True, None
    bare = {"affirm": question.on_yes, "deny": question.on_no}.get(intent or "")
    if bare is not None:
        if bare.ask:  # "yes" without saying which: ask, and keep the question open
            return Signals(), False, bare.ask
        return _as_said(bare.signals, text, message), True, None
    if question.reads:
        read = READ[question.reads](text, found, message)
        if read is not None:
            return read, True, None
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
              text: str, option: Optional[str] = None, message: int = 0, resumed: bool = False) -> Turn:
    """Fold one user message (or a clicked button ``option``) into the state and assess.

    ``message`` is the number of this user message in the conversation (from 0), the
    ``message`` of the evidence it produces. A clicked answer's evidence is the button's
    title, which is what the visitor sees as their message. ``resumed``: the message opens
    a new session after an idle break (:func:`new_session`); what was known is kept, and
    the turn says so when there was anything to keep.
    """
    resumed = resumed and not state.signals.is_empty
    if resumed:
        state = state.resumed()
    found = Signals.from_entities(entities, message=message, text=text or "")
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
        if settled or question.settled_by(state.signals, merged):
            answered.append(question.id)
    merged = state.signals.merge(found)
    if intent == "correct" and merged == state.signals and not found.excluded_channels:
        note = note or "I didn't catch what to change. Tell me what to add or drop, e.g. \"drop the phone\"."
    # Confirming a word named once in passing changes how firmly it stands (and the
    # confidence), though not what is in scope: that is news to the buyer too. So is a
    # mention newly read as background: the buyer should see it was set aside.
    newly_aside = {e.signal for e in merged.set_aside} - {e.signal for e in state.signals.set_aside}
    changed = (merged != state.signals or merged.passing != state.signals.passing or bool(newly_aside)
               or answered != list(state.answered))
    assessment = assess(merged, answered=answered)
    pending = assessment.questions[0].id if assessment.questions else None
    if note and question is not None and question.id not in answered:
        pending = question.id  # keep the question we are still waiting on
    new_state = replace(state, signals=merged, pending=pending, answered=tuple(dict.fromkeys(answered)))
    return Turn(new_state, assessment, changed, note, resumed)


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
