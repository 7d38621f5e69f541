"""The channels the Rasa server opens: REST, the web widget, Slack, and their helpers.

``rest``, ``web`` and ``slack`` are Rasa input channels (they import Rasa and Sanic); the
helpers beside them (``webchat``, ``routing``, ``dedup``, ``delivery``, ``guard``,
``identity``, ``ratelimit``, ``slack_pace``, ``commands``, ``bolt_glue``) carry no
business logic. A channel may import the views (``bot.views``: Block Kit and text come
from there), the domain, ``bot.config`` and ``bot.rasa_ext`` (the store-failure hooks);
never ``bot.language``, ``bot.dialogue``, ``bot.nlu``, the actions or the runtime.
"""
