"""Signals from entities, and folding messages together across turns."""

from __future__ import annotations

import pytest

from bot.domain.signals import PASSING_MIN_WORDS, Signals, Volume, passing_keys


def ent(entity, value, role=None, **extra):
    e = {"entity": entity, "value": value, **extra}
    if role:
        e["role"] = role
    return e


def test_from_entities_sorts_roles_into_buckets():
    s = Signals.from_entities([
        ent("channel", "voice", exclusive=True), ent("channel", "email", "excluded"),
        ent("channel", "messaging", "planned"), ent("process", "payroll_hr"),
        ent("process", "collections", "excluded"), ent("goal", "csat"), ent("model", "CALL_CENTER"),
        ent("sourcing", "outsourced"), ent("volume", "5000", amount=5000.0, unit="calls", period="month"),
    ])
    assert s.channels == {"voice"} and s.excluded_channels == {"email"} and s.planned_channels == {"messaging"}
    assert s.processes == {"payroll_hr"} and s.excluded_processes == {"collections"}
    assert s.voice_exclusive and s.label_requested == "CALL_CENTER" and s.sourcing == "outsourced"
    assert s.volume == Volume(5000.0, "calls", "month") and s.volume.per_month == 5000.0


def test_unknown_types_and_values_are_ignored():
    s = Signals.from_entities([ent("channel", "pigeon"), ent("colour", "red"), ent("goal", "csat")])
    assert s.channels == frozenset() and s.goals == {"csat"}


def test_negation_beats_mention_in_one_message():
    s = Signals.from_entities([ent("channel", "voice"), ent("channel", "voice", "excluded")])
    assert s.channels == frozenset() and s.excluded_channels == {"voice"}


def test_merge_accumulates_and_corrections_remove():
    first = Signals.from_entities([ent("channel", "voice"), ent("channel", "chat"), ent("goal", "csat")])
    second = Signals.from_entities([ent("channel", "email"), ent("sourcing", "in_house")])
    merged = first.merge(second)
    assert merged.channels == {"voice", "chat", "email"} and merged.sourcing == "in_house"
    dropped = merged.merge(Signals.from_entities([ent("channel", "voice", "excluded")]))
    assert dropped.channels == {"chat", "email"} and dropped.excluded_channels == {"voice"}
    back = dropped.merge(Signals.from_entities([ent("channel", "voice")]))
    assert "voice" in back.channels and "voice" not in back.excluded_channels
    assert back.goals == {"csat"}


def test_planned_then_current():
    s = Signals.from_entities([ent("channel", "messaging", "planned")])
    s = s.merge(Signals.from_entities([ent("channel", "messaging")]))
    assert s.channels == {"messaging"} and not s.planned_channels


def test_exclusive_voice_is_dropped_when_other_channels_arrive():
    s = Signals.from_entities([ent("channel", "voice", exclusive=True)])
    assert s.merge(Signals.from_entities([ent("channel", "chat")])).voice_exclusive is False


def test_dict_round_trip():
    s = Signals.from_entities([ent("channel", "voice"), ent("process", "complaints", program=True),
                               ent("volume", "10k", amount=10000.0, unit="tickets", period="week")])
    assert Signals.from_dict(s.to_dict()) == s
    assert Signals.from_dict(None) == Signals()


# ----- evidence ---------------------------------------------------------------------------------
def said(entity, value, text, words, role=None, **extra):
    """An entity as the resolver emits it: the span of ``words`` in ``text``."""
    start = text.index(words)
    return ent(entity, value, role, start=start, end=start + len(words), text=words, **extra)


def cited(signals):
    return {e.signal: (e.text, e.start, e.end, e.message) for e in signals.evidence_in_result()}


