"""Spec section 3a on the language layer alone (lexicon matcher + resolver + rulebook, no model).

The sentences are the kinds of failure the real-text issue reported; each names the 3a
principle it exercises. They run without a trained model, so a change to the lexicon,
senses.yml or the resolver is judged in milliseconds.
"""

from __future__ import annotations

import pytest

from bot.language.senses import load_checks
from tests.unit.language.reading import record


def reading(text: str) -> tuple[str, list[str]]:
    """The recommendation and channels the lexicon, sense checks and rulebook give ``text``."""
    got = record(text)
    return got["recommendation"], got["channels"]


@pytest.mark.parametrize("text,model,channels", [
    # 3a.1 work, not topic
    ("Parents phone the school office with questions about tuition payments and enrolment paperwork",
     "CALL_CENTER", ["voice"]),
    ("Our members ring us about their pension statements and payroll deductions", "CALL_CENTER", ["voice"]),
    ("The department will outsource processing of building permit applications and the helpline that "
     "answers applicants about where their application stands", "BPO", ["voice"]),
    # 3a.2 owned by the provider; routine reporting
    ("The vendor must answer phone calls and send us monthly service-level and handle-time reports",
     "CALL_CENTER", ["voice"]),
    ("Agents consult our internal knowledge base while answering customer emails", "CONTACT_CENTER", ["email"]),
    ("We want a partner to run phone and chat support and also own our QA program and CX analytics.",
     "CX_BPO", ["chat", "voice"]),
    # 3a.5 incidental words
    ("We reward loyal fans with concert tickets, and the hotline for bookings is swamped", "CALL_CENTER", ["voice"]),
    ("callers reach a voicemail and messaging option", "CALL_CENTER", ["voice"]),
    ("Our escalation procedures and handover criteria must be documented", "UNDETERMINED", []),
    # plain signals, including capacity that is not a negation
    ("Our receptionists can't keep up with all the calls coming in", "CALL_CENTER", ["voice"]),
    ("We need a switchboard operator service for our hospital", "CALL_CENTER", ["voice"]),
    ("I don't have time to answer the phone during jobs; customers call all day asking for quotes",
     "CALL_CENTER", ["voice"]),
    ("Please reach us by electronic mail or by telephone", "CONTACT_CENTER", ["email", "voice"]),
    ("We want to staff a team in the back office to verify identity documents", "BPO", []),
    ("We need help with payment posting and cash application", "BPO", []),
    # 3a.4 the label is evidence when nothing else is
    ("We need a call center.", "CALL_CENTER", ["voice"]),
    ("We want to hand over all of our call centre operations to a partner", "CALL_CENTER", ["voice"]),
    # second round (train split only): records e-mailed to the buyer, staff tools, headings, history
    ("The operator answers every call and sends the details of each call by email to our on-call nurse",
     "CALL_CENTER", ["voice"]),
    ("Agents take the calls and fill in a web form that staff use to log each request", "CALL_CENTER", ["voice"]),
    ("Our average ticket time on calls is 5 minutes", "CALL_CENTER", ["voice"]),
    ("Customers waited on hold for twenty minutes before anyone picked up", "CALL_CENTER", ["voice"]),
    ("The project was put on hold until the budget is approved", "UNDETERMINED", []),
    ("The vendor answers the calls and must hold a 95% quality assurance score", "CALL_CENTER", ["voice"]),
    ("Requirements are grouped by technology, implementation, quality assurance and pricing dimensions, "
     "and the supplier answers the phones", "CALL_CENTER", ["voice"]),
    ("Our quality analysts audit the calls we answer for the client and run coaching sessions with each agent",
     "CX_BPO", ["voice"]),
    ("We deliver contact centre and back office services for the council, including telephone enquiries",
     "BPO", ["voice"]),
    ("The deal went to back-office firms that will take over the call centre work", "CALL_CENTER", ["voice"]),
    ("We answer the phones today. Should we offer live chat?", "CALL_CENTER", ["voice"]),
    ("We outsourced our live chat to India, and the chat line has been pulled from every site since.",
     "UNDETERMINED", []),
    ("Outsourcing was briefly considered and rejected; our own reps answer the calls and adjudicate claims.",
     "CALL_CENTER", ["voice"]),
    ("Contact handling: a share of telephony plus written correspondence", "CONTACT_CENTER", ["email", "voice"]),
    ("Once you make a big call like offshoring you hear every reason it will fail", "UNDETERMINED", []),
    ("Sections: scope of work, evaluation criteria, respondent questionnaire, pricing schedule",
     "UNDETERMINED", []),
    # third round: texts from 85 new sites (train and dev items only)
    ("Each chat agent posting brings hundreds of applications, and we run live chat for our clients",
     "CONTACT_CENTER", ["chat"]),
    ("The team takes calls and emails, and it supports every council service", "CONTACT_CENTER", ["email", "voice"]),
    ("Operators answer the calls. All questions must be sent by email no later than March 13.",
     "CALL_CENTER", ["voice"]),
    ("Agents answer callers for the Veterans Benefits Administration", "CALL_CENTER", ["voice"]),
    # fourth round (train and dev items of the third round's new sites)
    ("The operator answers every call. Service owner: Manager, Finance & Administration.",
     "CALL_CENTER", ["voice"]),
    ("Questions go to the Senior Procurement Analyst; the provider answers the library's phones after hours",
     "CALL_CENTER", ["voice"]),
    ("We want to outsource our finance department and its accounts payable work", "BPO", []),
    ("The county seeks a third party administrator for its workers' compensation claims", "BPO", []),
    ("Before the call centre boom, I wrote software that later moved offshore", "UNDETERMINED", []),
    ("The vendor must match our brand's tone of voice when it answers customer emails",
     "CONTACT_CENTER", ["email"]),
    ("Agents take the calls; requests for clarification go by email to the named contact person only",
     "CALL_CENTER", ["voice"]),
    ("I built a system to spend less time on support; I call it 123 Support.", "UNDETERMINED", []),
    ("The director called it a hard choice, and the board issued calls for proposals.", "UNDETERMINED", []),
    ("Customers call us all day, and we answer the phones ourselves.", "CALL_CENTER", ["voice"]),
    ("Reading social cues on the phone is hard, so a receptionist service answers our calls.",
     "CALL_CENTER", ["voice"]),
    ("Passengers write to us on social media and we answer the phones.", "CONTACT_CENTER", ["social", "voice"]),
    ("The carrier said in an emailed statement that its call centre agents will keep answering calls.",
     "CALL_CENTER", ["voice"]),
    ("The city will outsource the printing and mailing of its utility bills to a print bureau.", "BPO", []),
    ("Our CPA firm outsources the preparation of clients' tax returns to accountants in India.", "BPO", []),
    ("Clients phone us with questions about their tax returns.", "CALL_CENTER", ["voice"]),
    # fifth round: experience ownership (provider upkeep and QA kept; tools, grades, checks by the buyer dropped)
    ("We answer your email and chat, and the knowledge base is kept up to date by our team.",
     "CX_BPO", ["chat", "email"]),
    ("We take over your chat queue; replies come from a knowledge base we keep current.", "CX_BPO", ["chat"]),
    ("Our agents answer the calls and a two-layer QA process samples every week.", "CX_BPO", ["voice"]),
    ("Agents answer the phones, and anyone who fails QA twice loses the bonus.", "CALL_CENTER", ["voice"]),
    ("The vendor answers calls; courtesy is measured through call monitoring by the city.",
     "CALL_CENTER", ["voice"]),
    ("Agents log each email as a ticket and move it to the QA review stage before closing.",
     "CONTACT_CENTER", ["email"]),
    ("We are buying a hosted phone system with analytics, IVR and ACD for our own agents.",
     "CALL_CENTER", ["voice"]),
    ("The new platform handles voice and chat, with an analytics layer for live tracking.",
     "CONTACT_CENTER", ["chat", "voice"]),
    # fifth round: back-office recall (train and dev items only)
    ("The council will outsource its IT and HR to one provider.", "BPO", []),
    ("Agents log into the client's IT systems to answer customer calls.", "CALL_CENTER", ["voice"]),
    ("HOW IT WORKS: customers call our hotline.", "CALL_CENTER", ["voice"]),
    ("Our HR specialists answer staff calls about pensions.", "CALL_CENTER", ["voice"]),
    ("The partner runs recruitment, training and scheduling of the agents who answer our calls.",
     "CALL_CENTER", ["voice"]),
    ("The Revenues and Benefits Manager said the team answers every call.", "CALL_CENTER", ["voice"]),
    ("The council will outsource its revenues and benefits service.", "BPO", []),
    ("Returns processing piled up, more than the in-house team could handle.", "BPO", []),
    ("The county seeks a vendor for lockbox/remittance processing.", "BPO", []),
    ("The bank wants help clearing its AML/CFT alerts.", "BPO", []),
    ("We brought in two finance outsourcers during the pandemic.", "BPO", []),
    ("The vendor handles data processing and mail preparation for the city.", "BPO", []),
    ("A billing company bills our patients for us.", "BPO", []),
    ("The provider runs billing and collection services for the utility.", "BPO", []),
    ("The contractor would take over mailroom services for the city.", "BPO", []),
    ("The deal covers telephony plus processing services for the agency.", "BPO", ["voice"]),
    ("The team handles batch payments every night.", "BPO", []),
    ("Go through the unprocessed enrollments and correct them.", "BPO", []),
    # fifth round: back-office words that name a topic, a tool, the buyer's own team or a catalogue
    ("Agents answer the calls. It supports every service the council runs.", "CALL_CENTER", ["voice"]),
    ("The city will outsource utility billing and parking customer service calls.", "CALL_CENTER", ["voice"]),
    ("Agents take balance questions, process account payments and reset passwords over the phone.",
     "CALL_CENTER", ["voice"]),
    ("Agents answer billing calls and watch the payment systems for processing errors.",
     "CALL_CENTER", ["voice"]),
    ("Agents answer customer emails and settle disputes with the internal finance team.",
     "CONTACT_CENTER", ["email"]),
    ("The provider also offers consulting and back office processing; for us it will answer the phones.",
     "CALL_CENTER", ["voice"]),
    ("Policyholders phone in their FNOL and agents take the details.", "CALL_CENTER", ["voice"]),
    ("We need voice and email claims intake for our policyholders.", "CONTACT_CENTER", ["email", "voice"]),
    ("The agency will collect accounts receivable that remain unpaid.", "CALL_CENTER", []),
    # fifth round: stray non-voice words (train and dev items only)
    ("The answering service takes a message and emails the details over to our manager.",
     "CALL_CENTER", ["voice"]),
    ("Agents answer the calls; staff were told of the new rota by email.", "CALL_CENTER", ["voice"]),
    ("Night staff answer the phones and monitor the car park by video.", "CALL_CENTER", ["voice"]),
    ("Agents answer the calls and fill in an online form, kept on the intranet, to record each answer.",
     "CALL_CENTER", ["voice"]),
    ("Operators take the calls, and staff use a web form from the registry.", "CALL_CENTER", ["voice"]),
    ("The vendor staffs the hotline. All questions are to be emailed by noon on Friday.",
     "CALL_CENTER", ["voice"]),
    ("We parted ways with live chat last year and now answer calls only.", "CALL_CENTER", ["voice"]),
    ("Sometimes the smarter call is to do one thing well.", "UNDETERMINED", []),
    ("Volunteers respond to texts from young people around the clock.", "CONTACT_CENTER", ["sms"]),
    ("Phone support is not offered; we help users by email.", "CONTACT_CENTER", ["email"]),
    ("Our users write to us by email, so check that our emails aren't filtered as spam.",
     "CONTACT_CENTER", ["email"]),
    ("The provider took over our support inbox, and they haven't opened one email in a week.",
     "CONTACT_CENTER", ["email"]),
    ("We much prefer photos attached to the email rather than scanned documents.", "CONTACT_CENTER", ["email"]),
    ("Phone contact dropped by half last year, and agents still answer the calls.", "CALL_CENTER", ["voice"]),
    # 3a.5 / 3a.1, twenty-second session (train + dev out of fold): claim as asserting or as the
    # claimant's own act, and procurement as the buyer's way of buying
    ("Sources claim a multinational will run the new call centre, which takes 2,000 calls a day.",
     "CALL_CENTER", ["voice"]),
    ("The telesellers even claim to work for the government when they phone people at home.",
     "CALL_CENTER", ["voice"]),
    ("We need agents to answer calls from people claiming unemployment benefit.", "CALL_CENTER", ["voice"]),
    ("The council ran a competitive procurement for its contact centre phone lines.", "CALL_CENTER", ["voice"]),
    ("Bids go to the State Procurement Centre; the winner answers the hotline calls.", "CALL_CENTER", ["voice"]),
    # ...and the same words where they are back-office work
    ("The provider will adjudicate the claims and settle each claim within ten days.", "BPO", []),
    ("The vendor takes over claiming and processing of warranty refunds for our dealers.", "BPO", []),
    ("We are outsourcing accounts payable, procurement and payroll to one shared-services partner.", "BPO", []),
])
def test_reading_real_text(text, model, channels):
    assert reading(text) == (model, channels)


