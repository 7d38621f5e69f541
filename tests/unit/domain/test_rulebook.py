"""The rulebook, table-driven from the scoping spec (sections 1, 3 and 6)."""

from __future__ import annotations

import pytest

from bot.domain.assessment import assess
from bot.domain.rulebook import decide, load_rulebook, mismatch_message
from bot.domain.signals import Signals


def S(**kw) -> Signals:
    sets = {k: frozenset(v) for k, v in kw.items() if isinstance(v, (set, list, tuple))}
    rest = {k: v for k, v in kw.items() if k not in sets}
    return Signals(**sets, **rest)


# (case, signals, model, confidence, deciding rule)
TABLE = [
    # rule 1: back office -> BPO, with or without customer contact
    ("payroll and AP", S(processes={"payroll_hr", "finance_accounting"}), "BPO", "high", "back_office_means_bpo"),
    ("billing calls plus invoicing", S(channels={"voice"}, processes={"billing_support", "finance_accounting"}),
     "BPO", "high", "back_office_means_bpo"),
    ("claims with chat", S(channels={"chat"}, processes={"claims_processing"}), "BPO", "high", "back_office_means_bpo"),
    # rule 1 beats rule 2: ownership goals do not matter once back office is in scope
    ("back office beats CX ownership", S(channels={"voice", "chat"}, goals={"quality_assurance"},
                                         processes={"data_entry"}), "BPO", "high", "back_office_means_bpo"),
    # rule 2: experience ownership with customer contact -> CX BPO
    ("QA and analytics over phone+chat",
     S(channels={"voice", "chat"}, goals={"quality_assurance", "analytics"}, sourcing="outsourced"),
     "CX_BPO", "high", "experience_ownership_means_cx_bpo"),
    ("journey improvement, contact only via a process", S(processes={"inbound_support"},
                                                          goals={"journey_improvement"}),
     "CX_BPO", "medium", "experience_ownership_means_cx_bpo"),
    ("complaints programme owned by provider", S(channels={"email"}, processes={"complaints"},
                                                 complaints_program=True), "CX_BPO", "high",
     "experience_ownership_means_cx_bpo"),
    ("complaints handling alone is contact work", S(channels={"email"}, processes={"complaints"}),
     "CONTACT_CENTER", "high", "non_voice_channel_means_contact_center"),
    ("ownership goal without any customer contact", S(goals={"analytics"}), "UNDETERMINED", "low", "not_enough_signal"),
    # rule 2 beats rule 3
    ("CX beats contact center", S(channels={"email", "social"}, goals={"knowledge_management"}),
     "CX_BPO", "high", "experience_ownership_means_cx_bpo"),
    # rule 3: any non-voice channel -> contact center
    ("phone chat email", S(channels={"voice", "chat", "email"}), "CONTACT_CENTER", "high",
     "non_voice_channel_means_contact_center"),
    ("instagram and email only", S(channels={"social", "email"}), "CONTACT_CENTER", "high",
     "non_voice_channel_means_contact_center"),
    ("a single non-voice channel", S(channels={"messaging"}), "CONTACT_CENTER", "high",
     "non_voice_channel_means_contact_center"),
    ("experience goals that are not ownership", S(channels={"chat"}, goals={"csat", "customer_effort"}),
     "CONTACT_CENTER", "high", "non_voice_channel_means_contact_center"),
    # rule 4: voice only -> call center; stated exclusivity gives high confidence
    ("only phone, stated", S(channels={"voice"}, voice_exclusive=True), "CALL_CENTER", "high",
     "voice_only_means_call_center"),
    ("phone, others ruled out", S(channels={"voice"}, excluded_channels={"email"}), "CALL_CENTER", "high",
     "voice_only_means_call_center"),
    ("phone mentioned, others unknown", S(channels={"voice"}, processes={"appointment_setting"}),
     "CALL_CENTER", "medium", "voice_only_means_call_center"),
    # rule 5: no channel -> voice-native process or undetermined
    ("telemarketing, no channel", S(processes={"outbound_sales"}), "CALL_CENTER", "low",
     "voice_native_process_means_call_center"),
    ("dispatch, no channel", S(processes={"dispatch"}), "CALL_CENTER", "low", "voice_native_process_means_call_center"),
    ("support, no channel", S(processes={"inbound_support"}), "UNDETERMINED", "low", "not_enough_signal"),
    ("nothing", S(), "UNDETERMINED", "low", "not_enough_signal"),
    ("goals only", S(goals={"cost_reduction"}), "UNDETERMINED", "low", "not_enough_signal"),
    # in-house never yields BPO or CX BPO
    ("in-house with QA wishes", S(channels={"messaging", "voice"}, goals={"quality_assurance"},
                                  sourcing="in_house"), "CONTACT_CENTER", "high",
     "non_voice_channel_means_contact_center"),
    ("in-house back office and phone", S(channels={"voice"}, processes={"data_entry"}, sourcing="in_house",
                                         voice_exclusive=True), "CALL_CENTER", "high",
     "voice_only_means_call_center"),
    ("in-house back office alone", S(processes={"payroll_hr"}, sourcing="in_house"), "UNDETERMINED", "low",
     "not_enough_signal"),
    # planned and excluded channels are not current scope
    ("phone now, WhatsApp next year", S(channels={"voice"}, planned_channels={"messaging"}),
     "CALL_CENTER", "medium", "voice_only_means_call_center"),
    ("chat planned only", S(planned_channels={"chat"}), "UNDETERMINED", "low", "not_enough_signal"),
]


