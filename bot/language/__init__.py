"""Reading text: surface forms (lexicon), word senses, mentions (negation, plans, volumes), hygiene.

Rasa-free, so it is unit-tested without a model. It may import ``bot.domain`` (the
vocabulary it maps words onto) and ``bot.config`` (the text limits); never the dialogue,
views, NLU components, channels or runtime.
"""
