"""The conversation: what is known so far, short answers to the last question, new sessions.

It sits between the domain and the views because reading a short answer ("both",
"about 10k a month") needs the language layer. It may import ``bot.domain`` and
``bot.language``; not ``bot.config`` (it reads no environment), no view, no channel, no
Rasa.
"""
