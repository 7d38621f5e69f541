"""Which conversation a Slack message belongs to, and how `/scope` text is read."""

from __future__ import annotations

import pytest

from channels.routing import belongs_to, conversation_id, is_direct_channel, parse_scope_command


def test_conversation_ids():
    assert conversation_id("T1", "D1") == "slack:T1:D1"
    assert conversation_id("T1", "C1", thread_ts="1700.1") == "slack:T1:C1:1700.1"
    assert conversation_id("T1", "C1", thread_ts="1700.1", private_user="U1") == "slack:T1:C1:private:U1"
    assert conversation_id(None, "D1") == "slack:-:D1"


def test_belongs_to_checks_team_and_channel():
    assert belongs_to("slack:T1:C1:1700.1", "T1", "C1")
    assert belongs_to("slack:T1:D1", "T1", "D1")
    assert not belongs_to("slack:T1:C10:1700.1", "T1", "C1")
    assert not belongs_to("slack:T2:C1", "T1", "C1")
    assert not belongs_to("slack:T1:C1", "T1", None)


def test_direct_channels():
    assert is_direct_channel("D123") and not is_direct_channel("C123")
    assert is_direct_channel("C123", "im") and not is_direct_channel("D123", "channel")


@pytest.mark.parametrize("text, expected", [
    ("we take calls", (False, "we take calls")),
    ("-p we take calls", (True, "we take calls")),
    ("--private we take calls", (True, "we take calls")),
    ("private: we take calls", (True, "we take calls")),
    ("PRIVATE:we take calls", (True, "we take calls")),
    ("-p", (True, "")),
    ("private equity firm needs a call center", (False, "private equity firm needs a call center")),
    ("-phone only", (False, "-phone only")),
    ("", (False, "")),
    (None, (False, "")),
])
def test_scope_command_privacy_flag(text, expected):
    assert parse_scope_command(text) == expected
