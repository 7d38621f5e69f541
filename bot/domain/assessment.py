"""The one assessment function every entry point calls (CLI, actions, Slack, web widget)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

from bot.domain.conditions import CONDITIONS, Facts
from bot.domain.questions import MAX_QUESTIONS, Question, question_by_id, rank
from bot.domain.rulebook import Decision, decide
from bot.domain.signals import Signals

#: The fields of one assessment record, in output order (`scopebot classify --format jsonl`
#: and the `assessment` custom payload of the bot share exactly these).
RECORD_FIELDS: tuple[str, ...] = (
    "text", "recommendation", "confidence", "channels", "planned_channels",
    "excluded_channels", "processes", "goals", "omnichannel", "direction", "sourcing",
    "automation", "label_requested", "label_mismatch", "reasons", "follow_up_questions", "evidence",
    "set_aside",
)

#: Confidence levels, weakest first (so ``min(..., key=CONFIDENCE_ORDER.index)`` caps a level).
CONFIDENCE_ORDER = ("low", "medium", "high")


@dataclass(frozen=True)
class Assessment:
    recommendation: str
    confidence: str
    rule_id: str
    signals: Signals
    reasons: list[str]
    advice: list[str]
    mismatch_warning: Optional[str]
    questions: list[Question]
    direction: Optional[str]
    automation: list[str]
    omnichannel: Optional[bool]

    @property
    def label_mismatch(self) -> bool:
        return self.mismatch_warning is not None

    def to_record(self, text: str) -> dict[str, Any]:
        s = self.signals
        record = {
            "text": text,
            "recommendation": self.recommendation,
            "confidence": self.confidence,
            "channels": sorted(s.channels),
            "planned_channels": sorted(s.planned_channels),
            "excluded_channels": sorted(s.excluded_channels),
            "processes": sorted(s.processes),
            "goals": sorted(s.goals),
            "omnichannel": self.omnichannel,
            "direction": self.direction,
            "sourcing": s.sourcing,
            "automation": self.automation,
            "label_requested": s.label_requested,
            "label_mismatch": self.label_mismatch,
            "reasons": self.reasons,
            "follow_up_questions": [q.to_dict() for q in self.questions],
            "evidence": [e.to_dict() for e in s.evidence_in_result()],
            "set_aside": [e.to_dict() for e in s.set_aside],
        }
        assert tuple(record) == RECORD_FIELDS
        return record


def automation_layer(signals: Signals) -> list[str]:
    """Automation asked for, plus what is advisable for routine high-volume or cost-led work."""
    found = set(signals.automation)
    if CONDITIONS["automation_advisable"](Facts(signals)):
        found.add("self_service")
        if "voice" in signals.channels:
            found.add("voice_ai")
        if signals.channels & {"chat", "messaging", "social"}:
            found.add("chatbot")
    return sorted(found)


def _model_of(signals: Signals) -> str:
    """The model for a what-if answer, read the way :func:`assess` reads signals."""
    return decide(signals.stated().with_implied_channels()).recommendation


def _inferred_confidence(decision: Decision, stated: Signals) -> str:
    """Confidence when the label stood in for the channels.

    The spec's "medium when it was inferred": if the implied voice is what made the rule
    fire, the confidence is at most medium. If the same rule fires on what was actually
    said (back-office work means BPO either way), its confidence is judged on that alone.
    """
    if decide(stated).rule.id == decision.rule.id:
        return decision.rule.confidence_for(Facts(stated))
    return min(decision.confidence, "medium", key=CONFIDENCE_ORDER.index)


def _channels_first(questions: list[Question], answered: Iterable[str]) -> list[Question]:
    """With channels only implied, which channels customers use is the first thing to ask."""
    first = question_by_id("channels")
    if first is None or first.id in set(answered):
        return questions
    return [first, *(q for q in questions if q.id != first.id)][:MAX_QUESTIONS]


def assess(signals: Signals, answered: Iterable[str] = ()) -> Assessment:
    """Decide the model for ``signals`` and gather everything the buyer should see.

    ``answered`` lists follow-up question ids already settled in a conversation, so they
    are not asked again. With no channel named, a voice-only label stands for voice
    (:meth:`Signals.with_implied_channels`): the assessment's signals show it, the
    confidence says it was inferred, and the channels question comes first.
    """
    answered = list(answered)
    stated = signals.stated()
    signals = stated.with_implied_channels()
    automation = automation_layer(signals)
    decision = decide(signals, frozenset(automation))
    confidence, reasons = decision.confidence, decision.reasons
    questions = rank(signals, decision.recommendation, _model_of, skip=answered)
    if signals.implied_channels:
        confidence = _inferred_confidence(decision, stated)
        questions = _channels_first(questions, answered)
    omnichannel = signals.omnichannel if len(signals.channels) >= 2 else None
    return Assessment(
        recommendation=decision.recommendation,
        confidence=confidence,
        rule_id=decision.rule.id,
        signals=signals,
        reasons=reasons,
        advice=decision.advice,
        mismatch_warning=decision.mismatch,
        questions=questions,
        direction=signals.effective_direction,
        automation=automation,
        omnichannel=omnichannel,
    )