def test_topic_words_do_not_become_back_office_processes():
    got = record("Parents phone the school office with questions about tuition payments and enrolment paperwork")
    assert not {"document_processing", "finance_accounting"} & set(got["processes"])


def test_payment_posting_is_not_billing_support():
    assert record("We need help with payment posting and cash application")["processes"] == ["finance_accounting"]


def test_capacity_is_not_a_negated_channel():
    got = record("I don't have time to answer the phone during jobs")
    assert got["excluded_channels"] == []


def test_a_negated_mention_does_not_outvote_many_plain_ones():
    text = ("We answer the phone. Half our competitors never picked up, not even a voicemail. "
            "Our office takes calls on holidays and the phones ring all day.")
    assert record(text)["channels"] == ["voice"]


def test_every_check_names_its_principle_and_spec_section():
    for check in load_checks():
        assert check.principle.startswith("3a."), check.id
        assert check.targets, check.id


def test_goals_the_provider_is_asked_to_own_are_kept():
    got = record("we want an outsourcing partner to also own our QA program and CX analytics")
    assert {"quality_assurance", "analytics"} <= set(got["goals"])


def test_goals_the_buyer_keeps_are_dropped():
    got = record("Our own analysts already run speech analytics; we just need the phones covered.")
    assert "analytics" not in got["goals"] and got["recommendation"] == "CALL_CENTER"


