"""The scope brief: everything a buyer needs to start the vendor conversation, as Markdown."""

from __future__ import annotations

from bot.assessment import Assessment
from bot.questions import applicable
from bot.render import headline, signal_lines
from bot.vocabulary import MODEL_NAMES

#: What to measure, per model (spec section 4); wider models add to the narrower ones.
KPIS: dict[str, list[str]] = {
    "CALL_CENTER": ["Service level (e.g. 80% of calls answered within 20 seconds)",
                    "First-contact resolution", "Average handle time", "Abandon rate"],
    "CONTACT_CENTER": ["CSAT per channel", "Response time per channel", "Customer effort score",
                       "First-contact resolution"],
    "CX_BPO": ["CSAT per channel", "Response time per channel", "Customer effort score",
               "First-contact resolution", "NPS", "QA scores", "Journey metrics (e.g. repeat contact, drop-off)"],
    "BPO": ["Cycle time", "Cost per transaction", "Error rate", "SLA adherence"],
}
#: The technology each model implies.
TECHNOLOGY: dict[str, list[str]] = {
    "CALL_CENTER": ["ACD (call routing)", "IVR", "Dialers for outbound work", "Call recording and voice QA"],
    "CONTACT_CENTER": ["CCaaS platform", "CRM integration", "Omnichannel routing", "Ticketing / case management"],
    "CX_BPO": ["CCaaS platform", "CRM integration", "Omnichannel routing", "QA and speech/text analytics",
               "Knowledge management", "Journey analytics / BI"],
    "BPO": ["ERP / line-of-business systems access", "RPA for repetitive steps", "BI and SLA reporting",
            "Workflow and document management"],
}


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {i}" for i in items) if items else "- none yet"


def render_brief(a: Assessment) -> str:
    """Markdown brief: model, reasons, signals, label check, KPIs, technology, open questions."""
    model = a.recommendation
    kpis = KPIS.get(model, [])
    tech = TECHNOLOGY.get(model, [])
    if model == "BPO" and (a.signals.channels or a.signals.contact_processes):
        contact = "CONTACT_CENTER" if a.signals.channels - {"voice"} else "CALL_CENTER"
        kpis = kpis + [k for k in KPIS[contact] if k not in kpis]
        tech = tech + [t for t in TECHNOLOGY[contact] if t not in tech]
    open_questions = [q.text for q in applicable(a.signals, model)]
    title = MODEL_NAMES[model] if model != "UNDETERMINED" else "to be determined"
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
    if model != "UNDETERMINED":
        sections.append("## KPIs to track\n" + _bullets(kpis))
        sections.append("## Technology this implies\n" + _bullets(tech))
    sections.append("## Open questions\n" + _bullets(open_questions))
    sections.append("_Prepared by scopebot from what you described; correct anything that is off "
                    "and the assessment updates._")
    return "\n\n".join(sections) + "\n"
