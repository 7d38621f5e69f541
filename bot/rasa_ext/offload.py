"""The Rasa server's message parsing, off the event loop and in pieces (installed by ``bot.runtime.rasa_server``).

Rasa 3.6 runs the NLU graph inside ``MessageProcessor.parse_message`` on the server's
event loop: while one message is parsed, no other request is even read. A long message
held every conversation and the health check for as long as its parse took. Here:

- the graph runs in one worker thread, so the loop keeps serving while it works (the
  model's numeric work releases the GIL); one thread, because Rasa's components were
  never meant to run two parses at once;
- a message longer than :data:`bot.config.settings.CHUNK_CHARS` is parsed piece by piece
  (:mod:`bot.nlu.longtext`), each piece its own job on that thread, so a short message that
  arrives meanwhile waits for one piece at most, not for the whole text; and memory is
  that of one piece.

A message up to that length is parsed exactly as Rasa does it (the same graph call with
the same arguments, then the same steps after it); only where it runs differs.
"""

from __future__ import annotations

import asyncio
import copy
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional

from bot.nlu.longtext import merge, pieces
from bot.rasa_ext.guard import Patch, Target

_executor: Optional[ThreadPoolExecutor] = None


def _nlu_thread() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scopebot-nlu")
    return _executor


async def parse_message(self: Any, message: Any, tracker: Any = None,
                        only_output_properties: bool = True) -> Dict[str, Any]:
    """``MessageProcessor.parse_message`` with the graph run off the loop, long text in pieces."""
    from rasa.core.channels.channel import UserMessage
    from rasa.core.processor import MessageProcessor, structlogger
    from rasa.shared.core.trackers import DialogueStateTracker

    if self.http_interpreter:  # NLU on another server: nothing runs here
        original = PATCH.original(MessageProcessor, "parse_message")
        return await original(self, message, tracker, only_output_properties)
    if tracker is None:
        tracker = DialogueStateTracker.from_events(message.sender_id, [])
    loop = asyncio.get_running_loop()
    text = message.text or ""
    planned = pieces(text)
    parsed = []
    for piece, _where in planned:
        part = message if len(planned) == 1 else UserMessage(
            piece, sender_id=message.sender_id, input_channel=message.input_channel,
            message_id=message.message_id, metadata=message.metadata)
        parsed.append(await loop.run_in_executor(
            _nlu_thread(), self._parse_message_with_graph, part, tracker, only_output_properties))
    parse_data = parsed[0] if len(planned) == 1 else merge(text, parsed, [where for _piece, where in planned])

    self._update_full_retrieval_intent(parse_data)  # Rasa's own steps after the graph, unchanged
    structlogger.debug("processor.message.parse", parse_data_text=copy.deepcopy(parse_data["text"]),
                       parse_data_intent=parse_data["intent"],
                       parse_data_entities=copy.deepcopy(parse_data["entities"]))
    self._check_for_unseen_features(parse_data)
    return parse_data


def _targets() -> List[Target]:
    from rasa.core.processor import MessageProcessor

    return [(MessageProcessor, "parse_message", parse_message)]


PATCH = Patch("parsing off the event loop (MessageProcessor.parse_message)", _targets)


def install() -> bool:
    """Parse every message of this process's Rasa server off its event loop (Rasa 3.6.x only)."""
    return PATCH.install()


def uninstall() -> None:
    PATCH.uninstall()