def test_it_is_it_operations_only_in_capitals():
    assert "it_operations" not in record("Customers call us and we want to outsource it to a partner")["processes"]
    assert "it_operations" in record("We want a partner to run our IT")["processes"]


def test_slash_joined_words_match_their_parts_only_when_the_whole_is_no_form():
    assert record("The provider handles our AP/AR.")["processes"] == ["finance_accounting"]
    assert record("The county wants lockbox/remittance processing")["processes"] == ["finance_accounting"]
def test_back_office_the_buyer_keeps_unless_it_is_handed_over():
    kept = record("Agents answer customer emails and settle disputes with the internal finance team.")
    assert "finance_accounting" not in kept["processes"]
    handed = record("The vendor will take over its in-house claims processing.")
    assert "claims_processing" in handed["processes"]


def test_payments_taken_on_the_call_are_billing_support():
    got = record("Agents take balance questions, process account payments and reset passwords over the phone.")
    assert got["processes"] == ["billing_support"]


def test_receivables_to_collect_are_collections():
    assert record("The agency will collect accounts receivable that remain unpaid.")["processes"] == ["collections"]
# fifth round (train and dev items only): phone and call words in anecdotes, idioms and research
@pytest.mark.parametrize("text,model,channels", [
    # 3a.5 a channel that is only the yardstick of a comparison
    ("The agent was harder to follow in chat than he would have been on the phone.", "CONTACT_CENTER", ["chat"]),
    ("Typing is slower than a phone call, so we answer every email within an hour.", "CONTACT_CENTER", ["email"]),
    ("We handle more than 5,000 phone calls a month.", "CALL_CENTER", ["voice"]),
    # 3a.5 call as a place, a name, a decision or a demand
    ("The help centre is the first port of call, and our helpers, as we call them, reply by email.",
     "CONTACT_CENTER", ["email"]),
    ("Sometimes the smarter call is to outsource, and that will call for some changes.", "UNDETERMINED", []),
    ("Customers call us about late deliveries.", "CALL_CENTER", ["voice"]),
    # 3a.1 the telecom product customers buy is a topic
    ("We settle disputes about broadband and home phone service for consumers.", "UNDETERMINED", []),
    ("Subscribers complain about local and long distance phone charges by email.", "CONTACT_CENTER", ["email"]),
    # 3a.5 a relative on the phone belongs to an anecdote
    ("I could hear my husband on the phone booking a table for Friday.", "UNDETERMINED", []),
    ("Agents answer the phone for our clinics.", "CALL_CENTER", ["voice"]),
])
def test_incidental_voice_words(text, model, channels):
    assert reading(text) == (model, channels)


