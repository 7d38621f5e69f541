"""Slack as a Rasa input channel: a Bolt ``AsyncApp`` served by Rasa's own Sanic server.

One Request URL takes events, slash commands and interactivity: ``POST /webhooks/slack/events``.
Enable it in the credentials file Rasa is started with (``scopebot run`` does this by
itself when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set)::

    channels.slack.SlackInput:

Configuration comes from the environment or ``.env``: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET,
SLACK_API_URL (Web API base URL, default https://slack.com/api/), and optionally
SLACK_APP_TOKEN to also connect over Socket Mode. Keys ``bot_token``, ``signing_secret``,
``api_url`` and ``app_token`` in the credentials section are used when the variables are unset.

What it does (see README, "Slack"):

- direct messages (``message.im``): the DM is one conversation;
- ``app_mention`` in a channel: answered in the thread; a mention in that thread continues
  the same conversation (plain ``message.channels`` events are ignored, so a mention never
  gets two replies);
- ``/scope <description>`` (``/scope -p ...`` for an answer only the caller sees);
- button clicks (``block_actions``) send the button's Rasa payload as the user's message;
- the App Home tab.

Safety: Bolt verifies every request's signature (forged, missing or older than five minutes:
401, nothing runs); each event is claimed before its turn runs (:mod:`channels.delivery`): a
repeat of a stored or running event is acknowledged and dropped, while Slack's retry of a
delivery that failed is handled. A turn that fails within a moment (the conversation store
down) is answered 503, so Slack retries it. A turn's replies go through a durable outbox
(:mod:`channels.outbox`): stored first, then posted in order, retried with backoff (and
``Retry-After``) while Slack is down, across restarts, until delivered or expired. Other Web
API calls are retried on rate limits, connection and server errors, and any remaining
failure is logged, never raised: the conversation itself is already stored by Rasa before
anything is posted.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Tuple

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.config.settings import MAX_MESSAGE_CHARS, SlackSettings, load_env, message_too_long
from bot.domain.definitions import UNAVAILABLE
from bot.rasa_ext import action_faults
from bot.rasa_ext.storage_faults import CANNOT_SAVE, storage_failure
from bot.views.blocks import (
    BRIEF_ACTION,
    answered_blocks,
    home_view,
    payload_of,
    render_message,
    request_blocks,
)
from bot.views.mrkdwn import escape, slack_to_plain
from channels.bolt_glue import (
    DropRepeats,
    ServerErrorRetry,
    quiet_client_token_warning,
    retry_after_s,
    to_bolt_request,
    to_sanic_response,
)
from channels.commands import BRIEF_PAYLOAD
from channels.dedup import MemorySeenStore, SeenStore, seen_store_from_env
from channels.delivery import Claims, Delivery, MemoryClaims, claims_from_env
from channels.guard import limits
from channels.outbox import Outbox, OutboxSettings, Outcome, configured_store
from channels.routing import belongs_to, conversation_id, is_direct_channel, parse_scope_command
from channels.slack_pace import SlackPace

logger = logging.getLogger(__name__)

SCOPE_USAGE = ("Describe the operation after the command, e.g. `/scope We answer phone and email for "
               "our online shop`. Start with `-p` (or `private:`) to see the answer only yourself.")
SORRY = "Sorry, something went wrong on my side. Please try again in a moment."
CANNOT_POST = ("I can't post in this conversation. Invite me with `/invite @scopebot`, send me a direct "
               "message, or use `/scope -p ...` to see the answer only yourself.")
WILL_RETRY = ("Sorry, I can't save our conversation right now, so I haven't taken in that message yet. "
              "Slack will send it to me again shortly and I'll answer then; if I don't, please send it again.")
DRAIN_SECONDS = 20.0
#: Slack errors (HTTP 200, ``ok: false``) that say "not now" rather than "never".
TRANSIENT_ERRORS = frozenset({"ratelimited", "service_unavailable", "internal_error", "fatal_error",
                              "request_timeout"})
#: How long an event's HTTP answer waits for its turn to be stored (Slack gives up after 3 s).
ACK_WAIT_S = 2.0


# ----- Rasa side -------------------------------------------------------------------------------
class CollectingSlackOutput(OutputChannel):
    """Keeps each bot message whole (text, buttons and custom payload together) for rendering."""

    def __init__(self) -> None:
        self.messages: List[Dict[str, Any]] = []

    @classmethod
    def name(cls) -> str:
        return "slack_collector"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        self.messages.append(dict(message))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.messages.append({"text": text})


@dataclass(frozen=True)
class Place:
    """Where replies of one conversation go."""

    channel: str
    thread_ts: Optional[str] = None
    ephemeral_user: Optional[str] = None
    response_url: Optional[str] = None  # the slash command's, for when posting is refused


class ScopeSlackApp:
    """The Bolt app and the conversation logic between Slack and Rasa."""

    def __init__(self, settings: SlackSettings, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                 seen: Optional[SeenStore] = None, input_channel: str = "slack",
                 claims: Optional[Claims] = None, outbox: Optional[Callable[..., Outbox]] = None) -> None:
        self.settings = settings
        self.on_new_message = on_new_message
        self.input_channel = input_channel
        self.seen: SeenStore = seen or MemorySeenStore()
        self.pace = SlackPace(limits())
        self.claims: Claims = claims or MemoryClaims()
        self.tasks: Set[asyncio.Task] = set()
        self.client = AsyncWebClient(
            token=settings.bot_token, base_url=settings.api_url, timeout=30,
            retry_handlers=[AsyncConnectionErrorRetryHandler(max_retry_count=2),
                            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
                            ServerErrorRetry(max_retry_count=3)])
        # Replies are posted from the outbox, which does its own retrying (durably, across
        # restarts), so its client tries each post once.
        self.poster = AsyncWebClient(token=settings.bot_token, base_url=settings.api_url, timeout=30,
                                     retry_handlers=[])
        #: Built with this app's ``attempt`` and ``refused`` (None: replies are posted directly).
        self.outbox: Optional[Outbox] = outbox(self.attempt, self.refused) if outbox is not None else None
        quiet_client_token_warning()
        # Listeners run before the answer (they only start a task), so the route can see the turn.
        self.app = AsyncApp(client=self.client, signing_secret=settings.signing_secret,
                            before_authorize=DropRepeats(self.claims), process_before_response=True,
                            name="scopebot")
        self._register()

    # --- listeners: acknowledge at once, do the work in a background task ------------------
    def _register(self) -> None:
        app = self.app

        @app.event("message")
        async def on_message(event: dict, body: dict, context: Any) -> None:
            if event.get("channel_type") != "im" or not self._from_a_person(event, context):
                return  # channel messages: only app_mention is answered; subtypes and bots ignored
            context["turn"] = self.spawn(self._on_user_text(event, body, context))

        @app.event("app_mention")
        async def on_mention(event: dict, body: dict, context: Any) -> None:
            if self._from_a_person(event, context):
                context["turn"] = self.spawn(self._on_user_text(event, body, context))

        @app.event("app_home_opened")
        async def on_home(event: dict) -> None:
            if event.get("tab", "home") == "home" and event.get("user"):
                self.spawn(self._call("views.publish", self.client.views_publish(user_id=event["user"],
                                                                                view=home_view())))

        @app.command("/scope")
        async def on_scope(ack: Any, command: dict, context: Any) -> None:
            private, description = parse_scope_command(slack_to_plain(command.get("text") or "",
                                                                      context.bot_user_id))
            if not description or description.lower() in ("help", "-h", "--help"):
                await ack(text=SCOPE_USAGE)
                return
            await ack()
            self.spawn(self._on_scope(command, private, description))

        @app.action(re.compile(r"^scopebot\."))
        async def on_button(ack: Any, body: dict, action: dict) -> None:
            await ack()
            self.spawn(self._on_button(body, action))

        @app.event(re.compile(".*"))
        async def on_other_event(event: dict) -> None:
            logger.debug("Slack event %s ignored", event.get("type"))

        @app.error
        async def on_error(error: Exception, body: dict) -> None:
            logger.error("Slack request failed: %r", error, exc_info=error)

    def _from_a_person(self, event: dict, context: Any) -> bool:
        if event.get("subtype") or event.get("bot_id") or event.get("bot_profile"):
            return False
        user = event.get("user")
        return bool(user) and user != getattr(context, "bot_user_id", None) and bool(event.get("channel"))

    def spawn(self, coro: Awaitable[Any]) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)

        def done(t: asyncio.Task) -> None:
            self.tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                logger.error("Slack background task failed", exc_info=t.exception())

        task.add_done_callback(done)
        return task

    async def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Let running conversations finish (server shutdown)."""
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=timeout)

    # --- the three ways in ------------------------------------------------------------------
    async def _on_user_text(self, event: dict, body: dict, context: Any) -> None:
        channel, ts, user = event["channel"], event.get("ts"), event["user"]
        delivery: Optional[Delivery] = context.get("delivery")
        if ts and delivery is not None and not await delivery.also(f"message:{channel}:{ts}"):
            await delivery.finish()
            return  # the same message delivered under another event id
        if ts and delivery is None and not self.seen.first_time(f"message:{channel}:{ts}"):
            return
        team = body.get("team_id") or event.get("team")
        text = slack_to_plain(event.get("text") or "", getattr(context, "bot_user_id", None))
        if event.get("type") == "app_mention" and not is_direct_channel(channel, event.get("channel_type")):
            thread = event.get("thread_ts") or ts
            conversation, place = conversation_id(team, channel, thread_ts=thread), Place(channel, thread)
        else:
            conversation, place = conversation_id(team, channel), Place(channel, event.get("thread_ts"))
        await self.converse(conversation, text or "/help", place,
                            {"team": team, "channel": channel, "user": user, "ts": ts}, delivery)

    async def _on_scope(self, command: dict, private: bool, description: str) -> None:
        team, channel, user = command.get("team_id"), command.get("channel_id"), command.get("user_id")
        response_url = command.get("response_url")
        if not channel or not user:
            return
        if private:
            conversation = conversation_id(team, channel, private_user=user)
            place = Place(channel, ephemeral_user=user, response_url=response_url)
        elif is_direct_channel(channel):
            conversation, place = conversation_id(team, channel), Place(channel, response_url=response_url)
        else:  # open a thread with the request (others do not see slash commands) and answer in it
            text, blocks = request_blocks(user, description)
            posted = await self._post(Place(channel, response_url=response_url), text, blocks)
            if posted is None:
                return
            thread = posted.get("ts")
            conversation, place = conversation_id(team, channel, thread_ts=thread), Place(channel, thread)
        await self.converse(conversation, description, place,
                            {"team": team, "channel": channel, "user": user, "command": "/scope"})

    async def _on_button(self, body: dict, action: dict) -> None:
        action_id, conversation = action.get("action_id") or "", action.get("value") or ""
        team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        user = (body.get("user") or {}).get("id")
        private_to = conversation.split(":private:", 1)[1] if ":private:" in conversation else user
        if not user or not belongs_to(conversation, team, channel) or private_to != user:
            logger.warning("Slack button %s for conversation %r ignored (team %s, channel %s)",
                           action_id, conversation, team, channel)
            return
        message = body.get("message") or {}
        ephemeral = bool(container.get("is_ephemeral"))
        message_ts = container.get("message_ts") or message.get("ts")
        place = self._place_of(conversation, channel, user, message, ephemeral, body.get("response_url"))
        meta = {"team": team, "channel": channel, "user": user, "action_id": action_id}
        if action_id == BRIEF_ACTION:
            await self.converse(conversation, BRIEF_PAYLOAD, place, meta)
            return
        payload = payload_of(action_id)
        if payload is None:
            return
        if message_ts and not self.seen.first_time(f"answered:{channel}:{message_ts}"):
            return  # one answer per message, even on a double click
        choice = ((action.get("text") or {}).get("text")) or payload
        blocks = answered_blocks(message.get("blocks") or [], user, choice)
        fallback = f"Answered: {choice}"
        if ephemeral:
            await self._respond(body.get("response_url"), fallback, blocks, replace_original=True)
        elif message_ts:
            await self._call("chat.update",
                             self.client.chat_update(channel=channel, ts=message_ts, text=fallback, blocks=blocks))
        await self.converse(conversation, payload, place, meta)

    @staticmethod
    def _place_of(conversation: str, channel: str, user: str, message: dict, ephemeral: bool,
                  response_url: Optional[str]) -> Place:
        rest = conversation.split(":", 3)[3:]  # slack:<team>:<channel>[:<thread> | :private:<user>]
        if rest and rest[0].startswith("private:"):
            return Place(channel, ephemeral_user=user, response_url=response_url)
        if rest:
            return Place(channel, rest[0])
        return Place(channel, None if ephemeral else message.get("thread_ts"))

    # --- Rasa and the Web API -----------------------------------------------------------------
    async def converse(self, conversation: str, text: str, place: Place, meta: Dict[str, Any],
                       delivery: Optional[Delivery] = None) -> None:
        """Send ``text`` to Rasa as the user's message in ``conversation``; post every reply.

        With a ``delivery`` (an event), a failed turn gives the event back so Slack's retry
        runs it, and a stored one marks it done before anything is posted."""
        if len(text) > MAX_MESSAGE_CHARS:  # refused politely, before any parsing
            await self._reply(conversation, place, [(escape(message_too_long(len(text))), None)])
            if delivery is not None:
                await delivery.finish()  # answered: a retry must not run it again
            return
        refusal = self.pace.refusal(meta.get("team"), meta.get("user"))
        if refusal is not None:  # over the per-user rate: say so once, drop the message
            if refusal:
                await self._reply(conversation, place, [(refusal, None)])
            if delivery is not None:
                await delivery.finish()  # dropped on purpose: a retry must not run it either
            return
        output = CollectingSlackOutput()
        if delivery is not None:
            delivery.keep_alive()
        action_faults.watch()
        try:
            await self.on_new_message(UserMessage(text, output, conversation, input_channel=self.input_channel,
                                                  metadata={"slack": meta}))
        except Exception as exc:  # noqa: BLE001 - whatever Rasa raised, the user hears about it
            failure = storage_failure(exc)
            if failure is not None:
                logger.error("Slack message in %s not taken in: %s", conversation, failure)
            else:
                logger.exception("Rasa failed on a Slack message in %s", conversation)
            retry_coming = delivery is not None and await delivery.release() and delivery.retry_num < 3
            if retry_coming and delivery is not None:
                if self.seen.first_time(f"told:{delivery.event_id}"):  # once, not on every retry
                    await self._reply(conversation, place, [(WILL_RETRY, None)])
            else:
                await self._reply(conversation, place, [(CANNOT_SAVE if failure is not None else SORRY, None)])
            return
        if delivery is not None:
            await delivery.finish()
        rendered = [r for r in (render_message(m, conversation) for m in output.messages) if r is not None]
        if action_faults.action_failed(output.messages):  # the action server is down: say so
            rendered.append((UNAVAILABLE, None))
        await self._reply(conversation, place, rendered)

    async def _reply(self, conversation: str, place: Place, replies: List[Tuple[str, Optional[list]]]) -> None:
        """Post a turn's replies, in order, through the outbox: stored first, so Slack being
        down (or this process restarting) delays them instead of losing them. If the outbox
        itself cannot be written, they are posted directly (the Web API client's retries only)."""
        if self.outbox is not None:
            payloads = [{"channel": place.channel, "thread_ts": place.thread_ts, "user": place.ephemeral_user,
                         "response_url": place.response_url, "text": text, "blocks": blocks}
                        for text, blocks in replies]
            try:
                await self.outbox.enqueue(conversation, payloads)
                return
            except Exception as exc:  # noqa: BLE001 - the database down: a direct post is better than none
                logger.error("Slack outbox not writable (%s); posting %d reply(ies) in %s directly",
                             type(exc).__name__, len(payloads), place.channel)
        for text, blocks in replies:
            await self._post(place, text, blocks)

    async def attempt(self, payload: Dict[str, Any]) -> Outcome:
        """One try at posting an outbox row (no retries here: the outbox schedules them)."""
        common = {"channel": payload["channel"], "text": payload["text"], "blocks": payload.get("blocks"),
                  "thread_ts": payload.get("thread_ts")}
        try:
            if payload.get("user"):
                await self.poster.chat_postEphemeral(user=payload["user"], **common)
            else:
                await self.poster.chat_postMessage(unfurl_links=False, unfurl_media=False, **common)
            return Outcome(True)
        except SlackApiError as exc:
            resp = exc.response
            status = getattr(resp, "status_code", 200)
            error = (resp.get("error") if resp is not None else None) or f"http_{status}"
            transient = status == 429 or status >= 500 or error in TRANSIENT_ERRORS
            return Outcome(False, transient, retry_after_s(getattr(resp, "headers", None)), error)
        except (SlackClientError, OSError, asyncio.TimeoutError) as exc:
            return Outcome(False, True, None, type(exc).__name__)
        except Exception as exc:  # noqa: BLE001 - aiohttp's errors (disconnects...): Slack may come back
            import aiohttp

            return Outcome(False, isinstance(exc, aiohttp.ClientError), None, type(exc).__name__)

    async def refused(self, payload: Dict[str, Any], error: str) -> None:
        """Slack refused an outbox row for good; where posting is impossible, tell the user privately."""
        if payload.get("response_url") and error in ("not_in_channel", "channel_not_found"):
            await self._respond(payload["response_url"], CANNOT_POST, None)

    async def _post(self, place: Place, text: str, blocks: Optional[list]) -> Optional[Any]:
        """Post in ``place``; the API response, or None when Slack refused or could not be reached."""
        if place.ephemeral_user:
            sent, error = await self._call("chat.postEphemeral", self.client.chat_postEphemeral(
                channel=place.channel, user=place.ephemeral_user, text=text, blocks=blocks,
                thread_ts=place.thread_ts))
        else:
            sent, error = await self._call("chat.postMessage", self.client.chat_postMessage(
                channel=place.channel, text=text, blocks=blocks, thread_ts=place.thread_ts, unfurl_links=False,
                unfurl_media=False))
        if sent is None and place.response_url and error in ("not_in_channel", "channel_not_found"):
            await self._respond(place.response_url, CANNOT_POST, None)
        return sent

    async def _call(self, method: str, call: Awaitable[Any]) -> Tuple[Optional[Any], Optional[str]]:
        """Await a Web API call (the client has already retried rate limits, connection and
        server errors); ``(response, None)``, or ``(None, error)`` after logging the failure."""
        try:
            return await call, None
        except SlackApiError as exc:
            error = (exc.response.get("error") if exc.response is not None else None) or "error"
            logger.error("Slack %s failed: %s", method, error)
            return None, error
        except (SlackClientError, OSError, asyncio.TimeoutError) as exc:
            logger.error("Slack %s failed: %r", method, exc)
            return None, type(exc).__name__
        except Exception:  # noqa: BLE001 - aiohttp errors and the like: log, keep serving
            logger.exception("Slack %s failed", method)
            return None, "exception"

    async def _respond(self, response_url: Optional[str], text: str, blocks: Optional[list],
                       replace_original: bool = False) -> None:
        if not response_url:
            return
        try:
            resp = await AsyncWebhookClient(response_url, timeout=30).send(
                text=text, blocks=blocks, response_type="ephemeral", replace_original=replace_original)
            if resp.status_code >= 400:
                logger.error("Slack response_url answered %s: %s", resp.status_code, resp.body)
        except Exception:  # noqa: BLE001
            logger.exception("Slack response_url failed")


