"""What is known about a buyer's operation: the input of the rulebook.

A :class:`Signals` value is built from canonical NLU entities (one message) and merged
across turns, so the CLI (one description) and the conversation (many messages) feed the
rulebook the same structure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping, Optional

from bot.vocabulary import (
    BACK_OFFICE_PROCESSES,
    CANONICAL,
    CONTACT_PROCESSES,
    INBOUND_PROCESSES,
    OUTBOUND_PROCESSES,
)


@dataclass(frozen=True)
class Volume:
    """A stated workload, e.g. 5,000 calls a month; ``per_month`` normalises the period."""

    amount: float
    unit: Optional[str] = None
    period: Optional[str] = None

    @property
    def per_month(self) -> Optional[float]:
        factor = {"day": 30.0, "week": 4.33, "month": 1.0, "year": 1 / 12, None: None}
        f = factor.get(self.period)
        return None if f is None else self.amount * f

    def describe(self) -> str:
        amount = f"{self.amount:,.0f}"
        unit = f" {self.unit}" if self.unit else ""
        period = f" a {self.period}" if self.period else ""
        return f"{amount}{unit}{period}"

    def to_dict(self) -> dict[str, Any]:
        return {"amount": self.amount, "unit": self.unit, "period": self.period}


@dataclass(frozen=True)
class Signals:
    """Everything the rulebook reads. Sets hold canonical values (see ``bot.vocabulary``)."""

    channels: frozenset[str] = frozenset()
    planned_channels: frozenset[str] = frozenset()
    excluded_channels: frozenset[str] = frozenset()
    processes: frozenset[str] = frozenset()
    planned_processes: frozenset[str] = frozenset()
    excluded_processes: frozenset[str] = frozenset()
    goals: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()
    automation: frozenset[str] = frozenset()
    sourcing: Optional[str] = None
    location: Optional[str] = None
    direction: Optional[str] = None
    integration: Optional[str] = None
    label_requested: Optional[str] = None
    volume: Optional[Volume] = None
    #: the buyer said voice is all there is ("we only take calls", "phone-only")
    voice_exclusive: bool = False
    #: the buyer wants the provider to own a complaints / escalation programme
    complaints_program: bool = False

    # ----- derived views -------------------------------------------------------------
    @property
    def back_office(self) -> frozenset[str]:
        return self.processes & frozenset(BACK_OFFICE_PROCESSES)

    @property
    def contact_processes(self) -> frozenset[str]:
        return self.processes & frozenset(CONTACT_PROCESSES)

    @property
    def omnichannel(self) -> Optional[bool]:
        """True/False only when an integration statement was made; None when unknown."""
        if self.integration is None:
            return None
        return self.integration == "integrated"

    @property
    def effective_direction(self) -> Optional[str]:
        """Stated direction, else, for phone work, what outbound processes imply.

        Telemarketing or booking demos is outbound by nature ("blended" when inbound work
        is there too). Customers calling in is the default and is not claimed without
        being said, so the direction question still gets asked. Direction is a call
        attribute: nothing is inferred for an operation without voice.
        """
        if self.direction:
            return self.direction
        if self.channels and "voice" not in self.channels:
            return None
        outbound = bool(self.processes & OUTBOUND_PROCESSES)
        inbound = bool(self.processes & INBOUND_PROCESSES)
        if outbound and inbound:
            return "blended"
        return "outbound" if outbound else None

    @property
    def is_empty(self) -> bool:
        return self == Signals()

    # ----- construction ----------------------------------------------------------------
    @classmethod
    def from_entities(cls, entities: Iterable[Mapping[str, Any]]) -> Signals:
        """Build signals from canonical entity dicts (the NLU resolver's output).

        Each entity has ``entity`` and a canonical ``value``; optional ``role``
        (``planned``/``excluded``), and flags ``exclusive`` (channel) or ``program``
        (complaints). Unknown entity types and non-canonical values are ignored, so a
        stray extractor guess can never inject an unknown value into an assessment.
        """
        sets: dict[str, set[str]] = {
            "channels": set(), "planned_channels": set(), "excluded_channels": set(),
            "processes": set(), "planned_processes": set(), "excluded_processes": set(),
            "goals": set(), "industries": set(), "automation": set(),
        }
        scalars: dict[str, Any] = {}
        exclusive = False
        program = False
        for ent in entities:
            kind = ent.get("entity")
            value = ent.get("value")
            role = ent.get("role")
            if kind == "volume":
                amount = ent.get("amount")
                if isinstance(amount, (int, float)):
                    scalars["volume"] = Volume(float(amount), ent.get("unit"), ent.get("period"))
                continue
            if kind not in CANONICAL or value not in CANONICAL[kind]:
                continue
            if kind in ("channel", "process"):
                base = "channels" if kind == "channel" else "processes"
                bucket = {"planned": f"planned_{base}", "excluded": f"excluded_{base}"}.get(
                    role or "", base
                )
                sets[bucket].add(value)
                if bucket == base:
                    exclusive = exclusive or bool(ent.get("exclusive"))
                    program = program or bool(ent.get("program"))
            elif kind == "goal":
                if role != "excluded":
                    sets["goals"].add(value)
            elif kind == "industry":
                sets["industries"].add(value)
            elif kind == "automation":
                if role != "excluded":
                    sets["automation"].add(value)
            elif kind == "model":
                scalars["label_requested"] = value
            else:  # sourcing, location, direction, integration: last mention wins
                scalars[kind] = value
        # A channel both named and negated in one message ("phone, but not phone support")
        # is ambiguous; the explicit negation wins, as a buyer would expect.
        sets["channels"] -= sets["excluded_channels"]
        sets["planned_channels"] -= sets["channels"] | sets["excluded_channels"]
        sets["processes"] -= sets["excluded_processes"]
        sets["planned_processes"] -= sets["processes"] | sets["excluded_processes"]
        return cls(
            **{k: frozenset(v) for k, v in sets.items()},
            **scalars,
            voice_exclusive=exclusive,
            complaints_program=program and "complaints" in sets["processes"],
        )

    def merge(self, newer: Signals) -> Signals:
        """Fold a later message into what is known: additions add, exclusions remove.

        Rasa replaces list slots on every message, so the conversation keeps the
        accumulated :class:`Signals` itself and folds each message in with this method.
        """
        channels = (self.channels - newer.excluded_channels - newer.planned_channels) | newer.channels
        planned = (self.planned_channels - newer.channels - newer.excluded_channels) | newer.planned_channels
        excluded = (self.excluded_channels - newer.channels - newer.planned_channels) | newer.excluded_channels
        processes = (self.processes - newer.excluded_processes - newer.planned_processes) | newer.processes
        planned_p = (self.planned_processes - newer.processes - newer.excluded_processes) | newer.planned_processes
        excluded_p = (self.excluded_processes - newer.processes) | newer.excluded_processes
        exclusive = newer.voice_exclusive or (
            self.voice_exclusive and not (newer.channels - {"voice"})
        )
        return replace(
            self,
            channels=channels,
            planned_channels=planned,
            excluded_channels=excluded,
            processes=processes,
            planned_processes=planned_p,
            excluded_processes=excluded_p,
            goals=self.goals | newer.goals,
            industries=self.industries | newer.industries,
            automation=self.automation | newer.automation,
            sourcing=newer.sourcing or self.sourcing,
            location=newer.location or self.location,
            direction=newer.direction or self.direction,
            integration=newer.integration or self.integration,
            label_requested=newer.label_requested or self.label_requested,
            volume=newer.volume or self.volume,
            voice_exclusive=exclusive and channels == {"voice"},
            complaints_program=(self.complaints_program or newer.complaints_program)
            and "complaints" in processes,
        )

    # ----- serialisation (slots, tracker storage) -----------------------------------------
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, frozenset):
                out[name] = sorted(value)
            elif isinstance(value, Volume):
                out[name] = value.to_dict()
            else:
                out[name] = value
        return out

    @classmethod
    def from_dict(cls, data: Optional[Mapping[str, Any]]) -> Signals:
        if not data:
            return cls()
        kwargs: dict[str, Any] = {}
        for name, f in cls.__dataclass_fields__.items():
            if name not in data or data[name] is None:
                continue
            value = data[name]
            if name == "volume":
                kwargs[name] = Volume(float(value["amount"]), value.get("unit"), value.get("period"))
            elif str(f.type).startswith("frozenset"):
                kwargs[name] = frozenset(value)
            else:
                kwargs[name] = value
        return cls(**kwargs)


EMPTY = Signals()
