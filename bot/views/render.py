"""Plain-text rendering of an assessment view (CLI, shell, REST clients without a UI)."""

from __future__ import annotations

from bot.domain.rulebook import join_list
from bot.views.view import AssessmentView, SignalGroup, chip_text


def group_value(group: SignalGroup) -> str:
    """'chat and email', with the group's note: 'phone (assumed from the label you asked for)'.

    Mentions read as background carry their words ('phone ("call us on")'): they appear in no
    "In your words" line, and the words are what tell the buyer whether setting them aside was right.
    """
    value = join_list([chip_text(c) if c.state == "context" else c.label for c in group.chips])
    return f"{value} ({group.note})" if group.note else value


def signal_lines(v: AssessmentView) -> list[str]:
    """'Channels: phone and chat' style lines for every signal that was found."""
    return [f"{g.name}: {group_value(g)}" for g in v.signals]


def evidence_lines(v: AssessmentView) -> list[str]:
    """'"ring us up": phone' lines, one per quote, in the order the words were said."""
    return [f'"{q.text}": {", ".join(q.names)}' for q in v.in_your_words]


def headline(v: AssessmentView) -> str:
    if not v.determined:
        return "Recommendation: not enough to go on yet"
    return f"Recommendation: {v.model_name} ({v.confidence} confidence)"


def next_step(v: AssessmentView) -> str:
    """The next question, or what to do when none is left."""
    if v.questions:
        return f"Next question: {v.questions[0].text}"
    return 'Say "brief" for the full write-up.'


def render_text(v: AssessmentView, with_questions: bool = True) -> str:
    """The whole assessment, or for a compact view only the standing answer and what comes next."""
    parts = list(v.notes)
    parts.append(headline(v))
    if v.compact:
        if v.mismatch:
            parts.append(f"Label check: {v.mismatch}")
        parts.append(next_step(v))
        return "\n\n".join(parts)
    if v.mismatch:
        parts.append(f"Label check: {v.mismatch}")
    parts.append("Why:\n" + "\n".join(f"- {r}" for r in v.reasons))
    found = signal_lines(v)
    if found:
        parts.append("What I picked up:\n" + "\n".join(f"- {line}" for line in found))
    quoted = evidence_lines(v)
    if quoted:
        parts.append("In your words:\n" + "\n".join(f"- {line}" for line in quoted))
    if v.advice:
        parts.append("Worth knowing:\n" + "\n".join(f"- {t}" for t in v.advice))
    if with_questions and v.questions:
        parts.append("Questions that could change the answer:\n"
                     + "\n".join(f"{i}. {q.text}" for i, q in enumerate(v.questions, 1)))
    return "\n\n".join(parts)
