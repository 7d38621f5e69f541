"""Canonical values of every signal, as fixed by the scoping spec (section 2).

Everything else in the project (lexicon, rules, questions, NLU data) is checked against
these tuples, so a typo in a canonical value fails a test instead of silently never
matching.
"""

from __future__ import annotations

from bot.domain.operating_models import MODEL_IDS, UNDETERMINED, name

CHANNELS: tuple[str, ...] = ("voice", "email", "chat", "sms", "social", "messaging", "video")
NON_VOICE_CHANNELS: frozenset[str] = frozenset(CHANNELS) - {"voice"}

CONTACT_PROCESSES: tuple[str, ...] = (
    "inbound_support",
    "tech_support",
    "outbound_sales",
    "appointment_setting",
    "surveys",
    "collections",
    "retention",
    "order_support",
    "billing_support",
    "complaints",
    "dispatch",
)
BACK_OFFICE_PROCESSES: tuple[str, ...] = (
    "data_entry",
    "finance_accounting",
    "payroll_hr",
    "kyc_compliance",
    "claims_processing",
    "order_processing",
    "content_moderation",
    "document_processing",
    "it_operations",
    "supply_chain",
)
PROCESSES: tuple[str, ...] = CONTACT_PROCESSES + BACK_OFFICE_PROCESSES

#: Processes that are phone work by nature (rule 5): with no channel named, they still
#: point to a call center, but only as a low-confidence default.
VOICE_NATIVE_PROCESSES: frozenset[str] = frozenset(
    {"outbound_sales", "appointment_setting", "surveys", "dispatch", "collections"}
)
#: Processes whose contacts the business starts; used to infer `direction` when unsaid.
OUTBOUND_PROCESSES: frozenset[str] = frozenset(
    {"outbound_sales", "appointment_setting", "surveys", "collections", "retention"}
)
INBOUND_PROCESSES: frozenset[str] = frozenset(
    {"inbound_support", "tech_support", "order_support", "billing_support", "complaints", "dispatch"}
)

GOALS: tuple[str, ...] = (
    "cost_reduction",
    "csat",
    "fcr",
    "nps",
    "customer_effort",
    "speed",
    "handle_time",
    "conversion",
    "retention",
    "scalability",
    "coverage_24x7",
    "multilingual",
    "quality_assurance",
    "analytics",
    "knowledge_management",
    "journey_improvement",
    "compliance",
    "focus_core_business",
    "process_efficiency",
)
#: Goals that ask the provider to own experience outcomes, not just handle contacts.
EXPERIENCE_OWNERSHIP_GOALS: frozenset[str] = frozenset(
    {"quality_assurance", "analytics", "knowledge_management", "journey_improvement"}
)

INDUSTRIES: tuple[str, ...] = (
    "retail_ecommerce",
    "saas_technology",
    "travel_hospitality",
    "banking_finance",
    "insurance",
    "healthcare",
    "telecom",
    "utilities_energy",
    "real_estate",
    "education",
    "logistics",
    "automotive",
    "public_sector",
    "gaming",
    "media_entertainment",
    "professional_services",
    "home_services",
    "manufacturing",
    "nonprofit",
)
SOURCING: tuple[str, ...] = ("outsourced", "in_house")
LOCATIONS: tuple[str, ...] = ("onshore", "nearshore", "offshore")
DIRECTIONS: tuple[str, ...] = ("inbound", "outbound", "blended")
AUTOMATION: tuple[str, ...] = ("self_service", "ivr", "chatbot", "voice_ai")
INTEGRATION: tuple[str, ...] = ("integrated", "separate")

#: Canonical values per NLU entity type (``volume`` is numeric and has none).
CANONICAL: dict[str, tuple[str, ...]] = {
    "channel": CHANNELS,
    "process": PROCESSES,
    "goal": GOALS,
    "industry": INDUSTRIES,
    "sourcing": SOURCING,
    "location": LOCATIONS,
    "direction": DIRECTIONS,
    "model": MODEL_IDS,  # the label a buyer asked for: one of bot/domain/operating_models.yml
    "automation": AUTOMATION,
    "integration": INTEGRATION,
}
ENTITY_TYPES: tuple[str, ...] = tuple(CANONICAL) + ("volume",)
ROLES: tuple[str, ...] = ("planned", "excluded")


#: Canonical values whose readable form is not just the value with spaces: every channel
#: (text, card, Slack, brief) shows signals in these words, never as canonical values.
WORDS: dict[str, str] = {
    "voice": "phone", "coverage_24x7": "24/7 coverage", "sms": "SMS", "fcr": "first-contact resolution",
    "csat": "CSAT", "nps": "NPS", "kyc_compliance": "KYC / compliance", "payroll_hr": "payroll / HR",
    "finance_accounting": "finance & accounting", "it_operations": "IT operations", "in_house": "in-house",
    "focus_core_business": "focus on the core business",
    "retail_ecommerce": "retail & e-commerce", "saas_technology": "SaaS & technology",
    "travel_hospitality": "travel & hospitality", "banking_finance": "banking & finance",
    "utilities_energy": "utilities & energy", "media_entertainment": "media & entertainment",
    "self_service": "self-service", "ivr": "IVR", "voice_ai": "voice AI",
}


def label(value: str) -> str:
    """Readable form of a canonical value: ``order_support`` -> ``order support``."""
    if value in WORDS:
        return WORDS[value]
    if value in MODEL_IDS or value == UNDETERMINED:
        return name(value)
    return value.replace("_", " ")
