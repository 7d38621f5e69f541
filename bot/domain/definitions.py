"""Answers to "what is X?" and "X vs Y?", in the project's own words (facts: spec section 1).

Each model's own definition is in ``operating_models.yml``; this module adds what is said
about several of them together (how they nest, what omnichannel means).
"""

from __future__ import annotations

from typing import Iterable

from bot.domain.operating_models import MODELS

NESTING = ("They nest: BPO contains the contact center, which contains the call center; "
           "CX BPO is a contact center whose provider also owns the experience outcomes.")
OMNICHANNEL = ("Omnichannel means the channels share one customer history, so a customer can "
               "start in chat, follow up by email and call without repeating themselves. "
               "Multichannel means several channels run as separate queues.")


def define(models: Iterable[str], integration_asked: bool = False) -> str:
    """One definition, a comparison of several, or the overview when nothing was named."""
    named = set(models)
    asked = [m for m in MODELS if m.id in named]
    parts = [m.definition for m in asked or MODELS]
    if integration_asked:
        parts = [OMNICHANNEL] if not asked else parts + [OMNICHANNEL]
    if len(asked) != 1 and not (integration_asked and not asked):
        parts.append(NESTING)
    parts.append("Describe your operation and I'll tell you which one fits.")
    return "\n\n".join(parts)


STEER_BACK = ("Sorry, I didn't catch that. Tell me about your support operation, e.g. which "
              "channels customers use and what work you want to outsource, or say \"help\".")
RESTARTED = "Done, I've cleared everything. Describe the operation from scratch whenever you're ready."

#: Said instead of silence when a turn produced no reply at all: the action server is down
#: or restarting. What was said before that message is kept in the conversation store.
UNAVAILABLE = ("Sorry, I couldn't work that one out: part of the assistant is restarting. Everything up to "
               "your last message is kept; please send that message again in a minute.")
