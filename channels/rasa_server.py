"""``rasa run`` with the settings of :mod:`bot.security` applied inside the process.

The supervisor starts ``python -m channels.rasa_server <rasa run args>``; this adds
``--enable-api --auth-token ...`` (only when the API is asked for) from the environment,
so the token is never on a command line that ``ps`` shows to every user of the machine.
It also installs the measured fixes of :mod:`channels.speedups`, and :mod:`bot.nlu.offload`
(parsing off the event loop, long messages in pieces).
"""

from __future__ import annotations

import sys


def main() -> None:
    from bot.nlu import offload
    from bot.security import ServerSecurity
    from channels import speedups

    security = ServerSecurity.from_env()
    speedups.install()
    offload.install()
    sys.argv = ["rasa", "run", *sys.argv[1:], *security.rasa_args()]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
