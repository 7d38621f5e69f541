"""From raw extractor output to canonical, de-duplicated mentions with roles.

Rasa runs several extractors (DIET and the lookup-table ``RegexEntityExtractor``); they
find the same words twice, sometimes with different types or spans. This module merges
them, maps each mention to its canonical value (``bot.language.lexicon``) and reads the words
around it: "we don't do phone" (excluded), "WhatsApp next year" (planned), "only calls"
(voice is exclusive), "5,000 calls a month" (volume). Plain Python, no Rasa import: the
Rasa component ``bot.nlu.signal_resolver`` is a thin wrapper around :func:`resolve`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any, Iterable, Mapping, Optional

from bot.domain.signals import PASSING_MIN_WORDS
from bot.domain.vocabulary import CANONICAL
from bot.language.cues import load_cues
from bot.language.lexicon import MATCHER_NAME, OWN_VALUE, Lexicon, load_lexicon, normalise, singular
from bot.language.senses import TokenIndex, read_sense
from bot.language.work_phrases import find_work_phrases

RESOLVER_NAME = "SignalResolver"
LEXICON_EXTRACTORS = ("RegexEntityExtractor", MATCHER_NAME)
#: Types whose mentions can be withdrawn or planned (others are attributes or goals).
ROLE_TYPES = ("channel", "process", "goal", "automation")
#: DIET's role guesses below this confidence are ignored (its role head sees little data).
MIN_ROLE_CONFIDENCE = 0.8
_FLIP_SOURCING = {"outsourced": "in_house", "in_house": "outsourced"}
#: When two lexicon matches cover the same words, the earlier type wins unless DIET,
#: which saw the context, says otherwise ("retention" is a goal and a process).
TYPE_PRIORITY = ("model", "channel", "process", "automation", "integration", "goal",
                 "direction", "sourcing", "location", "industry", "volume")

_WORD = re.compile(r"[\w'/%+&-]+|[.,;:!?()\n\u2013\u2014\u2022]")
#: A lone dash between spaces ("please don't visit - use phone") also ends a clause.
_CLAUSE_END = {".", ";", "!", "?", "\n", "(", ")", ":", "-", "--", "\u2013", "\u2014", "\u2022"}
#: The cue words are data (bot/language/cues.yml, validated at load); these names keep the reader's.
_CUES = load_cues()
_SCOPE_RESET = _CUES.scope_reset
_CLAUSE_OPENER = _CUES.clause_opener
_DETERMINER_NEGATION = _CUES.determiner_negation
_VERB_BREAK = _CUES.verb_break
_LACKING_HOLDERS = _CUES.lacking_holders
_PARTIAL_NEGATION = _CUES.partial_negation
_PLAN_DOCUMENTS = _CUES.plan_documents
_UNDECIDED = _CUES.undecided
_HISTORY = _CUES.history
_NEGATION = _CUES.negation
_NEGATION_BIGRAMS = _CUES.negation_bigrams
_NOT_NEGATION = _CUES.not_negation
#: "They haven't opened one email", "tickets aren't piling up": a complaint or a relief, not a
#: channel left out (cues.yml).
_SERVICE_FAILURE = _CUES.service_failure
_PLANNED = _CUES.planned
#: Verbs of handing work over: a plan to outsource existing work does not make that work new.
_HANDOVER = _CUES.handover
#: A time to come stated before the mention ("a second phase could include invoice processing").
#: Like "plan", it does not make handed-over work new: "once the system arrives next year, an
#: outsourcer takes over billing" describes the scope of the deal.
_FUTURE_TIME = re.compile(
    r"\b(?:next (?:year|quarter|month|spring|summer|fall|autumn|winter|phase|fiscal year)|in the future"
    r"|later (?:this|next) year|(?:second|later|future|subsequent) phase|phase (?:two|2|ii|three|3|iii))\b",
    re.IGNORECASE,
)
_PLANNED_AFTER = re.compile(
    r"^\s*(?:(?:next|later this|later in the) (?:year|quarter|month|spring|summer|fall|autumn|winter)"
    r"|later\b|soon\b|eventually\b|down the (?:road|line)|in (?:q[1-4]|the future|a few months|phase \w+)"
    r"|by (?:q[1-4]|next year|the end of)"
    r"|(?:[\w-]+\s+){0,2}(?:(?:is|are|will be|to be|be|possibly|maybe|being)\s*)?(?:planned|launching"
    r"|coming(?!\s+(?:in|into|through|from|at))|on the roadmap)\b"
    r"|(?:[\w-]+\s+){0,2}(?:will be|to be|be|being)\s+added\b"
    r"|(?:may|might|could)\s+(?:come|follow|arrive|launch)\b"
    r"|(?:is|are)(?:n't| not) live yet|(?:is|are) not yet)",
    re.IGNORECASE,
)
#: "out" withdraws a mention ("phone is out"), but not "calls out of hours" (a time) or
#: "calls out to a partner" (a hand-over).
_EXCLUDED_AFTER = re.compile(
    r"^\s*(?:(?:support|service|lines?|inquiries|enquiries|queries|requests|contacts|channels?|queues?)\s+)?"
    r"(?:(?:is|are|'s|was|were)\s*)?(?:(?P<neg>not|n't)\b"
    r"|out\b(?!\s+(?:of\s+(?:[\w-]+\s+)?hours|to|faster|quickly|promptly|on time|late|sooner|earlier|each"
    r"|every|weekly|monthly|daily|automatically|in bulk|by post|by mail|by email)\b)|off the table|gone|no longer"
    r"|dropped(?!\s+(?:by|to|below|from|sharply|\d|when|while|during|because|due|as|mid|halfway|before|on hold))"
    r"|cancelled|canceled|excluded|not needed|out of scope"
    r"|(?:[\w-]+\s+){0,3}(?:and\s+)?(?:rejected|ruled out|turned down|shelved|abandoned)\b)",
    re.IGNORECASE,
)
_WORDS_AFTER = re.compile(r"[\w']+")
#: "We don't do chat on weekends", "no calls after hours": the negation is about a time, not the channel.
_PARTIAL_AFTER = re.compile(
    r"^\s*(?:(?:support|service|lines?)\s+)?(?:on\s+(?:the\s+)?(?:weekends?|holidays?|saturdays?|sundays?)"
    r"|at\s+(?:night|weekends?)|after\s+hours|after-hours|overnight|in\s+the\s+evenings?"
    r"|outside\s+(?:of\s+)?(?:business|office|opening|working)\s+hours)\b",
    re.IGNORECASE,
)
#: "We want to stop answering the phones ourselves": the buyer stops doing the work, which is
#: handed over, not withdrawn.
_DONE_BY_US = re.compile(r"^[^.;!?\n]{0,30}?\b(?:ourselves|myself|in-house|in house|internally)\b", re.IGNORECASE)
#: "No call goes unanswered", "no message is left without a reply": two negations make a
#: promise about the channel, not a withdrawal of it.
_DOUBLE_NEGATIVE = re.compile(
    r"^\s*(?:[\w-]+\s+){0,2}?(?:(?:is|are|goes|go|gets|get|will go|will be|should go)\s+)?(?:left\s+)?"
    r"(?:unanswered|unreturned|unread|ignored|without\s+(?:an?\s+)?(?:answer|reply|response))\b",
    re.IGNORECASE,
)


#: A form or checklist answering no: "Email? No.", "Chat support: not required", "calls yes,
#: emails no", "Social - N/A".
_ANSWERED_NO = re.compile(
    r"^[ \t]*(?:(?:support|service|channel|queue)[ \t]*)?(?:[?:\u2013\u2014-][ \t]*)?"
    r"(?:no|n/a|na|none|not required|not needed|not applicable|not in scope)[ \t]*(?:[.,;!)\n]|$)",
    re.IGNORECASE,
)


def _excluded_after(after: str) -> bool:
    """True when the words right after a mention withdraw it ("phone is not offered").

    A negation followed by how the work is going ("emails aren't filtered", "tickets aren't
    piling up", "call not answered") is a complaint about the service, not a channel left out
    (the words are the ``service_failure`` cues).
    """
    if _ANSWERED_NO.match(after):
        return True
    found = _EXCLUDED_AFTER.match(after)
    if found is None:
        return False
    if found.group("neg") is None:
        return True
    following = _WORDS_AFTER.findall(after[found.end():found.end() + 30].lower())[:2]
    if following[:1] == ["being"]:
        following = following[1:]
    return not (following and following[0] in _SERVICE_FAILURE)


_EXCLUSIVE = _CUES.exclusive
_EXCLUSIVE_AFTER = re.compile(r"^\s*(?:-\s*)?only\b", re.IGNORECASE)
#: "Complaint escalation process/steps" is a procedure in a manual (spec 3a.5), not a programme.
_PROGRAM = re.compile(r"program|programme|management|framework|root.cause|backlog|ownership|remediat"
                      r"|escalat(?!\w*\s+(?:process|procedure|steps?|path|criteria|chain|ladder|matrix)\b)",
                      re.IGNORECASE)

#: Sentence punctuation and line breaks: the words around a mention count only up to them.
_CLAUSE_BREAK = re.compile(r"[.;!?\n]")
#: Characters read on each side of a complaints mention for a programme cue.
PROGRAM_WINDOW = 40


def _clause_window(text: str, start: int, end: int, width: int = PROGRAM_WINDOW) -> str:
    """The text within ``width`` characters of a mention, cut at the clause ends around it:
    "product complaints; that is why the program includes ..." is not a complaints programme."""
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(left)]
    if breaks:
        left = left[breaks[-1]:]
    stop = _CLAUSE_BREAK.search(right)
    if stop is not None:
        right = right[:stop.start()]
    return left + text[start:end] + right


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twenty": 20, "thirty": 30,
                 "forty": 40, "fifty": 50, "hundred": 100, "few": 3, "couple": 2,
                 "several": 5, "dozen": 12, "half": 0.5}
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "mil": 1e6, "million": 1e6,
          "hundred": 1e2, "b": 1e9, "billion": 1e9, "dozen": 12}
_UNIT_AFTER = re.compile(
    r"^[\s+~-]*(?:(?:inbound|outbound|support|customer|monthly|daily|weekly|new|incoming|"
    r"outgoing|sales|service|voice|phone|live|web|email|e-mail|chat|whatsapp|social|sms|text|"
    r"billing|order|claims?|invoices?)\s+){0,3}"
    r"(?P<unit>calls?|tickets?|emails?|e-mails?|chats?|contacts?|messages?|interactions?|"
    r"conversations?|cases?|inquir(?:y|ies)|enquir(?:y|ies)|requests?|claims?|invoices?|"
    r"applications?|orders?|transactions?|leads?|dials?|minutes?|employees?|staff|agents?|"
    r"seats?|customers?|users?|members?|patients?|policies|policyholders|accounts?|"
    r"subscribers?|documents?|records?|dms?|texts?|reviews?|posts?|items?|shipments?)?",
    re.IGNORECASE,
)
_PERIOD = re.compile(
    r"(?:a|per|each|every|/|an|in a|p)\s*(?P<p>day|week|month|year|mo|wk|yr|hour|quarter)\b"
    r"|(?P<adv>daily|weekly|monthly|yearly|annually|hourly|quarterly)",
    re.IGNORECASE,
)
_PERIOD_NAMES = {"mo": "month", "wk": "week", "yr": "year", "daily": "day", "weekly": "week",
                 "monthly": "month", "yearly": "year", "annually": "year"}


@dataclass
class Mention:
    """One resolved mention: a canonical value at a place in the text."""

    entity: str
    value: str
    start: int
    end: int
    text: str
    role: Optional[str] = None
    sources: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_entity(self) -> dict[str, Any]:
        ent: dict[str, Any] = {
            "entity": self.entity, "value": self.value, "start": self.start, "end": self.end,
            "text": self.text, "extractor": RESOLVER_NAME, "sources": sorted(set(self.sources)),
        }
        if self.role:
            ent["role"] = self.role
        ent.update(self.extra)
        return ent


# ----- reading the words around a mention -------------------------------------------
def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _word_aligned(start: int, end: int, index: TokenIndex) -> bool:
    """Whether ``start:end`` begins and ends at word edges. DIET tags sub-word pieces of a
    hyphenated word ("-" alone in "back-office"); such a span is no quote to show a user.
    Binary search in the text's token index, which is built once per text."""
    i, j = bisect_left(index.starts, start), bisect_left(index.ends, end)
    return i < len(index.starts) and index.starts[i] == start and j < len(index.ends) and index.ends[j] == end


_token_end = itemgetter(2)


def _left_clause(tokens: list[tuple[str, int, int]], start: int, limit: int) -> list[str]:
    """Words before ``start`` back to a clause boundary or a scope reset, nearest last.

    Called several times per mention, so it finds its place by binary search (tokens are in
    text order) and reads at most ``limit`` + 1 tokens, instead of scanning the whole text."""
    words: list[str] = []
    for i in range(bisect_right(tokens, start, key=_token_end) - 1, -1, -1):
        word = tokens[i][0]
        if word in _CLAUSE_END or word in _SCOPE_RESET or len(words) >= limit:
            break
        if word == "," and words and words[-1] in _CLAUSE_OPENER:
            break  # ", it's all phone": a new clause starts after the comma
        words.append(word)
    return list(reversed(words))


#: "We don't have time to answer the phone": a negation about the buyer's capacity (cues.yml).
_CAPACITY = _CUES.capacity


#: "Without using email" withdraws it; "without hurting CSAT" negates the other verb (cues.yml).
_WITHOUT_KEEPS = _CUES.gerunds_kept_negated
#: Words before "zero" that make it a number ("below zero") (cues.yml).
_NUMBER_CONTEXT = _CUES.zero_as_number
#: An auxiliary or modal after the negated verb starts another predicate (cues.yml).
_PREDICATE_BREAK = _CUES.predicate_break
#: Goal words that name the problem removed ("churn", "waits"): a negation before them states the goal.
_PROBLEM_GOAL = _CUES.problem_goal_words
#: Local parts of a shared desk's address ("support@", "care@"): a channel, not a person (cues.yml).
_SHARED_MAILBOXES = _CUES.shared_mailboxes


def _negates(word: str, nxt: str) -> bool:
    """Whether ``word`` (followed by ``nxt``) is a negation cue, alone or as a bigram."""
    return word in _NEGATION or (word, nxt) in _NEGATION_BIGRAMS


#: Words that carry a sentence on after an aside closes ("our people, not bots, answer calls").
_ASIDE_RESUMES = frozenset({"answer", "answers", "handle", "handles", "take", "takes", "will", "shall", "to",
                            "run", "runs", "respond", "responds", "staff", "staffs", "manage", "manages",
                            "cover", "covers", "work", "works", "are", "is", "do", "does", "would", "must"})


def _closes_an_aside(words: list[str], at: int) -> bool:
    """True when the "not" at ``at`` opens a short aside between commas that the sentence then
    resumes after ("agents, not subcontractors, to answer calls"); a list ("not phone, email or
    chat") goes on with another item instead."""
    for j in range(at + 2, min(at + 5, len(words) - 1)):
        if words[j] == ",":
            return words[j + 1] in _ASIDE_RESUMES
    return False


def _negation_at(words: list[str]) -> Optional[int]:
    """Where the negation that reaches the mention starts in ``words`` (None when none does)."""
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if (w, nxt) in _NOT_NEGATION:
            continue
        if (w, nxt) in _NEGATION_BIGRAMS:
            return i  # "we no longer do live chat": the bigram, not the determiner "no"
        if _negates(w, nxt):
            if w == "not" and _closes_an_aside(words, i):
                continue  # "trained agents, not subcontractors, answer the calls": an aside, closed
            if w == "zero" and i and words[i - 1] in _NUMBER_CONTEXT:
                continue  # "NPS dropped below zero": a number
            if w in _DETERMINER_NEGATION and _VERB_BREAK & set(words[i + 1:]):
                continue  # "patients with no phone number can email us": "no" qualifies the number
            if w in _DETERMINER_NEGATION and nxt.endswith("ing") and nxt not in _WITHOUT_KEEPS:
                continue  # "cut costs without hurting CSAT", "no hiding behind a ticketing system"
            if w not in _DETERMINER_NEGATION and _PREDICATE_BREAK & set(words[i + 2:]):
                continue  # "members who haven't used it are called": a new predicate starts
            if _SERVICE_FAILURE & set(words[i + 1:i + 3]):
                continue  # "they haven't opened one email": how the work goes, not a channel left out
            if _CAPACITY & set(words[i + 1:]):
                return None
            return i
    return None


def _is_negated(words: list[str]) -> bool:
    return _negation_at(words) is not None


def is_partly_negated(words: list[str], after: str) -> bool:
    """True when a negation before a mention narrows it to a part ("no outbound calls", "we
    don't get many emails") or a time ("we don't do chat on weekends", read in ``after``, the
    text right after the mention): the channel itself is not withdrawn."""
    at = _negation_at(words)
    return at is not None and bool(_PARTIAL_NEGATION & set(words[at + 1:]) or _PARTIAL_AFTER.match(after))


def _since_comma(words: list[str]) -> list[str]:
    """The words after the last comma: "not a call center, a contact center" corrects one
    label with another, so the negation does not carry along the comma as it does in a list."""
    return words[len(words) - words[::-1].index(","):] if "," in words else words


def is_lacked(words: list[str]) -> bool:
    """True when the nearest negation before a mention says that people lack it ("patients
    with no phone number", "residents without a phone", "those who don't use email"): the
    mention describes them, not a channel or a process withdrawn from scope (spec 3a.5)."""
    for i in range(len(words) - 1, -1, -1):
        w, nxt = words[i], words[i + 1] if i + 1 < len(words) else ""
        if _negates(w, nxt) and (w, nxt) not in _NOT_NEGATION:
            before = words[:i]
            if before and before[-1] == "with" and w == "no":
                before = before[:-1]
            elif before[-2:] in (["who", "have"], ["who", "has"]):
                before = before[:-1]
            return bool(before) and before[-1] in _LACKING_HOLDERS and (w != "without" or before[-1] != "who")
    return False


#: "We don't need the vendor to do our payroll": the negation reaches the work through the
#: hand-over ("need the vendor to"), however many words that takes.
_NEGATED_HANDOVER = re.compile(
    r"\b(?:don't|dont|do not|doesn't|does not|won't|will not|wouldn't|not)\s+(?:need|want|require|expect|ask"
    r"|looking for|asking)"
    r"\s+(?:the|a|an|our|any|your)?\s*(?:vendor|provider|partner|contractor|supplier|agency|bpo|outsourcer"
    r"|company|firm|you|them)\s+to\s+(?:[\w'-]+\s+){0,3}$",
    re.IGNORECASE,
)


def is_handover_negated(text: str, start: int) -> bool:
    """True when the mention is the work in "we don't need the vendor to do our payroll"."""
    left = text[max(0, start - 90):start]
    cut = max(left.rfind(ch) for ch in ".;!?\n")
    return bool(_NEGATED_HANDOVER.search(left[cut + 1:]))


_NEGATED_HANDOVER_AHEAD = re.compile(r"[ \t]{1,3}to[ \t]{1,3}", re.IGNORECASE)


def _handover_negated_after(text: str, end: int) -> bool:
    """True for the provider word of "we don't need the vendor to do our payroll"."""
    ahead = _NEGATED_HANDOVER_AHEAD.match(text, end)
    return ahead is not None and is_handover_negated(text, ahead.end())


#: "Email: jane.doe@acme.org" in a signature or a contact block: how to reach the writer, not a
#: channel customers use. A shared desk's address ("Email: support@brand.com") is one, so the
#: local part decides.
_ADDRESS_AFTER = re.compile(
    r"[ \t]{0,3}[:\u2013-]?[ \t]{0,3}(?P<local>[\w.+-]{1,64})@[\w-]{1,63}\.[a-z]", re.IGNORECASE
)
_LOCAL_PART = re.compile(r"[a-z]+")


def is_personal_address(text: str, end: int) -> bool:
    """True when an e-mail word is followed by a person's address, not a shared desk's."""
    found = _ADDRESS_AFTER.match(text, end)
    if found is None:
        return False
    return not set(_LOCAL_PART.findall(found.group("local").lower())) & _SHARED_MAILBOXES


#: "Cell/WhatsApp: +27 82 555 0101" under a name: how to reach the writer, not a channel customers
#: use (3a.5). A number is a contact detail when a sign-off comes shortly before it, or when its
#: label names someone's own line (cell, mobile, direct); a desk's "Phone: 0800 …" or "WhatsApp:
#: +44 …" on a contact page stays a channel.
_NUMBER_AFTER = re.compile(
    r"(?P<label>(?:[ \t]{0,2}/[ \t]{0,2}[A-Za-z]{1,12}){0,2})[ \t]{0,3}[:\u2013-][ \t]{0,3}\+?\(?\d[\d \t().-]{5,24}\d"
)
_LABEL_BEFORE = re.compile(r"(?P<label>(?:[A-Za-z]{1,12}[ \t]{0,2}/[ \t]{0,2}){1,2})$")
_OWN_LINE = re.compile(r"\b(?:cell|cellphone|mobile|direct|personal|my)\b", re.IGNORECASE)
_SIGN_OFF = re.compile(r"\b(?:regards|thanks|thank you|cheers|sincerely|best wishes|warm wishes|yours truly)\b",
                       re.IGNORECASE)


def is_contact_number(text: str, start: int, end: int) -> bool:
    """True when a channel word labels a person's number ("Mobile | WhatsApp: +61 …" after "Thanks!")."""
    found = _NUMBER_AFTER.match(text, end)
    if found is None:
        return False
    before = _LABEL_BEFORE.search(text, max(0, start - 30), start)
    label = (before.group("label") if before else "") + found.group("label")
    return bool(_OWN_LINE.search(label) or _SIGN_OFF.search(text, max(0, start - 160), start))


#: Prefixes and suffixes glued to a channel word that turn it into another word: "non-voice"
#: work is written work, "on-call" a rota, a framework "call-off" an order, a council "call-in" a
#: review, a "so-called" thing is named, a "ring-fenced" budget is kept apart.
_GLUED_BEFORE = ("non-", "non ", "on-", "so-")
_GLUED_AFTER = ("-off", "-in ", "-in,", "-in.", "-in:", "-fen")


def is_glued_compound(text: str, start: int, end: int) -> bool:
    """True when the channel word is part of a compound that means something else (3a.5)."""
    before = text[max(0, start - 4):start].lower()
    after = text[end:end + 4].lower()
    return before.endswith(_GLUED_BEFORE) or after.startswith(_GLUED_AFTER) or after == "-in"


#: Words that put work in the past (cues.yml); "(previously First Billing Service)" is a former
#: name, not past work.
_PAST_WORK = _CUES.past_work
_FORMER_NAME = re.compile(r"\((?:previously|formerly)\b|\b(?:previously|formerly) (?:known|named|called)\b",
                          re.IGNORECASE)


def _used_to(words: list[str]) -> bool:
    """ "We used to answer Instagram DMs": past work."""
    return any(a == "used" and b == "to" for a, b in zip(words, words[1:]))


def context_role(text: str, start: int, end: int,
                 tokens: Optional[list[tuple[str, int, int]]] = None) -> Optional[str]:
    """``excluded``, ``planned`` or None, read from cue words around the mention."""
    toks = tokens if tokens is not None else _tokens(text)
    if is_handover_negated(text, start):
        return "excluded"
    # One read of the clause: a shorter reach is the tail of a longer one (_left_clause stops
    # at the same boundaries whatever its limit).
    left = _left_clause(toks, start, limit=10)
    left_wide = left[-9:]
    if _is_undecided(left_wide):
        return "planned"  # "hasn't decided who would handle customer contacts": still open (3a.3)
    if (_is_negated(left[-6:]) and not _DOUBLE_NEGATIVE.match(text[end:end + 60])
            and not _DONE_BY_US.match(text[end:end + 40])):
        return "excluded"
    after = right_cue_role(text, end)
    if after:
        return after
    if (_PAST_WORK & set(left[-8:]) or _used_to(left[-8:])) and not _FORMER_NAME.search(
            text, max(0, start - 60), start):
        return "excluded"  # "previously the vendor also did data entry": then, not now (3a.3)
    if is_weighed(text, start, end, toks):
        return "planned"  # "Should I offer live chat?": weighed, not yet in scope (3a.3)
    if _plans(left) or _FUTURE_TIME.search(" ".join(left_wide)):
        if _HANDOVER & set(left_wide):
            return None  # "we plan to outsource our calls": the hand-over is planned, the calls are today's
        return "planned"
    return None


def _is_undecided(words: list[str]) -> bool:
    """A negation followed at once by an open-question word ("hasn't decided", "not sure")."""
    for i, w in enumerate(words[:-1]):
        if _negates(w, words[i + 1]) and _UNDECIDED & set(words[i + 1:i + 3]):
            return True
    return False


def _plans(words: list[str], reach: int = 9) -> bool:
    """A plan word among the last ``reach`` of ``words``, not counting a plan that is a document
    ("a staffing plan"; the word before the reach is read for that)."""
    first = max(0, len(words) - reach)
    return any(words[i] in _PLANNED
               and not (words[i] in ("plan", "plans") and i and words[i - 1] in _PLAN_DOCUMENTS)
               for i in range(first, len(words)))


#: A question that weighs an option ("Should we offer live chat?") puts it under consideration.
_WEIGHED = _CUES.weighed
#: "Whether we should offer live chat": an indirect question weighs the option just as well.
_INDIRECT = _CUES.indirect_question
_SENTENCE_STOP = ".!;\n"


def is_weighed(text: str, start: int, end: int, tokens: list[tuple[str, int, int]]) -> bool:
    """True when a question weighs the mention as an option ("Should I offer live chat?",
    "whether he should hire a call centre"), unless it weighs handing existing work over."""
    left = set(_left_clause(tokens, start, limit=9))
    return bool(_WEIGHED & left and (_asks(text, end) or _INDIRECT & left) and not _HANDOVER & left)


def _asks(text: str, end: int) -> bool:
    """True when the sentence holding ``end`` ends with a question mark (looks 80 chars ahead)."""
    for ch in text[end:end + 80]:
        if ch == "?":
            return True
        if ch in _SENTENCE_STOP:
            return False
    return False


#: "The chat line has been pulled", "the hotline was shut down": a closure is the last word
#: on that signal however often it was named before (3a.3, now not then).
#: "Live chat and a Facebook page, both since discontinued", "which has since been retired": the
#: closure may follow a list, with "since" in place of (or inside) the auxiliary.
_CLOSED_AFTER = re.compile(
    r"^[^.;!?\n]{0,25}?\b(?:(?:has|have|had)(?: since| now)? been|was|were|got|is being|are being|is now|are now"
    r"|(?:both|all|each|which|that|they|it)(?: (?:have|has|had|were|was))? (?:since|long since|now|since been))\s+"
    r"(?:pulled|shut|shut down|closed|closed down|discontinued|scrapped|removed|retired|taken down"
    r"|switched off|turned off|axed|wound down|phased out|sunset|sunsetted|decommissioned|ended|terminated"
    r"|paused|deactivated)\b",
    re.IGNORECASE,
)


#: "The phone line has been replaced by WhatsApp", "our email desk was folded into the phone line",
#: "the Facebook page has been dormant since": the channel itself is gone (unless it is equipment).
_REPLACED_AFTER = re.compile(
    r"^[^.;!?\n]{0,25}?\b(?:(?:has|have|had)(?: since| now)? been|was|were|is now|are now|are|is)\s+"
    r"(?:replaced|superseded|folded into|merged into|gone|dormant|inactive|retired)\b",
    re.IGNORECASE,
)
#: "We tried live chat but killed it after six months": the buyer ended it, told after the mention.
_ENDED_AFTER = re.compile(
    r"^[^.;!?\n]{0,30}?\b(?:but|then|and|so)\s+(?:we\s+|they\s+|i\s+)?(?:then\s+|later\s+|eventually\s+|quickly\s+)?"
    r"(?:killed|dropped|scrapped|shut down|stopped|abandoned|ditched|discontinued|cancell?ed|closed"
    r"|gave up on|pulled the plug on|switched off|turned off|got rid of)\s+(?:it|them|that|those)\b",
    re.IGNORECASE,
)


#: "The phone system was replaced": equipment, not the channel, so its closure says nothing.
_EQUIPMENT_AFTER = re.compile(
    r"[ \t]{0,3}(?:system|systems|platform|platforms|hardware|software|equipment|handsets|technology"
    r"|switch|tools?|provider|vendor|contract)\b", re.IGNORECASE)


#: "Email support will be discontinued at contract start": a closure announced for the future.
_WILL_CLOSE_AFTER = re.compile(
    r"^[^.;!?\n]{0,25}?\b(?:will|shall|is to|are to)(?: soon)? be\s+(?:discontinued|phased out|retired"
    r"|decommissioned|shut down|closed down|switched off|turned off|withdrawn|sunset|sunsetted)\b",
    re.IGNORECASE,
)
#: "The email channel closed in 2022": a channel noun that closed at a time, with no auxiliary.
_CLOSED_NOUN_AFTER = re.compile(
    r"^\s*(?:channel|channels|line|lines|service|support|desk|inbox|queue|option|offering)\s+"
    r"(?:closed|shut down|ended|was discontinued|were discontinued|was retired|was closed|was shut down)\s+"
    r"(?:in (?:19|20)\d\d|last year|years ago|back in)\b",
    re.IGNORECASE,
)
#: "Email inquiries are handled by Department staff", "payment processing will remain with the
#: Department's Finance Division": the buyer keeps that work, so it is not this provider's (3a.2).
_KEPT_BY_BUYER_AFTER = re.compile(
    r"^\s*(?:(?:inquiries|enquiries|queries|requests|contacts|support|processing|work|tasks)\s+)?"
    r"(?:(?:is|are|will be|will continue to be|shall be|shall continue to be|continue to be|remains?|will remain)\s+"
    r"(?:handled|answered|managed|processed|performed|done|worked)(?:\s+in-house)?\s+by\s+(?:the\s+)?"
    r"(?:department|city|county|state|agency|authority|district|client|owner|university|commission|board|council"
    r"|hospital|ministry|trust)(?:'s)?\s+(?:own\s+)?(?:staff|employees|personnel|team|teams)\b"
    r"|(?:will\s+)?remains?\s+with\s+the\s+(?:department|city|county|state|agency|authority|district|client"
    r"|owner|university|commission|board|council|hospital|ministry|trust)\b"
    r"|(?:is|are|remains?)\s+the\s+responsibility\s+of\s+the\s+(?:department|city|county|state|agency|authority"
    r"|district|client|owner|university|commission|board|council|hospital|ministry|trust)\b)",
    re.IGNORECASE,
)


def is_closed(text: str, end: int) -> bool:
    """True when the words right after a mention say it was shut down or taken away."""
    after = text[end:end + 90]
    if (_CLOSED_AFTER.match(after) or _ENDED_AFTER.match(after) or _CLOSED_NOUN_AFTER.match(after)
            or _WILL_CLOSE_AFTER.match(after)):
        return True
    return bool(_REPLACED_AFTER.match(after)) and not _EQUIPMENT_AFTER.match(text, end)


_FUTURE_YEAR = re.compile(r"^\s*(?:in|by|from|during)\s+(?:q[1-4]\s+)?(20\d\d)\b", re.IGNORECASE)


def right_cue_role(text: str, end: int) -> Optional[str]:
    """A role stated *after* the mention ("phone is out of scope", "chat next year"). Not when
    the mention ends its line: the next line is another item ("WhatsApp" above "Out of scope:")."""
    after = text[end:end + 60]
    line_break = after.find("\n")
    if line_break >= 0 and not after[:line_break].strip():
        return None
    if _PLANNED_AFTER.match(after):  # before the "isn't" check: "isn't live yet" is a plan
        return "planned"
    year = _FUTURE_YEAR.match(after)
    if year and int(year.group(1)) >= date.today().year:  # "email in 2000" is history, still in use
        return "planned"
    if _excluded_after(after) or _KEPT_BY_BUYER_AFTER.match(text[end:end + 120]):
        return "excluded"
    return None


def is_exclusive(text: str, start: int, end: int,
                 tokens: Optional[list[tuple[str, int, int]]] = None) -> bool:
    """True for "only phone", "just calls", "phone-only", "voice only"."""
    toks = tokens if tokens is not None else _tokens(text)
    before = [w for w, _s, e in toks if e <= start][-4:]
    return bool(_EXCLUSIVE & set(before)) or bool(_EXCLUSIVE_AFTER.match(text[end:end + 12]))


def parse_number(span: str) -> Optional[float]:
    """'5,000' -> 5000, '10k' -> 10000, '2.5 million' -> 2.5e6, 'a few hundred' -> 300."""
    s = span.lower().replace(",", "").replace("~", " ").replace("+", " ").strip()
    m = re.match(r"^(\d+(?:\.\d+)?)\s*([a-z]+)?", s)
    if m:
        value = float(m.group(1))
        scale = _SCALE.get(m.group(2) or "", 1.0)
        rest = s[m.end():].split()
        if rest and rest[0] in _SCALE:
            scale *= _SCALE[rest[0]]
        return value * scale
    words = s.replace("-", " ").split()
    if not words:
        return None
    value, seen = 0.0, False
    for w in words:
        if w in _NUMBER_WORDS and w not in ("hundred", "dozen"):
            value += _NUMBER_WORDS[w]
            seen = True
        elif w in _SCALE:
            value = (value or 1) * _SCALE[w]
            seen = True
    return value if seen else None


def parse_volume(text: str, start: int, end: int) -> dict[str, Any]:
    """Amount from the span, unit and period from the words right after it."""
    out: dict[str, Any] = {"amount": parse_number(text[start:end])}
    after = text[end:end + 80]
    unit = _UNIT_AFTER.match(after)
    if unit and unit.group("unit"):
        word = unit.group("unit").lower().replace("e-mail", "email")
        out["unit"] = word if word.endswith("s") or word in ("staff",) else word + "s"
        after = after[unit.end():]
    period = _PERIOD.search(after[:40])
    if period:
        p = (period.group("p") or period.group("adv")).lower()
        out["period"] = _PERIOD_NAMES.get(p, p)
    return out


# ----- merging extractor output ------------------------------------------------------
def _overlaps(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _span_len(e: Mapping[str, Any]) -> int:
    return int(e["end"]) - int(e["start"])


#: "The Contractor shall answer the Retirement System's member services line", "staff the poison
#: control line": a telephone line named by what it is for, which the provider is asked to answer
#: or staff, is the phone (3a.4), whatever words name it.
_LINE_VERBS = frozenset({"answer", "answers", "answered", "answering", "staff", "staffs", "staffed", "staffing",
                         "operate", "operates", "operating", "man", "mans", "manned", "manning", "cover",
                         "covers", "covering", "monitor", "monitors", "monitoring"})
_LINE_DETERMINERS = frozenset({"the", "a", "an", "our", "its", "their", "this", "that", "your", "his", "her"})
#: Lines that are not telephone lines, and lines of another channel ("the chat line").
_NOT_PHONE_LINES = frozenset({
    "product", "production", "assembly", "front", "bottom", "credit", "supply", "picket", "fine", "time",
    "party", "plot", "story", "punch", "tag", "head", "dead", "guide", "base", "top", "finish", "start",
    "starting", "bus", "rail", "train", "metro", "subway", "tram", "ferry", "shipping", "power", "fiber",
    "fibre", "data", "dsl", "broadband", "chat", "text", "texting", "sms", "email", "e-mail", "whatsapp",
    "business", "budget", "pipe", "sewer", "gas", "service"})
_LINE_WORDS_MAX = 5


def staffed_lines(text: str, tokens: Optional[list[tuple[str, int, int]]] = None) -> list[dict[str, Any]]:
    """Raw voice entities for "<verb> the <words> line" (see ``_NOT_PHONE_LINES`` for the exceptions)."""
    if "line" not in text.lower():
        return []
    toks = tokens if tokens is not None else _tokens(text)
    found = []
    for i, (word, _start, end) in enumerate(toks):
        if word not in ("line", "lines") or i < 2 or toks[i - 1][0] in _NOT_PHONE_LINES:
            continue
        for det in range(i - 1, max(0, i - 1 - _LINE_WORDS_MAX), -1):
            w = toks[det][0]
            if w in _LINE_DETERMINERS:
                if det > 0 and toks[det - 1][0] in _LINE_VERBS and det < i - 1:
                    first = max(det + 1, i - 2)
                    found.append({"entity": "channel", "value": "voice", "start": toks[first][1], "end": end,
                                  "text": text[toks[first][1]:end], "extractor": MATCHER_NAME,
                                  OWN_VALUE: True})
                break
            if not w[:1].isalnum():
                break  # punctuation: the noun phrase ended
    return found


def _usable(entities: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for e in entities:
        if e.get("extractor") == RESOLVER_NAME:
            continue  # never re-resolve our own output
        if e.get("entity") not in CANONICAL and e.get("entity") != "volume":
            continue
        if not isinstance(e.get("start"), int) or not isinstance(e.get("end"), int):
            continue
        out.append(dict(e))
    return out


#: App names that are also common words: the name only as written in capitals ("LINE").
_APP_NAMES_IN_CAPITALS = frozenset({"line"})


def _common_word_not_the_app(word: str) -> bool:
    """True for "line" or "lines" not written in capitals: a model's guess that it is the LINE
    app is, in running text ("lost-card lines", "phone lines"), nearly always the phone line."""
    key = normalise(word)
    return (key in _APP_NAMES_IN_CAPITALS or singular(key) in _APP_NAMES_IN_CAPITALS) and not word.isupper()


def _single_letter(word: str) -> bool:
    """True for a one-character word: in running text a letter, a variable or an initial ("src=x",
    "Plan B", "X calls a day"), never a channel or a process by itself. A model trained on texts
    that name "X (formerly Twitter)" learned to tag any lone "x"; the matcher has no form that
    short. Two-letter acronyms ("HR", "AP", "FB") keep DIET's reading."""
    return len(normalise(word)) < 2


def _pick_lexicon(mentions: list[dict[str, Any]], learned: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Among overlapping lexicon matches keep the longest; on a tie ask DIET, then priority."""
    kept: list[dict[str, Any]] = []
    ordered = sorted(mentions, key=lambda e: (-_span_len(e), e["start"]))
    for cand in ordered:
        clash = [k for k in kept if _overlaps(k, cand)]
        if not clash:
            kept.append(cand)
            continue
        if cand["entity"] == "direction" and all(k["entity"] != "direction" for k in clash):
            kept.append(cand)  # "outbound" inside "outbound sales" states the direction too
            continue
        if cand["entity"] == "model" or all(k["entity"] == "model" for k in clash):
            # A label ("answering service") is an attribute beside the work named by the same
            # words; but "call" inside "call center" is the label, not a separate channel.
            same_words = all((k["start"], k["end"]) == (cand["start"], cand["end"]) for k in clash)
            if same_words and not any(k["entity"] == cand["entity"] for k in clash):
                kept.append(cand)
            continue
        for k in clash:
            if _span_len(k) == _span_len(cand) and k["entity"] != cand["entity"]:
                diet_types = {d["entity"] for d in learned if _overlaps(d, cand)}
                if cand["entity"] in diet_types and k["entity"] not in diet_types:
                    kept[kept.index(k)] = cand
    return sorted(kept, key=lambda e: e["start"])


def resolve(text: str, entities: Iterable[Mapping[str, Any]],
            lexicon: Optional[Lexicon] = None,
            lemmas: Optional[Mapping[tuple[int, int], list[str]]] = None) -> list[Mention]:
    """Merge raw extractor entities into canonical mentions with roles and flags.

    ``lemmas`` optionally maps a ``(start, end)`` span to its token lemmas, so "calls"
    or "emailed" resolve even when only the lemma is a known form.
    """
    lex = lexicon or load_lexicon()
    tokens = _tokens(text)  # read once: the staffed lines, the cues and the back references use it
    found = lex.find(text)
    found += [e for e in staffed_lines(text, tokens)
              if not any(f["entity"] == "channel" and f["start"] < e["end"] and e["start"] < f["end"] for f in found)]
    found += find_work_phrases(text, tokens)  # "post the payments": the verb names the queue of work (3a.1)
    raw = _usable(list(entities) + found)
    lexical = [e for e in raw if e.get("extractor") in LEXICON_EXTRACTORS]
    learned = [e for e in raw if e.get("extractor") not in LEXICON_EXTRACTORS]
    chosen = _pick_lexicon(lexical, learned)

    candidates: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for e in chosen:
        same = [d for d in learned if _overlaps(d, e) and d["entity"] == e["entity"]]
        candidates.append((e, same))
    for d in learned:
        if any(_overlaps(d, e) for e in chosen):
            continue  # the lexicon already found these words; DIET only adds its role
        if any(_overlaps(d, c) for c, _ in candidates if c is not d):
            continue
        words = text[d["start"]:d["end"]].split()
        phrase_unknown = len(words) > 1 and lex.canonical(d["entity"], " ".join(words), fuzzy=False) is None
        if d["entity"] != "volume" and phrase_unknown:
            continue  # DIET alone, on a phrase no form covers: on real text mostly a guess
        if len(words) == 1 and _common_word_not_the_app(words[0]):
            continue  # DIET alone on "lines": the matcher never reads the app name into it either
        if len(words) == 1 and _single_letter(words[0]):
            continue  # DIET alone on the "x" of "src=x": a single letter is never a signal by itself
        candidates.append((d, [d]))

    token_index = TokenIndex.of(tokens)
    mentions: list[Mention] = []
    for ent, diet_twins in sorted(candidates, key=lambda c: c[0]["start"]):
        kind, start, end = ent["entity"], ent["start"], ent["end"]
        span = text[start:end]
        sources = [ent.get("extractor", "?")] + [d.get("extractor", "?") for d in diet_twins]
        if kind == "volume":
            vol = parse_volume(text, start, end)
            if vol["amount"] is None:
                continue
            # A bare number found only by the regex ("24/7", "Q3 2027", "20 minutes") is
            # a volume only when a unit or a period follows it.
            if not diet_twins and not (vol.get("unit") or vol.get("period")):
                continue
            described = f"{vol['amount']:g}"
            mentions.append(Mention("volume", described, start, end, span, None, sources, vol))
            continue
        if ent.get(OWN_VALUE):
            value = ent["value"]  # its finder decided: a staffed line, a verb and its object
        else:
            # The lexicon as it is now decides the value, not the synonyms a model was
            # trained with: a form taken out of the lexicon ("reports" as analytics) stops
            # firing at once. Typo tolerance only for a single word that DIET alone tagged:
            # a lexicon match is exact by construction, and on real text a near miss is
            # usually another word ("internal" is not "internally", "insights" is not "nights").
            fuzzy = ent.get("extractor") not in LEXICON_EXTRACTORS and len(span.split()) == 1
            value = lex.canonical(kind, span, (lemmas or {}).get((start, end)), fuzzy=fuzzy)
        if value is None:
            continue
        if kind == "channel" and value == "email" and is_personal_address(text, end):
            continue  # "Email: jane.doe@acme.org": how to reach the writer (3a.5)
        if kind == "channel" and value != "email" and is_contact_number(text, start, end):
            continue  # "Cell/WhatsApp: +27 82 555 0101" under a name: the writer's number (3a.5)
        if kind == "channel" and is_glued_compound(text, start, end):
            continue  # "a non-voice process", "on-call staff", "a framework call-off" (3a.5)
        if value == "it_operations" and span.split()[:1] in (["it"], ["It"]):
            continue  # "It supports every service": the pronoun, not IT (IT is written in capitals)
        if kind in ROLE_TYPES:
            left = _left_clause(tokens, start, limit=6)
            if is_lacked(left):
                continue  # "customers with no phone number": what they lack, not what is in scope (3a.5)
            if is_partly_negated(left, text[end:end + 50]):
                continue  # "no outbound calls": a part of the channel is left out, not the channel
        sensed, _check = read_sense(kind, value, span, token_index, start, end, text)
        if sensed is None:
            # a topic, the buyer's own, routine or incidental (senses.yml); but a withdrawal
            # ("drop payroll", "we don't need QA") takes the signal out whatever its sense
            if not (kind in ROLE_TYPES and context_role(text, start, end, tokens) == "excluded"):
                continue
            sensed = value
        value = sensed
        # DIET learned the annotation convention for span edges ("partner", not "a
        # partner"); use its span when it agrees on the type.
        twin = next((d for d in diet_twins if d is not ent and len(diet_twins) == 1), None)
        if twin is not None and _word_aligned(twin["start"], twin["end"], token_index):
            start, end = twin["start"], twin["end"]
            span = text[start:end]
        if kind == "model" and is_weighed(text, start, end, tokens):
            continue  # "should you hire a call centre?": a label weighed, not one asked for (3a.3, 3a.4)
        if kind == "model" and _is_negated(_since_comma(_left_clause(tokens, start, limit=6))):
            continue  # "we don't want a call center": the label is turned down, not asked for
        role = None
        if kind in ROLE_TYPES:
            role = context_role(text, start, end, tokens)
            if role is None:
                role = next((d.get("role") for d in diet_twins if d.get("role") in ("planned", "excluded")
                             and float(d.get("confidence_role") or 0) >= MIN_ROLE_CONFIDENCE), None)
        elif kind == "sourcing" and value == "in_house" and _HISTORY & set(_left_clause(tokens, start, limit=12)):
            continue  # "before partnering with us, they handled it in-house": then, not now (3a.3)
        elif kind == "sourcing" and _handover_negated_after(text, end):
            continue  # "we don't need the vendor to do payroll": the work is negated, not the sourcing
        elif kind == "sourcing" and context_role(text, start, end, tokens) == "excluded":
            value = _FLIP_SOURCING[value]  # "not outsourcing any of it" means in-house
        extra: dict[str, Any] = {}
        if kind == "channel" and value == "voice" and role is None and is_exclusive(text, start, end, tokens):
            extra["exclusive"] = True
        if kind == "process" and value == "complaints" and _PROGRAM.search(_clause_window(text, start, end)):
            extra["program"] = True
        if kind == "goal" and role == "excluded" and _PROBLEM_GOAL & set(_WORDS_AFTER.findall(span.lower())):
            role = None  # "stop the churn", "zero abandoned calls": the goal stated by its problem
        if kind in ROLE_TYPES and is_closed(text, end):
            role, extra["closed"] = "excluded", True
        mentions.append(Mention(kind, value, start, end, span, role, sources, extra))
    _mark_labels_offered_as_alternatives(text, mentions)
    _apply_headings(text, mentions)
    _spread_list_roles(text, mentions)
    _apply_back_references(text, mentions, tokens)
    return _merge_language_lists(text, _reconcile(mentions, short=len(text.split()) <= PASSING_MIN_WORDS))


_ALTERNATIVE = re.compile(r"^[ \t]*(?:,[ \t]*)?(?:or|vs\.?|versus)[ \t]+(?:(?:an?|the)[ \t]+)?", re.IGNORECASE)


def _mark_labels_offered_as_alternatives(text: str, mentions: list[Mention]) -> None:
    """"Do I need a call center or a contact center?": two labels set against each other in a
    question are what the buyer wants explained, not a label asked for (3a.4). They stay
    mentions (the definitions answer names them) but are flagged ``weighed``, which
    :meth:`Signals.from_entities` does not take as ``label_requested``."""
    labels = [m for m in mentions if m.entity == "model"]
    for a, b in zip(labels, labels[1:]):
        if _ALTERNATIVE.fullmatch(text[a.end:b.start]) and _asks(text, b.end):
            a.extra["weighed"] = b.extra["weighed"] = True


def _reconcile(mentions: list[Mention], short: bool = False) -> list[Mention]:
    """One reading per signal in a long text: the stance most of its mentions take.

    A pasted RFP names the phone twenty times and once says "not even a voicemail"; one
    negated or planned mention must not erase the rest. When plain mentions of a value
    outnumber its negated or planned ones, those are dropped (and vice versa); on a tie
    all are kept and :meth:`Signals.from_entities` applies its usual order (an explicit
    negation wins, a plan loses to current scope). Sourcing likewise follows the majority
    of its mentions, ties going to ``outsourced``: RFPs mention the buyer's in-house staff
    beside the vendor they are hiring.
    """
    by_value: dict[tuple[str, str], list[Mention]] = {}
    for m in mentions:
        if m.entity in ROLE_TYPES:
            by_value.setdefault((m.entity, m.value), []).append(m)
    drop: set[int] = set()
    for group in by_value.values():
        plain = [m for m in group if m.role is None]
        marked = [m for m in group if m.role is not None]
        if any(m.extra.get("closed") for m in marked):
            drop.update(id(m) for m in group if not m.extra.get("closed"))  # a closure is final
        elif plain and marked and len(plain) != len(marked):
            drop.update(id(m) for m in (marked if len(plain) > len(marked) else plain))
        elif short and plain and any(m.role == "excluded" for m in marked):
            # a tie between saying and withdrawing in a short message: the later words correct
            # the earlier ones ("email is not staffed today; we want you to staff email and
            # phones"); a long text tells history after the decision, so there the withdrawal wins
            last = max(group, key=lambda m: m.start)
            drop.update(id(m) for m in (marked if last.role is None else plain))
    sourcing = [m for m in mentions if m.entity == "sourcing"]
    counts = {v: sum(m.value == v for m in sourcing) for v in ("outsourced", "in_house")}
    if counts["outsourced"] and counts["in_house"]:
        loser = "in_house" if counts["outsourced"] >= counts["in_house"] else "outsourced"
        drop.update(id(m) for m in sourcing if m.value == loser)
    return [m for m in mentions if id(m) not in drop]


def _merge_language_lists(text: str, mentions: list[Mention]) -> list[Mention]:
    """'Russian, Ukrainian and English' is one multilingual requirement, not three."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (prev is not None and m.entity == prev.entity == "goal" and m.value == prev.value == "multilingual"
                and _is_list_glue(text[prev.end:m.start])):
            prev.end, prev.text = m.end, text[prev.start:m.end]
            prev.sources = sorted(set(prev.sources) | set(m.sources))
            continue
        out.append(m)
    return out


def _is_list_glue(gap: str) -> bool:
    """True when only list punctuation and "and"/"or" separate two mentions.

    The pattern below backtracks badly on long runs of blanks, so the gap is bounded
    first: a list separator is never longer than this, and the check stays linear.
    """
    return len(gap) <= MAX_LIST_GLUE and bool(_LIST_GLUE.match(gap))


MAX_LIST_GLUE = 24
#: Separators, then at most "and"/"or"/"nor" and a trailing "and"/"or", each followed by
#: separators: every character has one place to go, so matching is linear.
_LIST_GLUE = re.compile(r"^[\s,/&+]*(?:(?:and|or|nor)[\s,/&+]*(?:(?:and|or)\s*)?)?$", re.IGNORECASE)
_ARTICLE = re.compile(r"\b(?:an?|the|our|their)\s", re.IGNORECASE)


def _without_articles(gap: str) -> str:
    """The gap between two listed mentions without articles ("chat and a Facebook page")."""
    return _ARTICLE.sub(" ", gap) if len(gap) <= MAX_LIST_GLUE + 8 else gap


#: A heading that sets the role of the list under it: "Out of scope: IT operations, HR
#: administration", "Future phase:" followed by bullets.
_HEADING = re.compile(
    r"(?:^|(?<=[\n.;!?\u2022]))[ \t*\u2022-]{0,6}(?:(?P<excluded>out of scope|out-of-scope|not in scope"
    r"|outside (?:the |of )?scope|excluded(?: services| from (?:the )?scope)?|exclusions|not included"
    r"|not required|not part of (?:the|this) (?:scope|contract|procurement))"
    r"|(?P<planned>future (?:phases?|options?|scope|requirements?)|planned|later phases?"
    r"|phase (?:2|two|ii)|optional(?: services| extras)?))[ \t]*:",
    re.IGNORECASE | re.MULTILINE,
)
_BULLET_LINE = re.compile(r"[ \t]{0,8}(?:[-*\u2022]|\d{1,3}[.)])[ \t]{0,8}\S")
_SENTENCE_END = re.compile(r"[.;!?\n]")


def _heading_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, role) of the text each out-of-scope or future heading governs: the rest of
    its sentence, or, when the heading ends its line, the bullet lines under it."""
    spans = []
    for found in _HEADING.finditer(text):
        role = "excluded" if found.group("excluded") else "planned"
        start = found.end()
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        if text[start:line_end].strip():
            stop = _SENTENCE_END.search(text, start)
            spans.append((start, stop.start() if stop else len(text), role))
            continue
        end = line_end
        while end < len(text):
            nxt = text.find("\n", end + 1)
            nxt = len(text) if nxt < 0 else nxt
            if not _BULLET_LINE.match(text, end + 1, nxt):
                break
            end = nxt
        spans.append((start, end, role))
    return spans


def _apply_headings(text: str, mentions: list[Mention]) -> None:
    """Mentions listed under "Out of scope:" are withdrawn; under "Future phase:" planned."""
    if ":" not in text:
        return
    for start, end, role in _heading_spans(text):
        for m in mentions:
            if start <= m.start < end and m.entity in ROLE_TYPES and m.role is None:
                m.role = role
                m.extra.pop("exclusive", None)


#: "We added live chat in 2019. That service has since been discontinued.": a sentence that opens
#: by pointing back ("that service", "both channels") and says it was shut down withdraws what the
#: sentence before named: its last channel or process, or all of them after a plural (3a.3).
_POINT_ONE = frozenset({"that", "this", "the"})
_POINT_ALL = frozenset({"both", "these", "those", "all"})
_POINTED_NOUNS = frozenset({"service", "channel", "option", "line", "offering", "program", "programme",
                            "pilot", "trial", "team", "desk", "hotline", "helpline", "inbox", "mailbox"})
_POINTED_PLURALS = frozenset({noun + "s" for noun in _POINTED_NOUNS}) | {"inboxes", "mailboxes"}
#: A pointing noun that says which channel it means ("that line" is the phone, "the inbox" e-mail).
_POINTED_CHANNEL = {"line": "voice", "hotline": "voice", "helpline": "voice", "inbox": "email",
                    "mailbox": "email"}
_CLOSING = frozenset({"discontinued", "closed", "shut", "retired", "ended", "dropped", "withdrawn",
                      "scrapped", "axed", "stopped", "decommissioned", "abandoned", "cancelled", "canceled",
                      "terminated", "sunset", "sunsetted", "phased", "wound", "removed", "deactivated",
                      "disbanded"})
_CLOSING_FILLER = frozenset({"has", "have", "had", "was", "were", "is", "are", "been", "got", "since", "now",
                             "already", "recently", "long", "also", "then", "later", "quietly", "eventually",
                             "finally", "permanently"})
#: "That line is closed on weekends", "closed for the holidays": opening hours, not a shutdown.
_HOURS_AFTER = frozenset({"on", "at", "for", "during", "over", "between", "from", "until", "till", "outside",
                          "after", "before", "when", "while", "overnight", "weekends", "daily", "nightly",
                          "each", "every", "today", "tonight", "temporarily", "early"})
_SENTENCE_BREAKS = frozenset({".", "!", "?", ";", "\n"})


def _closes_what_went_before(words: list[str]) -> Optional[str]:
    """``all``, ``one``, or the channel a pointing noun names ("that line": ``voice``) when a
    sentence's opening words point back and say it was shut down."""
    if len(words) < 3:
        return None
    if words[0] in _POINT_ALL:
        reach, at = "all", 1
        if at < len(words) and words[at] in ("the", "of"):
            at += 1
            if at < len(words) and words[at] == "the":
                at += 1
    elif words[0] in _POINT_ONE:
        reach, at = "one", 1
    else:
        return None
    if at < len(words) and (words[at] in _POINTED_NOUNS or words[at] in _POINTED_PLURALS):
        if words[at] in _POINTED_PLURALS:
            reach = "all"
        elif reach == "one":
            reach = _POINTED_CHANNEL.get(words[at], "one")
        at += 1
    elif words[0] in _POINT_ONE:
        return None  # "This was closed": too little to point at anything
    for _ in range(4):
        if at < len(words) and words[at] in _CLOSING_FILLER:
            at += 1
    if at >= len(words) or words[at] not in _CLOSING:
        return None
    if words[at] in ("closed", "shut") and at + 1 < len(words) and words[at + 1] in _HOURS_AFTER:
        return None
    return reach


def _apply_back_references(text: str, mentions: list[Mention], tokens: list[tuple[str, int, int]]) -> None:
    """Withdraw what a sentence named when the next one opens "That service was discontinued"."""
    lowered = text.lower()
    if not any(w in lowered for w in _CLOSING):
        return
    bounds = [0] + [i + 1 for i, (w, _, _) in enumerate(tokens) if w in _SENTENCE_BREAKS] + [len(tokens)]
    # sentences as token ranges; a range holding only a break (". \n") is no sentence
    sentences = [(a, b) for a, b in zip(bounds, bounds[1:])
                 if any(tokens[k][0] not in _SENTENCE_BREAKS for k in range(a, b))]
    for (prev_start, _), (start, _) in zip(sentences, sentences[1:]):
        reach = _closes_what_went_before([w for w, _, _ in tokens[start:start + 12]])
        if reach is None:
            continue
        lo, hi = tokens[prev_start][1], tokens[start][1]
        named = [m for m in mentions
                 if lo <= m.start < hi and m.entity in ("channel", "process") and m.role is None]
        if reach not in ("all", "one"):
            named = [m for m in named if m.value == reach]
        for m in (named if reach == "all" else named[-1:]):
            m.role, m.extra["closed"] = "excluded", True
            m.extra.pop("exclusive", None)


def _spread_list_roles(text: str, mentions: list[Mention]) -> None:
    """A role covers the whole list it is attached to.

    Forwards: "no phone, email or chat". Backwards, for roles stated after the list:
    "email and web chat are out of scope", "SMS and WhatsApp next year".
    """
    for prev, cur in zip(mentions, mentions[1:]):
        if cur.role is None and prev.role and prev.entity == cur.entity:
            if _is_list_glue(text[prev.end:cur.start]):
                cur.role = prev.role
                cur.extra.pop("exclusive", None)
    for prev, cur in reversed(list(zip(mentions, mentions[1:]))):
        if prev.role is None and cur.role and prev.entity == cur.entity:
            if not _is_list_glue(_without_articles(text[prev.end:cur.start])):
                continue
            if cur.extra.get("closed"):
                prev.role, prev.extra["closed"] = cur.role, True  # "chat and a Facebook page, both since closed"
                prev.extra.pop("exclusive", None)
            elif right_cue_role(text, cur.end) == cur.role:
                prev.role = cur.role
                prev.extra.pop("exclusive", None)
