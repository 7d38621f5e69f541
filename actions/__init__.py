"""Rasa custom actions: thin glue between the tracker and ``bot`` (no business logic here)."""
