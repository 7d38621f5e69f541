"""Text in and out of Slack: escaping, Markdown -> mrkdwn, Slack-encoded input -> plain text.

Slack's rules (https://api.slack.com/reference/surfaces/formatting): in text we send,
``&``, ``<`` and ``>`` must be escaped as ``&amp;``, ``&lt;``, ``&gt;``, otherwise ``<!channel>``
would ping a whole channel and ``<http://x|y>`` would render as a link. Text Slack sends us is
encoded the same way, with mentions and links as ``<@U123>``, ``<!here>``, ``<http://x|y>``.
"""

from __future__ import annotations

import re

__all__ = ["escape", "markdown_to_mrkdwn", "slack_to_plain", "truncate"]

# Every pattern here runs in linear time: what a delimited span may contain excludes the
# delimiter itself, so a span that never closes stops at the next delimiter instead of
# re-scanning the rest of the line from every opener (tests/unit/test_regex_linear.py).
_BOLD = re.compile(r"\*\*(?=\S)((?:[^*\n]|\*(?!\*))+?)(?<=\S)\*\*|__(?=\S)((?:[^_\n]|_(?!_))+?)(?<=\S)__")
_ITALIC_STAR = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![*\w])")
_STRIKE = re.compile(r"~~(?=\S)((?:[^~\n]|~(?!~))+?)(?<=\S)~~")
#: The title is the rest of the line; its closing ``#``s are stripped in code, because a
#: lazy title followed by optional blanks and hashes backtracks on long runs of them.
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+)$")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^)\[\s]+)\)")
_BULLET = re.compile(r"^(\s*)[-*+]\s+")
_BACKTICKS = re.compile(r"`+")

# Slack's own tokens in incoming text: user, channel, special mention, link (with label).
# Slack sends a literal "<" as "&lt;", so no token contains one.
_TOKEN = re.compile(
    r"<(?P<kind>[@#!])(?P<id>[A-Za-z0-9^_.-]+)(?:\|(?P<label>[^<>\n]*))?>"
    r"|<(?P<url>(?:https?|mailto|tel):[^|<>\s]+)(?:\|(?P<text>[^<>\n]*))?>"
)


def escape(text: str) -> str:
    """Make ``text`` show literally in Slack (no mentions, no links, no markup injection)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when it was cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


def slack_to_plain(text: str, bot_user_id: str | None = None) -> str:
    """Incoming Slack text as the user meant it: mentions of the bot removed, other tokens
    made readable (``<!channel>`` -> ``@channel``, ``<http://x|y>`` -> ``y``), entities decoded."""

    def token(m: re.Match) -> str:
        if m.group("url"):
            return m.group("text") or m.group("url")
        kind, ident, label = m.group("kind"), m.group("id"), m.group("label")
        if kind == "@":
            if bot_user_id and ident == bot_user_id:
                return ""
            return "@" + (label or ident)
        if kind == "#":
            return "#" + (label or ident)
        return "@" + (label or ident.split("^")[0])  # !channel, !here, !subteam^S1|name

    plain = _TOKEN.sub(token, text or "")
    return re.sub(r"[ \t]{2,}", " ", unescape(plain)).strip()


def _code_spans(line: str) -> list[tuple[int, int]]:
    """Where the code spans of ``line`` are: a run of backticks up to the next run of the
    same length (as in CommonMark). One pass over the runs, so linear in the line."""
    runs = [m.span() for m in _BACKTICKS.finditer(line)]
    closer: list[int | None] = [None] * len(runs)
    later: dict[int, int] = {}
    for i in range(len(runs) - 1, -1, -1):
        size = runs[i][1] - runs[i][0]
        closer[i], later[size] = later.get(size), i
    spans, i = [], 0
    while i < len(runs):
        j = closer[i]
        if j is None:
            i += 1
            continue
        spans.append((runs[i][0], runs[j][1]))
        i = j + 1
    return spans


def _heading_title(raw: str) -> str:
    """A heading's text without its closing blanks and ``#``s (at least one character)."""
    title = raw.rstrip().rstrip("#").rstrip()
    return title or raw[:1]


def _inline(line: str) -> str:
    """Inline Markdown of one already-escaped line -> mrkdwn (code spans left alone)."""
    parts = []
    last = 0
    for start, end in _code_spans(line):
        parts.append(_inline_text(line[last:start]))
        parts.append(line[start:end])
        last = end
    parts.append(_inline_text(line[last:]))
    return "".join(parts)


def _inline_text(text: str) -> str:
    text = _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", text)
    bold: list[str] = []

    def hold_bold(m: re.Match) -> str:
        bold.append(m.group(1) or m.group(2))
        return f"\x00{len(bold) - 1}\x00"

    text = _BOLD.sub(hold_bold, text)
    text = _ITALIC_STAR.sub(r"_\1_", text)
    text = _STRIKE.sub(r"~\1~", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: f"*{bold[int(m.group(1))]}*", text)


def markdown_to_mrkdwn(markdown: str, escaped: bool = False) -> str:
    """The Markdown we write (briefs, bot replies) as Slack mrkdwn.

    Headings become bold lines, ``**bold**`` -> ``*bold*``, ``*it*`` -> ``_it_``,
    ``[text](url)`` -> ``<url|text>``, ``- item`` -> ``• item``; fenced code is kept.
    The text is escaped first unless ``escaped`` says it already is.
    """
    out = []
    fenced = False
    for raw in (markdown or "").splitlines():
        line = raw if escaped else escape(raw)
        if line.strip().startswith("```"):
            fenced = not fenced
            out.append(line)
            continue
        if fenced:
            out.append(line)
            continue
        heading = _HEADING.match(line)
        if heading:
            title = _BOLD.sub(lambda m: m.group(1) or m.group(2), _heading_title(heading.group(1))).strip("* ")
            out.append(f"*{_inline(title)}*")
            continue
        bullet = _BULLET.match(line)
        if bullet:
            line = f"{bullet.group(1)}• {line[bullet.end():]}"
        out.append(_inline(line))
    return "\n".join(out)
