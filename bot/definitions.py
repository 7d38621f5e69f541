"""Answers to "what is X?" and "X vs Y?", in the project's own words (facts: spec section 1)."""

from __future__ import annotations

from typing import Iterable

DEFINITIONS: dict[str, str] = {
    "CALL_CENTER": (
        "A call center does phone work only: customers ringing in, agents ringing out, or "
        "both. It lives on telephony, queues and call metrics like service level and handle "
        "time. When your customers really only phone, it is the honest label, and it can be "
        "exactly the right one."),
    "CONTACT_CENTER": (
        "A contact center runs several customer channels (phone plus email, chat, SMS, "
        "messaging apps, social) as one operation, ideally with one customer history shared "
        "across them (that is what omnichannel means). Most support operations today are "
        "contact centers, even the ones still called call centers."),
    "CX_BPO": (
        "CX BPO is outsourced contact handling where the provider also owns experience "
        "outcomes: the QA programme, analytics and insight, the knowledge base, journey "
        "improvement, complaint programmes. Without that ownership it is a contact center "
        "with a grander name."),
    "BPO": (
        "BPO (business process outsourcing) is the widest term: handing a whole business "
        "process to a third party. It covers outsourced contact centers but also back-office "
        "work such as data entry, finance and accounting, payroll and HR, claims, KYC or "
        "order fulfilment."),
}
NESTING = ("They nest: BPO contains the contact center, which contains the call center; "
           "CX BPO is a contact center whose provider also owns the experience outcomes.")
OMNICHANNEL = ("Omnichannel means the channels share one customer history, so a customer can "
               "start in chat, follow up by email and call without repeating themselves. "
               "Multichannel means several channels run as separate queues.")
ORDER = ("CALL_CENTER", "CONTACT_CENTER", "CX_BPO", "BPO")


def define(models: Iterable[str], integration_asked: bool = False) -> str:
    """One definition, a comparison of several, or the overview when nothing was named."""
    asked = [m for m in ORDER if m in set(models)]
    parts = [DEFINITIONS[m] for m in asked] if asked else [DEFINITIONS[m] for m in ORDER]
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
