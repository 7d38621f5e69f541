"""The assessment view (the one structured answer) and one renderer per form of it.

``view`` builds the answer from an assessment and a conversation; ``render`` (plain
text), ``card`` (the web widget), ``blocks`` + ``mrkdwn`` (Slack Block Kit), ``brief``
(Markdown) and ``replies`` render it. No renderer parses another's output. It may import
``bot.domain`` and ``bot.dialogue``; not ``bot.language``, ``bot.config``, ``bot.nlu``,
``bot.rasa_ext``, the channels, the actions or the runtime, and no Rasa.
"""
