"""A keyword decision tree: the peer that scopebot's real-text figures are compared with.

No NLU, no context: a handful of regexes for channels, back-office words and
experience-ownership words, then the spec's rule order. It exists so that every accuracy
figure in ``docs/evaluation/report.md`` stands beside what a plain script gets on the same
texts; if scopebot cannot beat it clearly, the NLU is not earning its cost.

The word lists were written once from the spec's section 2 vocabulary, before looking at any
corpus item, and are deliberately left alone (tuning the peer on the data would flatter
neither side). Every pattern is a plain alternation with word boundaries: linear time.
"""

from __future__ import annotations

import re

CHANNELS = {
    "voice": r"phones?|calls?|calling|callers?|telephone|hotline|helpline|voice",
    "email": r"e-?mails?|tickets?|web ?forms?",
    "chat": r"(?:live |web )?chat",
    "sms": r"sms|text messag\w*|texting",
    "social": r"social media|facebook|instagram|twitter|tiktok",
    "messaging": r"whatsapp|messenger|viber|telegram",
    "video": r"video",
}
BACK_OFFICE = (r"back[- ]office|data entry|accounts (?:payable|receivable)|bookkeeping|invoic\w+|payroll"
               r"|claims processing|kyc|verification|order processing|fulfil+ment|content moderation"
               r"|document processing|finance and accounting|revenue cycle|medical billing")
OWNERSHIP = (r"quality assurance|qa program\w*|analytics|insights?|knowledge (?:base|management)"
             r"|customer journey|journey mapping|voice of the customer|cx strategy")
VOICE_WORK = r"telemarketing|cold call\w*|appointment setting|lead generation|surveys?|collections|dispatch"
IN_HOUSE = r"in-?house|ourselves|our own team"

_CHANNEL_RES = {name: re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE) for name, pattern in CHANNELS.items()}
_BACK, _OWN, _VOICE_WORK, _IN_HOUSE = (re.compile(rf"\b(?:{p})\b", re.IGNORECASE)
                                       for p in (BACK_OFFICE, OWNERSHIP, VOICE_WORK, IN_HOUSE))


def channels(text: str) -> set[str]:
    """Every channel whose keyword occurs anywhere in the text."""
    return {name for name, rx in _CHANNEL_RES.items() if rx.search(text)}


def classify(text: str) -> str:
    """The spec's rule order (section 3) applied to keyword hits."""
    found = channels(text)
    in_house = bool(_IN_HOUSE.search(text))
    if _BACK.search(text) and not in_house:
        return "BPO"
    if _OWN.search(text) and found and not in_house:
        return "CX_BPO"
    if found - {"voice"}:
        return "CONTACT_CENTER"
    if found:
        return "CALL_CENTER"
    if _VOICE_WORK.search(text) or re.search(r"\bcall cent(?:er|re)\b", text, re.IGNORECASE):
        return "CALL_CENTER"
    return "UNDETERMINED"
