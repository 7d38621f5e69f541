"""The messages that channel buttons send to the bot on the visitor's behalf.

The brief and start-over buttons of the web widget and of Slack are not typed words: they
send a Rasa intent directly. Those payloads are spelled here once, so a renamed intent
changes every channel together.
"""

from __future__ import annotations

#: Rasa's ``/intent`` syntax: skip NLU and ask for the Markdown brief (``ask_brief`` in domain.yml).
BRIEF_PAYLOAD = "/ask_brief"
#: Rasa's built-in restart: the conversation starts from nothing.
RESTART_PAYLOAD = "/restart"
