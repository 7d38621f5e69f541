"""The scope brief: everything a buyer needs to start the vendor conversation.

The brief is a structured document (:class:`Brief`) built from the assessment view like every
other client's answer. Markdown (the widget's download, the Rasa shell) and Slack Block Kit
(``bot.views.blocks.brief_blocks``) are two renderings of it; neither parses the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.operating_models import model as model_row
from bot.views.render import headline, signal_lines
from bot.views.view import AssessmentView

#: What a section with nothing in it says, so an empty list still reads as an answer.
NONE_YET = "none yet"
FOOTER = ("Prepared by scopebot from what you described; correct anything that is off "
          "and the assessment updates.")


@dataclass(frozen=True)
class BriefSection:
    """One headed part of the brief: a bulleted list, or one paragraph when ``text`` is set."""

    heading: str
    bullets: tuple[str, ...] = ()
    text: str = ""

    @property
    def shown_bullets(self) -> tuple[str, ...]:
        """The bullets as every rendering shows them: an empty list still says so."""
        return self.bullets or (NONE_YET,)


@dataclass(frozen=True)
class Brief:
    title: str
    headline: str
    sections: tuple[BriefSection, ...]
    footer: str = FOOTER


def brief_of(v: AssessmentView) -> Brief:
    """The brief's content: model, reasons, label check, signals, advice, KPIs, technology, questions."""
    row = model_row(v.model) if v.determined else None
    kpis = list(row.kpis) if row else []
    tech = list(row.technology) if row else []
    if v.contact_model:  # a BPO that also handles customer contact is measured as that operation too
        contact = model_row(v.contact_model)
        kpis = kpis + [k for k in contact.kpis if k not in kpis]
        tech = tech + [t for t in contact.technology if t not in tech]
    sections = [BriefSection("Why", tuple(v.reasons))]
    if v.mismatch:
        sections.append(BriefSection("Label check", text=v.mismatch))
    sections.append(BriefSection("What is in scope", tuple(signal_lines(v))))
    if v.advice:
        sections.append(BriefSection("Advice", tuple(v.advice)))
    if v.determined:
        sections.append(BriefSection("KPIs to track", tuple(kpis)))
        sections.append(BriefSection("Technology this implies", tuple(tech)))
    sections.append(BriefSection("Open questions", tuple(v.open_questions)))
    title = f"Scope brief: {v.model_name if v.determined else 'to be determined'}"
    return Brief(title=title, headline=headline(v), sections=tuple(sections))


def _markdown_section(s: BriefSection) -> str:
    if s.text:
        return f"## {s.heading}\n{s.text}"
    return f"## {s.heading}\n" + "\n".join(f"- {b}" for b in s.shown_bullets)


def render_brief(v: AssessmentView) -> str:
    """The brief as Markdown (the widget's download and the plain-text clients)."""
    b = brief_of(v)
    parts = [f"# {b.title}", f"**{b.headline}**", *(_markdown_section(s) for s in b.sections), f"_{b.footer}_"]
    return "\n\n".join(parts) + "\n"
