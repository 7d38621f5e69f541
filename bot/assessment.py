"""The one assessment function every entry point calls (CLI, actions, Slack, web widget)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

from bot.conditions import CONDITIONS, Facts
from bot.questions import Question, rank
from bot.rulebook import decide
from bot.signals import Signals

#: The fields of one assessment record, in output order (`scopebot classify --format jsonl`
#: and the `assessment` custom payload of the bot share exactly these).
RECORD_FIELDS: tuple[str, ...] = (
    "text", "recommendation", "confidence", "channels", "planned_channels",
    "excluded_channels", "processes", "goals", "omnichannel", "direction", "sourcing",
    "automation", "label_requested", "label_mismatch", "reasons", "follow_up_questions",
)


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
    return decide(signals).recommendation


def assess(signals: Signals, answered: Iterable[str] = ()) -> Assessment:
    """Decide the model for ``signals`` and gather everything the buyer should see.

    ``answered`` lists follow-up question ids already settled in a conversation, so they
    are not asked again.
    """
    automation = automation_layer(signals)
    decision = decide(signals, frozenset(automation))
    questions = rank(signals, decision.recommendation, _model_of, skip=answered)
    omnichannel = signals.omnichannel if len(signals.channels) >= 2 else None
    return Assessment(
        recommendation=decision.recommendation,
        confidence=decision.confidence,
        rule_id=decision.rule.id,
        signals=signals,
        reasons=decision.reasons,
        advice=decision.advice,
        mismatch_warning=decision.mismatch,
        questions=questions,
        direction=signals.effective_direction,
        automation=automation,
        omnichannel=omnichannel,
    )
