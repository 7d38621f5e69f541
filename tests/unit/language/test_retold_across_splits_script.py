"""scripts/retold_across_splits.py: a reworded retold story is still paired by a name it shares."""

from __future__ import annotations

import importlib.util

from bot.config.paths import PROJECT_ROOT
from bot.runtime.realtext import item_from_dict

_spec = importlib.util.spec_from_file_location("retold", PROJECT_ROOT / "scripts" / "retold_across_splits.py")
retold = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(retold)


def _item(item_id: str, url: str, text: str, title: str = "A page", split: str = "train"):
    return item_from_dict({"id": item_id, "url": url, "source_title": title, "source_kind": "press",
                           "text": text, "label": "UNDETERMINED"}, split)


POOL = [
    _item("P-1", "https://paper-one.example/a", "UPDESCO will staff the new helpline for the state from November."),
    _item("P-2", "https://paper-two.example/b", "The council in Leeds moved its switchboard to Leeds."),
    _item("P-3", "https://paper-three.example/c", "A firm in Leeds won the payroll contract and a new office opened."),
    _item("P-4", "https://paper-four.example/d", "Most callers leave a message; the office replies the same day."),
]


def _pairs(text: str, url: str = "https://new-site.example/x"):
    probe = [_item("N-1", url, text, split="batch")]
    return [(a.id, b.id, names) for a, b, names in retold.name_pairs(probe, POOL)]


def test_a_rare_name_pairs_a_reworded_retelling_with_the_one_text_that_has_it():
    # No four words in a row are shared, and the titles are too short for the title screen:
    # only the name ties the two.
    assert _pairs("The helpline run by UPDESCO opens for citizens' grievances next month.") == [
        ("N-1", "P-1", ["updesco"])]


def test_a_name_many_texts_share_is_a_place_not_a_story():
    assert _pairs("Leeds residents now wait less on the phone.") == []


def test_a_capitalised_common_word_is_not_a_name():
    # "Callers" and "Office" are written in lower case somewhere in the pool: common words.
    assert _pairs("Callers reach the Office after hours.") == []


def test_the_same_site_is_never_paired_with_itself():
    assert _pairs("UPDESCO answers calls.", url="https://paper-one.example/other") == []


def test_tokens_keep_inner_dots_and_drop_trailing_punctuation():
    words = ["Book", "on", "Recreation.gov", "COVID-19", "rules"]
    assert retold.tokens("Book on Recreation.gov. COVID-19 rules,") == words


def test_a_name_with_accents_is_one_word():
    assert retold.tokens("Gobierno de Aragón, Zaragoza.") == ["Gobierno", "de", "Aragón", "Zaragoza"]
