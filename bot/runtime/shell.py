"""`scopebot shell`: talk to the real bot in a terminal.

Rasa's own shell prints every reply's buttons before its text and dumps the whole
`custom` payload (forty lines of JSON per assessment) after it. This shell runs the same
bot as ``scopebot run`` (action server and Rasa server, the servers' logs in a file) and
talks to it over the REST channel like any client: it shows each reply's text, then its
buttons as numbered answers (type the number to pick one), and the payload only with
``--debug``. It reads plain lines from standard input, so it works in a pipe too.
"""

from __future__ import annotations

import json
import secrets
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Optional, TextIO

from bot.runtime.profiles import Profile
from bot.runtime.supervisor import VAR_DIR, runtime_endpoints, start_action_server, start_rasa, stop, wait_http

QUIT = {"quit", "exit", "/quit", "/exit"}
PROMPT = "you> "


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def send(url: str, sender: str, text: str, timeout: float = 120) -> list[dict[str, Any]]:
    """One message to the REST channel; the bot's replies."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    req = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body,
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - our own server on localhost
        return list(json.loads(resp.read().decode()))


def show(replies: list[dict[str, Any]], out: TextIO, debug: bool = False) -> list[dict[str, str]]:
    """Print the replies (text, then its answers); return the answers offered last."""
    offered: list[dict[str, str]] = []
    for reply in replies:
        if reply.get("text"):
            out.write(f"\n{reply['text']}\n")
        buttons = [b for b in reply.get("buttons") or [] if isinstance(b, dict) and b.get("payload")]
        if buttons:
            offered = [{"title": str(b.get("title") or b["payload"]), "payload": str(b["payload"])} for b in buttons]
            out.write("\nAnswers (type the number, or answer in your own words):\n")
            out.write("".join(f"  {i}. {b['title']}\n" for i, b in enumerate(offered, 1)))
        if debug and reply.get("custom") is not None:
            out.write("\n[debug] payload:\n" + json.dumps(reply["custom"], indent=2, ensure_ascii=False) + "\n")
    out.write("\n")
    out.flush()
    return offered


def chosen(line: str, offered: list[dict[str, str]]) -> Optional[dict[str, str]]:
    """The answer a typed number picks, if the line is one of the offered numbers."""
    if line.isdigit() and 1 <= int(line) <= len(offered):
        return offered[int(line) - 1]
    return None


def converse(url: str, stdin: TextIO, out: TextIO, debug: bool = False) -> int:
    """Read lines until end of input or "quit"; send each and show the replies."""
    sender = "shell-" + secrets.token_hex(8)
    offered: list[dict[str, str]] = []
    interactive = stdin is sys.stdin and stdin.isatty()
    if interactive:
        import readline  # noqa: F401 - line editing and history for input()
    while True:
        if interactive:
            try:
                line = input(PROMPT) + "\n"
            except EOFError:  # Ctrl-D
                line = ""
        else:
            out.write(PROMPT)
            out.flush()
            line = stdin.readline()
        if not line:  # end of input; an empty line is "\n"
            out.write("\n")
            return 0
        line = line.strip()
        if not line:
            continue
        if line.lower() in QUIT:
            return 0
        pick = chosen(line, offered)
        if pick is not None:
            out.write(f"(you picked: {pick['title']})\n")
        try:
            replies = send(url, sender, pick["payload"] if pick else line)
        except (OSError, urllib.error.URLError) as exc:
            out.write(f"scopebot: the bot did not answer ({exc}); see the log.\n")
            return 1
        offered = show(replies, out, debug) or []


def run_shell(model: Path, action_port: int = 5055, debug: bool = False,
              stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    """Start the bot on ``model`` with its logs in ``var/shell.log``, then converse."""
    profile = Profile.from_env()
    port = free_port()
    endpoints = runtime_endpoints(action_port, profile, tag=f"shell-{port}")
    VAR_DIR.mkdir(exist_ok=True)
    log_path = VAR_DIR / "shell.log"
    with open(log_path, "ab") as log:
        actions = start_action_server(action_port, log=None if debug else log)
        rasa = start_rasa(model, port, endpoints, env=profile.child_env(), log=None if debug else log)
        try:
            out.write(f"Starting scopebot (model {model.name}); server logs go to {log_path}...\n")
            out.flush()
            if not wait_http(f"http://localhost:{action_port}/health", actions) or \
                    not wait_http(f"http://localhost:{port}/", rasa):
                out.write(f"scopebot: the bot did not start; see {log_path}\n")
                return 1
            out.write('Ready. Describe your support operation; "quit" or Ctrl-D ends.\n\n')
            return converse(f"http://localhost:{port}", stdin, out, debug)
        except KeyboardInterrupt:
            out.write("\n")
            return 0
        finally:
            stop(rasa, actions)
