"""The scope brief: everything a buyer needs to start the vendor conversation, as Markdown."""

from __future__ import annotations

from bot.assessment import Assessment
from bot.operating_models import UNDETERMINED
from bot.operating_models import model as model_row
from bot.questions import applicable
from bot.render import headline, signal_lines


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {i}" for i in items) if items else "- none yet"


def render_brief(a: Assessment) -> str:
    """Markdown brief: model, reasons, signals, label check, KPIs, technology, open questions."""
    model = a.recommendation
    row = None if model == UNDETERMINED else model_row(model)
    kpis = list(row.kpis) if row else []
    tech = list(row.technology) if row else []
    if model == "BPO" and (a.signals.channels or a.signals.contact_processes):
        # a BPO that also handles customer contact is measured as that contact operation too
        contact = model_row("CONTACT_CENTER" if a.signals.channels - {"voice"} else "CALL_CENTER")
        kpis = kpis + [k for k in contact.kpis if k not in kpis]
        tech = tech + [t for t in contact.technology if t not in tech]
    open_questions = [q.text for q in applicable(a.signals, model)]
    title = row.name if row else "to be determined"
    sections = [
        f"# Scope brief: {title}",
        f"**{headline(a)}**",
        "## Why\n" + _bullets(a.reasons),
    ]
    if a.mismatch_warning:
        sections.append("## Label check\n" + a.mismatch_warning)
    sections.append("## What is in scope\n" + _bullets(signal_lines(a)))
    if a.advice:
        sections.append("## Advice\n" + _bullets(a.advice))
    if row:
        sections.append("## KPIs to track\n" + _bullets(kpis))
        sections.append("## Technology this implies\n" + _bullets(tech))
    sections.append("## Open questions\n" + _bullets(open_questions))
    sections.append("_Prepared by scopebot from what you described; correct anything that is off "
                    "and the assessment updates._")
    return "\n\n".join(sections) + "\n"