def test_a_published_survey_is_not_a_survey_programme():
    assert "surveys" not in record("A survey of 200 companies found that most outsource their helpdesk.")["processes"]
    assert "surveys" not in record("A survey by the trade body shows rising costs.")["processes"]
    assert "surveys" in record("The provider runs satisfaction surveys by phone after each visit.")["processes"]


def test_debt_collection_named_as_a_verb_phrase():
    got = record("Along with customer service, the vendor helps us collect debts from tenants.")
    assert "collections" in got["processes"]


def test_a_secret_shopper_programme_is_quality_assurance():
    got = record("The vendor answers our calls and runs a secret shopper programme every month.")
    assert "quality_assurance" in got["goals"]


# sixth round (train and dev items only): back-office words that name rules, tools, history,
# the buyer's own units and staff, or a class of callers
@pytest.mark.parametrize("text,model", [
    # 3a.5 a class of firms among the callers; a contract's TPA is still claims work
    ("On the phone line, agents help employers and third-party administrators register online.", "CALL_CENTER"),
    ("We seek a firm to act as our workers' compensation third-party administrator.", "BPO"),
    # 3a.5 rules the agents follow
    ("Agents answer calls and follow our compliance rules (refunds, KYC, payments).", "CALL_CENTER"),
    ("Agents answer calls and must know the KYC rules by heart.", "CALL_CENTER"),
    ("The provider runs KYC checks on every new account.", "BPO"),
    # 3a.5 a product, not a queue of work
    ("The partner will supply web-based applications and manage our calls.", "CALL_CENTER"),
    ("Agents use a dashboard for comment moderation while replying to Facebook messages.", "CONTACT_CENTER"),
    ("The provider will process student applications and answer the phones.", "BPO"),
    # 3a.3 someone's history
    ("The firm, known for its role in processing visa applications, now runs our helpline.", "CALL_CENTER"),
    ("Two years ago the partnership was formed to run payroll; today we need phone answering.", "CALL_CENTER"),
    # 3a.5 and 3a.1 the buyer described by its own back office
    ("Support for the department that administers pension claims: the vendor answers the calls.", "CALL_CENTER"),
    ("The vendor will answer calls, helping officials process benefit claims faster.", "CALL_CENTER"),
    ("The vendor will answer calls and process benefit claims.", "BPO"),
    # 3a.5 the buyer's own people
    ("Password resets by phone eat too many hours of our internal IT staff.", "CALL_CENTER"),
    # 3a.1 a ledger named among the offices the call center supports
    ("Call center services to support Admissions, Financial Aid and Accounts Receivable Services.",
     "CALL_CENTER"),
    ("We want to outsource accounts receivable and the billing calls that come with it.", "BPO"),
])
def test_back_office_words_that_are_not_work_in_scope(text, model):
    assert record(text)["recommendation"] == model


