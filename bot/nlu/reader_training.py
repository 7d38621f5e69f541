"""The relevance reader's training, and running it beside the rest of `rasa train`.

Why: the reader (:mod:`bot.language.relevance`) learns from the real-text corpus files, not
from Rasa's training data, so nothing it does waits for the featurizers or DIET. Rasa's graph
still trains components one after another, on one core: with the reader last, a training
from scratch spent 16 s (38 s on a slower machine) reading 2,034 texts with the lexicon and
fitting the regression while the second core sat idle. So the training entry point
(:mod:`bot.rasa_ext.rasa_cli`) starts the same fit in a child process as soon as it starts
(:func:`start_from_argv`), and :class:`bot.nlu.mention_relevance.MentionRelevance` takes the
child's result (:func:`take`) instead of fitting again.

Nothing but time changes: the child runs :func:`fit` on the same :class:`ReaderJob` the
component would fit inline, and its result is used only when its job's key (the settings, the
corpus files and the language layer's code and data, byte for byte) equals the component's own.
Otherwise (another config, a file edited meanwhile, a child that failed or never ran) the
component fits inline, as before. Rasa-free, so the child imports neither Rasa nor TensorFlow.
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import json
import logging
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

from bot.config.paths import PROJECT_ROOT, input_files
from bot.language.lexicon import load_lexicon
from bot.language.mentions import resolve
from bot.language.relevance import FEATURES_VERSION, Example, RelevanceReader, train
from bot.nlu.parse import pieces

logger = logging.getLogger(__name__)

#: The reader component's class name, as config.yml names it (the module path may differ).
COMPONENT = "MentionRelevance"
#: Its configuration, and the defaults of each setting (the component's get_default_config).
DEFAULTS: dict[str, Any] = {
    # corpus files (JSON Lines, relative to the project) the reader learns from
    "corpus_files": ["data/realtext/train.jsonl", "data/realtext/dev.jsonl"],
    "c": 1.0,  # inverse regularisation strength of the logistic regression
    "threshold": 0.5,  # a mention scored below this is set aside
    "min_words": None,  # only longer messages are read (None: the spec's long description)
    "features_version": FEATURES_VERSION,  # part of the config, so a new version retrains
}


def defaults() -> dict[str, Any]:
    """A fresh copy of :data:`DEFAULTS` (Rasa merges into what it is given)."""
    return {k: list(v) if isinstance(v, list) else v for k, v in DEFAULTS.items()}


#: Files and folders besides the corpus whose content shapes the fit: how the lexicon and rules
#: read a text (the language layer's code and data, the canonical vocabulary) and how a text is cut.
READING_FILES = ("bot/language", "bot/domain/vocabulary.py", "bot/nlu/parse.py")
#: How long the component waits for a child still fitting before it fits inline instead.
WAIT_SECONDS = 300.0


def _in_project(name: str) -> Path:
    """A file named in a config: absolute, or relative to the project (as the component reads it)."""
    return Path(name) if Path(name).is_absolute() else PROJECT_ROOT / name


def corpus_examples(files: Sequence[str]) -> list[Example]:
    """Every text of the corpus ``files``, cut as the bot cuts a message, read by the lexicon and rules."""
    lexicon = load_lexicon()
    out: list[Example] = []
    for name in files:
        for line in _in_project(name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            raw = json.loads(line)
            gold = {k: frozenset(raw.get(k) or ()) for k in ("channels", "processes", "goals")}
            out += [Example(part, [m.to_entity() for m in resolve(part, [], lexicon)], gold)
                    for part in pieces(raw["text"])]
    return out


@dataclass(frozen=True)
class ReaderJob:
    """One fit of the reader: the corpus files it learns from and the settings of :func:`train`."""

    files: tuple[str, ...]
    settings: tuple[tuple[str, Any], ...]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ReaderJob:
        """The job the component's config (Rasa's, merged with :data:`DEFAULTS` or not) asks for."""
        merged = {**DEFAULTS, **config}
        settings = {k: merged[k] for k in ("c", "threshold") if merged.get(k) is not None}
        if merged.get("min_words") is not None:
            settings["min_words"] = int(merged["min_words"])
        return cls(tuple(str(f) for f in merged["corpus_files"]), tuple(sorted(settings.items())))

    def key(self) -> str:
        """A digest of everything the fit reads: settings, corpus files, and the language layer's code
        and data, byte for byte."""
        digest = hashlib.sha256(json.dumps([FEATURES_VERSION, self.files, self.settings]).encode())
        for name in self.files:
            path = _in_project(name)
            digest.update(path.read_bytes() if path.is_file() else b"\0missing")
        for path in input_files(READING_FILES, PROJECT_ROOT):
            digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()

    def to_json(self) -> str:
        return json.dumps({"files": list(self.files), "settings": dict(self.settings)})

    @classmethod
    def from_json(cls, raw: str) -> ReaderJob:
        data = json.loads(raw)
        return cls(tuple(data["files"]), tuple(sorted(data["settings"].items())))


def fit(job: ReaderJob) -> RelevanceReader:
    """The reader trained as the job says (what the component stores)."""
    return train(corpus_examples(job.files), **dict(job.settings))


# ----- the fit in a child process --------------------------------------------------------------
@dataclass
class _Child:
    job: ReaderJob
    process: subprocess.Popen
    out: Path


#: The child started by this process, if any (one training per process).
_child: Optional[_Child] = None


def start(job: ReaderJob) -> bool:
    """Start fitting ``job`` in a child process; False (and nothing started) if one is running."""
    global _child
    if _child is not None:
        return False
    workdir = Path(tempfile.mkdtemp(prefix="scopebot-reader-"))
    out = workdir / "reader.json"
    # stderr to a file, not a pipe: nobody reads a pipe before take(), and a full one would stall the child.
    # `python -m` from the project's folder puts the project first on the child's import path.
    with (workdir / "stderr.txt").open("wb") as err:
        process = subprocess.Popen([sys.executable, "-m", __name__, "--job", job.to_json(), "--out", str(out)],
                                   cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=err)
    _child = _Child(job, process, out)
    atexit.register(_discard)
    return True


def take(job: ReaderJob, wait: float = WAIT_SECONDS) -> Optional[RelevanceReader]:
    """The reader the child fitted for ``job``, or None (no child, another job, or it failed).

    Waits for a child that is still fitting. A child's result is taken once; whatever the
    outcome, the child and its files are gone afterwards.
    """
    global _child
    child, _child = _child, None
    if child is None:
        return None
    try:
        if child.job != job:
            logger.info("relevance reader fitted beside the training was for another job; fitting again")
            return None
        try:
            child.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            logger.warning("relevance reader still fitting after %.0f s beside the training; fitting again", wait)
            return None
        if child.process.returncode != 0 or not child.out.is_file():
            err = child.out.parent / "stderr.txt"
            tail = err.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] if err.is_file() else []
            logger.warning("relevance reader fit beside the training failed (exit %s%s); fitting again",
                           child.process.returncode, f": {tail[0]}" if tail else "")
            return None
        result = json.loads(child.out.read_text(encoding="utf-8"))
        if result.get("key") != job.key():  # the child's key is of the files as it read them
            logger.info("corpus or language layer changed during the training; fitting the relevance reader again")
            return None
        return RelevanceReader.from_json(result["reader"])
    finally:
        _stop(child)


def _stop(child: _Child) -> None:
    if child.process.poll() is None:
        child.process.kill()
        child.process.wait()
    shutil.rmtree(child.out.parent, ignore_errors=True)


def _discard() -> None:
    """At exit: a child nobody took (Rasa's cache had the reader) is stopped and its files removed."""
    global _child
    child, _child = _child, None
    if child is not None:
        _stop(child)


def job_from_argv(argv: Sequence[str], cwd: Path = PROJECT_ROOT) -> Optional[ReaderJob]:
    """The reader job of a ``rasa train`` command line (``argv`` without the program), if it trains one.

    ``rasa train`` and ``rasa train nlu`` train the NLU pipeline with the ``--config`` / ``-c``
    file (``config.yml`` by default); ``rasa train core`` and other commands train no reader.
    A config without the reader component gives None too.
    """
    import yaml

    args = list(argv)
    if not args or args[0] != "train" or (len(args) > 1 and args[1] == "core"):
        return None
    config_path = "config.yml"
    for i, arg in enumerate(args):
        if arg in ("--config", "-c") and i + 1 < len(args):
            config_path = args[i + 1]
        elif arg.startswith("--config="):
            config_path = arg.split("=", 1)[1]
    path = Path(config_path) if Path(config_path).is_absolute() else cwd / config_path
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return None  # Rasa reports an unreadable config itself
    for component in config.get("pipeline") or ():
        if isinstance(component, Mapping) and str(component.get("name", "")).split(".")[-1] == COMPONENT:
            return ReaderJob.from_config({k: v for k, v in component.items() if k != "name"})
    return None


def start_from_argv(argv: Sequence[str], cwd: Optional[Path] = None) -> bool:
    """Start the reader's fit in the background if ``rasa train`` with ``argv`` will train one."""
    try:
        job = job_from_argv(argv, cwd or Path.cwd())
    except Exception:  # noqa: BLE001 - never let a head start stop the training itself
        logger.exception("could not read the reader's job from the command line; it fits inline")
        return False
    return job is not None and start(job)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Child entry point: fit one job and write ``{"key", "reader"}`` to ``--out`` (atomically)."""
    ap = argparse.ArgumentParser(description="Fit the relevance reader for one training (internal).")
    ap.add_argument("--job", required=True, help="the ReaderJob as JSON")
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args(argv)
    job = ReaderJob.from_json(args.job)
    key = job.key()
    reader = fit(job)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps({"key": key, "reader": reader.to_json()}), encoding="utf-8")
    tmp.replace(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
