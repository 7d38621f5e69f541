"""The real-text corpus: well-formed, split by source, test split frozen, never trained on."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from bot.runtime.datasync import REALTEXT_PATH, realtext_yaml
from bot.runtime.realtext import (
    MODELS,
    Item,
    Scores,
    check_corpus,
    item_from_dict,
    load,
    lock_digest,
    problems,
    read_lock,
    revise_test_texts,
    source_key,
    split_of,
)
from bot.runtime.realtext_training import examples


def test_corpus_has_no_problems_and_the_frozen_test_split_is_intact():
    assert check_corpus() == []


def test_corpus_size_and_spread():
    items = load()
    labels = Counter(it.label for it in items)
    assert len(items) >= 300
    assert len({it.url for it in items}) >= 150
    assert all(labels[m] >= 40 for m in MODELS[:4]), labels
    assert labels["UNDETERMINED"] >= 20, labels


def test_no_source_is_in_two_splits():
    seen: dict[str, str] = {}
    for it in load():
        assert seen.setdefault(it.source, it.split) == it.split, it.id


def test_source_groups_are_sites():
    assert source_key("https://www.Example.org/rfp/1?x=2") == "example.org"
    assert split_of("example.org") == split_of("example.org")


def test_a_port_or_the_roots_dot_is_the_same_site():
    # A port in the key once put one council's two pages about one procurement in train and test.
    assert source_key("https://democracy.kent.gov.uk:9071/mgIssue.aspx") == "democracy.kent.gov.uk"
    assert source_key("https://user@www.lawinsider.com:443/x") == "lawinsider.com"
    assert source_key("https://issuu.com./someone/docs/x") == "issuu.com"
    assert split_of("democracy.kent.gov.uk") == "test"  # pinned where its frozen item is


def test_generated_training_data_holds_no_test_sentence():
    train_text = REALTEXT_PATH.read_text(encoding="utf-8")
    assert train_text == realtext_yaml(), "run `scopebot sync-data`"
    trained = {line[len("    - "):] for line in train_text.splitlines() if line.startswith("    - ")}
    # Sentences longer than a heading ("What we did") must never come from the test split.
    leaked = [s for it in load(["test"]) for s in examples([it]) if s in trained and len(s) > 40]
    assert leaked == []


def test_problems_are_reported_per_record():
    raw = json.loads(next(iter((load.__globals__["CORPUS_DIR"] / "train.jsonl").open(encoding="utf-8"))))
    assert problems(raw) == []
    broken = dict(raw, label="CALL CENTRE", evidence=[{"signal": "channel:voice", "text": "not in the text at all"}])
    found = problems(broken)
    assert any("unknown label" in p for p in found)
    assert any("not in the text" in p for p in found)


def test_a_gold_label_must_follow_from_the_gold_signals():
    raw = json.loads(next(iter((load.__globals__["CORPUS_DIR"] / "train.jsonl").open(encoding="utf-8"))))
    assert raw["label"] == "CALL_CENTER" and raw["channels"] == ["voice"]
    mislabelled = dict(raw, label="CONTACT_CENTER")
    assert problems(mislabelled) == [
        "label CONTACT_CENTER but the spec's rules on the gold signals give CALL_CENTER"]


def _copy_corpus(tmp_path):
    for name in ("train.jsonl", "dev.jsonl", "test.jsonl", "test.lock"):
        (tmp_path / name).write_text(
            (load.__globals__["CORPUS_DIR"] / name).read_text(encoding="utf-8"), encoding="utf-8")
    assert check_corpus(tmp_path) == []


def _edit_first_test_item(tmp_path, **changes):
    lines = (tmp_path / "test.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first.update(changes)
    lines[0] = json.dumps(first)
    (tmp_path / "test.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return first


def test_every_frozen_item_pins_its_gold_separately():
    assert all(entry.gold for entry in read_lock().values())


def test_a_changed_frozen_label_is_caught_and_cannot_be_revised_away(tmp_path):
    _copy_corpus(tmp_path)
    first = json.loads((tmp_path / "test.jsonl").read_text(encoding="utf-8").splitlines()[0])
    _edit_first_test_item(tmp_path, label="BPO" if first["label"] != "BPO" else "CALL_CENTER")
    assert any("gold labels of frozen item" in p for p in check_corpus(tmp_path))
    with pytest.raises(ValueError, match="gold labels differ"):
        revise_test_texts("try to move a label", tmp_path)


def test_a_reworded_frozen_text_is_caught_until_its_revision_is_recorded(tmp_path):
    _copy_corpus(tmp_path)
    before = lock_digest(tmp_path / "test.lock")
    first = json.loads((tmp_path / "test.jsonl").read_text(encoding="utf-8").splitlines()[0])
    _edit_first_test_item(tmp_path, text=first["text"] + " ")
    assert any("was changed" in p for p in check_corpus(tmp_path))
    with pytest.raises(ValueError, match="reason"):
        revise_test_texts("  ", tmp_path)
    assert revise_test_texts("originality pass", tmp_path, today="2026-12-04") == 1
    assert check_corpus(tmp_path) == []
    lock_text = (tmp_path / "test.lock").read_text(encoding="utf-8")
    assert f"# revision 2026-12-04: 1 texts reworded, gold unchanged; originality pass " \
           f"(previous lock digest {before})" in lock_text
    assert lock_digest(tmp_path / "test.lock") != before
    assert revise_test_texts("nothing changed", tmp_path) == 0


def test_training_examples_annotate_gold_mentions_only():
    item = item_from_dict({
        "id": "x", "url": "https://example.org/a", "source_title": "t", "source_kind": "forum",
        "text": "We sell concert tickets. Fans call the hotline about tickets and refunds.",
        "label": "CALL_CENTER", "channels": ["voice"], "processes": ["inbound_support"], "goals": [],
        "evidence": [{"signal": "channel:voice", "text": "hotline"}], "borderline": False, "rationale": "r",
    }, "train")
    out = examples([item])
    assert out[0] == "We sell concert tickets."  # incidental "tickets" stays plain text
    assert "[call](channel)" in out[1] and "[hotline](channel)" in out[1] and "[tickets]" not in out[1]


def test_an_evidence_quote_ending_inside_a_word_is_annotated_on_whole_words():
    """A quote "answering service" inside "answering services" must not end an entity mid-token."""
    item = item_from_dict({
        "id": "x", "url": "https://example.org/a", "source_title": "t", "source_kind": "rfp",
        "text": "Vendor shall provide answering services from its own facility.",
        "label": "CALL_CENTER", "channels": [], "processes": [], "goals": [], "label_requested": "CALL_CENTER",
        "evidence": [{"signal": "label_requested:CALL_CENTER", "text": "answering service"}],
        "borderline": False, "rationale": "r",
    }, "train")
    out = examples([item])
    assert "[answering services](model)" in out[0], out
    assert "](model)s" not in out[0]


def _forum_item(text: str, evidence: list, **gold) -> Item:
    fields = {"channels": [], "processes": [], "goals": [], **gold}
    return item_from_dict({"id": "x", "url": "https://example.org/a", "source_title": "t",
                           "source_kind": "forum", "text": text, "label": "UNDETERMINED",
                           "evidence": evidence, "borderline": False, "rationale": "r", **fields}, "train")


def test_training_annotations_start_and_end_on_the_tokens_rasa_sees():
    """Rasa warns about an annotation that does not match its tokens and tags every token it
    touches (a neighbouring word, a whole address): no annotation may
    sit inside an e-mail or web address, behind a glued list dash, or after a capital dotted I,
    which Rasa's lowercasing turns into two characters."""
    address = _forum_item("Afterwards one caller emailed support@fb.example about it.",
                          [{"signal": "channel:voice", "text": "caller"},
                           {"signal": "process:inbound_support", "text": "support"}],
                          channels=["voice"], processes=["inbound_support"])
    out = examples([address])
    assert "[caller](channel)" in out[0] and "support@fb" in out[0] and "[support]" not in out[0], out
    glued = _forum_item("Our bookkeeper does:\n-timesheets for the whole team",
                        [{"signal": "process:payroll_hr", "text": "timesheets"}], processes=["payroll_hr"])
    assert examples([glued])[-1] == "[timesheets](process) for the whole team"
    dotted = _forum_item("(ESK\u0130\u015eEH\u0130R) The city answers its WhatsApp channel all day.",
                         [{"signal": "channel:messaging", "text": "WhatsApp"}], channels=["messaging"])
    [segment] = examples([dotted])
    assert segment.startswith("(ESKI\u015eEHIR)") and "[WhatsApp](channel)" in segment
    plain = segment.replace("[WhatsApp](channel)", "WhatsApp")
    assert len(plain.lower()) == len(plain)  # Rasa's lowercased tokens keep the annotation's offsets