# sixth round (train and dev items only): labels in market context, definitions and advice
@pytest.mark.parametrize("text,model,channels", [
    # 3a.3/3a.4 a label counted in market statistics or said of companies in general
    ("Analysts say 30 per cent of call centre jobs will move abroad.", "UNDETERMINED", []),
    ("Companies outsourcing their call centers now expect more from providers.", "UNDETERMINED", []),
    ("The report counts call center closures and layoffs across the region.", "UNDETERMINED", []),
    ("We need a call center for our members.", "CALL_CENTER", ["voice"]),
    # 3a.3/3a.4 a label in a definition or in general advice
    ("A call center is a service provider that firms use to talk to customers.", "UNDETERMINED", []),
    ("With enough staff, a call centre can guarantee that someone is always there.", "UNDETERMINED", []),
    ("We want a call centre that can cover our evenings.", "CALL_CENTER", ["voice"]),
    # 3a.3/3a.5 a provider's line of business, or a product
    ("Our business is call centres and customer care for game studios.", "UNDETERMINED", []),
    ("Call centre technologies often sit behind shared services.", "UNDETERMINED", []),
    # 3a.3 a label or a channel weighed in a question, direct or indirect
    ("So how do you know when you should hire a call centre?", "UNDETERMINED", []),
    ("The founder wonders whether he should offer live chat.", "UNDETERMINED", []),
    ("We answer the phones, and the board asks whether we should add live chat.", "CALL_CENTER", ["voice"]),
])
def test_labels_and_channels_outside_the_buyers_scope(text, model, channels):
    assert reading(text) == (model, channels)


# sixth round (train and dev items only): comparisons, finance and IT work named in other words
@pytest.mark.parametrize("text,model,channels", [
    # 3a.5 a written channel that is only the yardstick of a comparison
    ("Calls interrupt us; you can't put them aside the way you can with emails.", "CALL_CENTER", ["voice"]),
    ("Customers reach us faster by phone than by email.", "CALL_CENTER", ["voice"]),
    ("Agents answer the phones and reply to emails.", "CONTACT_CENTER", ["email", "voice"]),
])
def test_a_written_channel_as_the_comparison(text, model, channels):
    assert reading(text) == (model, channels)


def test_a_framed_check_needs_both_cues():
    assert record("Our call center can no longer keep up.")["channels"] == ["voice"]
    assert record("A specialist call center may raise satisfaction.")["channels"] == []


def test_a_frame_needs_cues_on_both_sides():
    from bot.language.senses import _check_from
    raw = {"id": "half_frame", "principle": "3a.5 a test", "applies_to": {"model": ["CALL_CENTER"]},
           "drop_if_framed_by": {"before": ["a"]}}
    with pytest.raises(ValueError, match="both before and after"):
        _check_from(raw)
def test_write_offs_are_finance_work_only_when_worked():
    worked = record("The team takes collection calls and reviews write-offs each month.")
    assert "finance_accounting" in worked["processes"]
    outcome = record("Agents take collection calls; a higher write-off ratio hurts the lender.")
    assert "finance_accounting" not in outcome["processes"]


def test_tax_returns_are_not_returned_goods():
    tax = record("Our offshore accountants prepare the returns for our tax clients.")
    assert "finance_accounting" in tax["processes"] and "order_support" not in tax["processes"]
    goods = record("Customers call us about returns and exchanges.")
    assert "order_support" in goods["processes"]


