"""Which Rasa conversation a Slack message belongs to, and how `/scope` text is read.

Conversation (Rasa sender) ids:

- a direct message channel is one conversation: ``slack:<team>:<channel>``;
- in a channel every thread is one: ``slack:<team>:<channel>:<thread root ts>``;
- ``/scope -p`` in a channel is private to the user there: ``slack:<team>:<channel>:private:<user>``.
"""

from __future__ import annotations

import re
from typing import Optional

__all__ = ["conversation_id", "belongs_to", "is_direct_channel", "parse_scope_command"]

#: What, first in the `/scope` text, makes the answer visible only to the caller: ``-p``,
#: ``--private`` or ``private:``. A bare word "private" is not a flag ("private equity
#: firm..." is a description).
_PRIVATE = re.compile(r"^\s*(?:(?:-p|--private)(?=\s|$)|private\s*:)\s*", re.I)


def is_direct_channel(channel_id: Optional[str], channel_type: Optional[str] = None) -> bool:
    """A 1:1 direct message with the bot (``im``); channel ids of DMs start with D."""
    if channel_type:
        return channel_type == "im"
    return bool(channel_id) and channel_id.startswith("D")


def conversation_id(team: Optional[str], channel: str, thread_ts: Optional[str] = None,
                    private_user: Optional[str] = None) -> str:
    base = f"slack:{team or '-'}:{channel}"
    if private_user:
        return f"{base}:private:{private_user}"
    if thread_ts:
        return f"{base}:{thread_ts}"
    return base


def belongs_to(conversation: str, team: Optional[str], channel: Optional[str]) -> bool:
    """Whether ``conversation`` (from a button value) lives in this team and channel."""
    if not channel:
        return False
    base = f"slack:{team or '-'}:{channel}"
    return conversation == base or conversation.startswith(base + ":")


def parse_scope_command(text: Optional[str]) -> tuple[bool, str]:
    """``(private, description)`` from the text after `/scope`.

    ``/scope -p we take calls``, ``/scope --private ...`` and ``/scope private: ...`` answer
    only the caller (an ephemeral message); anything else is answered in the channel.
    """
    text = (text or "").strip()
    m = _PRIVATE.match(text)
    if m:
        return True, text[m.end():].strip()
    return False, text
