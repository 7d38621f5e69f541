"""Rasa's own command line, run with the project's training patches in place.

Why a second entry point: ``rasa train`` runs in a process of its own, so a patch applied in the
process that starts it does not reach it. Every training that scopebot starts (``scopebot train``,
the cross-validation folds of ``scopebot eval``, ``make bench``) runs
``python -m bot.rasa_ext.rasa_cli train ...`` instead of the ``rasa`` script (see
:func:`bot.runtime.childenv.rasa_train_cmd`). The arguments, the output and the model are those
of ``rasa train``; only the time differs:

* the training cache's fingerprints of tokens and sparse features are computed faster
  (:mod:`bot.rasa_ext.fingerprints`);
* DIET's batches flow through a tf.data pipeline without autotuning, whose thread could keep
  Keras ``fit`` waiting for half a minute after the last epoch
  (:mod:`bot.rasa_ext.training_batches`);
* the domain and training data are read once, for the validation and the training both
  (:mod:`bot.rasa_ext.shared_importer`);
* the relevance reader is fitted in a child process from the start, on the core Rasa's
  one-component-at-a-time training leaves idle, and its component takes the result
  (:mod:`bot.nlu.reader_training`).
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import List, Tuple


def _patch_modules() -> Tuple[ModuleType, ...]:
    """The modules of the training patches, in the order they are applied: the one list of them."""
    from bot.rasa_ext import fingerprints, shared_importer, training_batches

    return fingerprints, training_batches, shared_importer


def install_patches() -> List[str]:
    """Apply the training patches; the names of those in place (none on another Rasa release line)."""
    # each module's install(), as the server entry point (bot.runtime.rasa_server) calls its patches'
    return [module.PATCH.name for module in _patch_modules() if module.install()]


def uninstall_patches() -> None:
    """Undo every training patch (a test that ran the entry point in its own process calls this)."""
    for module in reversed(_patch_modules()):
        module.uninstall()


def main() -> None:
    install_patches()
    from bot.nlu.reader_training import start_from_argv

    start_from_argv(sys.argv[1:])
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
