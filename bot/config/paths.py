"""Where things live, and which trained model belongs to the current sources."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = PROJECT_ROOT / "models"
RESULTS_DIR = PROJECT_ROOT / "results"
MODEL_PREFIX = "scopebot-"

#: Everything that changes what `rasa train` produces. The model file is named after a
#: hash of these, so "train only when the data changed" is a file-exists check. The
#: lexicon reaches the model through the generated data/nlu/lookups.yml; the resolver's
#: code is loaded at run time, not stored in the model, so editing it needs no retraining.
#: Code whose changes change what training produces (the spaCy pipeline's build, the relevance
#: reader's features and training); cross-validation's fold models depend on it too.
MODEL_CODE = ("bot/nlu/spacy_pipeline.py", "bot/language/relevance.py", "bot/nlu/mention_relevance.py")
TRAINING_INPUTS = ("config.yml", "domain.yml", "data", *MODEL_CODE)
#: ...except the corpus files training never reads: DIET learns from the generated
#: data/nlu/realtext.yml and the relevance reader from train.jsonl and dev.jsonl, so adding
#: test items never retrains.
NOT_TRAINING_INPUTS = ("data/realtext/test.jsonl", "data/realtext/test.lock", "data/realtext/second_pass.jsonl")


def training_fingerprint(root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            if f.suffix in (".pyc",) or "__pycache__" in f.parts:
                continue
            if f.relative_to(root).as_posix() in NOT_TRAINING_INPUTS:
                continue
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
