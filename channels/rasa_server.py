"""``rasa run`` with the settings of :mod:`bot.security` applied inside the process.

The supervisor starts ``python -m channels.rasa_server <rasa run args>``; this adds
``--enable-api --auth-token ...`` (only when the API is asked for) from the environment,
so the token is never on a command line that ``ps`` shows to every user of the machine.
It also installs the measured fixes of :mod:`channels.speedups`, :mod:`channels.storage_faults`
(a conversation store that fails closed instead of Rasa's silent in-memory fallback) and
:mod:`bot.nlu.offload` (parsing off the event loop, long messages in pieces), and silences
the known library warnings of :mod:`bot.known_warnings`.
"""

from __future__ import annotations

import sys


def main() -> None:
    from bot.known_warnings import install as quiet_known_warnings

    quiet_known_warnings()
    from bot.nlu import offload
    from bot.security import ServerSecurity
    from channels import speedups, storage_faults

    security = ServerSecurity.from_env()
    speedups.install()
    storage_faults.install()
    offload.install()
    sys.argv = ["rasa", "run", *sys.argv[1:], *security.rasa_args()]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
