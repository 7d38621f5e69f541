"""``rasa train`` reads the domain and training data once, for its validation and its training both.

Why: before it trains, ``rasa train`` validates the domain and the data with an importer of
its own, then hands the same paths to training, which builds a second importer and reads and
parses every file again. The real-text corpus makes ``data/`` large, so that second reading
cost about ten seconds of a training from scratch on two cores (``py-spy`` on ``rasa train``:
the importer's ``get_nlu_data`` and ``get_domain`` ran twice; docs/performance.md).

The patch hands the importer that Rasa's validation built (a call with no extra arguments) to
the next call for the same config, domain and data paths, which is training's, once: the
importer keeps what it has read (Rasa caches each of its readings per instance), so training
starts from what the validation already parsed, the same files read by the same code. Any later
call builds a fresh importer as Rasa does (``rasa train core --runs`` builds one per run, each
drawing its own story sample), and so does every call when the config names importers of its
own (``importers:``), whose constructors may take the extra arguments training passes.

Within one importer, Rasa also read the NLU files twice: once for the domain (its responses and
retrieval intents, ``get_nlu_data()``) and once for training (``get_nlu_data("en")``), two keys
of the same per-instance cache, since a default argument is not part of the key. The patch passes
the default language explicitly, so both calls ask the same question and the second gets the
first's answer; both only read it (merging copies it).

Nothing of Rasa's validation is skipped. The one thing the validation changes in what it read,
the ``unpredictable`` flag on the first action of a story that starts with an action, training's
own story generator sets the same way before it reads the stories.

The trained model is byte-identical with and without the patch (every file of the archive but
the metadata and the rule policy's JSON, whose list order differs between any two trainings;
docs/performance.md, "Where the time goes", 8).

Applied only by the training entry point (:mod:`bot.rasa_ext.rasa_cli`), as one
:class:`~bot.rasa_ext.guard.Patch`: on a Rasa that is not 3.6.x it is not applied, and Rasa's
own code runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bot.rasa_ext.guard import Patch, Target


def _key(config_path: Any, domain_path: Any, training_data_paths: Any) -> Tuple[str, Optional[str], Tuple[str, ...]]:
    """The paths as absolute strings, so ``data`` and ``./data`` name the same importer."""
    def norm(p: Any) -> str:
        return str(Path(str(p)).resolve())

    paths = training_data_paths if isinstance(training_data_paths, (list, tuple)) else [training_data_paths]
    return (norm(config_path), None if domain_path is None else norm(domain_path),
            tuple(norm(p) for p in paths if p is not None))


def _names_own_importers(config_path: Any) -> bool:
    import rasa.shared.utils.io

    return bool((rasa.shared.utils.io.read_config_file(config_path) or {}).get("importers"))


def _building_once() -> Any:
    """A ``load_from_config`` that hands an importer built without extra arguments to the next call
    for the same paths, once; with a memory of its own, so each installation of the patch starts
    afresh and uninstalling it forgets what it kept."""
    from rasa.shared.importers.importer import TrainingDataImporter

    built: Dict[Tuple[str, Optional[str], Tuple[str, ...]], Any] = {}

    def load_from_config(config_path: Any, domain_path: Optional[Any] = None,
                         training_data_paths: Optional[List[Any]] = None,
                         args: Optional[Dict[str, Any]] = None) -> Any:
        """``TrainingDataImporter.load_from_config``, handing the validation's importer to training."""
        build = PATCH.original(TrainingDataImporter, "load_from_config")
        args = {} if args is None else args
        if config_path is None:
            return build(config_path, domain_path, training_data_paths, args)
        key = _key(config_path, domain_path, training_data_paths)
        if key in built:  # only ever kept from a config without importers of its own: no need to read it again
            return built.pop(key)
        if _names_own_importers(config_path):
            return build(config_path, domain_path, training_data_paths, args)
        importer = build(config_path, domain_path, training_data_paths, args)
        if not args:  # the validation's call: keep it for the training's
            built[key] = importer
        return importer

    return load_from_config


def combined_nlu_data(self: Any, language: Optional[str] = "en") -> Any:
    """``CombinedDataImporter.get_nlu_data`` with the language always passed, so that its cache
    keeps one answer for ``get_nlu_data()`` and ``get_nlu_data("en")``."""
    from rasa.shared.importers.importer import CombinedDataImporter

    return PATCH.original(CombinedDataImporter, "get_nlu_data")(self, language)


def _targets() -> List[Target]:
    from rasa.shared.importers.importer import CombinedDataImporter, TrainingDataImporter

    return [(TrainingDataImporter, "load_from_config", staticmethod(_building_once())),
            (CombinedDataImporter, "get_nlu_data", combined_nlu_data)]


PATCH = Patch("one importer for validation and training, its NLU files read once", _targets)


def install() -> bool:
    """Apply the patch (on Rasa 3.6.x only); True when it is in place."""
    return PATCH.install()


def uninstall() -> None:
    """Give ``TrainingDataImporter`` its own ``load_from_config`` and ``CombinedDataImporter`` its own
    ``get_nlu_data`` back (the importer kept for training is forgotten)."""
    PATCH.uninstall()
