"""Messaging channels that host scopebot outside the REST API (Slack).

Only ``channels.slack`` imports Rasa; the helpers next to it (mrkdwn, blocks, dedup,
routing) are plain Python so they can be unit-tested without a model or a server.
"""
