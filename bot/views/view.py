"""The assessment view: everything a client shows for one assessment, as typed data.

The Rasa action sends exactly one thing for an assessment: this view, serialised into the
reply's ``custom`` payload (:meth:`AssessmentView.to_payload`). Every way of showing it
(the plain text of :mod:`bot.views.render`, the widget card of :mod:`bot.views.card`, Slack's Block
Kit in :mod:`bot.views.blocks`, the brief of :mod:`bot.views.brief`) reads this structure and
nothing else, so no client ever has to parse another client's prose, and rewording a
sentence in one renderer cannot break another.

The payload keeps the fields of ``scopebot classify --format jsonl`` (API clients and the
evaluation read them) and adds the view's own fields, which hold what the record has no
field for: readable signal groups with the buyer's words, the label-check sentence,
advice, notes, industry, location, volume, the answers offered as buttons, and the open
questions and contact model the brief needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Optional

from bot.dialogue.conversation import NOTHING_NEW, RESUMED, Turn, option_payload
from bot.domain.assessment import RECORD_FIELDS, Assessment
from bot.domain.questions import Question, applicable
from bot.domain.signals import Evidence, Signals
from bot.domain.vocabulary import label

#: Longest quote shown beside a signal; the record's evidence keeps the whole span.
QUOTE_CHARS = 80

#: The fields the view adds to the classify record in the ``assessment`` payload.
VIEW_FIELDS: tuple[str, ...] = (
    "model_name", "label_check", "signal_groups", "in_your_words", "advice", "notes", "industries",
    "location", "volume", "answers", "open_questions", "contact_model", "compact",
)

_STATES = {"planned": " (planned)", "excluded": " (ruled out)"}
_INTEGRATION = {"integrated": "one shared history", "separate": "separate queues"}
_OMNICHANNEL = {True: "yes, one shared history", False: "no, separate queues"}
IMPLIED_NOTE = "assumed from the label you asked for"
#: The group of mentions a long text's reader took for background (Signals.set_aside).
SET_ASIDE_GROUP = "Read as background"
SET_ASIDE_NOTE = "not counted; tell me if any of it is part of what you need"


# ----- the parts of a view ----------------------------------------------------------------------
@dataclass(frozen=True)
class Chip:
    """One signal value as shown: ``phone ("ring us up")``; ``state`` is present, planned or excluded."""

    value: str
    label: str
    state: str = "present"
    quotes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "label": self.label, "state": self.state, "quotes": list(self.quotes)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Chip:
        return cls(str(data.get("value", "")), str(data.get("label", "")), str(data.get("state") or "present"),
                   _strings(data.get("quotes")))


@dataclass(frozen=True)
class SignalGroup:
    """One kind of signal (Channels, Industry, Volume...) with its values; ``note`` qualifies the
    whole group (channels assumed from the label)."""

    name: str
    chips: tuple[Chip, ...]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "chips": [c.to_dict() for c in self.chips], "note": self.note}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SignalGroup:
        chips = tuple(Chip.from_dict(c) for c in data.get("chips") or () if isinstance(c, Mapping))
        return cls(str(data.get("name", "")), chips, str(data.get("note") or ""))


@dataclass(frozen=True)
class Quote:
    """Words of the buyer and every signal read from them: '"call center": phone, the label call center'."""

    text: str
    names: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "names": list(self.names)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Quote:
        return cls(str(data.get("text", "")), _strings(data.get("names")))


@dataclass(frozen=True)
class QuestionView:
    id: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "text": self.text}


@dataclass(frozen=True)
class Answer:
    """A fixed answer to the next question, offered as a button; ``payload`` is what a click sends."""

    title: str
    payload: str

    def to_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class VolumeView:
    amount: float
    unit: Optional[str]
    period: Optional[str]
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"amount": self.amount, "unit": self.unit, "period": self.period, "text": self.text}


# ----- the view ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class AssessmentView:
    """One assessment as every client shows it. ``record`` holds the classify fields as sent
    (channels, evidence offsets...) for API clients; renderers read the typed fields."""

    model: str
    confidence: str
    reasons: tuple[str, ...]
    mismatch: Optional[str]
    label_requested: Optional[str]
    signals: tuple[SignalGroup, ...]
    in_your_words: tuple[Quote, ...]
    advice: tuple[str, ...]
    questions: tuple[QuestionView, ...]
    answers: tuple[Answer, ...] = ()
    notes: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    location: Optional[str] = None
    volume: Optional[VolumeView] = None
    #: every question that still applies, asked or not (the brief's open questions)
    open_questions: tuple[str, ...] = ()
    #: for a BPO that also handles contacts: the contact model whose KPIs and tools it adds
    contact_model: Optional[str] = None
    #: a short reply: the message added nothing, so only the standing answer and the next question
    compact: bool = False
    record: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def determined(self) -> bool:
        return self.model != "UNDETERMINED"

    @property
    def model_name(self) -> str:
        return model_name(self.model)

    @property
    def is_empty(self) -> bool:
        """Nothing was picked up yet: no signal to show, no label asked for."""
        return not self.signals and not self.label_requested and not self.in_your_words

    def with_notes(self, *notes: str, compact: Optional[bool] = None) -> AssessmentView:
        return replace(self, notes=self.notes + tuple(n for n in notes if n),
                       compact=self.compact if compact is None else compact)

    # ----- the `assessment` custom payload ------------------------------------------------------
    def to_payload(self) -> dict[str, Any]:
        """``{"type": "assessment", <classify fields>, <view fields>}``, JSON-ready."""
        extra = {
            "model_name": self.model_name,
            "label_check": self.mismatch,
            "signal_groups": [g.to_dict() for g in self.signals],
            "in_your_words": [q.to_dict() for q in self.in_your_words],
            "advice": list(self.advice),
            "notes": list(self.notes),
            "industries": list(self.industries),
            "location": self.location,
            "volume": self.volume.to_dict() if self.volume else None,
            "answers": [a.to_dict() for a in self.answers],
            "open_questions": list(self.open_questions),
            "contact_model": self.contact_model,
            "compact": self.compact,
        }
        assert tuple(extra) == VIEW_FIELDS
        record = {k: self.record.get(k) for k in RECORD_FIELDS}
        record.update(recommendation=self.model, confidence=self.confidence, reasons=list(self.reasons),
                      label_requested=self.label_requested, label_mismatch=self.mismatch is not None,
                      follow_up_questions=[q.to_dict() for q in self.questions])
        return {"type": "assessment", **record, **extra}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> AssessmentView:
        """The view in an ``assessment`` payload. Payloads come back from stored conversations
        and from clients, so a missing or malformed field reads as empty rather than failing."""
        def items(key: str) -> list[Mapping[str, Any]]:
            value = payload.get(key)
            return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []

        volume = payload.get("volume") if isinstance(payload.get("volume"), Mapping) else None
        mismatch = payload.get("label_check")
        if not isinstance(mismatch, str):
            mismatch = _fallback_label_check(payload) if payload.get("label_mismatch") else None
        return cls(
            model=str(payload.get("recommendation") or "UNDETERMINED"),
            confidence=str(payload.get("confidence") or ""),
            reasons=_strings(payload.get("reasons")),
            mismatch=mismatch,
            label_requested=payload.get("label_requested") if isinstance(payload.get("label_requested"), str)
            else None,
            signals=tuple(SignalGroup.from_dict(g) for g in items("signal_groups")),
            in_your_words=tuple(Quote.from_dict(q) for q in items("in_your_words")),
            advice=_strings(payload.get("advice")),
            questions=tuple(QuestionView(str(q.get("id", "")), str(q.get("text", "")))
                            for q in items("follow_up_questions")),
            answers=tuple(Answer(str(a.get("title") or a.get("payload")), str(a["payload"]))
                          for a in items("answers") if a.get("payload")),
            notes=_strings(payload.get("notes")),
            industries=_strings(payload.get("industries")),
            location=payload.get("location") if isinstance(payload.get("location"), str) else None,
            volume=VolumeView(float(volume.get("amount") or 0), volume.get("unit"), volume.get("period"),
                              str(volume.get("text") or "")) if volume else None,
            open_questions=_strings(payload.get("open_questions")),
            contact_model=payload.get("contact_model") if isinstance(payload.get("contact_model"), str) else None,
            compact=payload.get("compact") is True,
            record={k: payload[k] for k in RECORD_FIELDS if k in payload},
        )


def chip_text(chip: Chip) -> str:
    """A chip as one line of plain text: ``phone ("ring us up")``."""
    said = " (" + ", ".join(f'"{q}"' for q in chip.quotes) + ")" if chip.quotes else ""
    return f"{chip.label}{said}"


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else ()


def model_name(model: str) -> str:
    return label(model)


def _fallback_label_check(record: Mapping[str, Any]) -> str:
    """The label-check sentence for a payload that lacks the view's own (an older stored reply)."""
    return (f"You asked for a {label(str(record.get('label_requested') or 'different model'))}, "
            f"but what you describe is a {model_name(str(record.get('recommendation')))}.")


