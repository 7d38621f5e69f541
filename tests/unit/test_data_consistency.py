"""The data, the lexicon, the vocabulary and the config agree with each other."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

from bot.domain.vocabulary import CANONICAL, ENTITY_TYPES, ROLES
from bot.language.lexicon import load_lexicon, load_raw
from bot.nlu.spacy_pipeline import PIPELINE_RELPATH
from bot.runtime.datasync import in_sync

ROOT = Path(__file__).resolve().parents[2]
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<plain>[^)]+)\)|\{(?P<json>[^}]+)\})")
TRAIN_FILES = ["data/nlu/describe_operation.yml", "data/nlu/answers.yml", "data/nlu/conversation.yml"]
TEST_FILES = ["heldout/nlu.yml"]
#: volume is numeric; industry is a long tail reported for context only (no rule reads it),
#: so an unknown industry is dropped by the resolver rather than being a data error.
UNCHECKED = ("volume", "industry")


def examples(path: str) -> list[tuple[str, str]]:
    data = yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))
    out = []
    for block in data["nlu"]:
        if "intent" in block:
            for line in block["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    out.append((block["intent"], line[2:]))
    return out


def annotations(line: str) -> list[tuple[str, str, str | None]]:
    out = []
    for m in ANNOTATION.finditer(line):
        if m.group("plain"):
            out.append((m.group("text"), m.group("plain"), None))
        else:
            meta = json.loads("{" + m.group("json") + "}")
            out.append((m.group("text"), meta["entity"], meta.get("role")))
    return out


def plain(line: str) -> str:
    return ANNOTATION.sub(lambda m: m.group("text"), line)


@pytest.mark.parametrize("path", TRAIN_FILES + TEST_FILES)
def test_annotations_use_known_entities_and_roles(path):
    for _intent, line in examples(path):
        for _text, entity, role in annotations(line):
            assert entity in ENTITY_TYPES, line
            assert role is None or (role in ROLES and entity in ("channel", "process")), line


@pytest.mark.parametrize("path", TRAIN_FILES + TEST_FILES)
def test_every_annotated_span_maps_to_a_canonical_value(path):
    lex = load_lexicon()
    missing = sorted({f"{entity}: {text}" for _i, line in examples(path)
                      for text, entity, _r in annotations(line)
                      if entity not in UNCHECKED and lex.canonical(entity, text) is None})
    assert not missing, f"{len(missing)} spans the lexicon cannot map:\n" + "\n".join(missing)


def test_test_set_is_held_out():
    train = {plain(line).lower() for f in TRAIN_FILES for _i, line in examples(f)}
    leaked = [line for _i, line in examples(TEST_FILES[0]) if plain(line).lower() in train]
    assert not leaked


def test_training_data_size_and_coverage():
    rows = [(i, line) for f in TRAIN_FILES for i, line in examples(f)]
    assert sum(i in ("describe_operation", "inform") for i, _ in rows) >= 400
    assert len(examples(TEST_FILES[0])) >= 150
    lex = load_lexicon()
    seen: dict[str, set[str]] = {k: set() for k in CANONICAL}
    for intent, line in rows:
        if intent in ("describe_operation", "inform"):
            for text, entity, _r in annotations(line):
                if entity in CANONICAL:
                    value = lex.canonical(entity, text)
                    if value:
                        seen[entity].add(value)
    for entity in ("channel", "process", "goal", "sourcing", "direction", "model", "automation", "integration"):
        assert seen[entity] == set(CANONICAL[entity]), (entity, set(CANONICAL[entity]) - seen[entity])


def test_lexicon_keys_are_canonical():
    raw = load_raw()
    for entity, values in raw.items():
        assert set(values) == set(CANONICAL[entity]), entity


def test_generated_lookups_and_synonyms_are_in_sync():
    assert in_sync(), "run `scopebot sync-data` and commit data/nlu/lookups.yml and synonyms.yml"


def test_config_points_at_the_versioned_spacy_pipeline():
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    spacy = next(c for c in config["pipeline"] if c["name"] == "SpacyNLP")
    assert spacy["model"] == PIPELINE_RELPATH


def test_business_logic_does_not_import_rasa():
    """The business layers are plain Python: Rasa is reached only from bot/nlu/, bot/rasa_ext/,
    the channels, the actions and the runtime."""
    paths = [p for layer in ("domain", "language", "dialogue", "views", "config")
             for p in (ROOT / "bot" / layer).rglob("*.py")]
    assert len(paths) > 25  # the layers were found
    for path in paths:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] in ("rasa", "rasa_sdk") for n in names), path.name
