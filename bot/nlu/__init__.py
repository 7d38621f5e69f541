"""The NLU side of scopebot: the only part of ``bot`` that knows about spaCy and Rasa.

``spacy_pipeline`` builds the offline spaCy pipeline, ``signal_resolver`` is the Rasa
graph component that turns raw extractor output into canonical signals (its logic lives
in the Rasa-free ``bot.mentions``), ``parser`` loads a trained model for batch use.
"""