def test_second_pass_labels_name_corpus_items_and_valid_models():
    """The blind second pass is a record of agreement: every row names a corpus item and a model."""
    import json

    from bot.runtime.realtext import MODELS, SECOND_PASS, SECOND_PASS_SAMPLES, load, second_pass_agreement

    ids = {it.id for it in load()}
    rows = [json.loads(line) for line in SECOND_PASS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert rows and all(r["id"] in ids and r["label"] in MODELS for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)  # one second reading per item
    agreement = second_pass_agreement()
    assert set(agreement) <= set(SECOND_PASS_SAMPLES)  # every sample is described in the report
    assert sum(a["n"] for splits in agreement.values() for a in splits.values()) == len(rows)


def test_each_item_gives_diet_at_most_a_few_segments_annotated_ones_first():
    """DIET's cost grows with every example; an item's annotated sentences go in first."""
    from bot.runtime.realtext_training import MAX_SEGMENTS_PER_ITEM

    sentences = [f"Background sentence number {n} mentions our staff email." for n in range(6)]
    item = item_from_dict({
        "id": "x", "url": "https://example.org/a", "source_title": "t", "source_kind": "rfp",
        "text": " ".join(sentences) + " The vendor shall answer the hotline.",
        "label": "CALL_CENTER", "channels": ["voice"], "processes": [], "goals": [],
        "evidence": [{"signal": "channel:voice", "text": "hotline"}], "borderline": False, "rationale": "r",
    }, "train")
    out = examples([item])
    assert len(out) == MAX_SEGMENTS_PER_ITEM
    assert out[-1] == "The vendor shall answer the [hotline](channel)."  # annotated: never cut
    assert out[:-1] == sentences[:MAX_SEGMENTS_PER_ITEM - 1]  # then the first others, in text order
    assert len(examples([item], cap=100)) == 7


def test_scores_say_how_often_each_confidence_was_right():
    items = load(["dev"])[:4]
    scores = Scores()
    for item, (conf, right) in zip(items, [("high", True), ("high", False), ("medium", True), ("low", False)]):
        label = item.label if right else next(m for m in MODELS if m != item.label)
        scores.add(item, {"recommendation": label, "confidence": conf, "channels": []})
    assert scores.accuracy_at("high") == (0.5, 2)
    assert scores.accuracy_at("medium") == (1.0, 1)
    assert scores.accuracy_at("low") == (0.0, 1)
    pooled = Scores()
    pooled.absorb(scores)
    pooled.absorb(scores)
    assert pooled.accuracy_at("high") == (0.5, 4)
    assert Scores().accuracy_at("high") == (0.0, 0)


def test_second_pass_breakdown_counts_disputed_items_against_each_reader_and_agreed_ones_against_the_gold():
    """Whether a system's misses are on texts the readers dispute or on texts they label alike."""
    from bot.runtime.realtext import second_pass_breakdown

    gold = ["BPO", "UNDETERMINED", "CALL_CENTER", "CONTACT_CENTER"]
    second = ["BPO", "BPO", "CALL_CENTER", "CALL_CENTER"]
    clear = [True, False, True, False]
    answers = ["BPO", "BPO", "CONTACT_CENTER", "CONTACT_CENTER"]
    assert second_pass_breakdown(gold, second, clear, answers) == {
        "n": 4, "gold": 2, "second": 2,
        "agreed_n": 2, "agreed": 1,  # items 0 and 2: right on the first only
        "disputed_n": 2, "disputed_gold": 1, "disputed_second": 1,
        "clear_n": 2, "clear": 1,
    }


def test_each_second_pass_sample_gets_a_line_on_its_test_items_for_every_scored_system():
    """The eval report shows, per sample, where scopebot and the keywords miss: agreed or disputed texts."""
    from bot.runtime.realtext import Scores, load, second_pass_rows
    from bot.runtime.realtext_eval import _against_second_reader

    rows = second_pass_rows()
    every_test_item = load(["test"])
    test = [it for it in every_test_item if rows.get(it.id, {}).get("sample") == "random-2026-12"]
    assert len(test) == 640
    always_bpo, echo_gold = Scores(), Scores()
    for it in test:
        always_bpo.add(it, {"recommendation": "BPO", "channels": []})
        echo_gold.add(it, {"recommendation": it.label, "channels": []})
    [blank, line] = _against_second_reader("random-2026-12", {"scopebot": echo_gold, "keywords": always_bpo},
                                           rows, every_test_item)
    assert blank == "" and line.startswith("On this sample's 640 test items: scopebot 1.000 (640/640) against the gold")
    assert "keywords 0." in line and "where the readers agree" in line
    assert _against_second_reader("no-such-sample", {"scopebot": echo_gold}, rows, every_test_item) == []