def test_every_kind_of_signal_carries_its_words():
    text = ("Ring us up or use live chat, WhatsApp next year, no email. We need a call center for "
            "returns and a complaints program, outbound, kept in-house offshore, one CRM, for our "
            "bike shop, about 5,000 a month, with a chatbot, to lift CSAT; no collections, payroll later.")
    s = Signals.from_entities([
        said("channel", "voice", text, "Ring us up"), said("channel", "chat", text, "live chat"),
        said("channel", "messaging", text, "WhatsApp", "planned"), said("channel", "email", text, "email", "excluded"),
        said("model", "CALL_CENTER", text, "call center"), said("process", "order_support", text, "returns"),
        said("process", "complaints", text, "complaints", program=True),
        said("direction", "outbound", text, "outbound"),
        said("sourcing", "in_house", text, "in-house"), said("location", "offshore", text, "offshore"),
        said("integration", "integrated", text, "one CRM"), said("industry", "retail_ecommerce", text, "bike shop"),
        said("volume", "5000", text, "5,000", amount=5000.0, period="month"),
        said("automation", "chatbot", text, "chatbot"), said("goal", "csat", text, "CSAT"),
        said("process", "collections", text, "collections", "excluded"),
        said("process", "payroll_hr", text, "payroll", "planned"),
    ], message=3)
    assert set(cited(s)) == set(s.signal_keys()) == {
        "channel:voice", "channel:chat", "planned_channel:messaging", "excluded_channel:email",
        "label_requested:CALL_CENTER", "process:order_support", "process:complaints", "complaints_program:true",
        "direction:outbound", "sourcing:in_house", "location:offshore", "integration:integrated",
        "industry:retail_ecommerce", "volume:5000", "automation:chatbot", "goal:csat",
        "excluded_process:collections", "planned_process:payroll_hr"}
    for e in s.evidence:
        assert text[e.start:e.end] == e.text and e.message == 3
    assert cited(s)["channel:voice"] == ("Ring us up", 0, 10, 3)
    assert [e.start for e in s.evidence_in_result()] == sorted(e.start for e in s.evidence_in_result())


def test_a_signal_that_lost_leaves_no_evidence_and_the_first_mention_is_kept():
    text = "phone, more phone calls, but not phone support"
    s = Signals.from_entities([said("channel", "voice", text, "phone"), said("channel", "voice", text, "phone calls"),
                               ent("channel", "voice", "excluded", start=32, end=37, text="phone")])
    assert cited(s) == {"excluded_channel:voice": ("phone", 32, 37, 0)}
    twice = Signals.from_entities([said("channel", "chat", "chat, chat", "chat"),
                                   ent("channel", "chat", start=6, end=10, text="chat")])
    assert cited(twice) == {"channel:chat": ("chat", 0, 4, 0)}


def test_entities_without_spans_still_give_signals():
    s = Signals.from_entities([ent("channel", "voice")])
    assert s.channels == {"voice"} and s.evidence == ()


def test_evidence_does_not_count_as_a_difference():
    a = Signals.from_entities([said("channel", "voice", "phone", "phone")])
    b = Signals.from_entities([said("channel", "voice", "we take calls", "calls")], message=4)
    assert a == b and hash(a) == hash(b) and a.evidence != b.evidence
    assert Signals(evidence=a.evidence).is_empty


def test_merge_keeps_standing_evidence_adds_new_and_drops_what_is_gone():
    first = Signals.from_entities([said("channel", "voice", "ring us up", "ring us up"),
                                   said("sourcing", "outsourced", "ring us up, outsourced", "outsourced")])
    second = Signals.from_entities([said("channel", "voice", "phone and chat", "phone"),
                                    said("channel", "chat", "phone and chat", "chat")], message=1)
    merged = first.merge(second)
    assert cited(merged)["channel:voice"] == ("ring us up", 0, 10, 0), "the first words stay"
    assert cited(merged)["channel:chat"] == ("chat", 10, 14, 1)
    dropped = merged.merge(Signals.from_entities([said("channel", "voice", "drop the phone", "phone", "excluded"),
                                                  said("sourcing", "in_house", "in-house", "in-house")], message=2))
    assert "channel:voice" not in cited(dropped) and cited(dropped)["excluded_channel:voice"][3] == 2
    assert cited(dropped)["sourcing:in_house"][3] == 2 and "sourcing:outsourced" not in cited(dropped)
    back = dropped.merge(Signals.from_entities([said("channel", "voice", "calls again", "calls")], message=3))
    assert cited(back)["channel:voice"] == ("calls", 0, 5, 3), "named again: the new words, not the old ones"
    assert set(cited(back)) == back.signal_keys() - {"excluded_channel:voice"} == set(back.signal_keys())