def test_finance_and_fraud_work_named_in_other_words():
    assert "finance_accounting" in record("The vendor works the credit balances on patient accounts.")["processes"]
    recovery = record("We need a partner for revenue recovery on our utility accounts.")
    assert "finance_accounting" in recovery["processes"]
    assert "kyc_compliance" in record("The offshore team took over fraud prevention for us.")["processes"]


def test_technology_services_only_when_handed_over():
    handed = record("The school's technology services will be handed to the contractor in July.")
    assert handed["recommendation"] == "BPO" and "it_operations" in handed["processes"]
    firm = record("Acme, a technology services company, wants help answering its phones.")
    assert "it_operations" not in firm["processes"]


@pytest.mark.parametrize("text,model,channels", [
    # 3a.4: a named voice line is a voice-only label
    ("We need someone to cover our support line after hours.", "CALL_CENTER", ["voice"]),
    ("We run a nurse line for members.", "CALL_CENTER", ["voice"]),
    ("Looking for a partner to run our 311 line for the city.", "CALL_CENTER", ["voice"]),
    # 3a.1: back-office work asked for in plain words
    ("We need help with payroll.", "BPO", []),
    ("We need help with accounts payable.", "BPO", []),
    ("Can you help with our invoicing?", "BPO", []),
    # 3a.2: a QA or knowledge team the buyer keeps
    ("We do QA internally. Looking for a partner for phone and chat support.", "CONTACT_CENTER", ["chat", "voice"]),
    ("Our QA analysts will monitor the calls; the vendor handles phone and email.", "CONTACT_CENTER",
     ["email", "voice"]),
    ("We want a partner for phone and chat. Our QA team will keep doing the evaluations.", "CONTACT_CENTER",
     ["chat", "voice"]),
    ("We want the vendor to run our QA program for phone and chat.", "CX_BPO", ["chat", "voice"]),
    # 3a.5: tools, conversations and goods are not channels or contact work
    ("We log all calls in our ticketing system. Phone only.", "CALL_CENTER", ["voice"]),
    ("We use Zendesk as our help desk software; customers only phone us.", "CALL_CENTER", ["voice"]),
    ("Customers open tickets in Zendesk and we answer them within a day.", "CONTACT_CENTER", ["email"]),
    ("I had a chat with our account manager and she suggested we outsource our phone line.", "CALL_CENTER",
     ["voice"]),
    ("The app has a chat feature between buyers and sellers; we need someone to answer calls from sellers.",
     "CALL_CENTER", ["voice"]),
    ("We need customer support; we dispatch orders the same day.", "UNDETERMINED", []),
    # 3a.1 and the in-house rule: back office the buyer keeps
    ("We do our own bookkeeping; we need a chat team.", "CONTACT_CENTER", ["chat"]),
    ("Our bookkeeping is done in-house. We want a partner to run phone support and own our QA program.",
     "CX_BPO", ["voice"]),
    ("Our accounts payable team gets 300 calls a week from suppliers. We need phone agents.", "CALL_CENTER",
     ["voice"]),
    ("We want to outsource our own payroll.", "BPO", []),
])
def test_probe_round_readings(text, model, channels):
    assert reading(text) == (model, channels)


def test_compliant_is_not_a_complaint():
    got = record("We need a HIPAA compliant answering service for our clinic.")
    assert "complaints" not in got["processes"] and "compliance" in got["goals"]


def test_a_later_phase_is_planned():
    got = record("A second phase could include invoice processing. Phase one is phone and email support.")
    assert got["recommendation"] == "CONTACT_CENTER"
    assert "finance_accounting" not in got["processes"]


@pytest.mark.parametrize("text,model,channels", [
    # 3a.1: resolved while the customer is there, or a product the buyer sells
    ("We need phone support where agents can also process refunds on the spot.", "CALL_CENTER", ["voice"]),
    ("We are an analytics company and need email support for our dashboard users.", "CONTACT_CENTER", ["email"]),
    ("We sell survey software and need help with customer support.", "UNDETERMINED", []),
    # plans that are documents, and a plan that is a plan
    ("The vendor shall submit a transition plan and a staffing plan for our phone and email support.",
     "CONTACT_CENTER", ["email", "voice"]),
    ("We plan to add chat later; phone today.", "CALL_CENTER", ["voice"]),
    # the buyer stops doing it, or it fails: not withdrawn
    ("We want to stop answering the phones ourselves and hand it to a vendor.", "CALL_CENTER", ["voice"]),
    ("our csat sucks and nobody picks up the phone lol", "CALL_CENTER", ["voice"]),
    # back office the buyer retains
    ("KYC checks on new members will stay with the membership team; the vendor answers member calls.",
     "CALL_CENTER", ["voice"]),
    # correspondence around the request
    ("Great to chat yesterday. We need someone to answer our phones. Sent from Outlook for Android",
     "CALL_CENTER", ["voice"]),
])
def test_second_probe_round_readings(text, model, channels):
    assert reading(text) == (model, channels)