@pytest.mark.parametrize("case,signals,model,confidence,rule", TABLE, ids=[t[0] for t in TABLE])
def test_rulebook_table(case, signals, model, confidence, rule):
    decision = decide(signals)
    assert (decision.recommendation, decision.confidence, decision.rule.id) == (model, confidence, rule)


def test_every_rule_is_exercised_by_the_table():
    fired = {t[4] for t in TABLE}
    assert fired == {r.id for r in load_rulebook().rules}


def test_every_rule_names_its_seed_principle():
    for rule in load_rulebook().rules:
        assert "Seed" in rule.principle, rule.id
    for note in load_rulebook().notes:
        assert "Seed" in note.principle, note.id


def test_reasons_name_the_signals_that_fired():
    a = assess(S(channels={"voice", "chat"}, goals={"quality_assurance", "analytics"}))
    assert "quality assurance" in a.reasons[0] and "analytics" in a.reasons[0]
    assert "chat" in a.reasons[0] and "phone" in a.reasons[0]
    bpo = assess(S(channels={"voice"}, processes={"billing_support", "finance_accounting"}))
    assert "finance & accounting" in bpo.reasons[0]
    assert any("includes a contact-center process" in r for r in bpo.reasons)


def test_in_house_reason_says_what_would_be_outsourcing():
    a = assess(S(channels={"chat"}, processes={"data_entry"}, goals={"analytics"}, sourcing="in_house"))
    assert a.recommendation == "CONTACT_CENTER"
    assert any("in-house" in r and "data entry" in r and "analytics" in r for r in a.reasons)


MISMATCH = [
    ("CALL_CENTER", "CONTACT_CENTER", "too narrow"),
    ("CALL_CENTER", "BPO", "too narrow"),
    ("CX_BPO", "CONTACT_CENTER", "inflated"),
    ("BPO", "CALL_CENTER", "inflated"),
    ("CONTACT_CENTER", "CALL_CENTER", "inflated"),
]


@pytest.mark.parametrize("requested,recommended,phrase", MISMATCH)
def test_mismatch_direction(requested, recommended, phrase):
    msg = mismatch_message(requested, recommended)
    assert msg is not None and phrase in msg


