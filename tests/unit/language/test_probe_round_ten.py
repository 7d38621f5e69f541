"""Readings from the tenth probe round (spec 3a): buyer text written here to aim at one
distinction each, with controls that must keep their reading.

Each case runs the lexicon, the sense checks, the cue reader and the rulebook, as the
product does without DIET, so a regression in any of them shows here.
"""

from __future__ import annotations

import pytest

from tests.unit.language.reading import record


@pytest.mark.parametrize("text,model,channels", [
    # what the customer does is the reason for the contact, not a channel withdrawn
    ("Customers can cancel by phone or email, and we want a save attempt on every one.",
     "CONTACT_CENTER", ["email", "voice"]),
    ("To stop their service, customers call us.", "CALL_CENTER", ["voice"]),
    ("Cardholders who lose their card call the hotline around the clock.", "CALL_CENTER", ["voice"]),
    ("Customers drop us an email or give us a call.", "CONTACT_CENTER", ["email", "voice"]),
    # control: the buyer ending a channel still withdraws it
    ("We want to cancel our phone support and move to chat.", "CONTACT_CENTER", ["chat"]),
    # "no longer" is read as a bigram before "no" as a determiner
    ("We no longer do live chat; phone only.", "CALL_CENTER", ["voice"]),
    ("Web chat was paused indefinitely in 2023. Customers call us.", "CALL_CENTER", ["voice"]),
    ("We dropped email in favour of phone support.", "CALL_CENTER", ["voice"]),
    ("We got rid of email support last year and customers now call.", "CALL_CENTER", ["voice"]),
    # control: a phone system replaced is not the phones closed
    ("The phone system was replaced by a cloud platform; agents answer 3,000 calls a month.",
     "CALL_CENTER", ["voice"]),
    # sign-offs, the message itself, publicity footers (3a.5)
    ("We need an answering service for our clinic. Thanks, Jane Doe. Phone: 555-201-3344, "
     "Email: jane.doe@clinic.org", "CALL_CENTER", ["voice"]),
    ("Customers call all day for quotes. Follow us on Facebook and Instagram! Please reply to this "
     "email if interested.", "CALL_CENTER", ["voice"]),
    ("I'm emailing on behalf of our HVAC company. We need someone to answer our phones after hours.",
     "CALL_CENTER", ["voice"]),
    # controls: a shared desk's address, customers asking to be e-mailed, customers' DMs
    ("Our support desk (Phone: 555-1000, Email: support@brand.com) needs a vendor to run it.",
     "CONTACT_CENTER", ["email", "voice"]),
    ("Customers follow us on Instagram and send us DMs, which agents answer.", "CONTACT_CENTER", ["social"]),
    # the tender checks keep the public's e-mails
    ("The proposer will respond to customer e-mails no later than one business day after receipt.",
     "CONTACT_CENTER", ["email"]),
    ("Proposals must be emailed to the procurement officer no later than May 1. The vendor answers "
     "resident calls.", "CALL_CENTER", ["voice"]),
    # marketing sent out is not a staffed channel; replies answered are
    ("We send SMS marketing blasts every Friday; customers call our store line with questions.",
     "CALL_CENTER", ["voice"]),
    ("Customers reply to our SMS campaign and agents answer their questions by text.", "CONTACT_CENTER", ["sms"]),
    # market context and plans
    ("Most retailers now offer live chat, but we only support customers by phone.", "CALL_CENTER", ["voice"]),
    ("For phase one we will use voice only; chat may come later.", "CALL_CENTER", ["voice"]),
    # the past and other parties' work
    ("The phone line has been replaced by WhatsApp.", "CONTACT_CENTER", ["messaging"]),
    ("Our legacy fax and email order lines are gone since the new portal went live. Customers phone us "
     "with order status questions.", "CALL_CENTER", ["voice"]),
    ("We moved away from phone support in 2021 and now handle all requests through Zendesk tickets and "
     "live chat.", "CONTACT_CENTER", ["chat", "email"]),
    ("We used to answer Instagram DMs ourselves but stopped last year. Now we just need someone to pick "
     "up the phone for order questions.", "CALL_CENTER", ["voice"]),
    ("Data entry is handled by another vendor under a separate contract and is not part of this tender. "
     "Services required: live chat and email support.", "CONTACT_CENTER", ["chat", "email"]),
    ("Historically our old vendor also did data entry and invoicing for us. This RFP covers inbound "
     "customer calls only.", "CALL_CENTER", ["voice"]),
    # the buyer's own experience work, said other ways
    ("Our CX team owns journey mapping and NPS analysis. We need an outsourced team for WhatsApp and "
     "email support.", "CONTACT_CENTER", ["email", "messaging"]),
    ("We keep quality monitoring and the knowledge base in-house. The partner will answer chat and email "
     "from our app users.", "CONTACT_CENTER", ["chat", "email"]),
    ("We are not looking for a partner to do QA or analytics, we have a team for that. Just 24/7 phone "
     "coverage.", "CALL_CENTER", ["voice"]),
    # controls: a former company name, work moved from the incumbent to the new provider
    ("Background: First Mobile Trust (previously First Billing Service) wants a partner to run bill "
     "processing and payment posting, and to take the billing calls.", "BPO", ["voice"]),
    ("Our current vendor handles claims processing; we want to move it, and the claims calls, to a new "
     "partner.", "BPO", ["voice"]),
    # names of contact work
    ("Incoming texts from customers are answered by the front desk.", "CONTACT_CENTER", ["sms"]),
    # controls: words that only look like contact work
    ("Please write in plain English; the text in section 3 applies.", "UNDETERMINED", []),
    ("Cardiology is a growing service line for the hospital.", "UNDETERMINED", []),
    ("Billing errors are the main reason why customers call; we need a partner to answer the phones.",
     "CALL_CENTER", ["voice"]),
    ("Customers write in through the contact page.", "CONTACT_CENTER", ["email"]),
    ("Our customer service line is swamped.", "CALL_CENTER", ["voice"]),
    ("Clients can reach us on the help line.", "CALL_CENTER", ["voice"]),
    ("We need live answering for our main number.", "CALL_CENTER", ["voice"]),
])
def test_reading(text, model, channels):
    got = record(text)
    assert (got["recommendation"], got["channels"]) == (model, channels)


