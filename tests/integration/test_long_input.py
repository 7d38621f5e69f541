"""The Rasa server's parsing (bot.rasa_ext.offload) on the real model: Rasa's own result for a
message of ordinary length, long messages in pieces with bounded memory, and the event
loop free while the model works."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bench.long_message import scope_section
from bot.config.settings import CHUNK_CHARS, MAX_MESSAGE_CHARS
from bot.domain.signals import Signals
from bot.nlu.parse import resolved_entities
from bot.rasa_ext import offload

pytestmark = pytest.mark.slow

SHORT = ["hi", "We need a call center to handle chat and email.", "about 10k a month",
         "/inform{\"option\": \"volume:0\"}", "no phone, only email and web chat, WhatsApp next year"]
#: The last sentence of the long message says something none of the others does.
LAST = " Finally, customers also reach the support team by SMS."


@pytest.fixture
def processor(parser):
    from rasa.core.processor import MessageProcessor

    assert not offload.PATCH.installed  # Rasa's own method is what the offloaded one is compared with
    return parser.agent.processor, MessageProcessor.parse_message, parser._loop


def _parse(loop, how, proc, text):
    from rasa.core.channels.channel import UserMessage

    return loop.run_until_complete(how(proc, UserMessage(text, sender_id="long-input")))


@pytest.mark.parametrize("text", SHORT)
def test_a_message_of_ordinary_length_is_parsed_exactly_as_rasa_does(processor, text):
    proc, original, loop = processor
    assert _parse(loop, offload.parse_message, proc, text) == _parse(loop, original, proc, text)


def _memory_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise AssertionError(field)


def test_a_long_message_is_parsed_in_pieces_with_bounded_memory(processor, parser):
    proc, _original, loop = processor
    text = scope_section(MAX_MESSAGE_CHARS - len(LAST)) + LAST
    assert len(text) > 10 * CHUNK_CHARS
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from here
    before = _memory_mb("VmRSS")
    data = _parse(loop, offload.parse_message, proc, text)
    growth = _memory_mb("VmHWM") - before
    assert growth < 300, f"parsing {len(text):,} characters grew memory by {growth:.0f} MB"

    assert data["text"] == text and data["intent"]["name"]
    assert all(text[e["start"]:e["end"]] == e["text"] for e in data["entities"])
    found = resolved_entities(data)
    assert any(e["value"] == "sms" and e["start"] > len(text) - len(LAST) for e in found), \
        "the last piece is read too"
    assert Signals.from_entities(found) == parser.parse(text).signals  # as `scopebot classify` reads it


def test_the_event_loop_keeps_running_while_a_long_message_is_parsed(processor):
    """Two longest messages parsed back to back: together they take well over a second on these
    machines (one alone came to 0.96 s once the resolver stopped tokenising a chunk three times).
    A loop blocked by a parse would stall for a whole parse, about half the total, so the longest
    gap must also stay under a quarter of the total (a loaded CI machine delayed one tick by a
    third of a second), not only below a second."""
    proc, _original, loop = processor
    text = scope_section(MAX_MESSAGE_CHARS)

    async def both() -> tuple[float, float]:
        from rasa.core.channels.channel import UserMessage

        gaps, done = [], asyncio.Event()

        async def tick() -> None:
            last = time.monotonic()
            while not done.is_set():
                await asyncio.sleep(0.05)
                gaps.append(time.monotonic() - last)
                last = time.monotonic()

        ticker = asyncio.ensure_future(tick())
        started = time.monotonic()
        for _ in range(2):
            await offload.parse_message(proc, UserMessage(text, sender_id="long-input"))
        took = time.monotonic() - started
        done.set()
        await ticker
        return took, max(gaps)

    took, longest_gap = loop.run_until_complete(both())
    assert longest_gap < 1.0 < took, (longest_gap, took)  # parsed in the background, for more than a second
    assert longest_gap < took / 4, (longest_gap, took)  # no stall as long as one of the two parses (~took/2)
