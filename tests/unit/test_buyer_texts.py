"""The blind buyer texts (heldout/buyer_texts.jsonl) are well formed: a quality floor reads them."""

from __future__ import annotations

from bot.runtime.realtext_eval import load_buyer_texts

LABELS = {"CALL_CENTER", "CONTACT_CENTER", "CX_BPO", "BPO", "UNDETERMINED"}
CHANNELS = {"voice", "email", "chat", "sms", "social", "messaging", "video"}


def test_every_buyer_text_has_a_known_label_and_channels():
    cases = load_buyer_texts()
    assert len(cases) == 150
    assert len({c["id"] for c in cases}) == len(cases)
    for c in cases:
        assert c["label"] in LABELS, c["id"]
        assert set(c["channels"]) <= CHANNELS, c["id"]
        assert c["text"].strip(), c["id"]


def test_the_labels_follow_the_channels_where_the_rules_say_so():
    """Rules 3 and 4 of the spec: a contact-center label needs a non-voice channel, a
    call-center label names no other channel."""
    for c in load_buyer_texts():
        if c["label"] == "CONTACT_CENTER":
            assert set(c["channels"]) - {"voice"}, c["id"]
        if c["label"] == "CALL_CENTER":
            assert set(c["channels"]) <= {"voice"}, c["id"]
