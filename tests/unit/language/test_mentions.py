"""Mention resolution without a model: canonical values, cues, volumes, duplicate merging."""

from __future__ import annotations

import pytest

from bot.domain.signals import Signals
from bot.language.lexicon import load_lexicon
from bot.language.mentions import context_role, is_exclusive, parse_number, parse_volume, resolve


def span(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def raw(text, word, entity, extractor="RegexEntityExtractor", **kw):
    s, e = span(text, word)
    return {"entity": entity, "start": s, "end": e, "value": text[s:e], "extractor": extractor, **kw}


@pytest.mark.parametrize("entity,surface,value", [
    ("channel", "phone", "voice"), ("channel", "Phone Calls", "voice"), ("channel", "emial", "email"),
    ("channel", "e-mail", "email"), ("channel", "Insta DMs", "social"), ("channel", "whatsap", "messaging"),
    ("channel", "live chat", "chat"), ("channel", "text messages", "sms"), ("channel", "tickets", "email"),
    ("process", "accounts payable", "finance_accounting"), ("process", "payrol", "payroll_hr"),
    ("process", "telemarketing", "outbound_sales"), ("process", "order status", "order_support"),
    ("goal", "CSAT", "csat"), ("goal", "24/7", "coverage_24x7"), ("goal", "QA program", "quality_assurance"),
    ("model", "call centre", "CALL_CENTER"), ("model", "CX BPO", "CX_BPO"),
    ("sourcing", "in-house", "in_house"), ("sourcing", "outsorce", "outsourced"),
    ("integration", "one CRM", "integrated"), ("integration", "separate teams", "separate"),
    ("process", "prior authorizations", "claims_processing"), ("process", "hire-to-retire", "payroll_hr"),
    ("process", "catalogue management", "data_entry"), ("process", "loan servicing", "document_processing"),
    ("process", "virtual receptionist", "inbound_support"), ("model", "virtual receptionists", "CALL_CENTER"),
])
def test_canonical_values(entity, surface, value):
    assert load_lexicon().canonical(entity, surface) == value


def test_unknown_words_do_not_canonicalise():
    lex = load_lexicon()
    assert lex.canonical("channel", "the weather") is None
    assert lex.canonical("process", "banana bread") is None


@pytest.mark.parametrize("text,word,role", [
    ("We don't do phone at all.", "phone", "excluded"),
    ("No email, please.", "email", "excluded"),
    ("Actually scratch the chat.", "chat", "excluded"),
    ("Phone is out of scope for now.", "Phone", "excluded"),
    ("We do phone but not chat.", "phone", None),
    ("We do phone but not chat.", "chat", "excluded"),
    ("Next year we'll add WhatsApp.", "WhatsApp", "planned"),
    ("We plan to launch live chat in Q3.", "chat", "planned"),
    ("WhatsApp next year, phone today.", "WhatsApp", "planned"),
    ("We want chat and email handled by a partner.", "chat", None),
    ("Not only phone but also email.", "phone", None),
    ("We take calls and emails.", "emails", None),
    # a comma followed by a new subject starts a new clause: the negation stays behind it
    ("Forget the email, it's all phone.", "email", "excluded"),
    ("Forget the email, it's all phone.", "phone", None),
    ("No, we use the phone.", "phone", None),
    ("No, we never use the phone.", "phone", "excluded"),
    ("We don't do chat, we do phone.", "phone", None),
    ("No chat, email or phone.", "phone", "excluded"),
    # a determiner negation qualifies the noun after it and stops at a verb
    ("Patients with no phone number can email us.", "email", None),
    ("We have no phone support.", "phone", "excluded"),
    ("Support without phone or chat.", "chat", "excluded"),
])
def test_context_roles(text, word, role):
    s, e = span(text, word)
    assert context_role(text, s, e) == role


@pytest.mark.parametrize("text,word,expected", [
    ("We only take phone calls.", "phone", True), ("It's phone-only support.", "phone", True),
    ("Voice only, inbound.", "Voice", True), ("We take phone calls.", "phone", False),
])
def test_exclusive_voice(text, word, expected):
    s, e = span(text, word)
    assert is_exclusive(text, s, e) is expected


@pytest.mark.parametrize("span_text,value", [
    ("5,000", 5000), ("10k", 10000), ("2.5 million", 2.5e6), ("300", 300), ("a few hundred", 300),
    ("two thousand", 2000), ("1.2M", 1.2e6)])
def test_numbers(span_text, value):
    assert parse_number(span_text) == pytest.approx(value)


def test_volume_unit_and_period():
    text = "about 5,000 inbound support calls a month"
    s, e = span(text, "5,000")
    assert parse_volume(text, s, e) == {"amount": 5000.0, "unit": "calls", "period": "month"}
    text = "10k tickets/week"
    s, e = span(text, "10k")
    assert parse_volume(text, s, e) == {"amount": 10000.0, "unit": "tickets", "period": "week"}


def test_duplicates_from_two_extractors_merge_into_one():
    text = "We need a call center for chat and email."
    entities = [
        raw(text, "call center", "model"), raw(text, "call", "channel"),
        raw(text, "chat", "channel"), raw(text, "email", "channel"),
        raw(text, "call center", "model", "DIETClassifier"), raw(text, "chat", "channel", "DIETClassifier"),
        raw(text, "chat and email", "channel", "DIETClassifier"),
    ]
    got = [(m.entity, m.value) for m in resolve(text, entities)]
    assert got == [("model", "CALL_CENTER"), ("channel", "chat"), ("channel", "email")]


def test_diet_only_mentions_are_canonicalised_and_junk_dropped():
    text = "Customers ping us on whatsap and about the weather"
    entities = [raw(text, "whatsap", "channel", "DIETClassifier"), raw(text, "the weather", "goal", "DIETClassifier")]
    assert [(m.entity, m.value) for m in resolve(text, entities)] == [("channel", "messaging")]


def test_diet_role_used_when_no_cue():
    text = "Channels: phone (today), Viber (phase two)."
    entities = [raw(text, "phone", "channel"),
                raw(text, "Viber", "channel", "DIETClassifier", role="planned", confidence_role=0.93)]
    roles = {m.value: m.role for m in resolve(text, entities)}
    assert roles == {"voice": None, "messaging": "planned"}


def test_unsure_diet_role_is_ignored():
    text = "Right now it's just phones."
    entities = [raw(text, "phones", "channel"),
                raw(text, "phones", "channel", "DIETClassifier", role="excluded", confidence_role=0.57)]
    assert [m.role for m in resolve(text, entities)] == [None]


def test_negated_sourcing_flips():
    text = "We want call audits set up, but we are not outsourcing any of it."
    [m] = [m for m in resolve(text, [raw(text, "outsourcing", "sourcing")]) if m.entity == "sourcing"]
    assert m.value == "in_house"


def test_role_stated_after_a_list_covers_the_list():
    text = "Phone support only. Email and web chat are out of scope."
    entities = [raw(text, w, "channel") for w in ("Phone", "Email", "web chat")]
    assert {m.text: m.role for m in resolve(text, entities) if m.entity == "channel"} == {
        "Phone": None, "Email": "excluded", "web chat": "excluded"}


def test_modal_verbs_are_not_plans():
    text = "The provider will run chat and email, and we'd like them to take over order management."
    entities = [raw(text, w, "channel") for w in ("chat", "email")] + [raw(text, "order management", "process")]
    found = {(m.entity, m.value): m.role for m in resolve(text, entities)}
    assert [found[k] for k in (("channel", "chat"), ("channel", "email"), ("process", "order_processing"))] == [
        None, None, None]


def test_negation_spreads_over_a_list():
    text = "We don't do phone, email or chat."
    entities = [raw(text, w, "channel") for w in ("phone", "email", "chat")]
    assert {m.value: m.role for m in resolve(text, entities)} == {
        "voice": "excluded", "email": "excluded", "chat": "excluded"}


def test_same_span_two_types_uses_diet_context():
    text = "We want to improve retention."
    entities = [raw(text, "retention", "process"), raw(text, "retention", "goal"),
                raw(text, "retention", "goal", "DIETClassifier")]
    assert [(m.entity, m.value) for m in resolve(text, entities)] == [("goal", "retention")]


def test_complaints_program_flag():
    text = "The partner should own our complaints program."
    [m] = [m for m in resolve(text, [raw(text, "complaints", "process")]) if m.entity == "process"]
    assert m.extra.get("program") is True


@pytest.mark.parametrize("text,program", [
    ("The partner takes complete ownership of complaint handling and remediation.", True),
    ("Customers write in with complaints; the program also covers renewals.", False),
    ("Agents find fair resolutions to customer complaints.", False),
    ("Complaint escalation process: open a ticket and ask for a supervisor.", False),
])
def test_complaints_program_cue_in_the_same_clause(text, program):
    flags = [m.extra.get("program", False) for m in resolve(text, [], load_lexicon())
             if m.entity == "process" and m.value == "complaints"]
    assert flags and all(f is program for f in flags)


def test_short_qa_form_is_matched():
    assert ("goal", "quality_assurance") in {(m.entity, m.value)
                                             for m in resolve("They run a QA process on every queue.", [],
                                                              load_lexicon())}


def test_evidence_is_never_a_piece_of_a_hyphenated_word():
    """DIET may tag only the "-" of "back-office"; the quote shown to a user is whole words."""
    text = "Agreed to outsource its back-office operations and after-hours answering."
    learned = [raw(text, "-", "process", extractor="BatchedDIETClassifier"),
               {**raw(text, "after-hours", "goal", extractor="BatchedDIETClassifier"),
                "start": text.index("after-hours") + 5, "end": text.index("after-hours") + 6}]
    quotes = {m.value: m.text for m in resolve(text, learned, load_lexicon())}
    assert quotes["document_processing"] == "back-office operations"
    assert quotes["coverage_24x7"] == "after-hours"


def test_diet_span_edges_are_kept_when_they_fall_on_words():
    """Where DIET's span of the same signal starts and ends on words, its edges are used."""
    text = "We want an outsourcing partner to run our phones"
    learned = [raw(text, "outsourcing partner", "sourcing", extractor="BatchedDIETClassifier")]
    got = {m.value: m.text for m in resolve(text, learned, load_lexicon())}
    assert got["outsourced"] == "outsourcing partner"


@pytest.mark.parametrize("text,word,role", [
    ("We need a service to handle calls out of hours.", "calls", None),
    ("Calls out of office hours go to the provider.", "Calls", None),
    ("We send the overflow calls out to a partner.", "calls", None),
    ("Calls are out of scope.", "Calls", "excluded"),
    ("Chat is out.", "Chat", "excluded"),
    ("Customers will likely rely on web chat.", "chat", "planned"),
])
def test_out_of_hours_is_time_and_likely_is_a_forecast(text, word, role):
    s, e = span(text, word)
    assert context_role(text, s, e) == role


@pytest.mark.parametrize("word", ["lines", "line", "Lines"])
def test_diet_alone_on_line_in_running_text_is_not_the_line_app(word):
    # "lost-card lines" is a phone line, not the LINE app, whatever a model guessed
    text = f"we'd move our card activation and lost-card {word} to a provider"
    diet = raw(text, word, "channel", extractor="BatchedDIETClassifier", confidence_entity=0.99)
    assert [m.value for m in resolve(text, [diet]) if m.entity == "channel"] == []


def test_diet_alone_on_line_in_capitals_is_the_app():
    text = "customers reach us on LINE and by phone"
    diet = raw(text, "LINE", "channel", extractor="BatchedDIETClassifier", confidence_entity=0.99)
    assert "messaging" in [m.value for m in resolve(text, [diet]) if m.entity == "channel"]


@pytest.mark.parametrize("text,word", [
    ("<script>alert('x')</script><img src=x onerror=alert(1)>", "x"),
    ("we handle X calls a day on the phone", "X"),
])
def test_diet_alone_on_a_single_letter_is_not_a_signal(text, word):
    # a model that learned "X (formerly Twitter)" tags any lone x; a letter is never a signal by itself
    start = text.index(word)
    diet = {"entity": "channel", "value": word, "start": start, "end": start + len(word),
            "extractor": "BatchedDIETClassifier", "confidence_entity": 0.99}
    assert [m.value for m in resolve(text, [diet]) if m.entity == "channel" and m.start == start] == []


@pytest.mark.parametrize("text,word,entity,value", [
    ("we want to outsource our HR", "HR", "process", "payroll_hr"),
    ("customers message us on FB", "FB", "channel", "social"),
])
def test_diet_alone_on_a_two_letter_acronym_still_counts(text, word, entity, value):
    diet = raw(text, word, entity, extractor="BatchedDIETClassifier", confidence_entity=0.99)
    assert value in [m.value for m in resolve(text, [diet]) if m.entity == entity]


def test_diet_alone_on_an_uncommon_word_still_counts():
    text = "customers reach us on whatsappp"  # a typo the matcher misses, DIET's guess canonicalised
    diet = raw(text, "whatsappp", "channel", extractor="BatchedDIETClassifier", confidence_entity=0.99)
    assert [m.value for m in resolve(text, [diet]) if m.entity == "channel"] == ["messaging"]


@pytest.mark.parametrize("text,value", [
    ("drop payroll", "payroll_hr"),            # a bare noun needs a work cue to be scope, not to be withdrawn
    ("we don't need the claims", "claims_processing"),
    ("no invoicing please", "finance_accounting"),
])
def test_a_withdrawal_is_read_whatever_the_sense_checks_say(text, value):
    assert [(m.value, m.role) for m in resolve(text, []) if m.entity == "process"] == [(value, "excluded")]


def test_a_bare_noun_still_needs_a_work_cue_to_count_as_scope():
    assert [m.value for m in resolve("callers ask about payroll", []) if m.entity == "process"
            and m.value == "payroll_hr"] == []


@pytest.mark.parametrize("text", [
    "We answer calls. Patients with no phone number can email us.",
    "Customers call us all day; those without a phone send a letter.",
    "Residents who don't use email can visit the office.",
])
def test_what_people_lack_is_not_withdrawn(text):
    """"Patients with no phone number" describes the patients (spec 3a.5): before, it withdrew
    the phone that the same text says is answered, and the verdict fell to UNDETERMINED."""
    mentions = resolve(text, [], load_lexicon())
    assert not [m for m in mentions if m.role == "excluded"]


def test_a_withdrawal_by_the_buyer_still_counts():
    mentions = resolve("We take calls. Customers want chat, but we have no chat.", [], load_lexicon())
    assert [m.role for m in mentions if m.value == "chat"][-1] == "excluded"


def _stances(text: str) -> dict[str, set]:
    """value -> the roles its channel mentions take (None for current)."""
    out: dict[str, set] = {}
    for m in resolve(text, [], load_lexicon()):
        if m.entity == "channel":
            out.setdefault(m.value, set()).add(m.role)
    return out


@pytest.mark.parametrize("text,channel", [
    # a negation that narrows the channel to a part leaves the channel alone
    ("Inbound only, no outbound calls.", "voice"),
    ("We don't get many emails, maybe 300 a month.", "email"),
    ("We don't do chat on weekends.", "chat"),
    # a negation of something else
    ("Cut costs without hurting CSAT on our phone lines.", "voice"),
    ("No hiding behind a ticketing system, we answer email fast.", "email"),
    ("Members who haven't logged in are called at three months.", "voice"),
    ("Customers could not send the contact centre a webform.", "email"),
    # a metric that fell, not a channel dropped
    ("Calls dropped by 4% last year.", "voice"),
    ("We saw a drop in call volume.", "voice"),
    ("NPS dropped below zero, and call transfers rose.", "voice"),
    # two negations make a promise
    ("No call goes unanswered.", "voice"),
    ("When every email is answered, no instagram message is left without an answer.", "social"),
    ("The phone never stops ringing.", "voice"),
    ("There is no other team like our chat team.", "chat"),
])
def test_negations_that_do_not_withdraw_the_channel(text, channel):
    assert "excluded" not in _stances(text).get(channel, set())


@pytest.mark.parametrize("text,channel", [
    ("We don't do phone.", "voice"),
    ("No email, just calls.", "email"),
    ("We have no chat on the website.", "chat"),
    ("Support without phone or chat.", "chat"),
    ("We dropped email support last year.", "email"),
    ("No email is answered by us.", "email"),
])
def test_plain_withdrawals_still_withdraw(text, channel):
    assert _stances(text)[channel] == {"excluded"}


@pytest.mark.parametrize("text", ["We're a phone-only operation.", "Calls-only support, 2k a month.",
                                  "A voice-only helpdesk for our tenants."])
def test_a_hyphenated_only_names_the_channel(text):
    assert _stances(text) == {"voice": {None}}


@pytest.mark.parametrize("text,channel", [
    ("Email? No. Chat? No. It's all phone calls.", "email"),
    ("Phone support: required. Chat support: not required.", "chat"),
    ("Calls yes, emails no.", "email"),
    ("Chat - N/A. Voice - 3,000 calls a month.", "chat"),
    ("We shut down email support in 2023; the remaining channel is voice.", "email"),
    ("We pulled the plug on live chat; phone is what's left.", "chat"),
])
def test_checklists_and_closures_withdraw(text, channel):
    assert _stances(text)[channel] == {"excluded"}


@pytest.mark.parametrize("text,channel", [
    ("We had live chat and a Facebook page, both since discontinued; now it's just the phones.", "chat"),
    ("We had live chat and a Facebook page, both since discontinued; now it's just the phones.", "social"),
    ("Email support, which has since been retired, used to take 200 tickets a week.", "email"),
    ("We tried live chat but killed it after six months. It's phone only now.", "chat"),
    ("We experimented with WhatsApp and then dropped it. Customers call us.", "messaging"),
])
def test_a_closure_told_after_the_mention_withdraws_it(text, channel):
    assert _stances(text)[channel] == {"excluded"}


@pytest.mark.parametrize("text,channel", [
    ("We answer calls and then send them a follow-up email.", "email"),
    ("Calls were dropped when the queue overflowed.", "voice"),
    ("We offer chat and then hand the customer to a specialist.", "chat"),
])
def test_what_follows_a_mention_without_ending_it_keeps_it(text, channel):
    assert _stances(text)[channel] == {None}


def test_a_form_answer_needs_the_no_to_stand_alone():
    assert "excluded" not in _stances("Send questions by email no later than May 1.").get("email", {None})


@pytest.mark.parametrize("text,value,stance", [
    ("Email is not staffed today; we want you to staff email and phones.", "email", {None}),
    ("We do phone and chat. Actually, no chat.", "chat", {"excluded"}),
])
def test_in_a_short_message_the_later_words_settle_a_tie(text, value, stance):
    assert _stances(text)[value] == stance


def test_in_a_long_text_a_withdrawal_outweighs_the_history_told_after_it():
    text = ("Every team seems to keep adding channels, and analysts expect the trend to go on for years. "
            "More is not always better when a small team is stretched thin, so sometimes it is wiser to "
            "do one thing well. The company parted ways with live chat. Its head of support explains "
            "that live chat began as a pre-sales channel in the days of free trials, then paying "
            "customers wanted it too, and the team never had the people for it.")
    signals = Signals.from_entities([m.to_entity() for m in resolve(text, [], load_lexicon())])
    assert "chat" in signals.excluded_channels and "chat" not in signals.channels


@pytest.mark.parametrize("text", ["We don't want a call center. We need help answering emails.",
                                  "This is not a call centre job."])
def test_a_label_turned_down_is_not_asked_for(text):
    assert not [m for m in resolve(text, [], load_lexicon()) if m.entity == "model"]


def test_a_label_closed_down_is_not_asked_for():
    mentions = resolve("We closed our call centre last year and want advice.", [], load_lexicon())
    assert not [m for m in mentions if m.entity == "model"]


@pytest.mark.parametrize("text", ["Do I need a call center or a contact center? We get calls and emails.",
                                  "call center vs contact center?"])
def test_labels_set_against_each_other_in_a_question_are_not_asked_for(text):
    mentions = resolve(text, [], load_lexicon())
    labels = [m for m in mentions if m.entity == "model"]
    assert [m.value for m in labels] == ["CALL_CENTER", "CONTACT_CENTER"]  # still there to be explained
    assert Signals.from_entities([m.to_entity() for m in mentions]).label_requested is None


def test_a_correction_between_labels_still_asks_for_the_last():
    mentions = resolve("Not a call center, a contact center.", [], load_lexicon())
    assert Signals.from_entities([m.to_entity() for m in mentions]).label_requested == "CONTACT_CENTER"


@pytest.mark.parametrize("text,value", [
    ("Hasn't decided who would handle customer contacts, no channels discussed yet.", "inbound_support"),
    ("We haven't decided whether to add chat.", "chat"),
    ("We're not sure if we need email support.", "email"),
])
def test_an_open_question_is_planned_neither_in_scope_nor_withdrawn(text, value):
    assert {m.role for m in resolve(text, [], load_lexicon()) if m.value == value} == {"planned"}


def test_left_clause_by_binary_search_reads_what_a_scan_of_the_whole_text_reads():
    """``_left_clause`` finds its place by bisection; it must return what the plain scan of
    every token before the mention returned (the reference below), at every place and reach."""
    from bot.language import mentions as m

    def scanned(tokens, start, limit):
        words = []
        for word, _s, _e in reversed([t for t in tokens if t[2] <= start]):
            if word in m._CLAUSE_END or word in m._SCOPE_RESET or len(words) >= limit:
                break
            if word == "," and words and words[-1] in m._CLAUSE_OPENER:
                break
            words.append(word)
        return list(reversed(words))

    texts = ["Forget the email, it's all phone. We don't do chat on weekends; no outbound calls.",
             "Patients with no phone number can email us, but we only take calls - mostly inbound.",
             "  (WhatsApp next year) and, currently, SMS; no chat, email or phone\n\nthanks"]
    for text in texts:
        tokens = m._tokens(text)
        for start in sorted({s for _w, s, _e in tokens} | {0, len(text)}):
            for limit in (6, 9, 12):
                assert m._left_clause(tokens, start, limit) == scanned(tokens, start, limit)
            # context_role reads the clause once and takes shorter reaches as its tail
            for limit in (6, 8, 9):
                assert m._left_clause(tokens, start, limit) == m._left_clause(tokens, start, 10)[-limit:]
