"""The four operating models, read from ``operating_models.yml`` and checked on load.

Names, definitions, KPIs and technology used to live in separate Python tables that had to
be kept in step by hand; now a domain person edits one file and every part of the bot
(rulebook, definitions, brief, labels) reads it from here. Loading refuses a file with a
missing or unknown field, an empty list, or two models of the same breadth, so a slip in
the catalogue stops start-up instead of producing a half-described model.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CATALOGUE_PATH = Path(__file__).with_name("operating_models.yml")

#: The recommendation when the signals do not point to any model yet. It is not a model,
#: so it has no row in the catalogue, only a name for sentences.
UNDETERMINED = "UNDETERMINED"
UNDETERMINED_NAME = "not determined yet"


@dataclass(frozen=True)
class OperatingModel:
    id: str
    name: str
    breadth: int
    definition: str
    kpis: tuple[str, ...]
    technology: tuple[str, ...]


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(OperatingModel))


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where} must be non-empty text")
    return " ".join(value.split())


def _texts(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where} must be a non-empty list")
    return tuple(_text(v, f"{where} entry") for v in value)


def parse(raw: Any, source: str = "operating_models.yml") -> tuple[OperatingModel, ...]:
    """The models described by ``raw`` (the parsed YAML), in catalogue order."""
    if not isinstance(raw, dict) or set(raw) != {"models"} or not isinstance(raw["models"], list):
        raise ValueError(f"{source}: expected one key, `models`, holding a list")
    out: list[OperatingModel] = []
    for n, entry in enumerate(raw["models"], 1):
        where = f"{source}: model {n}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where} must be a mapping")
        missing, extra = set(FIELDS) - set(entry), set(entry) - set(FIELDS)
        if missing or extra:
            raise ValueError(f"{where}: missing {sorted(missing)}, unknown {sorted(extra)}")
        where = f"{source}: {entry['id']}"
        if not isinstance(entry["id"], str) or not entry["id"].isupper() or entry["id"] == UNDETERMINED:
            raise ValueError(f"{where}: id must be an upper-case name other than {UNDETERMINED}")
        breadth = entry["breadth"]
        if not isinstance(breadth, int) or isinstance(breadth, bool) or breadth < 1:
            raise ValueError(f"{where}: breadth must be a positive whole number")
        out.append(OperatingModel(
            entry["id"], _text(entry["name"], f"{where} name"), breadth,
            _text(entry["definition"], f"{where} definition"),
            _texts(entry["kpis"], f"{where} kpis"), _texts(entry["technology"], f"{where} technology")))
    for attr in ("id", "name", "breadth"):
        values = [getattr(m, attr) for m in out]
        if len(set(values)) != len(values):
            raise ValueError(f"{source}: two models share a {attr}: {values}")
    if not out:
        raise ValueError(f"{source}: no models")
    return tuple(out)


@lru_cache(maxsize=None)
def load(path: Path = CATALOGUE_PATH) -> tuple[OperatingModel, ...]:
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)


MODELS: tuple[OperatingModel, ...] = load()
MODEL_IDS: tuple[str, ...] = tuple(m.id for m in MODELS)
_BY_ID: dict[str, OperatingModel] = {m.id: m for m in MODELS}


def model(model_id: str) -> OperatingModel:
    """The catalogue row of ``model_id``; a KeyError names an id that is not a model."""
    return _BY_ID[model_id]


def name(model_id: str) -> str:
    """How a recommendation reads in a sentence, including "not determined yet"."""
    return UNDETERMINED_NAME if model_id == UNDETERMINED else _BY_ID[model_id].name


def is_model(value: str) -> bool:
    return value in _BY_ID
