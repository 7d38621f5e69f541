"""Block Kit for scopebot's replies, built from the messages Rasa produces.

An assessment reply from Rasa carries its :class:`bot.views.view.AssessmentView` as ``custom`` =
``{"type": "assessment", ...}``; its blocks are drawn from that view alone (the reply's
plain ``text`` is never read), and the answer buttons are the view's ``answers``
(payloads like ``/inform{"option": "direction:2"}``). A brief is ``custom`` =
``{"type": "brief", "markdown": ..., "view": {...}}``; its blocks come from the view's
structured brief (:func:`bot.views.brief.brief_of`), never from the Markdown. Everything that
comes from a user or from the bot is escaped before it goes into mrkdwn, including the
user's words quoted beside each signal (``phone ("ring us up")``, from the record's ``evidence``).

Buttons: an answer's ``action_id`` is ``ANSWER_PREFIX + payload`` (the Rasa message a
click sends) and the brief button's is ``BRIEF_ACTION``; the ``value`` of both is the
conversation id, so a click continues the conversation the message belongs to.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from bot.views.brief import brief_of
from bot.views.mrkdwn import escape, markdown_to_mrkdwn, truncate
from bot.views.render import headline
from bot.views.view import AssessmentView, chip_text

__all__ = [
    "ANSWER_PREFIX", "BRIEF_ACTION", "render_message", "assessment_blocks", "brief_blocks",
    "text_blocks", "request_blocks", "answered_blocks", "home_view", "payload_of",
]

ANSWER_PREFIX = "scopebot.answer:"
BRIEF_ACTION = "scopebot.brief"

SECTION_LIMIT = 3000  # characters of a section's text
FIELD_LIMIT = 2000
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
ACTION_ID_LIMIT = 255
MAX_BLOCKS = 50

# ----- small builders ----------------------------------------------------------------------
def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def _mrkdwn(text: str, limit: int = SECTION_LIMIT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": truncate(text, limit)}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _sections(mrkdwn: str) -> list[dict[str, Any]]:
    """``mrkdwn`` split at blank lines (then lines) into sections of at most 3,000 characters."""
    chunks: list[str] = []
    for para in mrkdwn.split("\n\n"):
        if not para.strip():
            continue
        if chunks and len(chunks[-1]) + 2 + len(para) <= SECTION_LIMIT:
            chunks[-1] += "\n\n" + para
            continue
        while len(para) > SECTION_LIMIT:
            cut = para.rfind("\n", 0, SECTION_LIMIT)
            cut = cut if cut > 0 else SECTION_LIMIT
            chunks.append(para[:cut])
            para = para[cut:].lstrip("\n")
        chunks.append(para)
    return [_section(c) for c in chunks]


def _button(text: str, action_id: str, value: str, style: Optional[str] = None) -> dict[str, Any]:
    button = {"type": "button", "text": _plain(text, BUTTON_TEXT_LIMIT), "action_id": action_id[:ACTION_ID_LIMIT],
              "value": value[:2000]}
    if style:
        button["style"] = style
    return button


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"• {escape(i)}" for i in items)


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [_mrkdwn(text)]}


def payload_of(action_id: str) -> Optional[str]:
    """The Rasa message an answer button sends, or None for other actions."""
    if action_id.startswith(ANSWER_PREFIX):
        return action_id[len(ANSWER_PREFIX):] or None
    return None


def _answer_buttons(buttons: Optional[list[dict[str, Any]]], conversation: str) -> list[dict[str, Any]]:
    out, seen = [], set()
    for b in buttons or []:
        payload = str(b.get("payload") or "")
        action_id = ANSWER_PREFIX + payload
        if not payload or len(action_id) > ACTION_ID_LIMIT or action_id in seen:
            continue
        seen.add(action_id)
        out.append(_button(str(b.get("title") or payload), action_id, conversation))
    return out[:24]  # an actions block holds at most 25 elements


def _fields(rows: list[tuple[str, str]]) -> list[dict[str, Any]]:
    blocks = []
    for start in range(0, len(rows), 10):  # at most 10 fields per section
        fields = [_mrkdwn(f"*{escape(name)}*\n{escape(value)}", FIELD_LIMIT) for name, value in rows[start:start + 10]]
        blocks.append({"type": "section", "fields": fields})
    return blocks


# ----- messages ------------------------------------------------------------------------------
def assessment_blocks(view: AssessmentView, conversation: str) -> tuple[str, list[dict[str, Any]]]:
    """``(fallback text, blocks)`` for an assessment reply, drawn from its view alone."""
    determined = view.determined
    title = f"Recommendation: {view.model_name}" if determined else "Not enough to go on yet"
    fallback = headline(view)

    blocks: list[dict[str, Any]] = [_section(escape(note)) for note in view.notes]
    if view.compact:  # nothing new: the standing answer in one line, then the next question
        blocks.append(_section(f"*{escape(fallback)}*"))
    else:
        blocks.append({"type": "header", "text": _plain(title, HEADER_LIMIT)})
        if determined:
            blocks.append(_section(f"Confidence: *{escape(view.confidence)}*"))
    if view.mismatch:
        blocks.append(_section(f":warning: *Label check:* {escape(view.mismatch)}"))
    if not view.compact:
        if view.reasons:
            blocks.append(_section("*Why*\n" + _bullets(view.reasons)))
        rows = [(g.name + (f" ({g.note})" if g.note else ""), ", ".join(chip_text(c) for c in g.chips))
                for g in view.signals]
        if rows:
            blocks.append(_context("*What I picked up*"))
            blocks.extend(_fields(rows))
        if view.advice:
            blocks.append(_section("*Worth knowing*\n" + _bullets(view.advice)))

    answers = _answer_buttons([a.to_dict() for a in view.answers], conversation)
    if view.questions:
        blocks.append({"type": "divider"})
        blocks.append(_section(f"*Next question:* {escape(view.questions[0].text)}"))
        if answers:
            blocks.append({"type": "actions", "block_id": "scopebot.answers", "elements": answers})
        if len(view.questions) > 1 and not view.compact:
            more = "\n".join(f"{i}. {escape(q.text)}" for i, q in enumerate(view.questions[1:], 2))
            blocks.append(_context(f"*Also open*\n{more}"))
    blocks.append({"type": "actions", "block_id": "scopebot.more", "elements": [
        _button("Scope brief", BRIEF_ACTION, conversation, style="primary")]})
    return escape(fallback), blocks[:MAX_BLOCKS]


def brief_blocks(view: AssessmentView) -> tuple[str, list[dict[str, Any]]]:
    """``(fallback text, blocks)`` for the scope brief, rendered from the view's structured brief
    (:func:`bot.views.brief.brief_of`): a header, the headline, one mrkdwn section per part."""
    brief = brief_of(view)
    parts = [f"*{escape(brief.headline)}*"]
    for section in brief.sections:
        body = escape(section.text) if section.text else "\n".join(
            f"• {escape(b)}" for b in section.shown_bullets)
        parts.append(f"*{escape(section.heading)}*\n{body}")
    parts.append(f"_{escape(brief.footer)}_")
    blocks = [{"type": "header", "text": _plain(brief.title, HEADER_LIMIT)}, *_sections("\n\n".join(parts))]
    return escape(brief.title), blocks[:MAX_BLOCKS]


def text_blocks(text: str, buttons: Optional[list[dict[str, Any]]], conversation: str
                ) -> tuple[str, list[dict[str, Any]]]:
    """Any other reply (greeting, help, definitions): its text as mrkdwn, buttons if it has some."""
    mrkdwn = markdown_to_mrkdwn(text or "")
    blocks = _sections(mrkdwn)
    answers = _answer_buttons(buttons, conversation)
    if answers:
        blocks.append({"type": "actions", "block_id": "scopebot.answers", "elements": answers})
    return truncate(escape(text or ""), SECTION_LIMIT), blocks[:MAX_BLOCKS]


def render_message(message: dict[str, Any], conversation: str) -> Optional[tuple[str, list[dict[str, Any]]]]:
    """``(fallback text, blocks)`` for one bot message from Rasa, or None when it is empty."""
    custom = message.get("custom") if isinstance(message.get("custom"), dict) else {}
    kind = custom.get("type")
    if kind == "assessment":
        return assessment_blocks(AssessmentView.from_payload(custom), conversation)
    if kind == "brief" and isinstance(custom.get("view"), dict):
        return brief_blocks(AssessmentView.from_payload(custom["view"]))
    if message.get("text") or message.get("buttons"):
        return text_blocks(message.get("text") or "", message.get("buttons"), conversation)
    return None


def request_blocks(user_id: str, description: str) -> tuple[str, list[dict[str, Any]]]:
    """The channel message that opens a `/scope` thread: who asked, and what they wrote."""
    quoted = "\n".join("&gt; " + line for line in escape(truncate(description, 2800)).splitlines() or [""])
    text = f"<@{escape(user_id)}> asked me to scope this:\n{quoted}"
    blocks = [_section(text), _context("I answer in the thread. Reply there and mention me to add details.")]
    return f"Scoping request from <@{escape(user_id)}>", blocks


def answered_blocks(blocks: list[dict[str, Any]], user_id: str, choice: str) -> list[dict[str, Any]]:
    """A clicked message's blocks without any buttons, saying what was chosen and by whom."""
    kept = [b for b in blocks or [] if b.get("type") != "actions"]
    kept.append(_context(f":white_check_mark: <@{escape(user_id)}> answered *{escape(choice)}*"))
    return kept[:MAX_BLOCKS]


def home_view() -> dict[str, Any]:
    """The App Home tab: what scopebot does and the three ways to talk to it."""
    return {"type": "home", "blocks": [
        {"type": "header", "text": _plain("scopebot: scope your support operation", HEADER_LIMIT)},
        _section("Call center, contact center, CX BPO or BPO? Describe how customers reach you and what "
                 "you want handed over; I recommend the model, say why, flag a wrong label and ask what "
                 "could change the answer."),
        {"type": "divider"},
        _section("*Direct message* me in the Messages tab: the whole DM is one conversation.\n"
                 "*Mention me* in a channel: I answer in the thread; mention me again in that thread to "
                 "add details.\n"
                 "*`/scope <description>`* posts the assessment in the channel, in a thread; "
                 "*`/scope -p <description>`* shows it only to you."),
        _section("Click an answer under a question to reply, *Scope brief* for the full write-up, "
                 "say _start over_ to reset."),
        _context("Example: _We need a call center for chat and email, about 8k tickets a month._"),
    ]}