def test_repeating_a_description_changes_nothing():
    text = "phone and chat"
    once = Signals.from_entities([said("channel", "voice", text, "phone"), said("channel", "chat", text, "chat")])
    again = once.merge(Signals.from_entities([said("channel", "voice", text, "phone"),
                                              said("channel", "chat", text, "chat")], message=1))
    assert again == once and again.evidence == once.evidence


def test_evidence_round_trips_through_a_dict_and_bad_entries_are_dropped():
    text = "no email, about 10k tickets a week"
    s = Signals.from_entities([said("channel", "email", text, "email", "excluded"),
                               said("volume", "10000", text, "10k", amount=10000.0, unit="tickets", period="week"),
                               said("model", "CALL_CENTER", "call center", "call center")], message=2)
    data = s.to_dict()
    assert data["evidence"][0] == {"signal": "excluded_channel:email", "text": "email", "start": 3, "end": 8,
                                   "message": 2}
    back = Signals.from_dict(data)
    assert back == s and back.evidence == s.evidence
    data["evidence"] += [{"signal": "channel:chat"}, "junk", {"signal": "x", "text": "y", "start": "0", "end": 1}]
    assert Signals.from_dict(data).evidence == s.evidence


def test_a_voice_only_label_implies_voice_with_the_labels_words():
    text = "We need a call center."
    s = Signals.from_entities([said("model", "CALL_CENTER", text, "call center")])
    implied = s.with_implied_channels()
    assert implied.channels == {"voice"} and implied.implied_channels == {"voice"}
    assert cited(implied)["channel:voice"] == ("call center", 10, 21, 0)
    assert implied.stated() == s and implied.with_implied_channels() == implied
    chat = implied.merge(Signals.from_entities([said("channel", "chat", "chat and email", "chat"),
                                                said("channel", "email", "chat and email", "email")], message=1))
    assert chat.channels == {"chat", "email"} and not chat.implied_channels and "channel:voice" not in cited(chat)
    assert chat.with_implied_channels() == chat


def test_no_voice_is_implied_by_other_labels_or_past_channel_statements():
    assert not Signals(label_requested="CONTACT_CENTER").with_implied_channels().channels
    assert not Signals(label_requested="CALL_CENTER", excluded_channels=frozenset({"voice"})
                       ).with_implied_channels().channels
    assert not Signals(label_requested="CALL_CENTER", planned_channels=frozenset({"voice"})
                       ).with_implied_channels().channels
    named = Signals(label_requested="CALL_CENTER", channels=frozenset({"email"}))
    assert named.with_implied_channels() is named


def test_answers_without_signal_words_are_credited_to_the_whole_answer():
    s = Signals.from_dict({"direction": "blended"}).attributed("both", 0, 4, message=5)
    assert cited(s) == {"direction:blended": ("both", 0, 4, 5)}


@pytest.mark.parametrize("data, complaint", [
    ({"channel": ["voice"]}, r"unknown signal field\(s\) \['channel'\]"),
    ({"channels": ["voicee"]}, r"channels: \['voicee'\] not among"),
    ({"channels": "voice"}, "channels must be a list"),
    ({"excluded_processes": ["payroll"]}, r"excluded_processes: \['payroll'\]"),
    ({"sourcing": "outsource"}, "sourcing: 'outsource' is not one of"),
    ({"label_requested": "CALLCENTER"}, "label_requested: 'CALLCENTER'"),
    ({"volume": {"amount": "lots"}}, "volume needs a numeric amount"),
    ({"voice_exclusive": "yes"}, "voice_exclusive must be true or false"),
    (["channels"], "signals must be a mapping"),
])
def test_a_typo_in_signals_fails_loudly(data, complaint):
    with pytest.raises(ValueError, match=complaint):
        Signals.from_dict(data)


