"""Rasa's own command line, run with the project's training patch in place.

Why a second entry point: ``rasa train`` runs in a process of its own, so a patch applied in the
process that starts it does not reach it. Every training that scopebot starts (``scopebot train``,
the cross-validation folds of ``scopebot eval``, ``make bench``) runs
``python -m bot.rasa_ext.rasa_cli train ...`` instead of the ``rasa`` script (see
:func:`bot.runtime.childenv.rasa_train_cmd`). The arguments, the output and the model are those
of ``rasa train``; only the sparse-feature fingerprints are computed faster
(:mod:`bot.rasa_ext.fingerprints`).
"""

from __future__ import annotations

import sys


def main() -> None:
    from bot.rasa_ext import fingerprints

    fingerprints.install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