@pytest.mark.parametrize("requested,recommended", [("BPO", "BPO"), ("CX_BPO", "UNDETERMINED"), (None, "BPO")])
def test_no_mismatch(requested, recommended):
    assert mismatch_message(requested, recommended) is None


def test_spec_mismatch_example_call_center_for_chat_and_email():
    a = assess(S(channels={"chat", "email"}, label_requested="CALL_CENTER"))
    assert a.recommendation == "CONTACT_CENTER" and a.label_mismatch
    record = a.to_record("We need a call center to handle chat and email.")
    assert record["label_requested"] == "CALL_CENTER" and record["label_mismatch"] is True


def test_direction_and_omnichannel_are_attributes_not_models():
    a = assess(S(channels={"voice", "chat", "email"}, integration="integrated"))
    assert a.recommendation == "CONTACT_CENTER" and a.omnichannel is True
    assert assess(S(channels={"chat"}, integration="integrated")).omnichannel is None  # needs 2+ channels
    assert assess(S(channels={"voice"}, processes={"outbound_sales"})).direction == "outbound"
    assert assess(S(processes={"outbound_sales"})).direction == "outbound"
    assert assess(S(channels={"chat"}, processes={"inbound_support"})).direction is None
    assert assess(S(channels={"voice"}, processes={"outbound_sales", "inbound_support"})).direction == "blended"
    assert assess(S(channels={"voice"}, direction="inbound", processes={"outbound_sales"})).direction == "inbound"


def test_automation_is_advised_for_cost_or_volume():
    from bot.domain.signals import Volume

    assert assess(S(channels={"voice"})).automation == []
    a = assess(S(channels={"voice", "chat"}, goals={"cost_reduction"}))
    assert a.automation == ["chatbot", "self_service", "voice_ai"]
    b = assess(S(channels={"email"}, volume=Volume(20000, "emails", "month")))
    assert b.automation == ["self_service"]
    assert assess(S(channels={"voice"}, automation={"ivr"})).automation == ["ivr"]


def test_record_has_exactly_the_contract_fields():
    from bot.domain.assessment import RECORD_FIELDS

    rec = assess(S()).to_record("")
    assert tuple(rec) == RECORD_FIELDS == (
        "text", "recommendation", "confidence", "channels", "planned_channels", "excluded_channels", "processes",
        "goals", "omnichannel", "direction", "sourcing", "automation", "label_requested", "label_mismatch",
        "reasons", "follow_up_questions", "evidence", "set_aside")
    assert rec["evidence"] == [] and rec["set_aside"] == []
    assert rec["recommendation"] == "UNDETERMINED"
    assert rec["follow_up_questions"][0]["id"] == "channels"


# ----- spec 3a rule 4: the label is evidence when nothing else is -------------------------------------
def label_only(text: str = "We need a call center.", words: str = "call center", **kw) -> Signals:
    start = text.index(words)
    return Signals.from_entities([{"entity": "model", "value": "CALL_CENTER", "start": start,
                                   "end": start + len(words), "text": words}]).merge(S(**kw))


def test_a_call_center_label_alone_means_phone_work_at_medium_confidence():
    text = "We need a call center."
    a = assess(label_only(text))
    rec = a.to_record(text)
    assert (rec["recommendation"], rec["confidence"], rec["channels"]) == ("CALL_CENTER", "medium", ["voice"])
    assert rec["label_requested"] == "CALL_CENTER" and not rec["label_mismatch"]
    assert rec["follow_up_questions"][0]["id"] == "channels"
    assert any("voice-only label" in r and "phone work" in r for r in rec["reasons"])
    voice = next(e for e in rec["evidence"] if e["signal"] == "channel:voice")
    assert voice == {"signal": "channel:voice", "text": "call center", "start": 10, "end": 21, "message": 0}
    assert text[voice["start"]:voice["end"]] == voice["text"]
    assert {e["signal"] for e in rec["evidence"]} == {"channel:voice", "label_requested:CALL_CENTER"}