def test_a_goal_only_considered_is_not_asked_of_the_provider():
    got = record("We're considering adding a QA program next year; for now just phone support.")
    assert got["recommendation"] == "CALL_CENTER" and "quality_assurance" not in got["goals"]


def test_answered_within_a_day_is_speed_not_round_the_clock():
    got = record("All chats shall be answered within 45 seconds and emails within 24 hours.")
    assert "speed" in got["goals"] and "coverage_24x7" not in got["goals"]
    assert "coverage_24x7" in record("We need 24 hour phone coverage.")["goals"]


@pytest.mark.parametrize("text,model,channels", [
    # 3a.3: market context, and a provider's case study told from before it took over
    ("Our competitors all offer live chat, but our customers just phone us.", "CALL_CENTER", ["voice"]),
    ("Most providers now offer chat, WhatsApp and social media care; we only need our phones answered.",
     "CALL_CENTER", ["voice"]),
    ("Before partnering with us, Lumen Optics handled customer service in-house with four staff. We now run "
     "their phone and chat support and own the QA program.", "CX_BPO", ["chat", "voice"]),
])
def test_what_others_do_and_what_was_done_before(text, model, channels):
    assert reading(text) == (model, channels)


def test_others_labels_and_sourcing_are_not_the_buyers():
    got = record("Competitors outsource their support to offshore call centres; we keep ours in-house and "
                 "need help with phone overflow.")
    assert got["label_requested"] is None and got["sourcing"] == "in_house"



@pytest.mark.parametrize("text,model,channels", [
    # 3a.5, twenty-first session (found on train + dev out of fold): naming, needing, idioms and compounds
    ("We signed up with a bookkeeping firm called Ledgerline to run our accounts payable.", "BPO", []),
    ("The role is sometimes called a claims clerk: the clerk keys and adjudicates the claims.", "BPO", []),
    ("Handling refund claims well calls for patience and a sharp eye, so we outsource the claims processing.",
     "BPO", []),
    ("Our studio hires non-voice staff to moderate the comments and pictures people upload.", "BPO", []),
    ("Does that ring a bell? Our payroll run is late every month and we want a partner to take it over.",
     "BPO", []),
    ("The new office sits on the Outer Ring Road, next to the data entry team.", "BPO", []),
    ("Members upload video of their workouts; we need the data entry for their sign-up forms done.", "BPO", []),
    ("Under a framework call-off we now want a vendor to handle our invoice processing.", "BPO", []),
    # ...and the same words where they are phone work
    ("Customers called the helpline about late deliveries all week.", "CALL_CENTER", ["voice"]),
    ("Last Monday I called Northwind and waited forty minutes on hold.", "CALL_CENTER", ["voice"]),
    ("Customers called Acme Bank all week to complain about the new fees.", "CALL_CENTER", ["voice"]),
    ("Tenants call for help with repairs at any hour, so we need someone answering the phone overnight.",
     "CALL_CENTER", ["voice"]),
    ("The answering service will take calls for the city's parks department after hours.", "CALL_CENTER", ["voice"]),
    ("Give us a ring any time if your order is late.", "CALL_CENTER", ["voice"]),
    ("Advisers meet customers by video call and answer their emails.", "CONTACT_CENTER", ["email", "video"]),
])
def test_naming_needing_idioms_and_compounds(text, model, channels):
    assert reading(text) == (model, channels)


@pytest.mark.parametrize("text,end,expected", [
    ("an app called Printful.", 13, True),
    ("the lender called in Cognizant", 17, True),
    ('a deal called "lift and shift"', 13, True),
    ("customers called. Then we", 16, False),
    ("customers called the helpline", 16, False),
    ("called", 6, False),
])
def test_a_name_follows_only_after_spaces(text, end, expected):
    from bot.language.senses import name_follows

    assert name_follows(text, end) is expected


@pytest.mark.parametrize("text,word,expected", [
    ("a non-voice process", "voice", True),
    ("the on-call nurse", "call", True),
    ("a so-called service", "called", True),
    ("a framework call-off", "call", True),
    ("open to call-in", "call", True),
    ("a ring-fenced budget", "ring", True),
    ("a voice process", "voice", False),
    ("call in sick", "call", False),
    ("callers phone in", "phone", False),
])
def test_glued_compounds(text, word, expected):
    from bot.language.mentions import is_glued_compound

    start = text.index(word)
    assert is_glued_compound(text, start, start + len(word)) is expected


def test_keep_if_after_wins_over_a_drop_cue():
    check = next(c for c in load_checks() if c.id == "call_for_as_requires")
    assert check.drops([], ["for", "a", "police", "report"])
    assert not check.drops([], ["for", "help", "with", "repairs"])
    assert not check.drops(["answering", "service", "will", "take"], ["for", "the", "city"])


