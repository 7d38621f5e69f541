"""The scope brief: everything a buyer needs to start the vendor conversation, as Markdown,
rendered from the assessment view like every other client."""

from __future__ import annotations

from bot.domain.operating_models import model as model_row
from bot.views.render import headline, signal_lines
from bot.views.view import AssessmentView


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {i}" for i in items) if items else "- none yet"


def render_brief(v: AssessmentView) -> str:
    """Markdown brief: model, reasons, signals, label check, KPIs, technology, open questions."""
    row = model_row(v.model) if v.determined else None
    kpis = list(row.kpis) if row else []
    tech = list(row.technology) if row else []
    if v.contact_model:  # a BPO that also handles customer contact is measured as that operation too
        contact = model_row(v.contact_model)
        kpis = kpis + [k for k in contact.kpis if k not in kpis]
        tech = tech + [t for t in contact.technology if t not in tech]
    title = v.model_name if v.determined else "to be determined"
    sections = [
        f"# Scope brief: {title}",
        f"**{headline(v)}**",
        "## Why\n" + _bullets(list(v.reasons)),
    ]
    if v.mismatch:
        sections.append("## Label check\n" + v.mismatch)
    sections.append("## What is in scope\n" + _bullets(signal_lines(v)))
    if v.advice:
        sections.append("## Advice\n" + _bullets(list(v.advice)))
    if v.determined:
        sections.append("## KPIs to track\n" + _bullets(kpis))
        sections.append("## Technology this implies\n" + _bullets(tech))
    sections.append("## Open questions\n" + _bullets(list(v.open_questions)))
    sections.append("_Prepared by scopebot from what you described; correct anything that is off "
                    "and the assessment updates._")
    return "\n\n".join(sections) + "\n"
