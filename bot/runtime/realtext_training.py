"""Real-text corpus items as Rasa NLU training examples (DIET learns from real sentences).

Chat lines alone teach DIET a register buyers rarely use when they paste an RFP. Each
corpus item is cut into sentences; every gold evidence quote becomes an entity annotation
(trimmed to the lexicon form inside it, following the annotation guide's shortest-span
rule), with ``role`` for planned and excluded mentions. Mentions that the gold does not
count (a topic, an incidental "tickets", the buyer's own analysts) stay unannotated, which
is exactly what teaches DIET the context.

Only the splits that the caller passes are used: the generated file holds train and dev
(the final model), cross-validation builds its own per fold, and the test split never
reaches training.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional

from bot.language.lexicon import Lexicon, load_lexicon
from bot.language.text import LONGER_IN_LOWERCASE
from bot.runtime.realtext import EVIDENCE_KINDS, Item

HEADER = ("# Generated from data/realtext/ (train and dev splits) by `scopebot sync-data`: "
          "edit the corpus, not this file.\n")
_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;]?")  # linear: one pass, no nested quantifiers
_WORD = re.compile(r"[\w'&/+-]+")
_SPACE_RUN = re.compile(r" ")
#: List markers a sentence may start with ("- ", "• ", "3.1 ", "a) "): not part of the text.
#: A dash or star glued to the first word ("-timesheets for the team") is a marker too: left on,
#: the tokenizer keeps it in the word's token and the word's annotation would miss its token.
_BULLET = re.compile(r"^(?:[-*\u2022\u2013]+\s*|\(?\w{1,3}[.)]\s+)")
MAX_ANNOTATION_WORDS = 4
#: Gold kinds that become entity annotations, with the role they carry.
ROLES = {"planned_channel": "planned", "excluded_channel": "excluded",
         "planned_process": "planned", "excluded_process": "excluded"}


def _trim(lexicon: Lexicon, entity: str, value: str, text: str, start: int, end: int) -> Optional[tuple[int, int]]:
    """The shortest sub-span of ``text[start:end]`` that the lexicon maps to ``value``.

    Falls back to the whole span when it is short; long paraphrases ("answer questions
    from residents") are left unannotated rather than teaching DIET odd span edges.
    """
    words = [(m.start() + start, m.end() + start) for m in _WORD.finditer(text[start:end])]
    for size in range(1, min(len(words), 5) + 1):
        for i in range(len(words) - size + 1):
            s, e = words[i][0], words[i + size - 1][1]
            if lexicon.exact(entity, text[s:e]) == value:
                return s, e
    if 0 < len(words) <= MAX_ANNOTATION_WORDS and lexicon.canonical(entity, text[start:end]) == value:
        return words[0][0], words[-1][1]
    return None


def _gold_roles(item: Item) -> dict[tuple[str, str], Optional[str]]:
    """(entity, value) -> role for every signal the gold counts (None: current scope)."""
    g = item.gold
    out: dict[tuple[str, str], Optional[str]] = {}
    for base, entity in (("channels", "channel"), ("processes", "process")):
        for prefix, role in (("", None), ("planned_", "planned"), ("excluded_", "excluded")):
            for value in g.get(prefix + base) or ():
                out[(entity, value)] = role
    for value in g.get("goals") or ():
        out[("goal", value)] = None
    if g.get("sourcing"):
        out[("sourcing", g["sourcing"])] = None
    if g.get("label_requested"):
        out[("model", g["label_requested"])] = None
    return out


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """``start, end`` widened to whole words: a quote "answering service" found inside
    "answering services" must not end an entity in the middle of a token."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return start, end


def _inside_address(text: str, start: int, end: int) -> bool:
    """True when ``start, end`` lies in an e-mail address or a web address ("support@fb.",
    "www.callcentre.example"): the tokenizer keeps those whole, so an annotation of a word inside
    one ends inside a token: Rasa warns and tags the whole token (the address) as the entity."""
    left = max(text.rfind(c, 0, start) for c in " \n\t") + 1
    right = min((at for at in (text.find(c, end) for c in " \n\t") if at >= 0), default=len(text))
    word = text[left:right]
    return "@" in word or "://" in word or word.lower().startswith("www.")


def _annotations(item: Item, lexicon: Lexicon) -> list[tuple[int, int, str, str, Optional[str]]]:
    """(start, end, entity, value, role) for every mention the gold counts, no overlaps.

    Every lexicon match whose value the gold lists is annotated (so "calls" is tagged each
    time, not only where the annotator quoted it); gold quotes the lexicon does not cover
    are added, trimmed. Matches the gold does not count stay plain text on purpose.
    """
    gold = _gold_roles(item)
    found = [(m["start"], m["end"], m["entity"], m["value"], gold[(m["entity"], m["value"])])
             for m in lexicon.find(item.text) if (m["entity"], m["value"]) in gold]
    for ev in item.gold.get("evidence") or ():
        kind, _, value = str(ev.get("signal", "")).partition(":")
        entity = EVIDENCE_KINDS.get(kind)
        quote = str(ev.get("text", ""))
        at = item.text.find(quote) if quote else -1
        if entity is None or at < 0:
            continue
        start, end = _whole_words(item.text, at, at + len(quote))
        span = _trim(lexicon, entity, value, item.text, start, end)
        if span:
            found.append((span[0], span[1], entity, value, ROLES.get(kind)))
    found.sort(key=lambda a: (a[0], -(a[1] - a[0])))
    found = [a for a in found if not _inside_address(item.text, a[0], a[1])]
    kept: list[tuple[int, int, str, str, Optional[str]]] = []
    for ann in found:
        if not kept or ann[0] >= kept[-1][1]:
            kept.append(ann)
    return kept


def _escape(text: str) -> str:
    """Characters that Rasa's annotation syntax would misread are replaced, not escaped."""
    return text.replace("[", "(").replace("]", ")").replace("{", "(").replace("}", ")")


#: At most this many segments of one item reach DIET, those with a gold annotation first.
#: DIET's cost grows with its examples (every epoch, and the first one's tracing) while its
#: share of the real-text accuracy is about one point (docs/error-analysis.md): without a cap,
#: each round of new texts made training slower (7.6 minutes at 777 train + dev items). Three
#: became two in the fourteenth session, on grouped CV over the 1,262 train + dev items: label
#: accuracy 0.763 -> 0.760, channel sets 0.799 -> 0.800, a fold's training 167 -> 149 s.
MAX_SEGMENTS_PER_ITEM = 2


def _capped(segments: list[tuple[str, bool]], cap: int) -> list[str]:
    """``cap`` of an item's (segment, annotated) pairs, annotated ones first, in text order."""
    ranked = sorted(range(len(segments)), key=lambda i: (not segments[i][1], i))[:cap]
    return [segments[i][0] for i in sorted(ranked)]


def examples(items: Iterable[Item], lexicon: Optional[Lexicon] = None,
             cap: int = MAX_SEGMENTS_PER_ITEM) -> list[str]:
    """Annotated sentence segments of every item (at most ``cap`` each), in corpus order."""
    lex = lexicon or load_lexicon()
    out: list[str] = []
    for item in items:
        mine: list[tuple[str, bool]] = []
        anns = _annotations(item, lex)
        text = item.text.translate(LONGER_IN_LOWERCASE)  # as the parser's clean(): offsets hold
        for m in _SENTENCE.finditer(text):
            s0, s1 = m.start(), m.end()
            sentence = text[s0:s1]
            stripped = sentence.lstrip()
            bullet = _BULLET.match(stripped)
            stripped = stripped[bullet.end():] if bullet else stripped
            lead = len(sentence) - len(stripped)
            sentence = stripped.strip()
            if len(_WORD.findall(sentence)) < 3:
                continue
            base = s0 + lead
            pieces, at = [], 0
            for start, end, entity, _value, role in anns:
                if start < base or end > base + len(sentence):
                    continue
                rs, re_ = start - base, end - base
                pieces.append(_escape(sentence[at:rs]))
                surface = _escape(sentence[rs:re_])
                # No "value": Rasa would turn it into a synonym, and one surface form can
                # name two types ("answering service" is a process and a label). The resolver
                # canonicalises every span with the lexicon anyway.
                meta: dict[str, Any] = {"entity": entity}
                if role:
                    meta["role"] = role
                if list(meta) == ["entity"]:
                    pieces.append(f"[{surface}]({entity})")
                else:
                    body = ", ".join(f'"{k}": "{v}"' for k, v in meta.items())
                    pieces.append(f"[{surface}]{{{body}}}")
                at = re_
            pieces.append(_escape(sentence[at:]))
            spans = [(start - base, end - base) for start, end, *_ in anns
                     if start >= base and end <= base + len(sentence)]
            if not spans and not lex.find(sentence):
                continue  # background with no signal word teaches DIET nothing and costs epochs
            for segment in _segments("".join(pieces), sentence, spans):
                mine.append((segment, "](" in segment or "]{" in segment))
        out += _capped(mine, cap)
    return list(dict.fromkeys(out))  # a sentence repeated across items is one example


#: DIET pads every batch to its longest example, and an RFP sentence can run to 80 words:
#: cutting long sentences into pieces of about this many words keeps training time close to
#: that of chat lines without losing any annotation.
SEGMENT_WORDS = 20


def _segments(annotated: str, plain: str, spans: list[tuple[int, int]]) -> list[str]:
    """``annotated`` cut into pieces of about :data:`SEGMENT_WORDS` words, never inside an entity.

    Cuts are chosen on ``plain`` (the same sentence without markup) at spaces outside every
    annotated span, then mapped to ``annotated`` by counting the words before them.
    """
    words = list(_SPACE_RUN.finditer(plain))
    if len(words) < SEGMENT_WORDS + 5:
        return [annotated]
    cuts = []
    last = 0
    for n, gap in enumerate(words, 1):
        if n - last >= SEGMENT_WORDS and not any(s < gap.start() < e for s, e in spans):
            cuts.append(n)
            last = n
    if not cuts:
        return [annotated]
    # The n-th space of the plain sentence is the n-th space outside markup in the annotated one.
    out, start, seen = [], 0, 0
    inside = False
    targets = iter(cuts)
    target = next(targets, None)
    for i, ch in enumerate(annotated):
        if ch == "[":
            inside = True
        elif ch in ")}" and inside:
            inside = False
        elif ch == " " and not inside:
            seen += 1
            if seen == target:
                out.append(annotated[start:i].strip())
                start = i + 1
                target = next(targets, None)
    out.append(annotated[start:].strip())
    return [piece for piece in out if len(_WORD.findall(piece)) >= 3]


def training_yaml(items: Iterable[Item]) -> str:
    lines = [HEADER, 'version: "3.1"', "nlu:", "- intent: describe_operation", "  examples: |"]
    lines += [f"    - {ex}" for ex in examples(items)]
    return "\n".join(lines) + "\n"