def test_every_field_and_value_round_trips_through_a_dict():
    full = Signals(channels=frozenset({"voice"}), planned_channels=frozenset({"messaging"}),
                   excluded_channels=frozenset({"email"}), processes=frozenset({"complaints"}),
                   planned_processes=frozenset({"retention"}), excluded_processes=frozenset({"collections"}),
                   goals=frozenset({"csat"}), excluded_goals=frozenset({"analytics"}),
                   industries=frozenset({"insurance"}), automation=frozenset({"ivr"}),
                   sourcing="in_house", location="nearshore", direction="blended", integration="separate",
                   label_requested="CX_BPO", volume=Volume(12.0, "calls", "day"), voice_exclusive=True,
                   complaints_program=True, implied_channels=frozenset({"voice"}),
                   passing=frozenset({"process:complaints"}))
    assert set(full.to_dict()) == set(Signals.__dataclass_fields__)
    assert Signals.from_dict(full.to_dict()) == full
    assert Signals.from_dict(full.to_dict()).passing == {"process:complaints"}  # not compared, so asked


def test_a_passing_entry_is_checked_like_any_other_value():
    with pytest.raises(ValueError, match=r"passing: \['channel:fax'\] not among"):
        Signals.from_dict({"passing": ["channel:fax"]})


@pytest.mark.parametrize("labels, asked", [
    (["CONTACT_CENTER", "CALL_CENTER", "CONTACT_CENTER"], "CONTACT_CENTER"),  # most often named
    (["CALL_CENTER", "CALL_CENTER", "CONTACT_CENTER"], "CALL_CENTER"),
    (["CALL_CENTER", "CONTACT_CENTER"], "CONTACT_CENTER"),  # a tie: the correction said last
    (["CX_BPO"], "CX_BPO"),
])
def test_the_label_asked_for_is_the_one_named_most(labels, asked):
    spans = [ent("model", label, start=10 * i, end=10 * i + 5, text=label.lower()) for i, label in enumerate(labels)]
    s = Signals.from_entities(spans)
    assert s.label_requested == asked
    cited = [e for e in s.evidence if e.signal.startswith("label_requested:")]
    assert [e.signal for e in cited] == [f"label_requested:{asked}"]  # evidence of the losing label is gone


#: A text just over the length at which one mention counts as "in passing".
LONG = " ".join(["word"] * (PASSING_MIN_WORDS + 1))


def test_a_long_text_marks_what_it_names_only_once():
    entities = [ent("channel", "voice"), ent("channel", "voice"), ent("channel", "email"),
                ent("process", "payroll_hr"), ent("goal", "analytics"),
                ent("channel", "chat", "excluded"), ent("industry", "insurance")]
    assert passing_keys(entities, LONG) == {"channel:email", "process:payroll_hr", "goal:analytics"}
    found = Signals.from_entities(entities, text=LONG)
    assert found.passing == {"channel:email", "process:payroll_hr", "goal:analytics"}


def test_short_messages_and_messages_without_text_state_what_they_name():
    entities = [ent("channel", "email"), ent("process", "payroll_hr")]
    short = " ".join(["word"] * PASSING_MIN_WORDS)
    assert passing_keys(entities, short) == frozenset()
    assert Signals.from_entities(entities, text=short).passing == frozenset()
    assert Signals.from_entities(entities).passing == frozenset()


def test_a_negated_mention_neither_counts_nor_stays_passing():
    # "email" named once as scope and once ruled out: the negation wins and nothing is left
    found = Signals.from_entities([ent("channel", "email"), ent("channel", "email", "excluded")], text=LONG)
    assert "email" not in found.channels and found.passing == frozenset()


