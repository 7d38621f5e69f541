"""Plain-text rendering of an assessment (CLI, Rasa shell, REST clients without a UI)."""

from __future__ import annotations

from bot.assessment import Assessment
from bot.rulebook import join
from bot.vocabulary import MODEL_NAMES, label


def signal_lines(a: Assessment) -> list[str]:
    """'Channels: phone, chat' style lines for every signal that was found."""
    s = a.signals
    rows = [
        ("Channels", join(s.channels)),
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
    return f"Recommendation: {MODEL_NAMES[a.recommendation]} ({a.confidence} confidence)"


def render_text(a: Assessment, with_questions: bool = True) -> str:
    parts = [headline(a)]
    if a.mismatch_warning:
        parts.append(f"Label check: {a.mismatch_warning}")
    parts.append("Why:\n" + "\n".join(f"- {r}" for r in a.reasons))
    found = signal_lines(a)
    if found:
        parts.append("What I picked up:\n" + "\n".join(f"- {line}" for line in found))
    if a.advice:
        parts.append("Worth knowing:\n" + "\n".join(f"- {t}" for t in a.advice))
    if with_questions and a.questions:
        parts.append("Questions that could change the answer:\n"
                     + "\n".join(f"{i}. {q.text}" for i, q in enumerate(a.questions, 1)))
    return "\n\n".join(parts)
