"""The domain: the four operating models, signals, the rulebook, follow-up questions, ``assess()``.

Plain Python over data catalogues (``*.yml`` here, validated at load). It may import only
``bot.domain`` itself: no Rasa, no spaCy, no I/O library (sockets, databases, HTTP, Slack),
and it names no channel, neither by import nor by string. Reading its own catalogues with
PyYAML is its only contact with the outside world. Everything else builds on it.
"""
