"""Back-office work named by a verb and its object (bot/language/work_phrases.py, spec 3a.1).

Sentences written for the purpose: each pair in one sense and the other, on the language layer
alone (lexicon matcher, pairs, sense checks, resolver, rulebook; no model).
"""

from __future__ import annotations

import time

import pytest

from bot.language.lexicon import load_lexicon
from bot.language.mentions import _tokens, resolve
from bot.language.work_phrases import find_work_phrases, load_work_phrases, parse_work_phrases
from tests.unit.language.reading import record


def processes(text: str) -> dict[str, str]:
    """Each resolved process value with its words, for mentions in scope (no role)."""
    return {m.value: m.text for m in resolve(text, [], load_lexicon()) if m.entity == "process" and m.role is None}


def verdict(text: str) -> str:
    return record(text)["recommendation"]


@pytest.mark.parametrize("text,process,words", [
    ("The partner will post the payments every morning", "finance_accounting", "post the payments"),
    ("Apply receipts to patient accounts within a day", "finance_accounting", "Apply receipts"),
    ("They print and mail the monthly bills to every household", "finance_accounting", "mail the monthly bills"),
    ("An outside firm is processing visa applications for the ministry", "document_processing",
     "processing visa applications"),
    ("Our 3PL picks and packs up every order the same day", "order_processing", "packs up every order"),
])
def test_a_verb_and_its_object_name_the_work(text: str, process: str, words: str) -> None:
    found = processes(text)
    assert process in found
    assert found[process].startswith(words)


@pytest.mark.parametrize("text,process", [
    ("Customers phone us about their payments and their orders", "finance_accounting"),
    ("The process for orders over the phone is slow", "order_processing"),
    ("Callers ask when their application will be processed", "document_processing"),
    ("We process. Orders arrive by phone all day", "order_processing"),
    ("pack one two three four orders", "order_processing"),  # more words than the gap allows
    ("We prefer photos attached to the email to scanned documents", "document_processing"),  # a participle
    ("Packed orders wait at the dock for the courier", "order_processing"),
])
def test_no_pair_across_another_phrase_or_beyond_the_gap(text: str, process: str) -> None:
    assert process not in processes(text)


@pytest.mark.parametrize("text", [
    "Refunds are processed and applications go to the council",
    "Invoices printed, bills mailed",
])
def test_a_participle_does_not_reach_past_a_phrase_break(text: str) -> None:
    # the participle never pairs with the next word, and the words after it still end the phrase:
    # "processed and applications" are two clauses, not one verb and its object
    assert find_work_phrases(text, _tokens(text)) == []


def test_the_pair_decides_like_any_back_office_process() -> None:
    # the topic alone is contact work; the queue of work handed over is BPO (spec 3a.1, rule 1)
    assert verdict("Our patients phone the billing office about their payments") == "CALL_CENTER"
    assert verdict("We want a partner to answer patient calls and post the payments") == "BPO"


def test_a_withdrawn_pair_is_excluded() -> None:
    mentions = resolve("We don't need a vendor to pack the orders", [], load_lexicon())
    roles = {m.role for m in mentions if m.value == "order_processing"}
    assert roles == {"excluded"}


def test_the_data_is_checked_at_load() -> None:
    good = {"gap": 2, "phrases": [{"id": "x", "process": "order_processing", "principle": "3a.1",
                                   "verbs": ["pack"], "objects": ["orders"]}]}
    assert parse_work_phrases(good).phrases[0].process == "order_processing"
    for broken in (
        {**good, "gap": 9},
        {**good, "phrases": [{**good["phrases"][0], "process": "inbound_support"}]},  # contact work
        {**good, "phrases": [{**good["phrases"][0], "verbs": ["Pack"]}]},
        {**good, "phrases": [{**good["phrases"][0], "objects": ["orders", "orders"]}]},
        {**good, "phrases": [{**good["phrases"][0], "principle": ""}]},
        {**good, "phrases": [good["phrases"][0], good["phrases"][0]]},
    ):
        with pytest.raises(ValueError):
            parse_work_phrases(broken)
    assert load_work_phrases().phrases, "the shipped data loads"


def test_a_long_run_of_verbs_is_read_in_linear_time() -> None:
    # every token a verb and no object: the look-ahead is fixed, so this stays fast (no input may
    # stall other users); the bound is a liveness check, not a benchmark
    text = "process the " * 50_000
    started = time.monotonic()
    assert find_work_phrases(text, _tokens(text)) == []
    assert time.monotonic() - started < 5
