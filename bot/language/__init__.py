"""Reading text: surface forms (lexicon), word senses, cue words, mentions (negation, plans, volumes), hygiene.

The word lists are data (``lexicon.yml``, ``senses.yml``, ``cues.yml``), each validated at load.

Rasa-free, so it is unit-tested without a model. It may import ``bot.domain`` (the
vocabulary it maps words onto) and ``bot.config`` (the text limits); never the dialogue,
views, NLU components, Rasa extensions, channels, actions or runtime.
"""
