"""Where things live, and which trained model belongs to the current sources."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable, Iterator, Optional

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = PROJECT_ROOT / "models"
RESULTS_DIR = PROJECT_ROOT / "results"
MODEL_PREFIX = "scopebot-"

#: Everything that changes what `rasa train` produces. The model file is named after a
#: hash of these, so "train only when the data changed" is a file-exists check. The
#: lexicon reaches DIET through the generated data/nlu/lookups.yml, but the relevance reader
#: learns from the corpus as the lexicon and the resolver read it (corpus_examples), so their
#: files name the model too: a stored reader always matches the reading it was trained on,
#: and a model of a given name is the same on every machine.
#: Code whose changes change what training produces (the spaCy pipeline's build, how a text
#: is cut and read, the relevance reader's features and training); cross-validation's fold
#: models depend on it too.
MODEL_CODE = ("bot/nlu/spacy_pipeline.py", "bot/nlu/parse.py", "bot/nlu/mention_relevance.py",
              "bot/nlu/reader_training.py",
              "bot/nlu/batched_diet.py", "bot/language",
              "bot/domain/vocabulary.py", "bot/domain/signals.py")
TRAINING_INPUTS = ("config.yml", "domain.yml", "data", *MODEL_CODE)
#: ...except the corpus files training never reads: DIET learns from the generated
#: data/nlu/realtext.yml and the relevance reader from train.jsonl and dev.jsonl, so adding
#: test items never retrains.
NOT_TRAINING_INPUTS = ("data/realtext/test.jsonl", "data/realtext/test.lock", "data/realtext/second_pass.jsonl")


def input_files(names: Iterable[str], root: Path = PROJECT_ROOT) -> Iterator[Path]:
    """The files ``names`` (files or folders, relative to ``root``) stand for, in a stable order,
    without caches and without the corpus files training never reads."""
    for name in names:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            if f.suffix == ".pyc" or "__pycache__" in f.parts:
                continue
            if f.relative_to(root).as_posix() in NOT_TRAINING_INPUTS:
                continue
            yield f


def training_fingerprint(root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for f in input_files(TRAINING_INPUTS, root):
        digest.update(str(f.relative_to(root)).encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()[:12]


def current_model_path(root: Path = PROJECT_ROOT) -> Path:
    return root / "models" / f"{MODEL_PREFIX}{training_fingerprint(root)}.tar.gz"


def newest_model(models_dir: Path = MODELS_DIR) -> Optional[Path]:
    if not models_dir.is_dir():
        return None
    found = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None
