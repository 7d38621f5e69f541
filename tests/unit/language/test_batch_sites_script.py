"""scripts/batch_sites.py: a batch's hosts are new, used once, and no sister of a corpus site."""

from __future__ import annotations

import importlib.util

from bot.config.paths import PROJECT_ROOT

_spec = importlib.util.spec_from_file_location("batch_sites", PROJECT_ROOT / "scripts" / "batch_sites.py")
batch_sites = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(batch_sites)

USED = {"learn4good.com", "news.utk.edu", "investnorthmacedonia.gov.mk", "kent.gov.uk", "blogspot.com"}


def _kinds(batch, others=()):
    return [(item_id, kind) for item_id, kind, _ in batch_sites.findings(batch, USED, others)]


def test_registered_domain_keeps_the_name_under_a_two_label_ending():
    assert batch_sites.registered_domain("democracy.kent.gov.uk") == "kent.gov.uk"
    assert batch_sites.registered_domain("news.utk.edu") == "utk.edu"
    assert batch_sites.registered_domain("a.b.example.co.za") == "example.co.za"


def test_a_used_host_is_refused_whatever_its_port_or_www():
    assert _kinds([("X-01", "https://www.learn4good.com:8080/jobs/1")]) == [("X-01", "used")]


def test_another_subdomain_of_a_corpus_organisation_is_a_sister():
    assert _kinds([("X-01", "https://www.utk.edu/telefund")]) == [("X-01", "sister")]
    assert _kinds([("X-02", "https://democracy.kent.gov.uk/x")]) == [("X-02", "sister")]


def test_the_same_name_under_another_ending_is_flagged_for_a_person():
    assert _kinds([("X-01", "https://learn4good.academy/post")]) == [("X-01", "same name")]


def test_a_new_organisation_raises_nothing():
    assert _kinds([("X-01", "https://www.tukwilawa.gov/rfp"), ("X-02", "https://example.org/a")]) == []


def test_a_host_twice_in_the_batch_or_in_another_batch_is_flagged():
    batch = [("X-01", "https://example.org/a"), ("X-02", "https://www.example.org/b")]
    assert _kinds(batch) == [("X-02", "twice")]
    assert _kinds([("X-01", "https://example.org/a")], [("Y-07", "https://example.org/c")]) == [("X-01", "twice")]
