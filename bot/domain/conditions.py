"""The named checks that rulebook.yml, notes and the question catalogue refer to.

Each condition is a one-line predicate over a :class:`Facts` value, so a domain reader
can look up exactly what "voice_only" or "experience_ownership" means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from bot.domain.signals import Signals
from bot.domain.vocabulary import (
    EXPERIENCE_OWNERSHIP_GOALS,
    NON_VOICE_CHANNELS,
    VOICE_NATIVE_PROCESSES,
)

#: A month with this many contacts or more counts as "high volume" for automation advice.
HIGH_VOLUME_PER_MONTH = 10_000


@dataclass(frozen=True)
class Facts:
    """Signals plus the model decided so far (notes and questions look at both)."""

    signals: Signals
    recommendation: Optional[str] = None

    @property
    def ownership(self) -> frozenset[str]:
        owned = self.signals.goals & EXPERIENCE_OWNERSHIP_GOALS
        if self.signals.complaints_program:
            owned |= {"complaints"}
        return owned


def _in_passing(f: Facts, keys: set[str]) -> bool:
    """True when there are deciding signals and every one was named only once in passing."""
    return bool(keys) and keys <= f.signals.passing


# The signals that decide each model (rules 1 to 3), as evidence keys.
def _back_office_keys(f: Facts) -> set[str]:
    return {f"process:{p}" for p in f.signals.back_office}


def _ownership_keys(f: Facts) -> set[str]:
    return {f"process:{g}" if g == "complaints" else f"goal:{g}" for g in f.ownership}


def _non_voice_keys(f: Facts) -> set[str]:
    return {f"channel:{c}" for c in f.signals.channels & NON_VOICE_CHANNELS}


_DECIDING_KEYS: dict[str, Callable[[Facts], set[str]]] = {
    "BPO": _back_office_keys, "CX_BPO": _ownership_keys, "CONTACT_CENTER": _non_voice_keys,
}


def _high_volume(f: Facts) -> bool:
    v = f.signals.volume
    return v is not None and (v.per_month or v.amount) >= HIGH_VOLUME_PER_MONTH


CONDITIONS: dict[str, Callable[[Facts], bool]] = {
    # --- what is in scope --------------------------------------------------------------
    "back_office_process": lambda f: bool(f.signals.back_office),
    "no_back_office": lambda f: not f.signals.back_office,
    "experience_ownership": lambda f: bool(f.ownership),
    "no_experience_ownership": lambda f: not f.ownership,
    "customer_contact": lambda f: bool(f.signals.channels or f.signals.contact_processes),
    "channel_stated": lambda f: bool(f.signals.channels),
    "channels_implied_by_label": lambda f: bool(f.signals.implied_channels),
    "no_channel": lambda f: not f.signals.channels,
    "non_voice_channel": lambda f: bool(f.signals.channels & NON_VOICE_CHANNELS),
    "voice_only": lambda f: f.signals.channels == {"voice"},
    "voice_exclusive": lambda f: f.signals.channels == {"voice"}
    and (f.signals.voice_exclusive or bool(f.signals.excluded_channels)),
    "voice_work": lambda f: "voice" in f.signals.channels
    or (not f.signals.channels and bool(f.signals.processes & VOICE_NATIVE_PROCESSES)),
    "voice_native_process": lambda f: bool(f.signals.processes & VOICE_NATIVE_PROCESSES),
    "two_or_more_channels": lambda f: len(f.signals.channels) >= 2,
    "few_channels": lambda f: 0 < len(f.signals.channels) <= 2,
    "planned_channel": lambda f: bool(f.signals.planned_channels),
    "no_planned_channel": lambda f: not f.signals.planned_channels,
    # --- attributes --------------------------------------------------------------------
    "in_house": lambda f: f.signals.sourcing == "in_house",
    "not_in_house": lambda f: f.signals.sourcing != "in_house",
    "sourcing_unknown": lambda f: f.signals.sourcing is None,
    "integration_unknown": lambda f: f.signals.integration is None,
    "omnichannel_true": lambda f: f.signals.integration == "integrated",
    "direction_unknown": lambda f: f.signals.effective_direction is None,
    "volume_unknown": lambda f: f.signals.volume is None,
    "no_goal": lambda f: not f.signals.goals,
    "no_automation_stated": lambda f: not f.signals.automation,
    "high_volume_or_cost_goal": lambda f: _high_volume(f) or "cost_reduction" in f.signals.goals,
    "automation_advisable": lambda f: (_high_volume(f) or "cost_reduction" in f.signals.goals)
    and bool(f.signals.channels or f.signals.processes),
    "outsourcing_candidates": lambda f: bool(f.signals.back_office or f.ownership),
    # --- how firmly it was said (Signals.passing: named once in a long description) -------
    "back_office_in_passing": lambda f: _in_passing(f, _back_office_keys(f)),
    "ownership_in_passing": lambda f: _in_passing(f, _ownership_keys(f)),
    "non_voice_in_passing": lambda f: _in_passing(f, _non_voice_keys(f)),
    "decided_in_passing": lambda f: bool(_deciding_in_passing(f)),
    # --- the model decided so far ------------------------------------------------------
    "decided_bpo": lambda f: f.recommendation == "BPO",
    "decided_contact_level": lambda f: f.recommendation in ("CALL_CENTER", "CONTACT_CENTER"),
    "decided_contact_center_or_wider": lambda f: f.recommendation
    in ("CONTACT_CENTER", "CX_BPO", "BPO"),
}


def _deciding_in_passing(f: Facts) -> frozenset[str]:
    """The signals that decided ``f.recommendation``, when all of them were named in passing."""
    keys_of = _DECIDING_KEYS.get(f.recommendation or "")
    deciding = keys_of(f) if keys_of else set()
    return frozenset(deciding) if _in_passing(f, deciding) else frozenset()


def in_passing_values(f: Facts) -> frozenset[str]:
    """The canonical values of :func:`_deciding_in_passing` (for the reason's wording)."""
    return frozenset(key.split(":", 1)[1] for key in _deciding_in_passing(f))


def holds(names: list[str], facts: Facts) -> bool:
    """True when every named condition holds (an empty list always holds)."""
    return all(CONDITIONS[name](facts) for name in names)
