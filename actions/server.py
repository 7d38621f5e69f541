"""``rasa run actions`` with the known library warnings silenced first (see bot.config.known_warnings).

The supervisor starts ``python -m actions.server --port N`` instead of the ``rasa`` script,
so the filters are in place before Rasa SDK and its dependencies are imported.
"""

from __future__ import annotations

import sys


def main() -> None:
    from bot.config.known_warnings import install

    install()
    sys.argv = ["rasa", "run", "actions", "--actions", "actions", *sys.argv[1:]]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