def test_naming_a_signal_again_in_a_later_message_confirms_it():
    first = Signals.from_entities([ent("channel", "voice"), ent("channel", "voice"), ent("channel", "email")],
                                  text=LONG)
    assert first.passing == {"channel:email"}
    again = first.merge(Signals.from_entities([ent("channel", "email")], text="yes, email too"))
    assert again.passing == frozenset() and again.channels == {"voice", "email"}
    other = first.merge(Signals.from_entities([ent("goal", "csat")], text="and csat"))
    assert other.passing == {"channel:email"}
    dropped = first.merge(Signals.from_entities([ent("channel", "email", "excluded")], text="no email"))
    assert dropped.passing == frozenset()


def test_a_goal_can_be_withdrawn_in_a_later_message_and_named_again():
    first = Signals.from_entities([ent("channel", "voice"), ent("goal", "quality_assurance"), ent("goal", "analytics")])
    dropped = first.merge(Signals.from_entities([ent("goal", "quality_assurance", "excluded")]))
    assert dropped.goals == {"analytics"} and dropped.excluded_goals == {"quality_assurance"}
    assert "excluded_goal:quality_assurance" in dropped.signal_keys()
    again = dropped.merge(Signals.from_entities([ent("goal", "quality_assurance")]))
    assert again.goals == {"analytics", "quality_assurance"} and again.excluded_goals == frozenset()


def test_a_goal_named_and_withdrawn_in_one_message_is_out():
    found = Signals.from_entities([ent("goal", "analytics"), ent("goal", "analytics", "excluded")])
    assert found.goals == frozenset() and found.excluded_goals == {"analytics"}


# ----- mentions read as background (the relevance reader's ``context`` flag) --------------------
BACKGROUND = ("Our provider's brochure lists phone, chat and billing support among its services; "
              "what we need is email support for our shop.")


def test_a_mention_flagged_context_counts_for_nothing_and_is_kept_as_set_aside():
    s = Signals.from_entities([
        said("channel", "voice", BACKGROUND, "phone", context=True),
        said("process", "billing_support", BACKGROUND, "billing support", context=True),
        said("channel", "email", BACKGROUND, "email support"),
    ], message=2, text=BACKGROUND)
    assert s.channels == {"email"} and not s.processes
    assert {(e.signal, e.text, e.message) for e in s.set_aside} == {
        ("channel:voice", "phone", 2), ("process:billing_support", "billing support", 2)}
    assert s == Signals(channels=frozenset({"email"}))  # set aside is not compared, like evidence
    assert "channel:voice" not in cited(s)


def test_a_signal_also_named_as_scope_is_not_listed_as_set_aside_and_flags_do_not_count_as_passing():
    text = "phone " * 70 + "we answer the phone"
    s = Signals.from_entities([said("channel", "voice", text, "phone", context=True),
                               said("channel", "voice", text, "answer the phone")], text=text)
    assert s.channels == {"voice"} and s.set_aside == ()
    assert s.passing == {"channel:voice"}  # named once as scope: the flagged mention is not a second naming


def test_naming_a_set_aside_signal_later_brings_it_into_scope_and_off_the_list():
    first = Signals.from_entities([said("channel", "voice", BACKGROUND, "phone", context=True),
                                   said("channel", "email", BACKGROUND, "email support")], text=BACKGROUND)
    still = first.merge(Signals.from_entities([said("goal", "csat", "we care about csat", "csat")]))
    assert [e.signal for e in still.set_aside] == ["channel:voice"]
    later = "phone is ours too"
    fixed = still.merge(Signals.from_entities([said("channel", "voice", later, "phone")], message=1))
    assert fixed.channels == {"voice", "email"} and fixed.set_aside == ()


def test_set_aside_round_trips_through_a_dict():
    s = Signals.from_entities([said("channel", "voice", BACKGROUND, "phone", context=True)], text=BACKGROUND)
    again = Signals.from_dict(s.to_dict())
    assert again.set_aside == s.set_aside and again.to_dict()["set_aside"][0]["text"] == "phone"
    with pytest.raises(ValueError, match="set_aside must be a list"):
        Signals.from_dict({"set_aside": "phone"})
