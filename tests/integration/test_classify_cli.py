"""`scopebot classify` end to end: a real subprocess, the real trained model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.domain.assessment import RECORD_FIELDS

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]

#: Spec section 6 (the public development set).
SPEC_EXAMPLES = [
    ("We only take phone calls: about 5,000 inbound support calls a month.", "CALL_CENTER"),
    ("Our team books demos by calling leads all day.", "CALL_CENTER"),
    ("Customers reach us by phone, live chat and email, and agents should see the full history.",
     "CONTACT_CENTER"),
    ("We answer Instagram DMs and email for our shoe store.", "CONTACT_CENTER"),
    ("We want a partner to run phone and chat support and also own our QA program and CX analytics.", "CX_BPO"),
    ("Outsource our payroll and accounts payable for 3,000 employees.", "BPO"),
    ("We need a call center to handle chat and email.", "CONTACT_CENTER"),
    ("We run WhatsApp and phone support in-house and want QA dashboards.", "CONTACT_CENTER"),
    ("Handle billing calls and the invoicing behind them.", "BPO"),
    ("Hi, can you help me?", "UNDETERMINED"),
]


#: Descriptions whose evidence is checked: a bare label, text that cleaning changes, a chunked one.
EVIDENCE_TEXTS = [
    "We need a call center.",
    "\ufeff  Customers reach us by phone\u00a0and\tlive chat\x07; ＥＭＡＩＬ tickets are out of scope.",
    ("Our agents answer routine questions every day.\n\n" * 60) + "We also run WhatsApp support and email.",
]


def scopebot(*args, stdin: str | None = None, model: Path | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "bot.runtime.cli", "classify", *args]
    if model is not None:
        cmd += ["--model", str(model)]
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=600)


@pytest.fixture(scope="module")
def batch(trained_model, tmp_path_factory):
    """One CLI run over a JSONL file mixing the spec examples and the edge cases."""
    long_text = ("We are a regional utility. " * 2000) + "Customers call us and we also answer email."
    rows = ([{"text": t} for t, _ in SPEC_EXAMPLES] + [{"text": ""}] + [{"text": t} for t in EVIDENCE_TEXTS]
            + [{"text": long_text}])
    path = tmp_path_factory.mktemp("cli") / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    proc = scopebot("--file", str(path), "--format", "jsonl", model=trained_model)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return rows, [json.loads(line) for line in proc.stdout.splitlines()]


def test_one_record_per_input_in_order_with_contract_fields(batch):
    rows, records = batch
    assert [r["text"] for r in records] == [r["text"] for r in rows]
    for rec in records:
        assert tuple(rec) == RECORD_FIELDS
        assert rec["recommendation"] in ("CALL_CENTER", "CONTACT_CENTER", "CX_BPO", "BPO", "UNDETERMINED")
        assert rec["confidence"] in ("high", "medium", "low")
        assert len(rec["follow_up_questions"]) <= 3


def test_spec_examples(batch):
    _, records = batch
    got = [r["recommendation"] for r in records[: len(SPEC_EXAMPLES)]]
    assert got == [m for _, m in SPEC_EXAMPLES]
    by_text = {r["text"]: r for r in records}
    first = by_text[SPEC_EXAMPLES[0][0]]
    assert first["confidence"] == "high" and first["direction"] == "inbound"
    demos = by_text[SPEC_EXAMPLES[1][0]]
    assert demos["direction"] == "outbound" and demos["confidence"] == "medium"
    assert by_text[SPEC_EXAMPLES[2][0]]["omnichannel"] is True
    mismatch = by_text[SPEC_EXAMPLES[6][0]]
    assert mismatch["label_requested"] == "CALL_CENTER" and mismatch["label_mismatch"] is True
    assert by_text[SPEC_EXAMPLES[7][0]]["sourcing"] == "in_house"


def test_every_signal_carries_the_words_it_came_from(batch):
    _, records = batch
    for rec in records:
        keys = {e["signal"] for e in rec["evidence"]}
        assert {f"channel:{c}" for c in rec["channels"]} <= keys, rec["text"][:200]
        assert {f"process:{p}" for p in rec["processes"]} <= keys, rec["text"][:200]
        for e in rec["evidence"]:
            assert rec["text"][e["start"]:e["end"]] == e["text"] and e["message"] == 0
    by_text = {r["text"]: r for r in records}
    awkward = by_text[EVIDENCE_TEXTS[1]]
    quoted = {e["signal"]: e["text"] for e in awkward["evidence"]}
    assert quoted.get("channel:chat") and quoted["channel:chat"] in EVIDENCE_TEXTS[1]
    chunked = by_text[EVIDENCE_TEXTS[2]]
    assert {"messaging", "email"} <= set(chunked["channels"])
    whatsapp = next(e for e in chunked["evidence"] if e["signal"] == "channel:messaging")
    assert whatsapp["start"] > 2000 and whatsapp["text"] == "WhatsApp"


def test_a_call_center_label_alone_implies_phone_work(batch):
    rec = {r["text"]: r for r in batch[1]}["We need a call center."]
    assert (rec["recommendation"], rec["confidence"], rec["channels"]) == ("CALL_CENTER", "medium", ["voice"])
    assert rec["label_requested"] == "CALL_CENTER" and rec["follow_up_questions"][0]["id"] == "channels"
    voice = next(e for e in rec["evidence"] if e["signal"] == "channel:voice")
    assert voice["text"].lower() == "call center" and (voice["start"], voice["end"]) == (10, 21)


def test_empty_description_asks_about_channels(batch):
    rec = batch[1][len(SPEC_EXAMPLES)]
    assert rec["recommendation"] == "UNDETERMINED"
    assert rec["follow_up_questions"][0]["id"] == "channels"


def test_huge_description_is_read_to_the_end(batch):
    rec = batch[1][-1]
    assert len(rec["text"]) > 50_000
    assert {"voice", "email"} <= set(rec["channels"]) and rec["recommendation"] == "CONTACT_CENTER"


def test_text_output_and_stdin(trained_model):
    one = scopebot("We only answer the phone for a plumbing firm.", model=trained_model)
    assert one.returncode == 0, one.stderr[-2000:]
    assert "Recommendation: call center" in one.stdout and "Why:" in one.stdout
    piped = scopebot("--file", "-", stdin="We answer WhatsApp and email\n\nOutsource our bookkeeping\n",
                     model=trained_model)
    assert piped.returncode == 0, piped.stderr[-2000:]
    recs = [json.loads(x) for x in piped.stdout.splitlines()]
    assert [r["recommendation"] for r in recs] == ["CONTACT_CENTER", "UNDETERMINED", "BPO"]


def test_worker_processes_give_the_same_records_in_order(trained_model, tmp_path, batch):
    rows, serial = batch
    path = tmp_path / "par.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows[: len(SPEC_EXAMPLES)]) + "\n")
    proc = scopebot("--file", str(path), "--workers", "2", model=trained_model)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [json.loads(x) for x in proc.stdout.splitlines()] == serial[: len(SPEC_EXAMPLES)]


def test_bad_json_line_is_named(trained_model, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "phone only"}\n{"text": oops}\n')
    proc = scopebot("--file", str(path), model=trained_model)
    assert proc.returncode == 2
    assert f"{path}:2: invalid JSON" in proc.stderr
    assert proc.stdout == ""


def test_unreadable_file(trained_model, tmp_path):
    proc = scopebot("--file", str(tmp_path / "missing.txt"), model=trained_model)
    assert proc.returncode == 2 and "no such file" in proc.stderr


def test_missing_model_says_how_to_train(tmp_path):
    proc = scopebot("phone only", model=tmp_path / "none.tar.gz")
    assert proc.returncode == 2
    assert "make train" in proc.stderr


#: A labelled batch for `scopebot corpus score`: two texts the engine reads right and one whose
#: gold label (UNDETERMINED) it cannot reach, so the figure is 2 of 3.
SCORE_BATCH = [
    {"id": "T-1", "source_title": "t", "url": "https://one.example.org/a", "source_kind": "rfp",
     "text": "The vendor answers every incoming call to our hotline around the clock.", "label": "CALL_CENTER",
     "channels": ["voice"], "sourcing": "outsourced", "borderline": False, "rationale": "rule 4",
     "evidence": [{"signal": "channel:voice", "text": "incoming call"},
                  {"signal": "sourcing:outsourced", "text": "vendor"}]},
    {"id": "T-2", "source_title": "t", "url": "https://two.example.org/b", "source_kind": "forum",
     "text": "Outsource our payroll and accounts payable for 3,000 employees.", "label": "BPO",
     "processes": ["payroll_hr", "finance_accounting"], "sourcing": "outsourced", "borderline": False,
     "rationale": "rule 1",
     "evidence": [{"signal": "process:payroll_hr", "text": "payroll"},
                  {"signal": "process:finance_accounting", "text": "accounts payable"},
                  {"signal": "sourcing:outsourced", "text": "Outsource"}]},
    {"id": "T-3", "source_title": "t", "url": "https://three.example.org/c", "source_kind": "forum",
     "text": "We answer Instagram DMs and email for our shoe store.", "label": "UNDETERMINED",
     "borderline": True, "rationale": "deliberately wrong gold label", "evidence": []},
]


def corpus(*args: str) -> subprocess.CompletedProcess:
    # The installed script, run from outside the checkout, as a user would run it.
    script = Path(sys.executable).parent / "scopebot"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([str(script), "corpus", *args], capture_output=True, text=True,
                          cwd=Path("/"), env=env, timeout=600)


def test_corpus_score_gives_aggregates_only(trained_model, tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in SCORE_BATCH) + "\n")
    proc = corpus("score", str(path), "--model", str(trained_model))
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert "3 items from 3 sites" in out
    assert "scopebot  label accuracy 0.667" in out
    assert "keywords  label accuracy" in out
    assert "on the 2 items not marked borderline 1.000" in out
    # the hotline (voice, not said to be the only channel) is medium; the other two are high
    assert "by the confidence it gave: high 0.500 (2), medium 1.000 (1)" in out
    # nothing that would let a reader tune on the batch: no ids, no texts, no per-item lines
    assert not any(r["id"] in out or r["text"] in out for r in SCORE_BATCH)


def test_corpus_score_rejects_a_malformed_batch_before_scoring(tmp_path):
    bad = dict(SCORE_BATCH[0], evidence=[{"signal": "channel:voice", "text": "carrier pigeon"},
                                          {"signal": "sourcing:outsourced", "text": "vendor"}])
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(bad) + "\n")
    proc = corpus("score", str(path), "--model", "/nonexistent/model.tar.gz")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "T-1" in proc.stderr and "carrier pigeon" in proc.stderr


def test_corpus_revise_test_needs_a_reason_and_leaves_the_lock_alone():
    lock = ROOT / "data" / "realtext" / "test.lock"
    before = lock.read_bytes()
    proc = corpus("revise-test")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "needs a reason" in proc.stderr
    assert lock.read_bytes() == before


def test_corpus_originality_flags_a_text_that_follows_its_reference(tmp_path):
    rows = [json.loads(line) for line in
            (ROOT / "data" / "realtext" / "train.jsonl").read_text(encoding="utf-8").splitlines()[:2]]
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"id": rows[0]["id"], "text": rows[0]["text"]}) + "\n"
                    + json.dumps({"id": rows[1]["id"], "text": "Nothing in common with that text at all."}) + "\n")
    proc = corpus("originality", str(refs))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{rows[0]['id']}: shares a run of" in proc.stdout
    assert rows[1]["id"] + ":" not in proc.stdout
    assert "1 of 2 texts follow their reference too closely" in proc.stdout
    refs.write_text(json.dumps({"id": "NO-SUCH-ITEM", "text": "x"}) + "\n")
    proc = corpus("originality", str(refs))
    assert proc.returncode == 2 and "NO-SUCH-ITEM" in proc.stderr


def test_corpus_originality_checks_a_batch_before_it_is_added(tmp_path):
    excerpt = ("The county seeks a vendor to answer every call placed to the public works line "
               "after hours and on weekends.")
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": "NEW-1", "text": excerpt}) + "\n"
                     + json.dumps({"id": "NEW-2", "text": "Out of hours, a contractor takes the "
                                   "public works calls."}) + "\n")
    refs = tmp_path / "excerpts.jsonl"
    refs.write_text(json.dumps({"id": "NEW-1", "text": excerpt}) + "\n"
                    + json.dumps({"id": "NEW-2", "text": excerpt}) + "\n")
    proc = corpus("originality", str(refs), "--texts", str(batch))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "NEW-1: shares a run of" in proc.stdout and "NEW-2:" not in proc.stdout
    assert "1 of 2 texts follow their reference too closely" in proc.stdout
