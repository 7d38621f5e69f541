"""A small engine that executes ``rulebook.yml``: first matching rule decides the model.

The rules are data so that a domain person can read and review them; this module only
knows how to check conditions, pick a confidence and fill the reason templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import yaml

from bot.domain import operating_models
from bot.domain.conditions import CONDITIONS, Facts, holds, in_passing_values
from bot.domain.operating_models import UNDETERMINED
from bot.domain.signals import Signals
from bot.domain.vocabulary import NON_VOICE_CHANNELS, VOICE_NATIVE_PROCESSES, label

RULEBOOK_PATH = Path(__file__).with_name("rulebook.yml")


@dataclass(frozen=True)
class Rule:
    id: str
    recommend: str
    when: list[str]
    confidence: list[dict[str, str]]
    reason: str
    principle: str

    def confidence_for(self, facts: Facts) -> str:
        for entry in self.confidence:
            cond = entry.get("if")
            if cond is None or CONDITIONS[cond](facts):
                return entry["level"]
        raise ValueError(f"rule {self.id} has no default confidence")


@dataclass(frozen=True)
class Note:
    id: str
    kind: str  # "reason" explains the verdict; "advice" is a consultant's aside
    when: list[str]
    text: str
    principle: str


@dataclass(frozen=True)
class Rulebook:
    rules: list[Rule]
    notes: list[Note]
    mismatch: dict[str, str]


@dataclass(frozen=True)
class Decision:
    rule: Rule
    confidence: str
    reasons: list[str]
    advice: list[str]
    mismatch: Optional[str]

    @property
    def recommendation(self) -> str:
        return self.rule.recommend


def _check_conditions(names: list[str], where: str) -> None:
    unknown = [n for n in names if n not in CONDITIONS]
    if unknown:
        raise ValueError(f"{where}: unknown condition(s) {unknown}; see bot/domain/conditions.py")


@lru_cache(maxsize=None)
def load_rulebook(path: Path = RULEBOOK_PATH) -> Rulebook:
    """Parse and validate the rulebook once; a typo in a condition name fails loudly."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules = [Rule(**{k: r[k] for k in Rule.__dataclass_fields__}) for r in raw["rules"]]
    notes = [Note(**{k: n[k] for k in Note.__dataclass_fields__}) for n in raw["notes"]]
    for rule in rules:
        _check_conditions(rule.when, f"rule {rule.id}")
        _check_conditions([c["if"] for c in rule.confidence if "if" in c], f"rule {rule.id}")
        if not (operating_models.is_model(rule.recommend) or rule.recommend == UNDETERMINED):
            raise ValueError(f"rule {rule.id}: unknown model {rule.recommend!r}; see bot/domain/operating_models.yml")
    for note in notes:
        _check_conditions(note.when, f"note {note.id}")
    if rules[-1].when:
        raise ValueError("the last rule must have no conditions, so every input gets a verdict")
    return Rulebook(rules, notes, raw["mismatch"])


def join(values: Any) -> str:
    """'a', 'a and b', 'a, b and c' in readable form."""
    items = [label(v) for v in sorted(values)]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _placeholders(facts: Facts, automation: frozenset[str]) -> dict[str, str]:
    s = facts.signals
    contact = [label(c) for c in sorted(s.channels)] + [label(p) for p in sorted(s.contact_processes)]
    direction = s.effective_direction
    return {
        "back_office": join(s.back_office),
        "contact": join_list(contact),
        "ownership": join(facts.ownership),
        "non_voice": join(s.channels & NON_VOICE_CHANNELS),
        "channel_mix": ("the phone plus " if "voice" in s.channels else "")
        + join(s.channels & NON_VOICE_CHANNELS),
        "voice_native": join(s.processes & VOICE_NATIVE_PROCESSES),
        "direction_note": f" ({direction} calls)" if direction else "",
        "outsourcing_candidates": join(s.back_office | facts.ownership),
        "planned": join(s.planned_channels),
        "automation": join(automation),
        "in_passing": join(in_passing_values(facts)),
    }


def join_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def decide(signals: Signals, automation: frozenset[str] = frozenset(),
           rulebook: Optional[Rulebook] = None) -> Decision:
    """Run the rulebook on the signals and return the verdict with its explanations."""
    book = rulebook or load_rulebook()
    facts = Facts(signals)
    rule = next(r for r in book.rules if holds(r.when, facts))
    decided = Facts(signals, rule.recommend)
    values = _placeholders(decided, automation)
    reasons = [rule.reason.format(**values)]
    advice: list[str] = []
    for note in book.notes:
        if holds(note.when, decided):
            (reasons if note.kind == "reason" else advice).append(note.text.format(**values))
    return Decision(rule, rule.confidence_for(facts), reasons, advice,
                    mismatch_message(signals.label_requested, rule.recommend, book))


def mismatch_message(requested: Optional[str], recommended: str,
                     rulebook: Optional[Rulebook] = None) -> Optional[str]:
    """The warning for asking for the wrong model, or None when there is nothing to say."""
    if not requested or recommended == UNDETERMINED or requested == recommended:
        return None
    book = rulebook or load_rulebook()
    asked, fits = operating_models.model(requested), operating_models.model(recommended)
    key = "narrower" if asked.breadth < fits.breadth else "broader"
    return book.mismatch[key].format(requested=asked.name, recommended=fits.name)
