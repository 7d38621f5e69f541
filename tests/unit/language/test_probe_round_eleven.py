"""Readings from the eleventh session's probes (spec 3a): a closure stated in the next sentence,
the hiring steps of a job post, and a writer's own number in a signature. Each has controls
that must keep their reading.

Each case runs the lexicon, the sense checks, the cue reader and the rulebook, as the
product does without DIET.
"""

from __future__ import annotations

import pytest

from tests.unit.language.reading import record


@pytest.mark.parametrize("text,model,channels", [
    # 3a.3: a sentence that points back and says it was shut down withdraws what came before
    ("We offered live chat on the website until last spring. That service has been discontinued. "
     "Today customers call our support line.", "CALL_CENTER", ["voice"]),
    ("Customers used to reach us through Facebook Messenger and SMS. Both channels were shut down in "
     "2022. Now we take calls and emails.", "CONTACT_CENTER", ["email", "voice"]),
    ("We answer calls and chat. Those services were retired when we moved to the new portal, and we "
     "now only answer email.", "CONTACT_CENTER", ["email"]),
    # the pointing noun says which channel: "that line" is the phone, not the last one named
    ("Our members call us and email us.\nThat line was closed in 2020, and now everything goes by email.",
     "CONTACT_CENTER", ["email"]),
    # controls: opening hours are not a shutdown; praise is not a closure
    ("Customers call our help line and use web chat. The line is closed on weekends.",
     "CONTACT_CENTER", ["chat", "voice"]),
    ("We take calls and live chat. That service has been very popular.", "CONTACT_CENTER", ["chat", "voice"]),
    ("We take calls and live chat. This was closed to new clients.", "CONTACT_CENTER", ["chat", "voice"]),
    # 3a.5: how candidates are hired is not a channel the team answers customers on
    ("Customer Service Representative (remote). You will answer customer emails and live chat for our "
     "online store. Hiring process: a short phone screen, then a video interview with the team lead.",
     "CONTACT_CENTER", ["chat", "email"]),
    ("We're hiring a bookkeeper to reconcile accounts and process invoices. Apply by email; shortlisted "
     "candidates get a phone interview.", "BPO", []),
    ("Agents answer calls from members. Send your CV by email to jobs@example.org.", "CALL_CENTER", ["voice"]),
    # controls: customers applying by phone, and agents who e-mail customers, stay channels
    ("Customers can apply by phone or online, and we want a vendor to take those calls.",
     "CALL_CENTER", ["voice"]),
    ("Agents answer calls and reply to customer emails; apply with your CV.", "CONTACT_CENTER", ["email", "voice"]),
    # 3a.5: a writer's own number under a sign-off is how to reach them
    ("Looking for an answering service for my plumbing business. Regards, Tom Baker. "
     "Cell/WhatsApp: +27 82 555 0101", "CALL_CENTER", ["voice"]),
    ("Need someone to answer our phones after hours. Thanks! Mobile: 0412 555 222 | WhatsApp: +61 412 555 222",
     "CALL_CENTER", ["voice"]),
    ("Need a team to answer customer emails. Best regards, Sam. Tel: +1 (415) 555-0199",
     "CONTACT_CENTER", ["email"]),
    # controls: a desk's numbers on a contact page, and customers' WhatsApp, stay channels
    ("Contact us: Phone: 0800 555 123, WhatsApp: +44 7700 900123, or email help@council.gov.uk. Our "
     "advisers answer Monday to Friday.", "CONTACT_CENTER", ["email", "messaging", "voice"]),
    ("Customers reach us on WhatsApp: +27 21 555 0000 and by phone. We want a partner to handle both.",
     "CONTACT_CENTER", ["messaging", "voice"]),
    # 3a.5: how a reporter got the news, documents delivered, and meetings are not channels
    ("According to an email the CEO sent staff, the vendor will take over claims processing.", "BPO", []),
    ("In an emailed statement the bank said its 80 call centre staff would move to Manila.",
     "CALL_CENTER", ["voice"]),
    ("The vendor will raise customer invoices and send them by email or post, and process vendor bills.",
     "BPO", []),
    ("A team took six weeks to learn the process from a draft manual and online calls. In scope was "
     "accounts payable processing.", "BPO", []),
    ("The councils will need to speak with one voice. Capita will run IT, HR and finance.", "BPO", []),
    # controls: customers' e-mails, questions about bills, and customers' calls stay channels
    ("Customers send us an email or call; in an email they usually attach their invoice.",
     "CONTACT_CENTER", ["email", "voice"]),
    ("Bills go out by post or email, and agents answer customer questions about them by email.",
     "BPO", ["email"]),  # sending the bills out is billing work (3a.1); the questions are a channel
    ("We take 4,000 online calls a month from customers through the web phone widget.", "CALL_CENTER", ["voice"]),
    # how offers reach the buyer in an RFQ is not a channel; telemarketing is voice work by nature
    ("Send offers by email, by fax or by courier, quoting the RFQ number. UNICEF intends to buy "
     "telemarketing services for donor stewardship.", "CALL_CENTER", []),
    # texting leads is an SMS channel; pay-by-phone automation is not a staffed phone line
    ("No pickup? Dial them again right away. Still nothing: leave a voicemail, then text them with "
     "the template we provide.", "CONTACT_CENTER", ["sms", "voice"]),
    ("Capita supplies the software behind the payment routes: the portal, automated phone payments "
     "and Chip & PIN.", "UNDETERMINED", []),
    # "nothing on the support line hours" changes nothing: the line stays a channel
    ("What changes for you? Nothing on the support line hours, for now. An outside team answers "
     "after hours.", "CALL_CENTER", ["voice"]),
    ("We don't take phone calls, only email.", "CONTACT_CENTER", ["email"]),
    # clerical casework worked by suppliers is a back-office queue
    ("From July, outside suppliers will work through clerical cases and carry out part of the debt "
     "collection.", "BPO", []),
    # "sending bills out faster" is not billing withdrawn (the contractor's billing run, a
    # back-office queue: work_phrases.yml, so BPO); "phone is out" still is
    ("The contractor must start sending bills out faster. Drivers wait on the phone for ages.",
     "BPO", ["voice"]),
    ("Phone is out; we only want chat.", "CONTACT_CENTER", ["chat"]),
    # RFP wording: the work asked "for the Department" is still the work; a unit named right after
    # the process ("the claims office") is still a unit
    ("The Contractor shall process claims for the Department.", "BPO", []),
    ("The Contractor shall provide staff, equipment and facilities to process claims for the Department.",
     "BPO", []),
    ("Members phone the claims office; agents answer about 900 calls a week.", "CALL_CENTER", ["voice"]),
    # an aside between commas ("not subcontractors") does not withdraw what follows it
    ("The vendor will use trained agents, not subcontractors, to answer calls and emails.",
     "CONTACT_CENTER", ["email", "voice"]),
    ("Our people, not bots, answer calls and chats.", "CONTACT_CENTER", ["chat", "voice"]),
    ("We do not offer phone, email or chat; only the web portal.", "UNDETERMINED", []),
    # the buyer's own shared services or offshore arm keeps the work in-house (no BPO)
    ("The client operates its own shared services center, where accounts payable for the whole country "
     "is processed.", "UNDETERMINED", []),
    ("The insurer moved claims calls to its own offshore arm in India.", "CALL_CENTER", ["voice"]),
    # second probe round (RFP clauses, e-mails to a vendor): staffed lines, closures announced or
    # stated after a channel noun, work the buyer keeps, small talk, internal tools, contract
    # management, someone else's back office or QA, and work asked in verbs; with controls
    ("The Contractor shall answer the Retirement System's member services line.",
     'CALL_CENTER', ['voice']),
    ('The Contractor shall staff the poison control line 24 hours a day.',
     'CALL_CENTER', ['voice']),
    ('The vendor will run the production line and answer emails from customers.',
     'CONTACT_CENTER', ['email']),
    ('The Contractor shall operate the chat line for residents.',
     'CONTACT_CENTER', ['chat']),
    ('The Contractor shall answer the customer service line. Email support will be discontinued at contract start.',
     'CALL_CENTER', ['voice']),
    ('The Contractor shall answer the customer service line. Chat inquiries are not part of this Contract.',
     'CALL_CENTER', ['voice']),
    ('The Contractor shall answer the customer service line. The email channel closed in 2022.',
     'CALL_CENTER', ['voice']),
    ('The phone line closed at 5pm on Fridays; customers email us over the weekend.',
     'CONTACT_CENTER', ['email', 'voice']),
    ('Calls will be ended in a polite, professional way, and agents answer emails too.',
     'CONTACT_CENTER', ['email', 'voice']),
    ('The Contractor shall answer the customer service line. Email inquiries are handled by Department staff.',
     'CALL_CENTER', ['voice']),
    ("The Contractor shall answer the customer service line. Payment processing will remain with the "
     "Department's Finance Division.",
     'CALL_CENTER', ['voice']),
    ('The Contractor shall answer the customer service line and respond to email inquiries within one business day.',
     'CONTACT_CENTER', ['email', 'voice']),
    ('Hi Joe, great chatting with you today. As I mentioned on the phone, we need coverage for our '
     'toll-free line overnight.',
     'CALL_CENTER', ['voice']),
    ('Quick follow-up to our Zoom call: we are still mapping our requirements.',
     'UNDETERMINED', []),
    ('Customers chat with agents on our website and call us.',
     'CONTACT_CENTER', ['chat', 'voice']),
    ('We use Salesforce, Slack and Zendesk internally. Our reps answer about 300 calls a day.',
     'CALL_CENTER', ['voice']),
    ('Our team uses Slack and email to coordinate shifts internally. Customers only reach us by phone.',
     'CALL_CENTER', ['voice']),
    ("Our charity's supporter care team handles phone and email internally. We plan to add live chat "
     "next spring.", 'CONTACT_CENTER', ['email', 'voice']),  # in-house work, not internal tools
    ('Our agents work roughly 200 Zendesk tickets from customers each day.',
     'CONTACT_CENTER', ['email']),
    ("The Contract Manager shall be reachable by telephone and email during business hours. The "
     "Contractor shall answer the Authority's customer service line.",
     'CALL_CENTER', ['voice']),
    ('The Contractor shall answer calls and respond to customer emails. The Project Manager shall be '
     'available by phone and email.',
     'CONTACT_CENTER', ['email', 'voice']),
    ("My wife handles all the billing and accounts receivable; I'm looking for a phone answering service.",
     'CALL_CENTER', ['voice']),
    ('Our parent company runs payroll and AP centrally. We need a customer phone line answered.',
     'CALL_CENTER', ['voice']),
    ("We want a provider to run payroll for our 200 clients and answer their employees' calls.",
     'BPO', ['voice']),
    ('The last BPO we used did our quality assurance program. We need phone and chat support.',
     'CONTACT_CENTER', ['chat', 'voice']),
    ("We want phone and chat support, and we'd like the provider to run the quality assurance program as well.",
     'CX_BPO', ['chat', 'voice']),
    ('We want to hand off our invoicing and payroll to you.',
     'BPO', []),
    ('The Contractor shall answer the benefits line and shall identify the top reasons for calls '
     'each month and recommend changes.',
     'CX_BPO', ['voice']),
    ('The Contractor shall open and sort incoming correspondence, scan documents, and route them to caseworkers.',
     'BPO', []),
    ('The Contractor shall verify the identity of applicants by checking submitted documents against '
     'state databases.',
     'BPO', []),
    # what bidders or applicants have done elsewhere is not scope; paying the contractor is not
    # billing or collections work; controls: what the contractor shall do, and residents' debts
    ("The Contractor shall answer the Department's customer service line. Offerors shall describe "
     "their experience providing email, chat and social media support to other clients.", "CALL_CENTER", ["voice"]),
    ("The Contractor shall answer the customer service line. EVALUATION CRITERIA: (a) experience "
     "with claims processing and data entry, 10 points.", "CALL_CENTER", ["voice"]),
    ("The Contractor shall answer calls and shall also provide chat support, drawing on its "
     "experience serving other public-sector clients.", "CONTACT_CENTER", ["chat", "voice"]),
    ("The County seeks proposals for customer support services. Invoices shall be paid monthly in "
     "arrears.", "UNDETERMINED", []),
    ("The County seeks proposals for customer support services. Any collection of overpayments "
     "from the Contractor shall be by offset.", "UNDETERMINED", []),
    ("The vendor shall collect overdue payments from residents by phone and post payments to accounts.",
     "BPO", ["voice"]),
])
def test_reading(text, model, channels):
    got = record(text)
    assert (got["recommendation"], sorted(got["channels"])) == (model, channels)


def test_a_closure_pointing_back_is_shown_as_withdrawn_with_its_words():
    got = record("We offered live chat until last spring. That service has been discontinued. "
                 "Customers call us.")
    assert {"signal": "excluded_channel:chat", "text": "live chat"} in [
        {"signal": e["signal"], "text": e["text"]} for e in got["evidence"]]


def test_a_singular_pointer_withdraws_only_the_last_thing_named():
    got = record("Customers can text us or call. This option was dropped last year because of cost.")
    assert got["channels"] == ["sms"]
