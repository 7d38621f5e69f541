"""The NLU side of scopebot: the Rasa graph components and model loading.

``spacy_pipeline`` builds the offline spaCy pipeline, ``signal_resolver`` is the Rasa
graph component that turns raw extractor output into canonical signals (its logic lives
in the Rasa-free ``bot.language.mentions``), ``batched_diet`` classifies a batch in one
network call, ``parse`` turns the results of a text's chunks into one parse (the model
itself is run by ``bot.rasa_ext.parser``), ``longtext`` parses long
text in pieces, ``mention_relevance`` is the learned reader's component and
``reader_training`` fits that reader (also beside the rest of a training, in a child
process). It may import Rasa, spaCy, ``bot.language``, ``bot.domain`` and ``bot.config``;
not ``bot.dialogue``, ``bot.views``, ``bot.rasa_ext``, the channels, the actions or the
runtime. The class paths in ``config.yml`` point here (``bot.nlu.*``): moving a component
means retraining.
"""
