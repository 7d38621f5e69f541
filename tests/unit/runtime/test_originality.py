"""Originality checks: a copied stretch, and a sentence re-synonymed in its source's order."""

from __future__ import annotations

import pytest

from bot.runtime.originality import MAX_ORDER, check, check_all, longest_shared_run, order_overlap

SOURCE = ("His crew was booked solid. Every call was urgent. Known for doing good work and "
          "showing up on time, he could not answer the phone while on a job.")


def test_longest_shared_run_finds_the_copied_stretch():
    text = "Busy season: known for doing good work and showing up on time, the firm grew."
    assert longest_shared_run(text, SOURCE) == "known for doing good work and showing up on time".split()
    assert longest_shared_run("nothing alike here", SOURCE) == []


def test_a_sentence_with_words_swapped_keeps_its_order():
    resynonymed = "Known for good work and for turning up on time, he could not pick up the phone during a job."
    rebuilt = "Customers rang all day, yet with a job under way he had no hand free for the phone."
    (swapped, _), = order_overlap(resynonymed, SOURCE)
    (own, _), = order_overlap(rebuilt, SOURCE)
    assert swapped >= MAX_ORDER > own


def test_two_short_source_sentences_joined_are_still_caught():
    (ratio, _), = order_overlap("The crew was booked solid and every single call was urgent.", SOURCE)
    assert ratio >= MAX_ORDER


def test_check_flags_either_failure_and_passes_own_words():
    assert check("x", SOURCE, SOURCE).flagged
    own = check("x", "Bookings filled the calendar and no caller could be made to wait for a reply.", SOURCE)
    assert not own.flagged and own.run == [] and own.sentences == []
    short = check("x", "Every call was urgent.", SOURCE)  # a fragment: only the run measure applies
    assert short.sentences == [] and not short.flagged


def test_check_all_refuses_a_reference_for_no_known_item():
    with pytest.raises(ValueError, match="no corpus item"):
        check_all({"A-1": "text"}, [{"id": "B-2", "text": "x"}])