def short_quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """The user's words on one line, cut with an ellipsis beyond ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


# ----- building a view from an assessment -------------------------------------------------------
def signal_name(signal: str) -> str:
    """What an evidence key means to a reader: ``excluded_channel:voice`` -> 'phone (ruled out)'."""
    kind, _, value = signal.partition(":")
    state, _, base = kind.partition("_") if kind.startswith(("planned_", "excluded_")) else ("", "", kind)
    if base == "integration":
        return _INTEGRATION.get(value, label(value))
    if base == "label_requested":
        return f"the label {model_name(value)}"
    if base == "volume":
        return "volume"
    if base == "complaints_program":
        return "a complaints programme"
    if base in ("sourcing", "location", "direction"):
        return f"{label(value)} ({base})"
    return label(value) + _STATES.get(state, "")


def _quotes_by_key(signals: Signals) -> dict[str, tuple[str, ...]]:
    quotes: dict[str, list[str]] = {}
    for e in signals.evidence_in_result():
        if e.text.strip():
            quotes.setdefault(e.signal, []).append(short_quote(e.text))
    return {k: tuple(v) for k, v in quotes.items()}


def _chips(values: Iterable[str], prefix: str, quotes: Mapping[str, tuple[str, ...]],
           state: str = "present") -> tuple[Chip, ...]:
    return tuple(Chip(v, label(v), state, quotes.get(f"{prefix}:{v}", ())) for v in sorted(values))


def signal_groups(a: Assessment) -> tuple[SignalGroup, ...]:
    """Every signal of the assessment in words, grouped, each value with the buyer's words for it."""
    s, q = a.signals, _quotes_by_key(a.signals)
    volume_said = tuple(quote for key, quotes in q.items() if key.startswith("volume:") for quote in quotes)
    groups = [
        SignalGroup("Channels", _chips(s.channels, "channel", q), IMPLIED_NOTE if s.implied_channels else ""),
        SignalGroup("Planned channels", _chips(s.planned_channels, "planned_channel", q, "planned")),
        SignalGroup("Ruled out", _chips(s.excluded_channels, "excluded_channel", q, "excluded")
                    + _chips(s.excluded_goals, "excluded_goal", q, "excluded")),
        SignalGroup("Processes", _chips(s.processes, "process", q)),
        SignalGroup("Goals", _chips(s.goals, "goal", q)),
        SignalGroup("Industry", _chips(s.industries, "industry", q)),
        SignalGroup("Direction", _chips([a.direction] if a.direction else [], "direction", q)),
        SignalGroup("Sourcing", _chips([s.sourcing] if s.sourcing else [], "sourcing", q)),
        SignalGroup("Location", _chips([s.location] if s.location else [], "location", q)),
        SignalGroup("Volume", (Chip(f"{s.volume.amount:.15g}", s.volume.describe(), "present", volume_said),)
                    if s.volume else ()),
        SignalGroup("Omnichannel", (Chip(str(a.omnichannel), _OMNICHANNEL[a.omnichannel], "present",
                                         q.get(f"integration:{s.integration}", ())),)
                    if a.omnichannel is not None else ()),
        SignalGroup("Automation", _chips(a.automation, "automation", q)),
        SignalGroup(SET_ASIDE_GROUP, _set_aside_chips(s), SET_ASIDE_NOTE),
    ]
    return tuple(g for g in groups if g.chips)


