"""Plain-text rendering of an assessment (CLI, Rasa shell, REST clients without a UI)."""

from __future__ import annotations

from bot.assessment import Assessment
from bot.card import short_quote
from bot.operating_models import name
from bot.rulebook import join
from bot.signals import Evidence
from bot.vocabulary import label

_STATES = {"planned": " (planned)", "excluded": " (ruled out)"}
_INTEGRATION = {"integrated": "one shared history", "separate": "separate queues"}


def signal_name(signal: str) -> str:
    """What an evidence key means to a reader: ``excluded_channel:voice`` -> 'phone (ruled out)'."""
    kind, _, value = signal.partition(":")
    state, _, base = kind.partition("_") if kind.startswith(("planned_", "excluded_")) else ("", "", kind)
    if base == "integration":
        return _INTEGRATION.get(value, label(value))
    if base == "label_requested":
        return f"the label {label(value)}"
    if base == "volume":
        return "volume"
    if base == "complaints_program":
        return "a complaints programme"
    if base in ("sourcing", "location", "direction"):
        return f"{label(value)} ({base})"
    return label(value) + _STATES.get(state, "")


def evidence_lines(a: Assessment) -> list[str]:
    """'"ring us up": phone' lines, one per quote, in the order the words were said.

    Signals read from the same words share a line ("call center": phone, the label call center).
    """
    grouped: dict[tuple[int, int, int], tuple[Evidence, list[str]]] = {}
    for e in a.signals.evidence_in_result():
        grouped.setdefault((e.message, e.start, e.end), (e, []))[1].append(signal_name(e.signal))
    return [f'"{short_quote(e.text)}": {", ".join(names)}' for e, names in grouped.values()]


def signal_lines(a: Assessment) -> list[str]:
    """'Channels: phone, chat' style lines for every signal that was found."""
    s = a.signals
    implied = " (assumed from the label you asked for)" if s.implied_channels else ""
    rows = [
        ("Channels", join(s.channels) + implied if s.channels else ""),
        ("Planned channels", join(s.planned_channels)),
        ("Ruled out", join(s.excluded_channels)),
        ("Processes", join(s.processes)),
        ("Goals", join(s.goals)),
        ("Industry", join(s.industries)),
        ("Direction", label(a.direction) if a.direction else ""),
        ("Sourcing", label(s.sourcing) if s.sourcing else ""),
        ("Location", label(s.location) if s.location else ""),
        ("Volume", s.volume.describe() if s.volume else ""),
        ("Omnichannel", {True: "yes, one shared history", False: "no, separate queues",
                         None: ""}[a.omnichannel]),
        ("Automation", join(a.automation)),
    ]
    return [f"{name}: {value}" for name, value in rows if value]


def headline(a: Assessment) -> str:
    if a.recommendation == "UNDETERMINED":
        return "Recommendation: not enough to go on yet"
    return f"Recommendation: {name(a.recommendation)} ({a.confidence} confidence)"


def render_text(a: Assessment, with_questions: bool = True) -> str:
    parts = [headline(a)]
    if a.mismatch_warning:
        parts.append(f"Label check: {a.mismatch_warning}")
    parts.append("Why:\n" + "\n".join(f"- {r}" for r in a.reasons))
    found = signal_lines(a)
    if found:
        parts.append("What I picked up:\n" + "\n".join(f"- {line}" for line in found))
    quoted = evidence_lines(a)
    if quoted:
        parts.append("In your words:\n" + "\n".join(f"- {line}" for line in quoted))
    if a.advice:
        parts.append("Worth knowing:\n" + "\n".join(f"- {t}" for t in a.advice))
    if with_questions and a.questions:
        parts.append("Questions that could change the answer:\n"
                     + "\n".join(f"{i}. {q.text}" for i, q in enumerate(a.questions, 1)))
    return "\n\n".join(parts)
