"""scopebot: tells buyers of support outsourcing which operating model they are scoping.

The business logic (signals, rulebook, assessment, follow-up questions, brief) lives in
this package as plain Python. Only ``bot.nlu`` talks to Rasa; every channel (CLI,
custom actions, Slack, web widget) calls the same :func:`bot.assessment.assess`.
"""

__version__ = "0.1.0"
