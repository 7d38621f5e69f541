"""scripts/batch_sites.py: a batch's hosts are new, used once, and no sister of a corpus site."""

from __future__ import annotations

import importlib.util
import json

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


def test_a_file_that_is_not_json_lines_gets_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "batch.jsonl"
    bad.write_text('{"id": "X-01", "url": "https://example.org/a"}\nnot json\n', encoding="utf-8")
    assert batch_sites.main([str(bad)]) == 2
    assert "batch.jsonl:2: invalid JSON" in capsys.readouterr().err
    assert batch_sites.main([str(tmp_path / "missing.jsonl")]) == 2


def test_a_clean_batch_exits_zero_and_a_used_host_exits_one(tmp_path, capsys):
    new = tmp_path / "new.jsonl"
    new.write_text('{"id": "X-01", "url": "https://a-site-no-corpus-uses.example/x"}\n', encoding="utf-8")
    assert batch_sites.main([str(new)]) == 0
    used_url = batch_sites.load()[0].url
    used = tmp_path / "used.jsonl"
    used.write_text(json.dumps({"id": "X-02", "url": used_url}) + "\n", encoding="utf-8")
    assert batch_sites.main([str(used)]) == 1
    assert "X-02: used:" in capsys.readouterr().out


def test_an_address_without_a_host_is_an_error_of_its_own():
    assert _kinds([("X-01", "not a url")]) == [("X-01", "no host")]
    assert "no host" in batch_sites.ERRORS
