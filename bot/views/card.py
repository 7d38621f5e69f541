"""The web widget's assessment card, drawn from the assessment view alone.

``channels/web_assets/widget.js`` draws exactly this dictionary (plain data, no markup):
the model and confidence, the label check, the signals as chips each with the visitor's
words, the reasons, advice and questions. Everything comes from
:class:`bot.views.view.AssessmentView`; nothing is read back from the plain text.
"""

from __future__ import annotations

from typing import Any

from bot.views.view import AssessmentView


def assessment_card(view: AssessmentView) -> dict[str, Any]:
    """Everything the web widget draws for one assessment."""
    name = view.model_name
    return {
        "model": view.model,
        "model_name": name,
        "model_title": name[:1].upper() + name[1:],
        "determined": view.determined,
        "confidence": view.confidence,
        "label_requested": view.label_requested,
        "label_check": view.mismatch,
        "notes": list(view.notes),
        "reasons": list(view.reasons),
        "signals": [g.to_dict() for g in view.signals],
        "advice": list(view.advice),
        "questions": [q.to_dict() for q in view.questions],
    }
