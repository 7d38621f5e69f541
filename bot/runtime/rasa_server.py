"""``rasa run`` with the settings of :mod:`bot.runtime.security` applied inside the process.

The supervisor starts ``python -m bot.runtime.rasa_server <rasa run args>``; this adds
``--enable-api --auth-token ...`` (only when the API is asked for) from the environment,
so the token is never on a command line that ``ps`` shows to every user of the machine.
It also installs the measured fixes of :mod:`bot.rasa_ext.speedups`, :mod:`bot.rasa_ext.storage_faults`
(a conversation store that fails closed instead of Rasa's silent in-memory fallback),
:mod:`bot.rasa_ext.offload` (parsing off the event loop, long messages in pieces) and
:mod:`bot.rasa_ext.action_faults` (a failed custom action noted, not guessed), each only
when the installed Rasa is the release they were written for (:mod:`bot.rasa_ext.guard`
warns about any it leaves out), and silences the known library warnings of
:mod:`bot.config.known_warnings`. It tells the Slack channel where its outbox table is
(:mod:`bot.runtime.outbox_store`), which only the runtime knows.
"""

from __future__ import annotations

import sys


def main() -> None:
    from bot.config.known_warnings import install as quiet_known_warnings

    quiet_known_warnings()
    from bot.rasa_ext import action_faults, offload, speedups, storage_faults
    from bot.runtime.outbox_store import outbox_store_from_env
    from bot.runtime.security import ServerSecurity
    from channels import outbox

    security = ServerSecurity.from_env()
    speedups.install()
    storage_faults.install()
    offload.install()
    action_faults.install()
    outbox.use_store(outbox_store_from_env)  # the Slack channel's durable outbox, where the conversations are
    sys.argv = ["rasa", "run", *sys.argv[1:], *security.rasa_args()]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