def _set_aside_chips(s: Signals) -> tuple[Chip, ...]:
    """What a long text named but the reader took for background (spec 3a), with its words.

    Shown so that a mention wrongly set aside is as easy to spot and correct as a wrong signal.
    """
    chips = []
    for e in sorted(s.set_aside, key=lambda e: e.signal):
        _kind, _, value = e.signal.partition(":")
        chips.append(Chip(value, label(value), "context", (short_quote(e.text),) if e.text.strip() else ()))
    return tuple(chips)


def quotes_in_order(signals: Signals) -> tuple[Quote, ...]:
    """The buyer's words in the order they were said, each with the signals read from them."""
    grouped: dict[tuple[int, int, int], tuple[Evidence, list[str]]] = {}
    for e in signals.evidence_in_result():
        grouped.setdefault((e.message, e.start, e.end), (e, []))[1].append(signal_name(e.signal))
    return tuple(Quote(short_quote(e.text), tuple(names)) for e, names in grouped.values())


def _contact_model(a: Assessment) -> Optional[str]:
    s = a.signals
    if a.recommendation != "BPO" or not (s.channels or s.contact_processes):
        return None
    return "CONTACT_CENTER" if s.channels - {"voice"} else "CALL_CENTER"


def _answers(questions: list[Question]) -> tuple[Answer, ...]:
    if not questions:
        return ()
    first = questions[0]
    return tuple(Answer(o.title, option_payload(first, i)) for i, o in enumerate(first.options))


