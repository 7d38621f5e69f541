"""scopebot: tells buyers of support outsourcing which operating model they are scoping.

One message travels channel -> Rasa (``bot.nlu``) -> actions -> domain -> views -> channel,
and the packages below follow that path; each layer imports only the layers under it
(``tests/unit/test_architecture.py`` checks this, string references included):

- ``bot.domain``: the rules of the business (signals, rulebook, questions, assessment);
  imports nothing of ours outside itself, no Rasa and no I/O library.
- ``bot.config``: where things live, settings from the environment, known library warnings.
- ``bot.language``: reading text (lexicon, senses, mentions, text hygiene); domain and config.
- ``bot.dialogue``: the multi-turn conversation; domain and language.
- ``bot.views``: the assessment view and its renderers (text, card, Block Kit, brief).
- ``bot.nlu``: the Rasa graph components and model loading.
- ``bot.rasa_ext``: everything that reaches into Rasa's internals, behind one version check.
- ``channels``, ``actions``: the Rasa channels and the thin custom actions (top-level packages).
- ``bot.runtime``: the command line, processes, profiles, evaluations; may import everything.

See docs/architecture.md for the picture.
"""

__version__ = "0.1.0"