@pytest.mark.parametrize("text,process", [
    ("Outsource our payroll processing and employee calls.", "payroll_hr"),
    ("We need invoice processing and supplier calls handled by one partner.", "finance_accounting"),
    ("Scope: cash application, collections calls and dispute handling.", "finance_accounting"),
    ("Looking for a vendor to reconcile our bank statements and credit card accounts every month end.",
     "finance_accounting"),
    ("Journal entries, intercompany reconciliations and accruals for our three entities.", "finance_accounting"),
    ("Credentialing files for our 40 clinicians, kept current with every payer.", "kyc_compliance"),
    ("Utilization review support for the health plan's nurses.", "claims_processing"),
])
def test_back_office_work_is_read(text, process):
    got = record(text)
    assert process in got["processes"] and got["recommendation"] == "BPO"


@pytest.mark.parametrize("text", [
    "Members call with payroll processing questions.",
    "Policyholders call and email for updates on their claims.",
    "Merchants call us to dispute chargebacks on their account.",
    "Members phone to find out whether their prior auth was approved.",
    "Applicants phone and email chasing their loan applications.",
    "Our finance team handles invoicing; we need a partner for inbound calls.",
    "Content moderation is done by another vendor; we want a partner for player support over chat and email.",
    "We don't need the vendor to do our payroll; we just need inbound phone support.",
    "Out of scope: IT operations, HR administration, accounts receivable. In scope: inbound calls.",
])
def test_topics_and_work_kept_or_excluded_are_not_bpo(text):
    got = record(text)
    assert got["recommendation"] != "BPO", got["processes"]


def test_chasing_claims_as_the_work_stays_back_office():
    got = record("A remote receptionist books appointments and chases insurance claims for the practice.")
    assert "claims_processing" in got["processes"] or "finance_accounting" in got["processes"]


def test_a_negated_hand_over_does_not_make_the_buyer_in_house():
    assert record("We don't need the vendor to do our payroll; we just need inbound phone support.")["sourcing"] is None
    assert record("We want a vendor to answer calls.")["sourcing"] == "outsourced"


def test_headings_set_the_role_of_the_list_under_them():
    text = ("Scope of work:\n- answer inbound calls\n- respond to emails\nFuture phase:\n- live chat\n"
            "- WhatsApp\nOut of scope:\n- payroll processing\n- invoicing")
    got = record(text)
    assert got["channels"] == ["email", "voice"]
    assert got["planned_channels"] == ["chat", "messaging"]
    assert got["recommendation"] == "CONTACT_CENTER"


def test_a_goal_named_by_its_problem_is_stated_not_withdrawn():
    assert "retention" in record("Our chat and email support needs to stop the churn.")["goals"]


def test_quality_and_insight_work_asked_in_plain_verbs_is_experience_ownership():
    got = record("We want a partner to answer our phones, listen to our calls, score them, coach the agents "
                 "and tell us why people call.")
    assert got["recommendation"] == "CX_BPO"
    assert {"quality_assurance", "analytics"} <= set(got["goals"])
