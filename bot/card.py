"""What a rich client shows for an assessment reply, built from the message Rasa sends.

An assessment reply carries two views of the same decision: ``text`` (the plain rendering
of :func:`bot.render.render_text`, which also holds what the record has no field for: the
label-check sentence, industry/location/volume, advice) and the ``custom`` record (the
fields of ``scopebot classify``). Slack's Block Kit and the web widget's card both start
from :func:`text_parts` and :func:`signal_groups`, so they cannot disagree with each other or
with the plain text. The words quoted beside each signal come from the record's
``evidence`` field, never from the rendered text.
"""

from __future__ import annotations

from typing import Any

from bot.vocabulary import label

#: record field -> title, used when the plain text has no "What I picked up" part.
SIGNAL_FIELDS: tuple[tuple[str, str], ...] = (
    ("channels", "Channels"), ("planned_channels", "Planned channels"), ("excluded_channels", "Ruled out"),
    ("processes", "Processes"), ("goals", "Goals"), ("direction", "Direction"), ("sourcing", "Sourcing"),
    ("omnichannel", "Omnichannel"), ("automation", "Automation"),
)

#: Signals only the plain text names (the record has no field for them).
TEXT_ONLY_SIGNALS = ("Industry", "Location", "Volume")

#: How a chip is drawn: planned and ruled-out channels look different from present ones.
CHIP_STATE = {"planned_channels": "planned", "excluded_channels": "excluded"}

#: record field -> the prefix of its values' evidence keys (``channels`` -> ``channel:voice``).
EVIDENCE_PREFIX = {
    "channels": "channel", "planned_channels": "planned_channel", "excluded_channels": "excluded_channel",
    "processes": "process", "goals": "goal", "direction": "direction", "sourcing": "sourcing",
    "automation": "automation",
}
#: The omnichannel flag is read from an integration statement.
OMNICHANNEL_KEYS = {True: "integration:integrated", False: "integration:separate"}
#: Signals only the plain text names -> the prefix of their evidence keys.
TEXT_ONLY_PREFIX = {"Industry": "industry", "Location": "location", "Volume": "volume"}
#: Longest quote shown beside a signal; the record keeps the whole span.
QUOTE_CHARS = 80


def text_parts(text: str) -> dict[str, Any]:
    """The paragraphs of ``render_text`` output by kind; ``note`` holds what came before the headline
    (a correction acknowledgement, say)."""
    parts: dict[str, Any] = {"note": [], "headline": None, "label_check": None, "picked_up": [], "advice": []}
    seen_headline = False
    for para in (text or "").split("\n\n"):
        para = para.strip()
        if not para:
            continue
        first, _, rest = para.partition("\n")
        items = [line.strip()[2:] for line in rest.splitlines() if line.strip().startswith("- ")]
        if para.startswith("Recommendation:"):
            parts["headline"] = first
            seen_headline = True
        elif para.startswith("Label check:"):
            parts["label_check"] = para[len("Label check:"):].strip()
        elif first == "What I picked up:":
            parts["picked_up"] = [tuple(i.split(": ", 1)) for i in items if ": " in i]
        elif first == "Worth knowing:":
            parts["advice"] = items
        elif not seen_headline:
            parts["note"].append(para)
    return parts


def shown_value(value: Any) -> str:
    """A record value as people read it (lists joined, booleans of the omnichannel signal spelt out)."""
    if isinstance(value, bool):
        return "yes, one shared history" if value else "no, separate queues"
    if isinstance(value, list):
        return ", ".join(label(str(v)) for v in value)
    return label(str(value))


def record_rows(record: dict[str, Any]) -> list[tuple[str, str]]:
    """``(title, readable value)`` for every signal in the record that is set."""
    return [(title, shown_value(record[key])) for key, title in SIGNAL_FIELDS
            if record.get(key) is not None and record.get(key) != []]


def model_name(model: str) -> str:
    return label(model)


def label_check(record: dict[str, Any], text: str = "") -> str | None:
    """The label-mismatch sentence: the bot's own words when the text has them."""
    if not record.get("label_mismatch"):
        return None
    return text_parts(text)["label_check"] or (
        f"You asked for a {label(str(record.get('label_requested') or 'different model'))}, "
        f"but what you describe is a {model_name(str(record.get('recommendation')))}.")


def short_quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """The user's words on one line, cut with an ellipsis beyond ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def evidence_quotes(record: dict[str, Any]) -> dict[str, list[str]]:
    """Signal key -> the user's words for it, from the record's ``evidence`` (malformed entries skipped)."""
    quotes: dict[str, list[str]] = {}
    for item in record.get("evidence") or []:
        if isinstance(item, dict) and isinstance(item.get("signal"), str) and isinstance(item.get("text"), str):
            if item["text"].strip():
                quotes.setdefault(item["signal"], []).append(short_quote(item["text"]))
    return quotes


def _evidence_key(field: str, value: Any) -> str | None:
    if field == "omnichannel":
        return OMNICHANNEL_KEYS.get(value) if isinstance(value, bool) else None
    prefix = EVIDENCE_PREFIX.get(field)
    return f"{prefix}:{value}" if prefix else None


def signal_groups(text: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    """The signals a client shows, as groups of chips, each chip with the user's words.

    ``[{"name": "Channels", "chips": [{"value": "voice", "label": "phone",
    "state": "present", "quotes": ["ring us up"]}, ...]}, ...]``: the record's signal
    fields in :data:`SIGNAL_FIELDS` order, then industry, location and volume, which only
    the plain text names (their values come from it; their quotes from the evidence).
    """
    quotes = evidence_quotes(record)
    groups = []
    for key, title in SIGNAL_FIELDS:
        value = record.get(key)
        if value is None or value == []:
            continue
        values = value if isinstance(value, list) else [value]
        chips = [{"value": str(v), "label": shown_value(v) if isinstance(v, bool) else label(str(v)),
                  "state": CHIP_STATE.get(key, "present"), "quotes": quotes.get(_evidence_key(key, v) or "", [])}
                 for v in values]
        groups.append({"name": title, "chips": chips})
    for title, value in text_parts(text)["picked_up"]:
        if title in TEXT_ONLY_SIGNALS:
            prefix = TEXT_ONLY_PREFIX[title] + ":"
            said = [q for k, qs in quotes.items() if k.startswith(prefix) for q in qs]
            groups.append({"name": title, "chips": [{"value": value, "label": value, "state": "present",
                                                     "quotes": said}]})
    return groups


def chip_text(chip: dict[str, Any]) -> str:
    """A chip as one line of plain text: ``phone ("ring us up")``."""
    quotes = chip.get("quotes") or []
    said = " (" + ", ".join(f'"{q}"' for q in quotes) + ")" if quotes else ""
    return f"{chip.get('label', '')}{said}"


def assessment_card(text: str, record: dict[str, Any]) -> dict[str, Any]:
    """Everything the web widget draws for one assessment, as plain data (no markup)."""
    parts = text_parts(text)
    model = str(record.get("recommendation") or "UNDETERMINED")
    return {
        "model": model,
        "model_name": model_name(model),
        "model_title": model_name(model)[:1].upper() + model_name(model)[1:],
        "determined": model != "UNDETERMINED",
        "confidence": record.get("confidence"),
        "label_requested": record.get("label_requested"),
        "label_check": label_check(record, text),
        "notes": parts["note"],
        "reasons": list(record.get("reasons") or []),
        "signals": signal_groups(text, record),
        "advice": parts["advice"],
        "questions": [{"id": q.get("id"), "text": q.get("text")} for q in record.get("follow_up_questions") or []],
    }