class SlackInput(InputChannel):
    """Rasa input channel ``channels.slack.SlackInput``: Slack through Bolt, on /webhooks/slack/."""

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> SlackInput:
        load_env()
        creds = {k: str(v) for k, v in (credentials or {}).items() if v}
        environ = dict(os.environ)
        for key, name in (("bot_token", "SLACK_BOT_TOKEN"), ("signing_secret", "SLACK_SIGNING_SECRET"),
                          ("api_url", "SLACK_API_URL"), ("app_token", "SLACK_APP_TOKEN")):
            if not environ.get(name) and creds.get(key):
                environ[name] = creds[key]
        settings = SlackSettings.from_env(environ)
        if not settings.enabled:
            raise RasaException("The Slack channel needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET "
                                "(in the environment or .env).")
        store, outbox_settings = configured_store(), OutboxSettings.from_env()
        if store is None:
            logger.warning("Slack: no outbox table configured; replies are posted directly, "
                           "with in-call retries only")
            return cls(settings, seen_store_from_env(), claims_from_env())
        return cls(settings, seen_store_from_env(), claims_from_env(),
                   outbox=lambda send, refused: Outbox(store, send, outbox_settings, refused))

    def __init__(self, settings: SlackSettings, seen: Optional[SeenStore] = None,
                 claims: Optional[Claims] = None, outbox: Optional[Callable[..., Outbox]] = None) -> None:
        self.settings = settings
        self.seen = seen
        self.claims = claims
        self.outbox = outbox
        self.slack: Optional[ScopeSlackApp] = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack = self.slack = ScopeSlackApp(self.settings, on_new_message, self.seen, input_channel=self.name(),
                                           claims=self.claims, outbox=self.outbox)
        bp = Blueprint("scopebot_slack", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "socket_mode": self.settings.socket_mode})

        @bp.route("/events", methods=["POST"])
        async def events(request: Request) -> HTTPResponse:
            try:
                bolt_request = to_bolt_request(request)
            except ValueError:  # a body Bolt cannot parse (bad JSON in payload=...): not from Slack
                return response.text("bad request", status=400)
            answer = await slack.app.async_dispatch(bolt_request)
            delivery: Optional[Delivery] = bolt_request.context.get("delivery")
            if delivery is not None and answer.status == 200:
                if bolt_request.context.get("turn") is None:
                    await delivery.finish()  # an event with nothing to run: it is complete
                elif await delivery.answer_status(ACK_WAIT_S) != 200:
                    return response.text("the message could not be stored; please retry", status=503)
            return to_sanic_response(answer)

        socket: Dict[str, Any] = {}

        @bp.listener("after_server_start")
        async def start_outbox(app: Any, loop: Any) -> None:
            if slack.outbox is not None:  # replies left pending by an earlier run go out first
                slack.outbox.start()

        @bp.listener("after_server_start")
        async def start_socket_mode(app: Any, loop: Any) -> None:
            if not self.settings.socket_mode:
                return
            try:  # best effort: the HTTP endpoint keeps working whatever happens here
                from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

                socket["handler"] = AsyncSocketModeHandler(
                    slack.app, self.settings.app_token, web_client=AsyncWebClient(base_url=self.settings.api_url))
                await socket["handler"].connect_async()
                logger.info("Slack Socket Mode connected")
            except Exception:  # noqa: BLE001
                logger.exception("Slack Socket Mode did not connect; the HTTP endpoint still works")

        @bp.listener("before_server_stop")
        async def stop(app: Any, loop: Any) -> None:
            if socket.get("handler") is not None:
                try:
                    await socket["handler"].close_async()
                except Exception:  # noqa: BLE001
                    logger.exception("closing Slack Socket Mode failed")
            await slack.drain()
            if slack.outbox is not None:  # what is still pending stays in the table for the next run
                await slack.outbox.stop()

        return bp
