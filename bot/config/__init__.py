"""Process configuration: where things live, settings from the environment, known warnings.

Leaf modules that every layer above the domain may use (limits, Slack settings, the
project root, which library warnings are expected). It imports nothing of ours but
``bot.config`` and no Rasa; the domain does not import it (the domain reads no environment).
"""