def build_view(a: Assessment, text: str = "", notes: Iterable[str] = (), compact: bool = False) -> AssessmentView:
    """The view of assessment ``a`` of the buyer's ``text`` (the record's ``text`` field)."""
    s = a.signals
    volume = VolumeView(s.volume.amount, s.volume.unit, s.volume.period, s.volume.describe()) if s.volume else None
    return AssessmentView(
        model=a.recommendation,
        confidence=a.confidence,
        reasons=tuple(a.reasons),
        mismatch=a.mismatch_warning,
        label_requested=s.label_requested,
        signals=signal_groups(a),
        in_your_words=quotes_in_order(s),
        advice=tuple(a.advice),
        questions=tuple(QuestionView(q.id, q.text) for q in a.questions),
        answers=_answers(a.questions),
        notes=tuple(n for n in notes if n),
        industries=tuple(sorted(s.industries)),
        location=s.location,
        volume=volume,
        open_questions=tuple(q.text for q in applicable(s, a.recommendation)),
        contact_model=_contact_model(a),
        compact=compact,
        record=a.to_record(text),
    )


def turn_view(turn: Turn, text: str) -> AssessmentView:
    """The view that answers one conversation turn.

    A message that adds nothing still gets the standing recommendation, in short, with the
    next question; a message that opens a new session after an idle break says that what
    was known is kept.
    """
    notes = [RESUMED] if turn.resumed else []
    notes.append(NOTHING_NEW if turn.adds_nothing else turn.note or "")
    return build_view(turn.assessment, text, notes, compact=turn.adds_nothing)
