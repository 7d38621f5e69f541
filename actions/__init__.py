"""Rasa custom actions: thin glue between the tracker and ``bot`` (no business logic here).

They may import ``bot.domain``, ``bot.dialogue``, ``bot.language`` (the resolver's name),
``bot.views`` and ``bot.config``; never the channels, ``bot.nlu``, ``bot.rasa_ext`` or the
runtime. Only the runtime names them (``python -m actions.server``).
"""
