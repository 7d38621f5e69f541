"""A per-user message rate in Slack: someone (or a script) flooding the bot hears it once, politely.

Slack has already been answered (the event is acknowledged) when a message reaches the
conversation, so there is no 429 to give; instead the first message over the limit gets a
short reply saying how long to wait, and further ones in the same stretch are dropped
quietly, so the bot never answers a flood with a flood of its own.
"""

from __future__ import annotations

from typing import Optional

from channels.ratelimit import Buckets, RateLimits, Rule

SLOW_DOWN = ("You're sending messages faster than I can answer them. Please wait about {seconds} s, "
             "then send your message again.")


class SlackPace:
    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        rule = limits.buckets["slack_user"].rule if "slack_user" in limits.buckets else None
        # one notice per user per limit window
        self._told = Buckets(Rule(1, rule.seconds)) if rule else None

    def refusal(self, team: Optional[str], user: Optional[str]) -> Optional[str]:
        """None: go ahead. Otherwise the message is dropped, and the text (when not empty) is
        the reply to post about it."""
        if not user or self._told is None:
            return None
        key = f"{team or '-'}:{user}"
        wait = self.limits.check(slack_user=key)
        if wait is None:
            return None
        return SLOW_DOWN.format(seconds=wait) if self._told.take(key) == 0 else ""
