"""Everything that reaches into Rasa's internals, in one place.

Monkey patches of Rasa 3.6 (``speedups``, ``offload``, ``storage_faults``, ``action_faults``), the
tracker and lock stores that subclass Rasa's, and ``parser``, which runs a model's NLU
graph in-process for batch use. Those patches are installed by the server entry point
(``bot.runtime.rasa_server``); the training patches (``fingerprints``, ``training_batches``)
by the training entry point (``rasa_cli``). Every patch checks the installed Rasa version
first (:mod:`bot.rasa_ext.guard`) and can be undone. It may import Rasa, ``bot.nlu`` (the long
text parsing that ``offload`` runs) and ``bot.config``; not the domain, language, dialogue
or views directly, and never the channels, actions or runtime.
"""