def test_claim_and_procurement_checks_on_the_words_around():
    """The same checks as the model's mentions meet them ("claiming" and "procurement" reach the
    resolver from DIET, not from the lexicon): the words around decide."""
    checks = {c.id: c for c in load_checks()}
    asserting, claimant, buying = (checks["claim_as_assertion"], checks["claiming_by_the_claimant"],
                                   checks["procurement_as_buying"])
    assert asserting.drops(["sources"], ["a", "multinational", "will", "run"])
    assert asserting.drops(["messages"], ["they're", "important"])
    assert not asserting.drops(["settle", "the"], ["within", "ten", "days"])
    assert claimant.drops(["calls", "from", "people"], ["unemployment", "benefit"])
    assert claimant.drops(["online", "then"], ["takes", "seconds"])
    assert not claimant.drops(["warranty"], ["and", "processing", "of", "refunds"])
    assert buying.drops(["a", "competitive"], ["for", "the", "contact", "centre"])
    assert buying.drops(["public", "services", "and"], ["canada", "has", "had", "to"])
    assert not buying.drops(["accounts", "payable"], ["and", "payroll"])
    assert not buying.drops(["it", "hr", "and"], [])


@pytest.mark.parametrize("text,model,channels", [
    # 3a.5 a chat that is a conversation, not a staffed chat channel; and one that is
    ("Some callers like to chat for a bit before they hang up, and our agents answer every call.",
     "CALL_CENTER", ["voice"]),
    ("Our agents chat with customers on the website and answer the phones.", "CONTACT_CENTER", ["chat", "voice"]),
    # 3a.5 an intercom in a lift is a device; Intercom the product is a chat channel
    ("Every lift has an emergency phone or intercom that our operators answer around the clock.",
     "CALL_CENTER", ["voice"]),
    ("We answer customer questions through Intercom and by email.", "CONTACT_CENTER", ["chat", "email"]),
    # 3a.5 telegrams are wired messages; Telegram is an app
    ("The workers were told that dismissal telegrams would arrive within hours.", "UNDETERMINED", []),
    ("Customers write to us on WhatsApp and Telegram.", "CONTACT_CENTER", ["messaging"]),
    # 3a.5 texts to translate are writing; customers' texts are SMS
    ("We need someone to translate marketing texts and proofread our brochures.", "UNDETERMINED", []),
    ("Agents answer customer texts and phone calls.", "CONTACT_CENTER", ["sms", "voice"]),
    # 3a.5 an e-mail to the agent's own supervisor is internal
    ("Agents take inbound calls; a leave request needs a week's notice by email to your supervisor.",
     "CALL_CENTER", ["voice"]),
    # 3a.5 "called" that judges or summons, against "called" that is phone contact
    ("The mayor called the plan a waste of money, and the council voted it down.", "UNDETERMINED", []),
    ("Customers called the helpline about late deliveries.", "CALL_CENTER", ["voice"]),
    ("Members who have not used their membership are called at three and six months to ask why.",
     "CALL_CENTER", ["voice"]),
    # 3a.5 a phone number kept in a record, phones sold in a shop, tickets in a stadium queue
    ("Each member record holds a name, address and phone number.", "UNDETERMINED", []),
    ("Residents reach us by phone and email.", "CONTACT_CENTER", ["email", "voice"]),
    ("The shop sells phones, computers and chargers online.", "UNDETERMINED", []),
    ("Fans queued all morning for numbered tickets at the stadium.", "UNDETERMINED", []),
    ("The museum tender covers ticketing, visitor assistance and the bookshop.", "UNDETERMINED", []),
    # a short code is a number to dial or text, not a channel by itself
    ("Residents call short code 100 to report power cuts.", "CALL_CENTER", ["voice"]),
])
def test_channel_words_in_another_sense(text, model, channels):
    assert reading(text) == (model, channels)


@pytest.mark.parametrize("text,process", [
    ("We are outsourcing our pension administration to a specialist firm.", "payroll_hr"),
    ("A medical transcription firm types up our doctors' dictation.", "document_processing"),
    # handing a bare back-office noun to someone is asking for the work (3a.1)
    ("The firm has handed its payroll to an outside bureau.", "payroll_hr"),
    ("Home-based typists type up the clinic's discharge summaries for us.", "document_processing"),
    ("The club is handing membership administration to an outside firm.", "document_processing"),
    ("The district signed a contract for fiscal management with a private firm.", "finance_accounting"),
    ("Our outsourced bookkeeper handles paying vendors and reconciling bank accounts.", "finance_accounting"),
])
def test_back_office_work_named_by_its_trade(text, process):
    got = record(text)
    assert (got["recommendation"], process in got["processes"]) == ("BPO", True)