def test_an_implied_channel_never_gives_high_confidence():
    ruled_out = assess(label_only(excluded_channels={"email"}))  # would be "voice_exclusive" if voice were said
    assert (ruled_out.recommendation, ruled_out.confidence) == ("CALL_CENTER", "medium")
    owned = assess(label_only(goals={"quality_assurance"}))
    assert (owned.recommendation, owned.confidence) == ("CX_BPO", "medium")
    assert owned.questions[0].id == "channels"


def test_what_was_said_keeps_its_own_confidence_beside_an_implied_channel():
    bpo = assess(label_only(processes={"payroll_hr"}))
    assert (bpo.recommendation, bpo.confidence) == ("BPO", "high")
    assert bpo.signals.channels == {"voice"}  # reported, and scoped as the contact part of the BPO
    cx = assess(label_only(processes={"inbound_support"}, goals={"analytics"}))
    assert (cx.recommendation, cx.confidence) == ("CX_BPO", "medium")


def test_the_label_implies_nothing_once_channels_are_known():
    named = assess(label_only(channels={"chat", "email"}))
    assert named.recommendation == "CONTACT_CENTER" and named.label_mismatch and named.confidence == "high"
    assert not named.signals.implied_channels and "voice" not in named.signals.channels
    no_calls = assess(label_only(excluded_channels={"voice"}))
    assert no_calls.recommendation == "UNDETERMINED" and not no_calls.signals.channels
    said = assess(label_only(channels={"voice"}, voice_exclusive=True))
    assert (said.recommendation, said.confidence) == ("CALL_CENTER", "high")
    assert not any("voice-only label" in r for r in said.reasons)


def test_what_if_answers_are_read_without_the_implied_channel():
    """The channels question is decisive: answering "chat" must make it a contact center,
    not phone plus chat."""
    from bot.domain.assessment import _model_of

    implied = assess(label_only()).signals
    assert _model_of(implied.merge(S(channels={"chat"}))) == "CONTACT_CENTER"
    assert _model_of(implied.merge(S(processes={"data_entry"}))) == "BPO"
    assert _model_of(implied.merge(S())) == "CALL_CENTER"


@pytest.mark.parametrize("signals, model", [
    (S(processes={"payroll_hr"}, passing={"process:payroll_hr"}), "BPO"),
    (S(channels={"voice", "email"}, passing={"channel:email"}), "CONTACT_CENTER"),
    (S(channels={"voice"}, goals={"analytics"}, passing={"goal:analytics"}), "CX_BPO"),
])
def test_a_verdict_that_rests_on_one_passing_mention_is_medium_and_says_so(signals, model):
    a = assess(signals)
    assert (a.recommendation, a.confidence) == (model, "medium")
    assert any("names only once" in r for r in a.reasons)


@pytest.mark.parametrize("signals", [
    # a second deciding signal named firmly keeps the verdict high
    S(processes={"payroll_hr", "data_entry"}, passing={"process:payroll_hr"}),
    S(channels={"voice", "email", "chat"}, passing={"channel:email"}),
    # passing words that did not decide the verdict do not lower it
    S(channels={"voice", "email"}, processes={"billing_support"}, passing={"channel:voice", "process:billing_support"}),
    S(processes={"payroll_hr"}, channels={"email"}, passing={"channel:email"}),
])
def test_firmly_stated_deciding_signals_keep_the_verdict_high(signals):
    a = assess(signals)
    assert a.confidence == "high"
    assert not any("names only once" in r for r in a.reasons)


def test_the_passing_reason_names_the_words_to_confirm():
    a = assess(S(channels={"voice", "email", "sms"}, passing={"channel:email", "channel:sms"}))
    reason = next(r for r in a.reasons if "names only once" in r)
    assert "email" in reason and "SMS" in reason
