"""Slack text in both directions: escaping, Markdown to mrkdwn, Slack tokens to plain words."""

from __future__ import annotations

import pytest

from bot.domain.assessment import assess
from bot.domain.signals import Signals
from bot.views.brief import render_brief
from bot.views.mrkdwn import escape, markdown_to_mrkdwn, slack_to_plain, truncate
from bot.views.view import build_view


def test_escape_neutralises_mentions_links_and_markup():
    assert escape("<!channel> a & b <script>") == "&lt;!channel&gt; a &amp; b &lt;script&gt;"
    assert escape("<http://evil|click>") == "&lt;http://evil|click&gt;"
    assert escape("plain") == "plain"


@pytest.mark.parametrize("markdown, mrkdwn", [
    ("**bold**", "*bold*"),
    ("__bold__", "*bold*"),
    ("*italic*", "_italic_"),
    ("_italic_", "_italic_"),
    ("~~gone~~", "~gone~"),
    ("# Scope brief: CX BPO", "*Scope brief: CX BPO*"),
    ("## **Why** it matters", "*Why it matters*"),
    ("- one\n- two", "• one\n• two"),
    ("see [the docs](https://example.com/a?b=1&c=2)", "see <https://example.com/a?b=1&amp;c=2|the docs>"),
    ("**Recommendation: BPO (high confidence)**", "*Recommendation: BPO (high confidence)*"),
    ("a & b < c > d", "a &amp; b &lt; c &gt; d"),
    ("`**not bold**` but **bold**", "`**not bold**` but *bold*"),
    ("2 * 3 * 4", "2 * 3 * 4"),
    ("```\n**x**\n```", "```\n**x**\n```"),
])
def test_markdown_to_mrkdwn(markdown, mrkdwn):
    assert markdown_to_mrkdwn(markdown) == mrkdwn


def test_the_brief_converts_cleanly():
    md = render_brief(build_view(assess(Signals(channels=frozenset({"voice", "chat"}),
                                                goals=frozenset({"quality_assurance"})))))
    out = markdown_to_mrkdwn(md)
    assert out.startswith("*Scope brief: CX BPO*")
    assert "**" not in out and "\n## " not in out and "\n- " not in out
    assert "*KPIs to track*" in out and "• NPS" in out


def test_slack_text_to_plain():
    text = ("<@UBOT> hi <@U123|ann> see <https://a.example/x|this> &lt;b&gt; &amp; <!channel> "
            "<!subteam^S1|team> <#C1|ops>")
    assert slack_to_plain(text, "UBOT") == "hi @ann see this <b> & @channel @team #ops"
    assert slack_to_plain("<script>alert(1)</script>") == "<script>alert(1)</script>"  # not a Slack token
    assert slack_to_plain("<@UBOT>", "UBOT") == ""
    assert slack_to_plain(None) == ""


def test_truncate():
    assert truncate("abc", 3) == "abc"
    assert truncate("abcdef", 4) == "abc…"
